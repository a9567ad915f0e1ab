import ClusterModel
import ControlPlane
@testable import DataPlane
import NIOCore
import NIOPosix
import Synchronization
import Telemetry
import Testing

/// Deterministic balancer for tests: 0, 1, 2, … modulo the bound, so without affinity consecutive
/// connections would rotate — affinity is then the only reason they stick.
final class ProxyCountingRandom: ProxyRandomSource {
    let counter = Atomic<Int>(0)
    func next(below upperBound: Int) -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue % upperBound }
}

@Suite("Proxy behaviour", .timeLimit(.minutes(1)))
struct ProxyBehaviourTests {
    @Test func clientIPAffinityPinsSpreadsMovesAndExpires() async throws {
        let c = try await ProxyTestCluster(block: 127) { $0.random = ProxyCountingRandom() }
        try await c.service("sticky") {
            $0.sessionAffinity = "ClientIP"
            $0.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 60))
        }
        let pods = (1...3).map { c.podIP(node: $0, 201) }
        for p in pods { try await c.backend(p, 8080) }
        let eps = pods.enumerated().map { ProxyTestCluster.EP(ip: $0.element, node: "node-\($0.offset + 1)") }
        try await c.slice("sticky", eps)
        let vip = c.clusterIP("sticky")
        let me = c.outsideIP(1)
        var hits: Set<String> = []
        for _ in 0..<100 { hits.insert(await c.request(vip, 80, from: me).backend ?? "none") }
        #expect(hits.count == 1 && !hits.contains("none"), "\(hits)")
        let pinned = try #require(hits.first)
        var spread: Set<String> = []
        for i in 11...15 { spread.insert(await c.request(vip, 80, from: c.outsideIP(i)).backend ?? "none") }
        #expect(spread.count == 3, "5 client IPs over 3 endpoints")
        var snap = await c.proxy.snapshot()
        let table = try #require(snap.port("sticky")?.affinity)
        #expect(table.count == 6)
        #expect(table.first { $0.clientIP == me }?.endpoint == pinned)
        #expect(snap.port("sticky")?.sessionAffinityTimeoutSeconds == 60)
        // Sliding window: 50 s + 50 s apart, each connection refreshes it.
        c.clock.advance(by: 50)
        #expect(await c.request(vip, 80, from: me).backend == pinned)
        c.clock.advance(by: 50)
        #expect(await c.request(vip, 80, from: me).backend == pinned)
        // The pinned endpoint goes away: the client moves, and sticks to the new one.
        try await c.slice("sticky", eps.filter { "\($0.ip):8080" != pinned })
        let moved = try #require(await c.request(vip, 80, from: me).backend)
        #expect(moved != pinned)
        for _ in 0..<10 { #expect(await c.request(vip, 80, from: me).backend == moved) }
        // Idle past the timeout: the record is reaped.
        c.clock.advance(by: 61)
        snap = await c.proxy.snapshot()
        #expect(snap.port("sticky")?.affinity.isEmpty == true)
        await c.stop()
    }

    @Test func misbehavingClientsAffectOnlyTheirOwnConnection() async throws {
        let c = try await ProxyTestCluster(block: 130)
        try await c.service("echo")
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080, .echo)
        try await c.slice("echo", [.init(ip: pod, node: "node-1")])
        let vip = c.clusterIP("echo")
        let steady = try ProxyRawSocket(to: vip, 80)
        steady.send("one")
        #expect(try await offPool { steady.receive(upTo: 3).text } == "one")
        // Garbage then reset mid-stream.
        let rude = try ProxyRawSocket(to: vip, 80)
        rude.send("hi")
        #expect(try await offPool { rude.receive(upTo: 2).text } == "hi")
        rude.send(String(repeating: "\u{0}\u{ff}garbage", count: 1000))
        rude.reset()
        // Half-close: the echo still comes back, then EOF.
        let half = try ProxyRawSocket(to: vip, 80)
        half.send("half")
        half.shutdownWrite()
        let r = try await offPool { half.receive() }
        #expect(r.text == "half" && r.ended == "eof", "\(r)")
        half.close()
        // The steady connection is unaffected.
        steady.send("two")
        #expect(try await offPool { steady.receive(upTo: 3).text } == "two")
        steady.close()
        // A backend reset reaches the client as a reset.
        // A flow record is written as its connection finishes; wait for all three, not only for
        // the active count to reach zero (the two are not one atomic step).
        let snap = await Self.settled(c) {
            $0.port("echo")?.traffic.counters.activeConnections == 0
                && $0.recentFlows.filter { $0.servicePort == "default/echo:http" }.count == 3
        }
        let flows = snap.recentFlows.filter { $0.servicePort == "default/echo:http" }
        #expect(flows.count == 3)
        #expect(flows.contains { $0.outcome == .reset })
        #expect(flows.filter { $0.outcome == .closed }.count == 2)
        await c.stop()
    }

    @Test func unrelatedChangesNeverRestartListenersOrDropConnections() async throws {
        let c = try await ProxyTestCluster(block: 133)
        try await c.service("a")
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080, .echo)
        try await c.slice("a", [.init(ip: pod, node: "node-1")])
        let held = try ProxyRawSocket(to: c.clusterIP("a"), 80)
        held.send("x")
        #expect(try await offPool { held.receive(upTo: 1).text } == "x")
        let binds = await c.proxy.listenerBindCount()
        // Another service comes and changes; a's endpoints change too (same address).
        try await c.service("b")
        try await c.slice("b", [.init(ip: c.podIP(node: 2, 202), node: "node-2")])
        try await c.slice("b", [.init(ip: c.podIP(node: 2, 203), node: "node-2")])
        let pod2 = c.podIP(node: 2, 201)
        try await c.backend(pod2, 8080, .echo)
        try await c.slice("a", [.init(ip: pod, node: "node-1"), .init(ip: pod2, node: "node-2")])
        #expect(await c.proxy.listenerBindCount() == binds + 1, "only b's listener was bound")
        held.send("y")
        #expect(try await offPool { held.receive(upTo: 1).text } == "y")
        // Even removing the held connection's endpoint leaves the established connection alone.
        try await c.slice("a", [.init(ip: pod2, node: "node-2")])
        held.send("z")
        #expect(try await offPool { held.receive(upTo: 1).text } == "z")
        held.close()
        await c.stop()
    }

    @Test func statsCountersAndFlowsReflectTraffic() async throws {
        let c = try await ProxyTestCluster(block: 136)
        try await c.service("echo")
        let pods = [c.podIP(node: 1, 201), c.podIP(node: 2, 201)]
        for p in pods { try await c.backend(p, 8080, .echo) }
        try await c.slice("echo", [.init(ip: pods[0], node: "node-1"), .init(ip: pods[1], node: "node-2")])
        let vip = c.clusterIP("echo")
        let payload = String(repeating: "abcdefgh", count: 1000)  // 8000 bytes
        for _ in 0..<10 {
            let s = try ProxyRawSocket(to: vip, 80, from: c.podIP(node: 3, 250))
            s.send(payload)
            s.shutdownWrite()
            let r = try await offPool { s.receive() }
            #expect(r.text.count == 8000 && r.ended == "eof")
            s.close()
        }
        let snap = await Self.settled(c) { $0.port("echo")?.traffic.counters.activeConnections == 0 }
        let port = try #require(snap.port("echo"))
        #expect(port.traffic.counters.totalConnections == 10)
        #expect(port.traffic.counters.bytesIn == 80_000 && port.traffic.counters.bytesOut == 80_000)
        #expect(port.traffic.connectLatency.count == 10 && port.traffic.duration.count == 10)
        #expect(port.traffic.connectLatency.p50 > 0 && port.traffic.connectLatency.max >= port.traffic.connectLatency.p99)
        #expect(port.endpoints.map(\.traffic.counters.totalConnections).reduce(0, +) == 10)
        #expect(port.endpoints.map(\.traffic.counters.bytesOut).reduce(0, +) == 80_000)
        // Cluster-IP traffic from a pod counts on the pod's node.
        #expect(snap.nodes.first { $0.name == "node-3" }?.traffic.counters.totalConnections == 10)
        let flows = snap.recentFlows.filter { $0.servicePort == "default/echo:http" }
        #expect(flows.count == 10)
        #expect(flows.allSatisfy { $0.bytesIn == 8000 && $0.bytesOut == 8000 && $0.outcome == .closed })
        #expect(flows.allSatisfy { $0.frontend == "\(vip):80" && $0.client.hasPrefix(c.podIP(node: 3, 250)) })
        #expect(Set(flows.compactMap(\.endpoint)).isSubset(of: Set(pods.map { "\($0):8080" })))
        // Snapshots encode (recordings store them).
        _ = try JSONEncoderLite.roundTrip(snap)
        await c.stop()
    }

    @Test func privilegedPortsFailWithReasonOrRemapWhenAskedTo() async throws {
        let c = try await ProxyTestCluster(block: 139) { $0.unprivilegedPortStart = 1024 }
        try await c.service("web")
        try await c.service("alt", ports: [ServicePort(name: "http", port: 8081, targetPort: .int(8080))])
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080)
        try await c.slice("web", [.init(ip: pod, node: "node-1")])
        try await c.slice("alt", [.init(ip: pod, node: "node-1")])
        let snap = await c.proxy.snapshot()
        let web = try #require(snap.listeners.first { $0.service == "default/web" })
        #expect(web.state == .failed)
        #expect(web.reason?.contains("privileged") == true && web.reason?.contains("privilegedPortRemap") == true)
        #expect(await c.request(c.clusterIP("alt"), 8081).backend == "\(pod):8080", "everything else keeps working")
        await c.stop()

        let r = try await ProxyTestCluster(block: 142) {
            $0.unprivilegedPortStart = 1024
            $0.privilegedPortRemap = 20000
        }
        try await r.service("web")
        try await r.backend(r.podIP(node: 1, 201), 8080)
        try await r.slice("web", [.init(ip: r.podIP(node: 1, 201), node: "node-1")])
        let rs = await r.proxy.snapshot()
        #expect(rs.privilegedPortRemap == 20000)
        #expect(rs.listeners.first { $0.service == "default/web" }?.boundPort == 20080)
        #expect(await r.request(r.clusterIP("web"), 20080).backend == "\(r.podIP(node: 1, 201)):8080")
        await r.stop()
    }

    @Test func addressInUseIsReportedPerListenerAndRetried() async throws {
        let c = try await ProxyTestCluster(block: 145)
        let blocker = try await ProxyTestBackend.start(group: c.group, ip: "127.145.0.50", port: 80, kind: .whoami)
        try await c.service("taken") { $0.clusterIP = "127.145.0.50" }
        try await c.service("free")
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080)
        try await c.slice("taken", [.init(ip: pod, node: "node-1")])
        try await c.slice("free", [.init(ip: pod, node: "node-1")])
        var snap = await c.proxy.snapshot()
        let taken = try #require(snap.listeners.first { $0.service == "default/taken" })
        #expect(taken.state == .failed && taken.reason?.contains("already in use") == true, "\(taken)")
        #expect(await c.request(c.clusterIP("free"), 80).backend == "\(pod):8080")
        try await blocker.close()
        try await c.slice("taken", [.init(ip: pod, node: "node-1"), .init(ip: c.podIP(node: 2, 9), node: "node-2", ready: false)])
        snap = await c.proxy.snapshot()
        #expect(snap.listeners.first { $0.service == "default/taken" }?.state == .bound)
        await c.stop()
    }

    /// Polls snapshots until `done` (connection teardown is asynchronous), at most ~2 s.
    static func settled(_ c: ProxyTestCluster, _ done: (ProxySnapshot) -> Bool) async -> ProxySnapshot {
        var snap = await c.proxy.snapshot()
        for _ in 0..<100 where !done(snap) {
            try? await Task.sleep(for: .milliseconds(20))
            snap = await c.proxy.snapshot()
        }
        return snap
    }
}

import Foundation

enum JSONEncoderLite {
    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let data = try JSONEncoder().encode(value)
        let back = try JSONDecoder().decode(T.self, from: data)
        #expect(back == value)
        return back
    }
}
