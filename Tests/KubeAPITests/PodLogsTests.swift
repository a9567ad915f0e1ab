import ClusterModel
import ControlPlane
import Foundation
@testable import KubeAPI
import Synchronization
import Testing

/// `kubectl logs` (and `-f`) through the `podLogs` hook the engine wires to its pod runtime.
@Suite("kubectl logs")
struct PodLogsTests {
    /// Stands in for the pod runtime's per-container logs.
    final class FakeLogs: Sendable {
        private let text = Mutex<[String: String]>([:])
        func append(_ pod: ObjectKey, _ container: String, _ line: String) {
            text.withLock { $0["\(pod)/\(container)", default: ""] += line + "\n" }
        }
        func read(_ pod: ObjectKey, _ container: String) -> String? { text.withLock { $0["\(pod)/\(container)"] } }
    }

    @Test func logsTailAndFollow() async throws {
        let logs = FakeLogs()
        let c = try await APITestCluster.start(podLogs: { logs.read($0, $1) })
        try c.apply(Fixtures.shop)
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let pod = try #require(c.store.list(Pod.self, namespace: "shop").first)
        logs.append(pod.key, "cart", "GET /hostname 200")
        logs.append(pod.key, "cart", "GET /echo 200")

        let all = try await k.run("logs", pod.name, "-n", "shop")
        #expect(all.status == 0 && all.stdout == "GET /hostname 200\nGET /echo 200\n", "\(all)")
        let tail = try await k.run("logs", pod.name, "-n", "shop", "--tail=1")
        #expect(tail.stdout == "GET /echo 200\n", "\(tail)")
        let wrong = try await k.run("logs", pod.name, "-n", "shop", "-c", "nope")
        #expect(wrong.status == 1 && wrong.stderr.contains("container nope is not valid for pod \(pod.name)"), "\(wrong)")

        let followed = try await k.stream(["logs", "-f", pod.name, "-n", "shop"], timeout: 10, during: {
            try await Task.sleep(for: .milliseconds(300))
            logs.append(pod.key, "cart", "GET /later 200")
        }, until: { $0.contains("GET /later 200\n") })
        #expect(followed.stdout == "GET /hostname 200\nGET /echo 200\nGET /later 200\n", "\(followed)")

        // The stream ends when the pod goes away (deleted once the follow is open, however slowly
        // kubectl starts on a loaded machine).
        let logRequests: @Sendable () throws -> Int = {
            let series = #"apiserver_request_total{code="200",resource="pods/log",verb="get"} "#
            let line = try c.http("GET", "/metrics").body.split(separator: "\n").first { $0.hasPrefix(series) }
            return line.flatMap { Int($0.dropFirst(series.count)) } ?? 0
        }
        let before = try logRequests()
        let ended = try await k.stream(["logs", "-f", pod.name, "-n", "shop", "--tail=0"], timeout: 10, during: {
            let deadline = Date().addingTimeInterval(8)
            while try logRequests() <= before, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            try c.registry.delete(.pods, pod.key, gracePeriodSeconds: 0)
        }, until: { _ in false })
        #expect(ended.status == 0, "kubectl exits by itself: \(ended)")
        await c.stop()
    }

    @Test func withoutAPodRuntimeLogsAreUnavailable() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        let pod = try #require(c.store.list(Pod.self, namespace: "shop").first)
        let r = try c.http("GET", "/api/v1/namespaces/shop/pods/\(pod.name)/log")
        #expect(r.status == 503 && r.json["reason"] as? String == "ServiceUnavailable", "\(r.body)")
        let missing = try c.http("GET", "/api/v1/namespaces/shop/pods/nope/log")
        #expect(missing.status == 404)
        await c.stop()
    }

    @Test(arguments: [("a\nb\n", "a\nb\nc\n", "c\n"), ("a\nb\n", "b\nc\nd\n", "c\nd\n"), ("x\n", "y\n", "y\n"), ("", "a\n", "a\n"),
                      ("b\n", "xb\nb\nc\n", "c\n"), ("b\n", "xb\nc\n", "xb\nc\n")])
    func followDelta(_ sent: String, _ now: String, _ delta: String) {
        #expect(APIHandler.logDelta(sent: sent, now: now) == delta)
    }
}
