import ClusterModel
import ControlPlane
@testable import DataPlane
import NIOCore
import NIOPosix
import Synchronization
import Telemetry
import Testing

/// A cluster with a running proxy, in its own address block. The control loop is driven on the
/// test's task only (it is not thread-safe); the proxy follows the store on its own.
final class ProxyTestCluster: @unchecked Sendable {
    let loop: ControlLoop
    let clock: ManualClock
    let group: MultiThreadedEventLoopGroup
    let proxy: ServiceProxy
    let block: Int
    private var backends: [any Channel] = []

    init(block: Int, nodes: Int = 3, configure: (inout ProxyConfig) -> Void = { _ in }) async throws {
        precondition((100...158).contains(block), "proxy tests use second octets 100...160")
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: block)
        config.nodeCount = nodes
        clock = ManualClock()
        loop = try ControlLoop(config: config, clock: clock)
        try loop.bootstrap()
        loop.runUntilIdle()
        self.block = block
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var pc = ProxyConfig()
        pc.clock = clock
        pc.dropHoldTime = .seconds(5)
        configure(&pc)
        proxy = ServiceProxy(store: loop.store, group: group, config: pc)
        try await proxy.start()
    }

    func stop() async {
        await proxy.shutdown()
        for b in backends { try? await b.close() }
        try? await group.shutdownGracefully()
    }

    /// Runs the control loop and waits until the proxy reflects the result.
    func sync() async {
        loop.runUntilIdle()
        await proxy.waitForSync()
    }

    func nodeIP(_ n: Int) -> String { "127.\(block + 2).10.\(n)" }
    /// A pod address inside node `node`'s pod CIDR (hosts above 200 are never allocated by the loop).
    func podIP(node: Int, _ host: Int) -> String { "127.\(block + 1).\(node).\(host)" }
    /// A client address outside every cluster range.
    func outsideIP(_ host: Int) -> String { "127.\(block + 2).50.\(host)" }

    @discardableResult
    func backend(_ ip: String, _ port: Int, _ kind: ProxyTestBackend.Kind = .whoami) async throws -> any Channel {
        let ch = try await ProxyTestBackend.start(group: group, ip: ip, port: port, kind: kind)
        backends.append(ch)
        return ch
    }

    /// A selector-less service; returns it as stored (allocated cluster IP, node ports).
    @discardableResult
    func service(_ name: String, type: String = ServiceType.clusterIP,
                 ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: .int(8080))],
                 edit: (inout ServiceSpec) -> Void = { _ in }) async throws -> Service {
        var spec = ServiceSpec(type: type, selector: nil, ports: ports)
        edit(&spec)
        try loop.registry.create(.service(Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)))
        await sync()
        return try #require(loop.store.get(Service.self, namespace: "default", name: name))
    }

    struct EP {
        var ip: String
        var node: String?
        var ready = true
        var serving = true
        var terminating = false
    }

    /// A hand-written EndpointSlice for `service` with one port named `portName`.
    func slice(_ service: String, name: String? = nil, portName: String? = "http", port: Int = 8080, _ eps: [EP]) async throws {
        let meta = ObjectMeta(name: name ?? "\(service)-manual", namespace: "default",
                              labels: [EndpointSliceLabel.serviceName: service, EndpointSliceLabel.managedBy: "test"])
        let slice = EndpointSlice(metadata: meta, endpoints: eps.map {
            Endpoint(addresses: [$0.ip], conditions: EndpointConditions(ready: $0.ready, serving: $0.serving,
                                                                         terminating: $0.terminating),
                     nodeName: $0.node)
        }, ports: [EndpointSlicePort(name: portName, port: port)])
        let obj = APIObject.endpointSlice(slice)
        if loop.store.get(.endpointSlices, obj.key) != nil {
            try loop.registry.update(obj)
        } else {
            try loop.registry.create(obj)
        }
        await sync()
    }

    func clusterIP(_ svc: String) -> String {
        loop.store.get(Service.self, namespace: "default", name: svc)?.spec.clusterIP ?? "?"
    }

    func nodePort(_ svc: String, _ i: Int = 0) -> Int {
        loop.store.get(Service.self, namespace: "default", name: svc)?.ports[i].nodePort ?? -1
    }

    func request(_ ip: String, _ port: Int, from source: String? = nil, send: String? = nil,
                 timeout: TimeAmount = .seconds(3)) async -> ProxyTestClient.Result {
        await ProxyTestClient.request(group: group, ip: ip, port: port, from: source, send: send, timeout: timeout)
    }
}

/// Tiny backends bound on pod addresses (the built-in pod workloads are written elsewhere).
enum ProxyTestBackend {
    enum Kind: Sendable {
        /// Writes "<its own ip:port> <peer ip:port>\n" and closes.
        case whoami
        /// Echoes until the peer half-closes, then closes.
        case echo
    }

    static func start(group: any EventLoopGroup, ip: String, port: Int, kind: Kind) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    switch kind {
                    case .whoami: try ch.pipeline.syncOperations.addHandler(WhoAmI())
                    case .echo: try ch.pipeline.syncOperations.addHandler(Echo())
                    }
                }
            }
            .bind(to: try SocketAddress(ipAddress: ip, port: port)).get()
    }

    final class WhoAmI: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelActive(context: ChannelHandlerContext) {
            let text = "\(context.channel.localAddress?.textual ?? "?") \(context.channel.remoteAddress?.textual ?? "?")\n"
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {}
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(data, promise: nil)
        }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let e = event as? ChannelEvent, e == .inputClosed { context.close(promise: nil) }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}

/// A client that connects (optionally from a chosen 127.x source), optionally sends, and reads
/// until the server closes or the timeout passes.
enum ProxyTestClient {
    enum Result: Sendable, Equatable {
        case answer(String)
        case refused(Double)        // connect refused, seconds after the attempt
        case reset(String)          // connection reset; what was read before
        case timeout(String)        // nothing more within the timeout; what was read before
        case error(String)

        var text: String? { if case .answer(let s) = self { s } else { nil } }
        /// The backend's address in a whoami answer.
        var backend: String? { text?.split(separator: " ").first.map(String.init) }
        /// The address the backend saw as its peer.
        var peerIP: String? {
            text?.split(separator: " ").dropFirst().first?.split(separator: ":").first.map(String.init)
        }
    }

    static func request(group: any EventLoopGroup, ip: String, port: Int, from source: String?, send: String?,
                        timeout: TimeAmount) async -> Result {
        let started = NIODeadline.now()
        let promise = group.next().makePromise(of: Result.self)
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.allowRemoteHalfClosure, value: false)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Collector(promise: promise)) }
            }
        if let source { bootstrap = bootstrap.bind(to: try! SocketAddress(ipAddress: source, port: 0)) }
        do {
            let ch = try await bootstrap.connect(to: try SocketAddress(ipAddress: ip, port: port)).get()
            if let send { try await ch.writeAndFlush(ByteBuffer(string: send)) }
            ch.eventLoop.scheduleTask(in: timeout) { ch.pipeline.fireUserInboundEventTriggered(TimedOut()) }
            return (try? await promise.futureResult.get()) ?? .error("no result")
        } catch {
            promise.fail(error)  // never left pending (NIO reports leaked promises)
            if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
                return .refused(Double((NIODeadline.now() - started).nanoseconds) / 1e9)
            }
            if "\(error)".contains("refused") {
                return .refused(Double((NIODeadline.now() - started).nanoseconds) / 1e9)
            }
            return .error("\(error)")
        }
    }

    struct TimedOut {}

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Result>
        var text = ""
        var done = false
        init(promise: EventLoopPromise<Result>) { self.promise = promise }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            text += String(buffer: unwrapInboundIn(data))
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !done { done = true; promise.succeed(.reset(text)) }
            context.close(promise: nil)
        }
        func channelInactive(context: ChannelHandlerContext) {
            if !done { done = true; promise.succeed(.answer(text)) }
        }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is TimedOut {
                if !done { done = true; promise.succeed(.timeout(text)) }
                context.close(promise: nil)
            }
        }
    }
}

extension ProxySnapshot {
    func port(_ service: String, _ portName: String = "http") -> ServicePortStats? {
        servicePorts.first { $0.name == service && $0.portName == portName }
    }
}
