import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 10's acceptance, end to end with two processes: an engine running headless with HTTPS
/// and a token (`--api-tls`), and a second process's dashboard (`switchboard top --kubeconfig`)
/// attached to it in a real terminal. The panes show the engine's services; a selector edit
/// made in the attached dashboard changes the engine's endpoints (seen by kubectl through the
/// same kubeconfig). Address block 12 (127.12–14.*).
@Suite("switchboard top attached over TLS", .serialized)
struct AttachOverTLSTests {
    static let api = "127.14.10.254:6443"
    static let flags = ["--service-cidr", "127.12.0.0/16", "--pod-cidr", "127.13.0.0/16",
                        "--node-cidr", "127.14.10.0/24", "--load-balancer-pool", "127.14.200.0/24",
                        "--cluster-dns", "127.12.0.10", "--no-dns-forward", "--api-server", api]

    @Test func attachedDashboardShowsTheEngineAndItsSelectorEditReachesIt() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-attach-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let kubeconfig = home.appendingPathComponent("kubeconfig").path
        let env = ["XDG_STATE_HOME": home.appendingPathComponent("state").path, "HOME": home.path]
        let up = try ServiceProcess(["up", "--headless", "--api-tls", "--write-kubeconfig", kubeconfig] + Self.flags + ["demo-data/"],
                                    environment: env, scratch: home)
        defer { up.kill() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, up.isRunning, !FileManager.default.fileExists(atPath: kubeconfig + ".token") {
            try await Task.sleep(for: .milliseconds(200))
        }
        try #require(FileManager.default.fileExists(atPath: kubeconfig), "no kubeconfig; stderr: \(up.stderr)")

        // The second process: the dashboard attached through the kubeconfig (TLS + token).
        let t = try Tmux(width: 160, height: 40, command: ["top", "--kubeconfig", kubeconfig])
        defer { t.kill() }
        let first = try t.waitFor(timeout: 30) { $0.contains("Services [") && $0.contains(" kubia ") && $0.contains("whoami") }
        #expect(first.contains("127.12."), "the engine's cluster IPs")

        // Edit kubia's selector in the attached dashboard: kubia's endpoints become whoami's pod.
        t.send("/")
        t.sendLiteral(" kubia ClusterIP")
        t.send("Enter")
        _ = try t.waitFor { $0.contains("Services [1]") }
        t.send("e")
        _ = try t.waitFor("Edit selector of service default/kubia")
        t.send("C-u")
        t.sendLiteral("app=whoami")
        t.send("Enter")
        let applied = try t.waitFor(timeout: 20) { $0.contains("set selector of service default/kubia") }
        #expect(applied.contains("default/kubia to app=whoami"), "\(applied)")
        let whoami = try Self.kubectl(["get", "pods", "-l", "app=whoami", "-o", "jsonpath={.items[*].status.podIP}"],
                                      kubeconfig: kubeconfig, home: home)
        #expect(whoami.status == 0 && whoami.out.hasPrefix("127.13."), "\(whoami)")
        var endpoints = ""
        let until = Date().addingTimeInterval(30)
        while Date() < until {
            endpoints = try Self.kubectl(["get", "endpoints", "kubia", "-o", "jsonpath={.subsets[*].addresses[*].ip}"],
                                         kubeconfig: kubeconfig, home: home).out
            if endpoints == whoami.out { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let selector = try Self.kubectl(["get", "svc", "kubia", "-o", "jsonpath={.spec.selector}"], kubeconfig: kubeconfig, home: home)
        #expect(endpoints == whoami.out,
                "kubia's endpoints follow the selector edited in the attached dashboard; selector \(selector), screen:\n\(t.screen())")
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }

    static func kubectl(_ args: [String], kubeconfig: String, home: URL) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        p.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", home.appendingPathComponent("cache").path] + args
        p.environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
