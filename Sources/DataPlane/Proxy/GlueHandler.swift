import NIOCore

/// One half of a pair that splices two channels on the same event loop (the client's accepted
/// channel and the upstream to the pod). Bytes pass through untouched (the `ByteBuffer` NIO read
/// is the one written), reads happen only while the partner can take more (back-pressure through
/// the outbound `read` NIO issues after each read cycle), half-closes are forwarded as
/// `shutdown(SHUT_WR)` and a reset on one side becomes a reset on the other.
final class GlueHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Which leg this handler sits on, which decides the byte counter it feeds.
    enum Side { case client, upstream }

    let side: Side
    let flow: FlowState
    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var inputClosed = false
    private var outputClosed = false
    private var wasActive = false

    init(side: Side, flow: FlowState) {
        self.side = side
        self.flow = flow
    }

    static func matchedPair(flow: FlowState) -> (client: GlueHandler, upstream: GlueHandler) {
        let c = GlueHandler(side: .client, flow: flow)
        let u = GlueHandler(side: .upstream, flow: flow)
        c.partner = u
        u.partner = c
        return (c, u)
    }

    // MARK: called by the partner

    private func partnerWrite(_ buffer: ByteBuffer) {
        context?.write(NIOAny(buffer), promise: nil)
    }

    private func partnerFlush() { context?.flush() }

    /// The partner's peer sent FIN: pass it on once our pending writes are out.
    private func partnerWriteEOF() {
        guard let context, !outputClosed else { return }
        outputClosed = true
        context.close(mode: .output, promise: nil)
        if inputClosed { context.close(promise: nil) }
    }

    /// The partner is gone. With `reset`, abort ours too (SO_LINGER 0) so the peer sees what
    /// happened; otherwise let our pending writes drain, then close.
    private func partnerClosed(reset: Bool) {
        guard let context else { return }
        if reset {
            flow.sawReset = true
            ProxyConnection.abort(context.channel)
            return
        }
        if outputClosed {
            context.close(promise: nil)
        } else {
            outputClosed = true
            let promise = context.eventLoop.makePromise(of: Void.self)
            let channel = context.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.close(mode: .output, promise: promise)
        }
    }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    private var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Starts reading once both legs are in place.
    func start() {
        partnerBecameWritable()
    }
}

extension GlueHandler: ChannelDuplexHandler {
    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { wasActive = true }
    }

    func channelActive(context: ChannelHandlerContext) {
        wasActive = true
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        flow.count(side, buffer.readableBytes)
        partner?.partnerWrite(buffer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if wasActive { flow.legClosed(side) }
        partner?.partnerClosed(reset: flow.sawReset)
        partner = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            inputClosed = true
            partner?.partnerWriteEOF()
            if outputClosed { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or any socket error ends this leg and resets the other; it never spreads
        // beyond this pair.
        flow.sawReset = true
        ProxyConnection.abort(context.channel)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.isWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
