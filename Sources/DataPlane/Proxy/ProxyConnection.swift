#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Atomics
import NIOCore
import NIOPosix
import Telemetry

/// What every connection handler shares: the current routing table (one atomic load per new
/// connection), the configuration and the per-loop stats stores. Immutable apart from the table.
final class ProxyCore: Sendable {
    let table = ManagedAtomic<RoutingTable>(RoutingTable.empty)
    let config: ProxyConfig
    let loopStats: [ObjectIdentifier: LoopStats]

    init(config: ProxyConfig, loops: [any EventLoop]) {
        self.config = config
        var stats: [ObjectIdentifier: LoopStats] = [:]
        for l in loops { stats[ObjectIdentifier(l)] = LoopStats(eventLoop: l, flowCapacity: config.flowRecordCapacity) }
        loopStats = stats
    }
}

/// The path of one new connection on a service listener: look up, decide, then reject, drop or
/// splice to the pod. Runs on the accepted channel's event loop.
enum ProxyConnection {
    /// Linux `IP_BIND_ADDRESS_NO_PORT`: a bound source address gets its port at connect time, so
    /// one SNAT address serves more than one ephemeral range's worth of 4-tuples.
    static let bindAddressNoPort = ChannelOptions.Types.SocketOption(level: .init(rawValue: CInt(IPPROTO_IP)),
                                                                     name: .init(rawValue: 24))

    static func accept(_ channel: any Channel, key: FrontendKey, core: ProxyCore) -> EventLoopFuture<Void> {
        let el = channel.eventLoop
        let table = core.table.load(ordering: .acquiring)
        guard let frontend = table.frontends[key], let client = channel.remoteAddress else {
            abort(channel)
            return el.makeSucceededVoidFuture()
        }
        let stats = core.loopStats[ObjectIdentifier(el)]
        let config = core.config
        let plan = table.plan(frontend, client: client, clientIP: client.ipv4Value, random: config.random,
                              now: config.clock.now())
        switch plan {
        case .reject(let node):
            let cells = CellSet(frontend.route.cell, nil, node.map { table.nodes[$0].cell })
            cells.forEach { $0.refused.wrappingIncrement(ordering: .relaxed) }
            stats?.recordFlow(FlowRecord(start: config.clock.now(), client: client.textual, frontend: frontend.text,
                                         frontendKind: frontend.kind, servicePort: frontend.route.id, endpoint: nil,
                                         nodeName: node.map { table.nodes[$0].name }, bytesIn: 0, bytesOut: 0,
                                         duration: 0, outcome: .refused))
            abort(channel)
        case .drop(let node):
            let cells = CellSet(frontend.route.cell, nil, node.map { table.nodes[$0].cell })
            cells.forEach { $0.dropped.wrappingIncrement(ordering: .relaxed) }
            let flow = FlowState(cells: cells, stats: stats, startTime: config.clock.now(), client: client,
                                 frontend: frontend, endpoint: nil, nodeName: node.map { table.nodes[$0].name })
            flow.outcome = .dropped
            stats?.track(channel)
            return el.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(DropHandler(flow: flow, holdTime: config.dropHoldTime))
            }
        case .forward(let endpoint, let source, let node):
            let cells = CellSet(frontend.route.cell, endpoint.cell, node.map { table.nodes[$0].cell })
            let flow = FlowState(cells: cells, stats: stats, startTime: config.clock.now(), client: client,
                                 frontend: frontend, endpoint: endpoint, nodeName: node.map { table.nodes[$0].name })
            let (clientGlue, upstreamGlue) = GlueHandler.matchedPair(flow: flow)
            stats?.track(channel)
            do {
                try channel.pipeline.syncOperations.addHandler(clientGlue)
            } catch {
                abort(channel)
                return el.makeSucceededVoidFuture()
            }
            let upstreamHandler = NIOLoopBound(upstreamGlue, eventLoop: el)
            let boundClient = NIOLoopBound((clientGlue, cells), eventLoop: el)
            ClientBootstrap(group: el)
                .channelOption(bindAddressNoPort, value: 1)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connectTimeout(config.connectTimeout)
                .bind(to: source)
                .channelInitializer { up in
                    up.eventLoop.makeCompletedFuture { try up.pipeline.syncOperations.addHandler(upstreamHandler.value) }
                }
                .connect(to: endpoint.address)
                .whenComplete { result in
                    // The client may not be active yet: it is registered a loop hop after this
                    // initializer, and a refused connect can finish first. The glue knows whether
                    // it is still there; `channel.isActive` does not.
                    let (clientGlue, cells) = boundClient.value
                    switch result {
                    case .success:
                        clientGlue.upstreamConnected()
                    case .failure:
                        if clientGlue.upstreamFailed() {
                            cells.forEach { $0.failedConnects.wrappingIncrement(ordering: .relaxed) }
                        }
                    }
                }
        }
        return el.makeSucceededVoidFuture()
    }

    /// Closes with a TCP reset (SO_LINGER 0): how a refusal or a relayed reset looks on the wire.
    static func abort(_ channel: any Channel) {
        if let provider = channel as? any SocketOptionProvider {
            _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        channel.close(promise: nil)
    }
}

/// Holds a DROPped connection: reads and discards whatever the client sends, never forwards, and
/// closes after the hold time unless the client gives up first.
final class DropHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let flow: FlowState
    let holdTime: TimeAmount
    private var timer: Scheduled<Void>?

    init(flow: FlowState, holdTime: TimeAmount) {
        self.flow = flow
        self.holdTime = holdTime
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: holdTime) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        flow.bytesIn &+= unwrapInboundIn(data).readableBytes
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        flow.finish()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client sent FIN: it gave up (a dropped SYN would have timed out for it by now).
        if let e = event as? ChannelEvent, e == .inputClosed { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
