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
                await onOwnThread { for _ in 0..<4 { listener.acceptAndClose(reset: reset) } }
                return ClientEnding(how: "eof", text: "closer")
            }
            return await g.reduce(into: []) { $0.append($1) }
        }
        listener.close()
        #expect(endings.allSatisfy { $0.ended }, "\(endings)")
        #expect(await c.settledActive("kubia") == 0)
        await c.stop()
    }

    /// The accepted channel is set up on its child loop and registered a hop later; a refused
    /// connect often finishes first. Sixteen at once make both orders all but certain.
    @Test func refusedUpstreamResetsEveryClientWhateverItSentFirst() async throws {
        let c = try await UpstreamLossCluster(block: 62)
        let vip = try await c.service("kubia")
        try await c.slice("kubia", [c.podIP(node: 1, 203)])  // nothing listens there
        let endings = await withTaskGroup(of: ClientEnding.self) { g in
            for i in 0..<16 { g.addTask { await c.attempt(vip, finFirst: i % 3 == 1, finAfter: i % 3 == 2) } }
            return await g.reduce(into: []) { $0.append($1) }
        }
        #expect(endings.allSatisfy { $0.how == "reset" || $0.how == "eof" }, "\(endings)")
        #expect(await c.settledActive("kubia") == 0)
        let snap = await c.proxy.snapshot()
        #expect(snap.port("kubia")?.traffic.counters.failedConnects == 16)
        await c.stop()
    }

    /// A client that half-closes before the upstream is connected still gets its answer: the FIN
    /// is passed on once the upstream is connected, never as a shutdown of a connecting socket.
    @Test func halfCloseBeforeTheUpstreamConnectsReachesThePodAsFIN() async throws {
        let c = try await UpstreamLossCluster(block: 66)
        let vip = try await c.service("echo")
        let pod = c.podIP(node: 1, 201)
        let echo = try await ProxyTestBackend.start(group: c.group, ip: pod, port: 8080, kind: .echo)
        try await c.slice("echo", [pod])
        let endings = await withTaskGroup(of: ClientEnding.self) { g in
            for i in 0..<8 { g.addTask { await c.attempt(vip, finFirst: i % 2 == 0, finAfter: i % 2 == 1) } }
            return await g.reduce(into: []) { $0.append($1) }
        }
        let request = "GET /hostname HTTP/1.1\r\nHost: kubia\r\n\r\n"
        #expect(endings.filter { $0.how == "eof" && $0.text.isEmpty }.count == 4, "\(endings)")
        #expect(endings.filter { $0.how == "eof" && $0.text == request }.count == 4, "\(endings)")
        #expect(await c.settledActive("echo") == 0)
        try await echo.close()
        await c.stop()
    }

    /// Endpoints come and go while connections are being set up: pods stop listening before
    /// their endpoints are withdrawn, new ones appear. Every client ends; nothing stays open.
    @Test func endpointChurnWhileConnectingLeavesNoClientBehind() async throws {
        let c = try await UpstreamLossCluster(block: 66)
        let vip = try await c.service("kubia") {
            $0.sessionAffinity = "ClientIP"
            $0.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 600))
        }
        var generation = 0
        func pods(_ gen: Int) -> [String] { (1...3).map { c.podIP(node: $0 % 2 + 1, 210 + gen * 3 + $0) } }
        var live: [any Channel] = []
        for p in pods(0) { live.append(try await ProxyTestBackend.start(group: c.group, ip: p, port: 8080, kind: .whoami)) }
        try await c.slice("kubia", pods(0))
        let clients = (1...6).map { c.outsideIP($0) }
        let endings = await withTaskGroup(of: [ClientEnding].self) { g in
            for source in clients {
                g.addTask {
                    var out: [ClientEnding] = []
                    for _ in 0..<12 { out.append(await c.attempt(vip, from: source, finAfter: out.count % 2 == 1)) }
                    return out
                }
            }
            // Three rounds of "delete the pods": listeners close first, the slice follows.
            for _ in 0..<3 {
                try? await Task.sleep(for: .milliseconds(40))
                for ch in live { try? await ch.close() }
                try? await Task.sleep(for: .milliseconds(40))
                generation += 1
                live = []
                for p in pods(generation) {
                    if let ch = try? await ProxyTestBackend.start(group: c.group, ip: p, port: 8080, kind: .whoami) {
                        live.append(ch)
                    }
                }
                try? await c.slice("kubia", pods(generation))
            }
            return await g.reduce(into: []) { $0 += $1 }
        }
        #expect(endings.count == 72)
        #expect(endings.allSatisfy { $0.ended }, "\(endings.filter { !$0.ended })")
        #expect(endings.contains { $0.how == "eof" && !$0.text.isEmpty }, "some were served")
        #expect(await c.settledActive("kubia") == 0)
        for ch in live { try? await ch.close() }
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
