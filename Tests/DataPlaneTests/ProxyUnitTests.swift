import ClusterModel
import ControlPlane
@testable import DataPlane
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Telemetry
import Testing

/// Small handlers on EmbeddedChannels and the table builder as a pure function: no sockets.
@Suite("Proxy units")
struct ProxyUnitTests {
    static func route(_ cell: TrafficCell) -> ServicePortRoute {
        let policy = ServiceTrafficPolicy(internalPolicyLocal: false, externalPolicyLocal: false, externallyAccessible: false)
        let cat = TrafficPolicy.categorize([RouteEndpoint](), policy: policy)
        return ServicePortRoute(id: "default/x:http", cell: cell, policy: policy, perNode: [], unknownNode: cat,
                                unknownNodePolicy: policy, hasAnyEndpoints: false, affinity: nil, readyNodes: [],
                                loadBalancerNodes: [])
    }

    /// Counts outbound `read` requests reaching the head of the pipeline.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test func glueSplicesBytesCountsThemAndHoldsReadsUnderBackPressure() throws {
        let loop = EmbeddedEventLoop()
        let client = EmbeddedChannel(loop: loop), upstream = EmbeddedChannel(loop: loop)
        let cell = TrafficCell(id: 1)
        let frontend = Frontend(kind: .clusterIP, route: Self.route(cell), node: nil, text: "127.1.0.1:80")
        let flow = FlowState(cells: CellSet(cell, nil, nil), stats: nil, startTime: 0,
                             client: try SocketAddress(ipAddress: "127.9.9.9", port: 5555), frontend: frontend,
                             endpoint: nil, nodeName: nil)
        let (cg, ug) = GlueHandler.matchedPair(flow: flow)
        let counter = ReadCounter()
        try client.pipeline.syncOperations.addHandler(counter)
        try client.pipeline.syncOperations.addHandler(cg)
        try upstream.pipeline.syncOperations.addHandler(ug)
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try upstream.connect(to: SocketAddress(ipAddress: "127.0.0.2", port: 2)).wait()
        try client.writeInbound(ByteBuffer(string: "hello"))
        #expect(try upstream.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "hello"))
        try upstream.writeInbound(ByteBuffer(string: "world!"))
        #expect(try client.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "world!"))
        #expect(cell.counters.bytesIn == 5 && cell.counters.bytesOut == 6)
        #expect(cell.counters.activeConnections == 1 && cell.counters.totalConnections == 1)
        // Partner writable: reads pass. Partner not writable: the read is held until it is.
        let before = counter.reads
        client.read()
        #expect(counter.reads == before + 1)
        upstream.isWritable = false
        client.read()
        #expect(counter.reads == before + 1)
        upstream.isWritable = true
        upstream.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == before + 2)
        _ = try? client.finish()
        _ = try? upstream.finish()
        #expect(cell.counters.activeConnections == 0)
    }

    @Test func healthCheckAnswersWithKubeProxyBody() throws {
        let channel = EmbeddedChannel()
        let key = FrontendKey(ip: IPv4("127.0.10.1")!.value, port: 31000)
        let core = ProxyCore(config: ProxyConfig(), loops: [])
        core.table.store(RoutingTable(resourceVersion: 1, nodes: [], frontends: [:], healthChecks: [
            key: HealthCheckRoute(namespace: "default", name: "web", node: 0, localEndpoints: 2),
        ]), ordering: .releasing)
        try channel.pipeline.syncOperations.addHandler(HealthCheckHandler(key: key, core: core))
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/anything")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self),
              case .body(.byteBuffer(let body)) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response")
            return
        }
        #expect(head.status == .ok)
        #expect(head.headers["Content-Type"] == ["application/json"])
        #expect(String(buffer: body) == HealthCheckResponse(namespace: "default", name: "web", localEndpoints: 2, proxyHealthy: true).body)
        _ = try? channel.finish()
    }

    static func svc(_ name: String, _ spec: (inout ServiceSpec) -> Void) -> Service {
        var s = ServiceSpec(type: nil, selector: nil, ports: [ServicePort(name: "http", port: 80), ServicePort(port: 81)])
        s.clusterIP = "127.1.0.\(name.count)"
        spec(&s)
        return Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: s)
    }

    static func slice(_ name: String, service: String, port: (String?, Int), _ ips: [String]) -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: name, namespace: "default", labels: [EndpointSliceLabel.serviceName: service]),
                      endpoints: ips.map { Endpoint(addresses: [$0], nodeName: "node-1") },
                      ports: [EndpointSlicePort(name: port.0, port: port.1)])
    }

    @Test func builderUnionsSlicesMatchesPortsByNameAndSkipsUnproxied() {
        let services = [
            Self.svc("web") { _ in },
            Self.svc("headless") { $0.clusterIP = "None" },
            Self.svc("dns53") { $0.clusterIP = "127.1.0.99" },
        ]
        var dns = services[2]
        dns.metadata.annotations = ["switchboard.dev/served-by": "cluster-dns"]
        let slices = [
            Self.slice("web-a", service: "web", port: ("http", 8080), ["127.2.1.1", "127.2.1.2"]),
            Self.slice("web-b", service: "web", port: ("http", 8080), ["127.2.1.2", "127.2.1.3"]),
            Self.slice("web-c", service: "web", port: ("", 9090), ["127.2.1.4"]),   // "" matches the unnamed port
            Self.slice("web-d", service: "web", port: (nil, 9191), ["127.2.1.5"]),  // nil too
            Self.slice("other", service: "other", port: ("http", 8080), ["127.2.1.9"]),
        ]
        let out = RoutingTableBuilder(config: ProxyConfig(), registry: StatsRegistry())
            .build(resourceVersion: 7, services: [services[0], services[1], dns], slices: slices, nodes: [])
        #expect(out.servicePorts.map { "\($0.name):\($0.portName)" } == ["web:http", "web:"])
        #expect(out.servicePorts[0].endpoints.map(\.text) == ["127.2.1.1:8080", "127.2.1.2:8080", "127.2.1.3:8080"])
        #expect(Set(out.servicePorts[1].endpoints.map(\.text)) == ["127.2.1.4:9090", "127.2.1.5:9191"])
        #expect(out.listeners.map(\.key.description) == ["127.1.0.3:80", "127.1.0.3:81"])
        #expect(out.table.resourceVersion == 7)
    }

    @Test func builderReportsAddressConflicts() {
        let a = Self.svc("aaa") { _ in }
        let b = Self.svc("bbb") { _ in }   // same cluster IP (same name length): conflict
        let out = RoutingTableBuilder(config: ProxyConfig(), registry: StatsRegistry())
            .build(resourceVersion: 1, services: [a, b], slices: [], nodes: [])
        let conflicts = out.listeners.filter { $0.conflict != nil }
        #expect(conflicts.count == 2)
        #expect(conflicts.allSatisfy { $0.service == "default/bbb" && $0.conflict!.contains("default/aaa") })
        // No endpoints: REJECT by not listening.
        #expect(out.listeners.allSatisfy { !$0.wantsBound })
    }
}
