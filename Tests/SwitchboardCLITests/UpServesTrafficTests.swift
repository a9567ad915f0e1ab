import Foundation
import SwitchboardTestSupport
import Testing

/// The real binary, headless, on the demo manifests, with its own address block: curl reaches
/// the kubia pods through the service's cluster IP, a NodePort and a LoadBalancer address.
@Suite("switchboard up --headless serves traffic", .serialized)
struct UpServesTrafficTests {
    static let addressFlags = ["--service-cidr", "127.220.0.0/16", "--pod-cidr", "127.221.0.0/16",
                               "--node-cidr", "127.222.10.0/24", "--load-balancer-pool", "127.222.200.0/24",
                               "--cluster-dns", "127.220.0.10", "--no-dns-forward",
                               "--api-server", "127.222.10.254:6443"]

    @Test func curlReachesPodsThroughTheService() async throws {
        let up = try HeadlessSwitchboard(arguments: ["up", "--headless", "demo-data/"] + Self.addressFlags)
        defer { up.stop() }
        let services = try up.waitForSection("SERVICES", until: "ENDPOINTS")
        let kubia = try #require(services.first { $0.count > 3 && $0[1] == "kubia" && $0[2] == "ClusterIP" })
        let clusterIP = kubia[3]
        #expect(clusterIP.hasPrefix("127.220."))
        let body = try await Curl.get("http://\(clusterIP)/hostname", eventually: true)
        #expect(body.hasPrefix("kubia-"), "got \(body)")
        // ClientIP affinity: the same client keeps landing on the same pod.
        for _ in 0..<5 { #expect(try await Curl.get("http://\(clusterIP)/hostname") == body) }
        // NodePort on every node, and the LoadBalancer address from the pool.
        for node in 1...3 { #expect(try await Curl.get("http://127.222.10.\(node):30080/hostname").hasPrefix("kubia-")) }
        let lb = try #require(services.first { $0.count > 4 && $0[1] == "kubia-lb" })
        #expect(lb[4].hasPrefix("127.222.200."))
        // externalTrafficPolicy Cluster: the pod sees the node's address, not the client's.
        let seen = try await Curl.get("http://\(lb[4])/clientip", from: "127.223.0.9")
        #expect(seen.hasPrefix("127.222.10."), "got \(seen)")
        let local = try #require(services.first { $0.count > 4 && $0[1] == "whoami-local" })
        // externalTrafficPolicy Local: the pod sees the client's own address.
        let seenLocal = try await Curl.get("http://\(local[4]):8080/clientip", from: "127.223.0.9", eventually: true)
        #expect(seenLocal.hasPrefix("127.223.0.9:"), "got \(seenLocal)")
        // Cluster DNS on the kube-dns address answers the real dig, FQDN and SRV.
        let db = try #require(services.first { $0.count > 3 && $0[1] == "backend-database" })
        #expect(try Dig.query("backend-database.default.svc.cluster.local", server: "127.220.0.10") == [db[3]])
        let srv = try Dig.query("_postgres._tcp.backend-database.default.svc.cluster.local", type: "SRV", server: "127.220.0.10")
        #expect(srv.first?.hasSuffix("5432 backend-database.default.svc.cluster.local.") == true, "\(srv)")
        #expect(try Dig.status("nothing-here.default.svc.cluster.local", server: "127.220.0.10") == "NXDOMAIN")
        // The real kubectl, no kubeconfig, against the engine's API.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let k = Process()
        k.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        k.arguments = ["--server", "http://127.222.10.254:6443", "--cache-dir", home.path, "get", "svc"]
        k.environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "KUBECONFIG": home.appendingPathComponent("none").path]
        let kout = Pipe()
        k.standardOutput = kout
        k.standardError = FileHandle.nullDevice
        try k.run()
        let listing = String(decoding: kout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        k.waitUntilExit()
        #expect(k.terminationStatus == 0)
        #expect(listing.contains("kubia") && listing.contains(clusterIP) && listing.contains("CLUSTER-IP"), "\(listing)")
        let status = up.terminate()
        #expect(status == 0, "SIGTERM ends it cleanly")
    }
}

/// `curl`, as a user would run it. Missing curl fails the test (CI installs it).
enum Curl {
    static func get(_ url: String, from source: String? = nil, eventually: Bool = false) async throws -> String {
        let deadline = Date().addingTimeInterval(eventually ? 15 : 3)
        while true {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-s", "-f", "-m", "2"] + (source.map { ["--interface", $0] } ?? []) + [url]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if p.terminationStatus == 0 { return String(decoding: data, as: UTF8.self) }
            if Date() > deadline { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "curl \(url) failed: exit \(p.terminationStatus)"]) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// The binary running in the background; stdout collected line by line.
final class HeadlessSwitchboard: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var buffer = ""

    init(arguments: [String]) throws {
        guard let url = SwitchboardBinary.url else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock()
            self.buffer += String(decoding: d, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    /// The rows (split on spaces) of a printed section, once `until` has been printed.
    func waitForSection(_ title: String, until next: String, timeout: TimeInterval = 20) throws -> [[String]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            lock.lock()
            let text = buffer
            lock.unlock()
            if let start = text.range(of: "\n\(title)\n") ?? text.range(of: "\(title)\n"),
               let end = text.range(of: "\n\(next)\n", range: start.upperBound..<text.endIndex) {
                return text[start.upperBound..<end.lowerBound].split(separator: "\n").dropFirst()
                    .map { $0.split(separator: " ").map(String.init) }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no \(title) section within \(timeout) s"])
    }

    /// SIGTERM, then the exit status (SIGKILL after 10 s).
    func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }

    func stop() { _ = terminate() }
}

/// The real `dig`, short answers.
enum Dig {
    static func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/dig")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func query(_ name: String, type: String = "A", server: String) throws -> [String] {
        try run(["@\(server)", "+short", "+time=2", "+tries=1", name, type]).split(separator: "\n").map(String.init)
    }

    static func status(_ name: String, server: String) throws -> String? {
        let text = try run(["@\(server)", "+time=2", "+tries=1", name, "A"])
        guard let r = text.range(of: "status: ") else { return nil }
        return String(text[r.upperBound...].prefix { $0 != "," })
    }
}
