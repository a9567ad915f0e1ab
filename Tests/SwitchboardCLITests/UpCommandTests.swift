import Foundation
import SwitchboardTestSupport
import Testing

@Suite("switchboard up --once")
struct UpCommandTests {
    static let flags = ["--service-cidr", "127.230.0.0/18", "--pod-cidr", "127.230.64.0/18",
                         "--node-cidr", "127.230.200.0/24", "--load-balancer-pool", "127.230.250.0/24",
                         "--cluster-dns", "127.230.0.10", "--no-dns-forward", "--interval", "0.3",
                         "--api-server", "127.230.200.254:6443"]

    /// `--once` runs the live engine for one sampling period and prints one view, for scripts.
    @Test func oncePrintsViewsOfTheComputedCluster() throws {
        let svc = try SwitchboardBinary.run(["up", "--once", "--view", "svc", "demo-data/"] + Self.flags)
        #expect(svc.status == 0, "\(svc.stderr)")
        let rows = svc.lines.map { $0.split(separator: " ").map(String.init) }
        let kubia = try #require(rows.first { $0.count > 3 && $0[1] == "kubia" })
        #expect(kubia[2] == "ClusterIP" && kubia[3].hasPrefix("127.230.") && kubia.contains("ClientIP"))
        #expect(rows.contains { $0.count > 4 && $0[1] == "kubia-nodeport" && $0[4].contains(":30080") })
        #expect(rows.contains { $0.count > 3 && $0[1] == "external-api" && $0[3] == "api.example.com" })
        // Three kubia pods, each with a pod IP from its node's /24.
        let pods = try SwitchboardBinary.run(["up", "--once", "--view", "pods", "demo-data/"] + Self.flags)
        #expect(pods.status == 0, "\(pods.stderr)")
        let kubiaPods = pods.lines.map { $0.split(separator: " ").map(String.init) }.filter { $0.count >= 7 && $0[1].hasPrefix("kubia-") && !$0[1].hasPrefix("kubia-client-") }
        #expect(kubiaPods.count == 3)
        for cols in kubiaPods {
            let ip = cols[cols.count - 2], node = cols[cols.count - 1]
            #expect(ip.hasPrefix("127.230.\(64 + Int(node.dropFirst(5))!)."), "\(cols)")
        }
        // JSON for scripts.
        let json = try SwitchboardBinary.run(["up", "--once", "--view", "svc", "-o", "json", "demo-data/"] + Self.flags)
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"kubia\""))
    }

    @Test func invalidManifestRefusesToStartListingEveryError() throws {
        let path = try CheckCommandTests.write("""
            apiVersion: v1
            kind: Service
            metadata:
              name: Bad_Name
            spec:
              selector: {app: x}
              ports:
              - port: 80
              - port: 81
            """, name: "up-bad.yaml")
        defer { CheckCommandTests.remove(path) }
        let run = try SwitchboardBinary.run(["up", "--once", "demo-data/", path] + Self.flags)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty, "nothing starts")
        #expect(run.stderr.contains("metadata.name: Invalid value: \"Bad_Name\""))
        #expect(run.stderr.contains("spec.ports[0].name: Required value"))
        #expect(run.stderr.contains("spec.ports[1].name: Required value"))
        #expect(run.stderr.contains("refusing to start"))
    }
}

/// A failure a new user meets: the API port is taken (a second `switchboard up`, say). The
/// message names the address and says what to do. Address block 15 (127.15–17.*).
@Suite("switchboard up with a port taken")
struct UpPortTakenTests {
    @Test func aTakenAPIPortSaysWhatToDo() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(6443).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.17.200.254")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        let run = try SwitchboardBinary.run(["up", "--once", "demo-data/", "--service-cidr", "127.15.0.0/16",
                                             "--pod-cidr", "127.16.0.0/16", "--node-cidr", "127.17.10.0/24",
                                             "--load-balancer-pool", "127.17.200.0/24", "--cluster-dns", "127.15.0.10",
                                             "--no-dns-forward", "--api-server", "127.17.200.254:6443"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("127.17.200.254:6443"), "\(run.stderr)")
        #expect(run.stderr.contains("already listens there") && run.stderr.contains("--api-server"), "\(run.stderr)")
    }
}
