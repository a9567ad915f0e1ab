import NIOCore

/// One half of a pair that splices two channels on the same event loop (the client's accepted
/// channel and the upstream to the pod). Bytes pass through untouched (the `ByteBuffer` NIO read
/// is the one written), reads happen only while the partner is connected and can take more
/// (back-pressure through the outbound `read` NIO issues after each read cycle), half-closes are
/// forwarded as `shutdown(SHUT_WR)` and a reset on one side becomes a reset on the other.
///
/// A leg can end without ever having been active: the upstream when its connect fails, the client
/// when it is closed before NIO registered it (the accepted channel is set up on its own loop and
/// registered a hop later, so a refused connect can finish first). NIO fires no `channelInactive`
/// for such a channel, only `handlerRemoved`; both lead to `legEnded`, once, so the partner is
/// always told and the flow always finishes — never a client leg left waiting for a partner that
/// is gone.
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
    /// The partner's peer sent FIN before this leg was connected: passed on once it is. (Linux
    /// turns `shutdown(SHUT_WR)` on a socket in SYN_SENT into a silent close, not a FIN.)
    private var eofWhenActive = false
    /// This leg is open in the flow's count: the client from the start, the upstream once connected.
    private var counted: Bool
    /// This leg's channel closed (or its handler went): nothing more happens on it.
    private(set) var ended = false

    init(side: Side, flow: FlowState) {
        self.side = side
        self.flow = flow
        counted = side == .client
    }

    static func matchedPair(flow: FlowState) -> (client: GlueHandler, upstream: GlueHandler) {
        let c = GlueHandler(side: .client, flow: flow)
        let u = GlueHandler(side: .upstream, flow: flow)
        c.partner = u
        u.partner = c
        return (c, u)
    }

    // MARK: called by the connect (on the client's half)

    /// The upstream connected: it now counts as an open leg, and reading may begin.
    func upstreamConnected() {
        guard let partner, !partner.ended, !partner.counted else { return }
        partner.counted = true
        flow.upstreamConnected()
        partnerBecameWritable()
    }

    /// The upstream connect failed. Resets the client unless it is already gone (then the failure
    /// is the consequence of its leaving, not news). Returns whether the client was still there.
    @discardableResult
    func upstreamFailed() -> Bool {
        guard !ended, let context else { return false }
        flow.outcome = .connectFailed
        flow.sawReset = true
        ProxyConnection.abort(context.channel)
        return true
    }

    // MARK: called by the partner

    private func partnerWrite(_ buffer: ByteBuffer) {
        context?.write(NIOAny(buffer), promise: nil)
    }

    private func partnerFlush() { context?.flush() }

    /// The partner's peer sent FIN: pass it on once our pending writes are out.
    private func partnerWriteEOF() {
        guard let context, !outputClosed, !ended else { return }
        guard context.channel.isActive else {
            eofWhenActive = true
            return
        }
        outputClosed = true
        context.close(mode: .output, promise: nil)
        if inputClosed { context.close(promise: nil) }
    }

    /// The partner is gone. With `reset`, abort ours too (SO_LINGER 0) so the peer sees what
    /// happened; otherwise let our pending writes drain, then close.
    private func partnerClosed(reset: Bool) {
        partner = nil
        guard let context, !ended else { return }
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
        if pendingRead, let partner, partner.canTakeWrites {
            pendingRead = false
            context?.read()
        }
    }

    /// Whether bytes read from the partner's peer can be written here now: connected (a write
    /// before that would only pile up unsent) and under the high-water mark.
    private var canTakeWrites: Bool {
        guard !ended, let channel = context?.channel else { return false }
        return channel.isActive && channel.isWritable
    }

    /// This leg is over, however it ended: count it once, and tell the partner (with a reset if
    /// this leg never connected — a refused or timed-out upstream, a client closed before it was
    /// registered).
    private func legEnded() {
        guard !ended else { return }
        ended = true
        if counted { flow.legClosed(side) }
        let p = partner
        partner = nil
        p?.partnerClosed(reset: flow.sawReset || !wasActive)
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
        if eofWhenActive {
            eofWhenActive = false
            partnerWriteEOF()
        }
        // The partner may have held its reads until this leg was connected.
        partner?.partnerBecameWritable()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        legEnded()
        self.context = nil
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
        legEnded()
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
        if let partner, partner.canTakeWrites {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
