import ClusterModel
import ControlPlane
@testable import DataPlane
import Dispatch
import NIOCore
import NIOPosix
import Telemetry
import Testing

/// Upstreams that vanish around the moment a pod terminates: every client connection must end
/// (served, refused or reset) within a bound, and the proxy must keep no orphaned client leg.
@Suite("Proxy upstream loss", .serialized, .timeLimit(.minutes(1)))
struct ProxyUpstreamLossTests {
    @Test func listenerClosingWithQueuedConnectionsResetsTheirClients() async throws {
        let c = try await UpstreamLossCluster(block: 62)
        let vip = try await c.service("kubia")
        let pod = c.podIP(node: 1, 201)
        let listener = try BacklogListener(pod, 8080)
        try await c.slice("kubia", [pod])
        let endings = await withTaskGroup(of: ClientEnding.self) { g in
            for _ in 0..<4 { g.addTask { await c.attempt(vip) } }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(300))
                listener.close()
                return ClientEnding(how: "eof", text: "closer")
            }
            return await g.reduce(into: []) { $0.append($1) }
        }
        #expect(endings.allSatisfy { $0.ended }, "\(endings)")
        #expect(await c.settledActive("kubia") == 0)
        await c.stop()
    }

    @Test(arguments: [false, true])
    func podClosingRightAfterAcceptEndsTheClient(reset: Bool) async throws {
        let c = try await UpstreamLossCluster(block: 62)
        let vip = try await c.service("kubia")
        let pod = c.podIP(node: 1, 202)
        let listener = try BacklogListener(pod, 8080)
        try await c.slice("kubia", [pod])
        let endings = await withTaskGroup(of: ClientEnding.self) { g in
            for i in 0..<4 { g.addTask { await c.attempt(vip, finAfter: i % 2 == 1) } }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(200))
                _ = try? await offPool { for _ in 0..<4 { listener.acceptAndClose(reset: reset) } }
                return ClientEnding(how: "eof", text: "closer")
            }
            return await g.reduce(into: []) { $0.append($1) }
        }
        listener.close()
        #expect(endings.allSatisfy { $0.ended }, "\(endings)")
        #expect(await c.settledActive("kubia") == 0)
        await c.stop()
    }

    @Test func clientFINBeforeTheUpstreamConnectsEndsTheClient() async throws {
        let c = try await UpstreamLossCluster(block: 62)
        let vip = try await c.service("kubia")
        // Nothing listens on the pod: the upstream connect is refused while the client has
        // already half-closed.
        try await c.slice("kubia", [c.podIP(node: 1, 203)])
        var endings: [ClientEnding] = []
        for i in 0..<6 { endings.append(await c.attempt(vip, finFirst: i % 2 == 0, finAfter: i % 2 == 1)) }
        #expect(endings.allSatisfy { $0.ended }, "\(endings)")
        #expect(await c.settledActive("kubia") == 0)
        await c.stop()
    }

    @Test func clientIPAffinityToAPodThatStoppedListeningResetsThenMoves() async throws {
        let c = try await UpstreamLossCluster(block: 62)
        let vip = try await c.service("kubia") {
            $0.sessionAffinity = "ClientIP"
            $0.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 600))
        }
        let old = c.podIP(node: 1, 204)
        let backend = try await ProxyTestBackend.start(group: c.group, ip: old, port: 8080, kind: .whoami)
        try await c.slice("kubia", [old])
        let me = c.outsideIP(1)
        let served = await c.attempt(vip, from: me)
        #expect(served.text.hasPrefix("\(old):8080"), "\(served)")
        // The pod stops listening before its endpoint is withdrawn: the pinned client is reset.
        try await backend.close()
        var endings: [ClientEnding] = []
        for _ in 0..<5 { endings.append(await c.attempt(vip, from: me)) }
        #expect(endings.allSatisfy { $0.how == "reset" || $0.how == "eof" }, "\(endings)")
        let new = c.podIP(node: 2, 204)
        let replacement = try await ProxyTestBackend.start(group: c.group, ip: new, port: 8080, kind: .whoami)
        try await c.slice("kubia", [new])
        let moved = await c.attempt(vip, from: me)
        #expect(moved.text.hasPrefix("\(new):8080"), "\(moved)")
        #expect(await c.settledActive("kubia") == 0)
        try await replacement.close()
        await c.stop()
    }
}
