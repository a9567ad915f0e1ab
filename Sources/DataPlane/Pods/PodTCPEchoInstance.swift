import NIOCore
import NIOPosix

/// `switchboard.dev/tcp-echo`: writes back every byte it reads, on podIP:port. Counts one
/// "request" per accepted connection.
final class PodTCPEchoInstance: PodContainerInstance, @unchecked Sendable {
    let ctx: PodContainerContext
    private let exit: PodExitLatch
    private var listener: (any Channel)?
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private var stopping = false
    private var listenerClosed = false
    private var forceTask: Scheduled<Void>?

    var exitFuture: EventLoopFuture<Int32> { exit.future }

    private init(ctx: PodContainerContext) {
        self.ctx = ctx
        exit = PodExitLatch(eventLoop: ctx.eventLoop)
    }

    static func start(port: Int, ctx: PodContainerContext) -> EventLoopFuture<any PodContainerInstance> {
        let instance = PodTCPEchoInstance(ctx: ctx)
        return ServerBootstrap(group: ctx.eventLoop)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(PodTCPEchoHandler(server: instance)) }
            }
            .bind(host: ctx.podIP, port: port)
            .map { ch in
                instance.listener = ch
                ctx.logf("tcp-echo listening on \(ctx.podIP):\(port)")
                return instance
            }
    }

    func terminate(deadline: NIODeadline) {
        guard !stopping else { return }
        stopping = true
        // Echo has no request boundary: open connections may finish until the deadline.
        let closed = listener?.close() ?? ctx.eventLoop.makeSucceededVoidFuture()
        listener = nil
        forceTask = ctx.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
            for ch in self?.connections.values ?? [:].values { ch.close(promise: nil) }
        }
        closed.whenComplete { [weak self] _ in
            self?.listenerClosed = true
            self?.checkDone()
        }
    }

    private func checkDone() {
        guard stopping, listenerClosed, connections.isEmpty else { return }
        forceTask?.cancel()
        exit.finish(0)
    }

    func opened(_ ch: any Channel) {
        connections[ObjectIdentifier(ch)] = ch
        ctx.counters.requests.wrappingIncrement(ordering: .relaxed)
        ctx.counters.activeConnections.wrappingIncrement(ordering: .relaxed)
    }

    func closed(_ ch: any Channel) {
        guard connections.removeValue(forKey: ObjectIdentifier(ch)) != nil else { return }
        ctx.counters.activeConnections.wrappingDecrement(ordering: .relaxed)
        checkDone()
    }
}

final class PodTCPEchoHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let server: PodTCPEchoInstance

    init(server: PodTCPEchoInstance) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.opened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client finished sending: finish echoing, then close our side too.
        if event is ChannelEvent, case .inputClosed = event as! ChannelEvent {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.ctx.counters.fail("tcp-echo: \(error)")
        context.close(promise: nil)
    }
}
