import ClusterModel
import ControlPlane
import Foundation
import Testing

/// Watch streams: kubectl `get -w`, resourceVersion semantics, 410 Expired, and a client that
/// never reads (cut off, memory bounded).
@Suite("Watch")
struct WatchTests {
    @Test func kubectlGetWatchPrintsChanges() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let r = try await k.stream(["get", "-w", "svc", "cart", "-n", "shop"], timeout: 10, during: {
            try await c.waitForWatches(1)
            try c.label(service: "cart", namespace: "shop", "rollout", "1")
        }, until: { $0.split(separator: "\n").count >= 3 })
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(r)")
        #expect(lines.first?.hasPrefix("NAME") == true && lines.dropFirst().allSatisfy { $0.hasPrefix("cart ") }, "\(r)")

        // A list-then-watch of the collection: later changes only, as one-row tables. (The first
        // kubectl's watch must be gone first, or the wait below would see it.)
        try await c.waitForWatches(0)
        #expect(c.server.activeWatches == 0)
        let all = try await k.stream(["get", "-w", "svc", "-n", "shop"], timeout: 10, during: {
            try await c.waitForWatches(1)
            try c.label(service: "cart-np", namespace: "shop", "rollout", "2")
        }, until: { $0.contains("\ncart-np ") && $0.split(separator: "\n").count >= 5 })
        let rows = all.stdout.split(separator: "\n")
        #expect(rows.count == 5 && rows.last?.hasPrefix("cart-np ") == true, "\(all)")
        await c.stop()
    }

    @Test func watchFromResourceVersionAndSyntheticAdded() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        let rv = c.store.resourceVersion
        try c.label(service: "cart", namespace: "shop", "a", "1")
        // From a version: only what happened after it, closed by timeoutSeconds.
        let since = try c.http("GET", "/api/v1/namespaces/shop/services?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
        let events = since.body.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        #expect(events.map { $0["type"] as? String } == ["MODIFIED"], "\(since.body)")
        #expect(((events.first?["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String == "cart")
        // From 0: a synthetic ADDED per matching object, with label and field selectors.
        let fresh = try c.http("GET", "/api/v1/namespaces/shop/services?watch=1&resourceVersion=0&timeoutSeconds=1&labelSelector=a%3D1")
        #expect(fresh.body.split(separator: "\n").count == 1 && fresh.body.contains("\"type\":\"ADDED\""), "\(fresh.body)")
        #expect(fresh.headers["transfer-encoding"] == "chunked")
        await c.stop()
    }

    @Test func labelChangesMoveObjectsInAndOutOfASelection() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        let rv = c.store.resourceVersion
        try c.label(service: "cart-np", namespace: "shop", "watched", "yes")
        try c.label(service: "cart-np", namespace: "shop", "watched", "no")
        let r = try c.http("GET", "/api/v1/services?watch=true&resourceVersion=\(rv)&timeoutSeconds=1&labelSelector=watched%3Dyes")
        let types = r.body.split(separator: "\n").compactMap { line -> String? in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["type"] as? String
        }
        #expect(types == ["ADDED", "DELETED"], "\(r.body)")
        await c.stop()
    }

    @Test func tooOldResourceVersionIsExpired() async throws {
        let c = try await APITestCluster.start(historyLimit: 20)
        try c.apply(Fixtures.shop)
        for i in 0..<30 { try c.label(service: "cart", namespace: "shop", "n", "\(i)") }
        let r = try c.http("GET", "/api/v1/namespaces/shop/services?watch=true&resourceVersion=2")
        let event = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any]
        #expect(event?["type"] as? String == "ERROR", "\(r.body)")
        let status = event?["object"] as? [String: Any]
        #expect(status?["code"] as? Int == 410 && status?["reason"] as? String == "Expired", "\(r.body)")
        #expect((status?["message"] as? String)?.hasPrefix("too old resource version: 2 (") == true)
        await c.stop()
    }

    /// A watcher that never reads: the server queues at most `watchQueueLimit` events for it,
    /// then closes the stream; the server keeps serving everyone else.
    @Test func clientThatNeverReadsIsCutOff() async throws {
        let c = try await APITestCluster.start(watchQueueLimit: 50)
        try c.apply(Fixtures.shop)
        let slow = try RawConnection(host: c.host, port: c.port)
        slow.shrinkReceiveBuffer()
        slow.send("GET /api/v1/services?watch=true&resourceVersion=\(c.store.resourceVersion) HTTP/1.1\r\nHost: x\r\n\r\n")
        try await c.waitForWatches(1)
        #expect(c.server.activeWatches == 1)
        let padding = String(repeating: "x", count: 16 * 1024)
        var writes = 0
        while c.server.activeWatches > 0 && writes < 3000 {
            var svc = c.store.get(Service.self, namespace: "shop", name: "cart")!
            svc.metadata.annotations = ["padding": padding + String(writes)]
            svc.metadata.resourceVersion = nil
            try c.registry.update(.service(svc))
            writes += 1
            if writes % 100 == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await c.waitForWatches(0)
        #expect(c.server.activeWatches == 0, "the stream was closed after \(writes) writes")
        #expect(writes < 3000)
        let metrics = try c.http("GET", "/metrics")
        #expect(metrics.body.contains("switchboard_api_watches_closed_slow_total 1"), "\(metrics.body)")
        let health = try c.http("GET", "/readyz")
        #expect(health.status == 200)
        await c.stop()
    }
}
