import NIOCore
import NIOHTTP1
import Telemetry

/// An upgraded exchange (WebSocket and other `Upgrade:` protocols) after the upstream's 101:
/// both connections carry raw bytes, the HTTP codecs are gone, and the exchange is recorded
/// (status 101, bytes both ways, whole duration) once both sides have closed.
final class IngressTunnel {
    let exchange: IngressExchange
    let core: IngressCore
    let peers: IngressPeers
    private var openLegs = 2

    init(exchange: IngressExchange, core: IngressCore, peers: IngressPeers) {
        self.exchange = exchange
        self.core = core
        self.peers = peers
    }

    func count(_ side: IngressTunnelHandler.Side, _ bytes: Int) {
        switch side {
        case .client: exchange.bytesIn += UInt64(bytes)
        case .upstream: exchange.bytesOut += UInt64(bytes)
        }
    }

    func legClosed() {
        guard openLegs > 0 else { return }
        openLegs -= 1
        if openLegs == 0 { core.record(exchange, peers: peers, status: 101) }
    }

    /// The relay could not be set up (a side closed during the switch): record it as it is.
    func abandon() {
        guard openLegs > 0 else { return }
        openLegs = 0
        exchange.outcome = .reset
        core.record(exchange, peers: peers, status: 101)
    }
}

/// One leg of the relay. Reads only while the partner can take more (back-pressure through
/// the `read` NIO issues after each read cycle); when either side closes, the other is closed
/// once its pending writes are out.
final class IngressTunnelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Side { case client, upstream }

    let side: Side
    let tunnel: IngressTunnel
    private var partner: IngressTunnelHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var counted = false

    private init(side: Side, tunnel: IngressTunnel) {
        self.side = side
        self.tunnel = tunnel
    }

    static func pair(_ tunnel: IngressTunnel) -> (client: IngressTunnelHandler, upstream: IngressTunnelHandler) {
        let c = IngressTunnelHandler(side: .client, tunnel: tunnel)
        let u = IngressTunnelHandler(side: .upstream, tunnel: tunnel)
        c.partner = u
        u.partner = c
        return (c, u)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Starts reading once both legs are in place; a leg whose channel already closed ends the
    /// tunnel at once.
    func start() {
        guard let context else { return }
        if context.channel.isActive {
            context.read()
        } else {
            legClosed()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        tunnel.count(side, buffer.readableBytes)
        partner?.context?.write(NIOAny(buffer), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func read(context: ChannelHandlerContext) {
        if let p = partner?.context, p.channel.isWritable {
            context.read()
        } else if partner != nil {
            pendingRead = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let p = partner, p.pendingRead {
            p.pendingRead = false
            p.context?.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        legClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func legClosed() {
        guard !counted else { return }
        counted = true
        tunnel.legClosed()
        let p = partner
        partner = nil
        // Whatever this side sent is already queued on the partner: flush, then close.
        if let pc = p?.context {
            pc.writeAndFlush(NIOAny(pc.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
                pc.close(promise: nil)
            }
        }
    }
}

extension IngressServerHandler {
    /// The upstream answered an upgrade request with 101 (its head and end already written to
    /// the client): on the next loop turn — outside both decoders' read callbacks — the HTTP
    /// handlers of both pipelines give way to a byte relay. Bytes that arrived behind either
    /// message wait in the paused decoders and are forwarded as those leave, decoders last.
    func switchProtocols(_ ex: IngressExchange, upstream up: IngressUpstreamConnection) {
        guard let context else { return }
        ex.upstream = nil
        ex.responseEnded = true
        exchange = nil
        waitTimer?.cancel()
        up.handler.delegate = nil
        let tunnel = IngressTunnel(exchange: ex, core: core, peers: peers)
        let client = context.channel
        context.eventLoop.assumeIsolated().execute { [self] in
            let (c, u) = IngressTunnelHandler.pair(tunnel)
            do {
                let uops = up.channel.pipeline.syncOperations
                try uops.addHandler(u)
                uops.removeHandler(up.handler, promise: nil)
                if let v = try? uops.handler(type: NIOHTTPRequestHeadersValidator.self) { uops.removeHandler(v, promise: nil) }
                uops.removeHandler(try uops.handler(type: HTTPRequestEncoder.self), promise: nil)

                let cops = client.pipeline.syncOperations
                try cops.addHandler(c)
                cops.removeHandler(self, promise: nil)
                if let v = try? cops.handler(type: NIOHTTPResponseHeadersValidator.self) { cops.removeHandler(v, promise: nil) }
                if let p = try? cops.handler(type: HTTPServerPipelineHandler.self) { cops.removeHandler(p, promise: nil) }
                cops.removeHandler(try cops.handler(type: HTTPResponseEncoder.self), promise: nil)

                // Decoders leave on a later loop turn, forwarding what they held; the relay
                // flushes and starts reading once both are gone.
                let upDecoder = uops.removeHandler(try uops.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self))
                let clientDecoder = cops.removeHandler(try cops.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self))
                upDecoder.and(clientDecoder).assumeIsolated().whenComplete { _ in
                    up.channel.flush()
                    client.flush()
                    c.start()
                    u.start()
                }
            } catch {
                up.channel.close(promise: nil)
                client.close(promise: nil)
                tunnel.abandon()
            }
        }
    }
}
