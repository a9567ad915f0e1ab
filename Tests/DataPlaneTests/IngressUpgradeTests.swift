import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import NIOCore
import NIOPosix
import Telemetry
import Testing

/// WebSocket through the ingress with real sockets: a handshake from a raw client, a pod-like
/// echo server behind a selector-less Service, frames both ways through the relay.
@Suite("Ingress upgrade", .timeLimit(.minutes(1)))
struct IngressUpgradeTests {
    typealias F = IngressFixture

    static func handshake(_ path: String, key: String) -> [UInt8] {
        Array(("GET \(path) HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
    }

    @Test func webSocketIsRelayedOnAFreshConnectionAndCounted() async throws {
        let c = try await IngressTestCluster(block: 151, slot: 2)
        let backend = try await WebSocketTestBackend.start(group: c.group, ip: c.backendIP(1), port: 8080)
        try await c.service("ws", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("ws", rules: [F.rule("ws.test", F.path("/", "Prefix", "ws"))]))

        // A plain request first leaves an idle pooled connection to the pod.
        let plain = try await c.curl("ws.test", "/plain")
        #expect(plain.status == 200 && plain.body == "ok\n")
        #expect(backend.connections == 1)

        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let (address, port) = (c.address, c.httpPort)
        let big = (0..<4).map { i in (0..<60_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) } }
        let outcome = try await offPool { () -> [String] in
            var problems: [String] = []
            let client = try WebSocketTestClient(address, port)
            defer { client.close() }
            client.send(Self.handshake("/chat", key: key))
            guard let head = client.readHead() else { return ["no response head"] }
            if !head.hasPrefix("HTTP/1.1 101") { problems.append("status line: \(head)") }
            if !head.lowercased().contains("upgrade: websocket") { problems.append("no Upgrade header: \(head)") }
            if !head.contains(WebSocketWire.accept(for: key)) { problems.append("wrong accept token: \(head)") }
            // The greeting the pod wrote right behind its 101 (left in the upstream decoder).
            let greeting = client.readFrame()
            if greeting.map({ String(decoding: $0.payload, as: UTF8.self) }) != "hello from backend" {
                problems.append("greeting: \(String(describing: greeting))")
            }
            client.send(WebSocketWire.frame(opcode: 1, Array("ping-1".utf8), masked: true))
            if client.readFrame().map({ String(decoding: $0.payload, as: UTF8.self) }) != "ping-1" { problems.append("echo 1") }
            // 240 KB both ways: more than the socket buffers hold, so back-pressure is exercised.
            for b in big { client.send(WebSocketWire.frame(opcode: 2, b, masked: true)) }
            for (i, b) in big.enumerated() where client.readFrame()?.payload != b { problems.append("big frame \(i)") }
            client.send(WebSocketWire.frame(opcode: 8, [], masked: true))
            if client.readFrame()?.opcode != 8 { problems.append("no close frame") }
            if !client.readToEnd().eof { problems.append("the relay did not close after the pod closed") }
            return problems
        }
        #expect(outcome.isEmpty, "\(outcome)")
        #expect(backend.connections == 2, "the upgrade took a fresh upstream connection, not the pooled one")

        // The relay is recorded once both sides closed: status 101, the bytes both ways.
        var flow: FlowRecord?
        for _ in 0..<100 where flow == nil {
            flow = c.controller.flowRing.recent().first { $0.http?.status == 101 }
            if flow == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        let f = try #require(flow)
        #expect(f.bytesIn > 240_000 && f.bytesOut > 240_000)
        #expect(f.endpoint == "\(c.backendIP(1)):8080")
        #expect(f.http?.path == "/chat")
        let route = try #require(c.controller.snapshot().routes.first { $0.backend == "ws:80" })
        #expect(route.bytesIn > 240_000 && route.bytesOut > 240_000)
        #expect(route.statusClasses[0] == 1, "one 1xx (the 101)")

        // The upgraded connection never went back to the pool: the next request reuses the
        // first one.
        #expect(try await c.curl("ws.test", "/plain").status == 200)
        #expect(backend.connections == 2)
        try? await backend.channel.close()
        await c.stop()
    }

    @Test func aRefusedUpgradeIsAnOrdinaryResponse() async throws {
        let c = try await IngressTestCluster(block: 151, slot: 3)
        let backend = try await WebSocketTestBackend.start(group: c.group, ip: c.backendIP(1), port: 8080)
        try await c.service("ws", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("ws", rules: [F.rule("ws.test", F.path("/", "Prefix", "ws"))]))
        let (address, port) = (c.address, c.httpPort)
        let (head, rest) = try await offPool { () -> (String?, (bytes: [UInt8], eof: Bool)) in
            let client = try WebSocketTestClient(address, port)
            defer { client.close() }
            client.send(Self.handshake("/reject", key: "dGhlIHNhbXBsZSBub25jZQ=="))
            return (client.readHead(), client.readToEnd())
        }
        #expect(head?.hasPrefix("HTTP/1.1 403") == true, "\(head ?? "nil")")
        #expect(String(decoding: rest.bytes, as: UTF8.self) == "no ws\n")
        #expect(rest.eof, "the connection closes after a refused upgrade")
        try? await backend.channel.close()
        await c.stop()
    }

    @Test func ingressRequestsShareTheFlowRingWithL4Flows() async throws {
        let ring = FlowRing(capacity: 64)
        let c = try await IngressTestCluster(block: 151, slot: 4, flowRing: ring)
        try await c.backend(c.backendIP(1), name: "web")
        try await c.service("web", port: 8081, ips: [c.backendIP(1)])
        try await c.apply(F.ingress("web", rules: [F.rule("web.test", F.path("/", "Prefix", "web", port: 8081))]))
        let proxy = ServiceProxy(store: c.store, group: c.group, config: ProxyConfig(), flowRing: ring)
        try await proxy.start()
        let clusterIP = try #require(c.store.get(Service.self, namespace: "default", name: "web")?.spec.clusterIP)
        // One L4 connection to the ClusterIP, one request through the ingress.
        let l4 = try await Curl.run(["http://\(clusterIP):8081/direct"])
        #expect(l4.status == 200)
        let l7 = try await c.curl("web.test", "/via-ingress?q=1")
        #expect(l7.status == 200)
        var flows: [FlowRecord] = []
        for _ in 0..<100 {
            flows = await proxy.snapshot().recentFlows
            if flows.contains(where: { $0.frontendKind == .ingress }) && flows.contains(where: { $0.frontendKind == .clusterIP }) { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let l4Flow = try #require(flows.first { $0.frontendKind == .clusterIP })
        #expect(l4Flow.servicePort == "default/web:http" && l4Flow.http == nil)
        let f = try #require(flows.first { $0.frontendKind == .ingress })
        #expect(f.frontend == "\(c.address):\(c.httpPort)")
        #expect(f.servicePort == "default/web:http", "named as the L4 flows name the service port")
        #expect(f.endpoint == "\(c.backendIP(1)):8080")
        #expect(f.client.hasPrefix("127.0.0.1:"))
        #expect(f.outcome == .closed && f.bytesOut > 0)
        #expect(f.http == HTTPExchange(method: "GET", host: "web.test", path: "/via-ingress", status: 200,
                                       route: "web.test/ → web:8081"))
        #expect(c.controller.snapshot().recentFlows.map(\.path) == ["/via-ingress"])
        await proxy.shutdown()
        await c.stop()
    }
}
