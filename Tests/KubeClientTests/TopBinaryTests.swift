import Foundation
import SwitchboardTestSupport
import Testing

/// Runs the built `switchboard` executable.
enum Switchboard {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static var url: URL? {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["SWITCHBOARD_BINARY"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        if let argv0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argv0).deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        candidates.append(Repository.root.appendingPathComponent(".build/debug/switchboard"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs to completion (in the repository root); kills it after `limit` seconds, so a hang
    /// shows as a failed status rather than a stuck suite.
    static func run(_ arguments: [String], limit: Double = 60) throws -> Run {
        guard let url else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "switchboard not built"]) }
        let start = Date()
        let child = try CleanChild([url.path] + arguments, directory: Repository.root.path)
        let r = child.finish(limit: limit)
        return Run(status: r.status, stdout: r.stdout, stderr: r.stderr, seconds: Date().timeIntervalSince(start))
    }
}

@Suite("switchboard top", .serialized)
struct TopBinaryTests {
    /// Address block 6: services 127.6/16, pods 127.7/16, nodes and the API in 127.8.
    static let addressFlags = ["--service-cidr", "127.6.0.0/16", "--pod-cidr", "127.7.0.0/16",
                               "--node-cidr", "127.8.10.0/24", "--load-balancer-pool", "127.8.200.0/24",
                               "--cluster-dns", "127.6.0.10", "--no-dns-forward",
                               "--api-server", "127.8.10.254:16443"]

    @Test func topAttachesToAHeadlessEngineAndPrintsItsServices() async throws {
        let url = try #require(Switchboard.url)
        let up = try CleanChild([url.path, "up", "--headless", "demo-data/"] + Self.addressFlags, directory: Repository.root.path)
        defer { up.stop() }
        var run = Switchboard.Run(status: -1, stdout: "", stderr: "", seconds: 0)
        let attached = await eventually(timeout: 30) {
            run = (try? Switchboard.run(["top", "--server", "http://127.8.10.254:16443", "--once", "--view", "svc"])) ?? run
            // Settled: kubia-lb counts its three endpoints ready (readiness probes take a moment).
            return run.status == 0 && run.stdout.contains("kubia-nodeport")
                && run.stdout.split(separator: "\n").contains { $0.contains(" kubia-lb ") && $0.contains("3/3") }
        }
        #expect(attached, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first?.prefix(4) == ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP"])
        let kubia = try #require(rows.first { $0.count > 3 && $0[1] == "kubia" })
        #expect(kubia[2] == "ClusterIP")
        #expect(kubia[3].hasPrefix("127.6."))
        // The same frame `up --once` would print for those objects: endpoints counted from the slices.
        let lb = try #require(rows.first { $0.count > 1 && $0[1] == "kubia-lb" })
        #expect(lb.contains("3/3"), "\(lb)")
        // Recording works the same attached: what top saw replays.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sb-top-\(UUID().uuidString).swrec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let recorded = try Switchboard.run(["top", "--server", "http://127.8.10.254:16443", "--once", "--view", "svc",
                                            "--record", file])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let replayed = try Switchboard.run(["replay", file, "--once", "--view", "svc"])
        #expect(replayed.status == 0 && replayed.stdout.contains("kubia-nodeport"), "\(replayed.stdout)\(replayed.stderr)")
        // Traffic from the engine's own /metrics: the demo's load generators keep kubia busy.
        let metered = try Switchboard.run(["top", "--server", "http://127.8.10.254:16443", "--metrics-url",
                                           "http://127.8.10.254:16443/metrics", "--interval", "1", "--once", "--view", "svc"])
        #expect(metered.status == 0, "\(metered.stderr)")
        let busy = try #require(metered.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .first { $0.count > 8 && $0[1] == "kubia" && $0[2] == "ClusterIP" })
        let rate = busy.firstIndex { $0.contains("/") && $0.first?.isNumber == true }.map { Double(busy[$0 + 1]) ?? 0 } ?? 0
        #expect(rate > 0, "kubia's CONN/S from /metrics: \(busy)")
        let pods = try Switchboard.run(["top", "--server", "http://127.8.10.254:16443", "--once", "--view", "pods", "-o", "json"])
        #expect(pods.status == 0)
        #expect(pods.stdout.contains(#""ip" : "127.7."#), "\(pods.stdout.prefix(400))")
    }

    @Test func aWrongTokenIsAClearMessageAndAFailure() async throws {
        let server = FixtureServer { r in
            r.headers["authorization"] == "Bearer right" ? FixtureServer.emptyList("Service")
                : .json(401, FixtureServer.fixture("status-401.json"))
        }
        let port = try await server.start(host: "127.236.0.2")
        defer { Task { await server.stop() } }
        let run = try Switchboard.run(["top", "--server", "http://127.236.0.2:\(port)", "--token", "wrong", "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("refused the credentials (401 Unauthorized)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.seconds < 30)
        #expect(server.requests.first?.headers["authorization"] == "Bearer wrong")
    }

    @Test func aKubeconfigContextChoosesServerAndToken() async throws {
        let server = FixtureServer { r in
            guard r.headers["authorization"] == "Bearer right" else { return .json(401, FixtureServer.fixture("status-401.json")) }
            if r.queryValue("watch") == "true" { return .chunks([], delay: 0, keepOpen: true) }
            return r.path == "/api/v1/services" ? .json(200, FixtureServer.fixture("services-list.json"))
                : FixtureServer.emptyList(r.path.split(separator: "/").last.map(String.init) ?? "")
        }
        let port = try await server.start(host: "127.236.0.5")
        defer { Task { await server.stop() } }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
        apiVersion: v1
        kind: Config
        current-context: stale
        clusters: [{name: fixture, cluster: {server: "http://127.236.0.5:\(port)"}}]
        users: [{name: good, user: {token: right}}, {name: bad, user: {token: wrong}}]
        contexts:
        - {name: stale, context: {cluster: fixture, user: bad}}
        - {name: prod, context: {cluster: fixture, user: good}}
        """.write(to: file, atomically: true, encoding: .utf8)
        let good = try Switchboard.run(["top", "--kubeconfig", file.path, "--context", "prod", "--once", "--read-only"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("web") && good.stdout.contains("10.96.142.7"), "\(good.stdout)")
        let stale = try Switchboard.run(["top", "--kubeconfig", file.path, "--once"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("401 Unauthorized"), "\(stale.stderr)")
        let missing = try Switchboard.run(["top", "--kubeconfig", file.path, "--context", "nope", "--once"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"context "nope" not found"#), "\(missing.stderr)")
    }

    @Test func anUnreachableOrSilentServerIsAClearMessageWithinABound() async throws {
        let refused = try Switchboard.run(["top", "--server", "http://127.236.0.3:1", "--once"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot connect to http://127.236.0.3:1: connection refused"), "\(refused.stderr)")
        let server = FixtureServer { _ in .silence }
        let port = try await server.start(host: "127.236.0.4")
        defer { Task { await server.stop() } }
        let silent = try Switchboard.run(["top", "--server", "http://127.236.0.4:\(port)", "--once", "--request-timeout", "1"])
        #expect(silent.status == 1)
        #expect(silent.stderr.contains("did not answer"), "\(silent.stderr)")
        #expect(silent.seconds < 30)
    }
}
