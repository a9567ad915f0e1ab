import NIOCore
import NIOPosix

/// A container that is a local child process. Its output goes to the container's log through a
/// NIO pipe channel; it is reaped by polling `waitpid(WNOHANG)` on the pod's event loop, so no
/// thread ever blocks waiting for it.
final class PodProcessInstance: PodContainerInstance, @unchecked Sendable {
    private let ctx: PodContainerContext
    private let pid: pid_t
    private let exit: PodExitLatch
    private var reaper: RepeatedTask?
    private var killTask: Scheduled<Void>?
    private var outputClosed: EventLoopFuture<Void>
    private var exitCode: Int32?

    var exitFuture: EventLoopFuture<Int32> { exit.future }

    private init(ctx: PodContainerContext, pid: pid_t, outputClosed: EventLoopFuture<Void>) {
        self.ctx = ctx
        self.pid = pid
        self.outputClosed = outputClosed
        exit = PodExitLatch(eventLoop: ctx.eventLoop)
    }

    /// Spawns the process; fails (a start error, as the runtime's "StartError") when it cannot.
    static func start(argv: [String], ctx: PodContainerContext) -> EventLoopFuture<any PodContainerInstance> {
        ctx.eventLoop.flatSubmit {
            let spawned: PodChildProcess.Spawned
            do {
                spawned = try PodChildProcess.spawn(argv: argv, env: ctx.env, workingDir: ctx.workingDir)
            } catch {
                return ctx.eventLoop.makeFailedFuture(error)
            }
            let log = ctx.log
            let pipe = NIOPipeBootstrap(group: ctx.eventLoop)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(PodLogSink(log: log)) }
                }
                .takingOwnershipOfDescriptor(input: spawned.output)
            let closed = pipe.flatMap { $0.closeFuture }.recover { _ in }
            pipe.whenFailure { _ in close(spawned.output) }
            let instance = PodProcessInstance(ctx: ctx, pid: spawned.pid, outputClosed: closed)
            instance.reaper = ctx.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: ctx.config.reapInterval) {
                [weak instance] task in
                guard let instance else { task.cancel(); return }
                instance.reap(task)
            }
            return ctx.eventLoop.makeSucceededFuture(instance)
        }
    }

    private func reap(_ task: RepeatedTask) {
        guard exitCode == nil, case .exited(let code) = PodChildProcess.poll(pid) else { return }
        task.cancel()
        exitCode = code
        killTask?.cancel()
        // The container is its process tree: whatever the main process left behind goes too.
        PodChildProcess.signal(pid, SIGKILL)
        // Report the exit once the remaining output has reached the log (bounded wait).
        let timeout = ctx.eventLoop.scheduleTask(in: .milliseconds(500)) { [exit] in exit.finish(code) }
        outputClosed.whenComplete { [exit] _ in
            timeout.cancel()
            exit.finish(code)
        }
    }

    func terminate(deadline: NIODeadline) {
        guard exitCode == nil, killTask == nil else { return }
        PodChildProcess.signal(pid, SIGTERM)
        let pid = pid
        killTask = ctx.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
            guard self?.exitCode == nil else { return }
            PodChildProcess.signal(pid, SIGKILL)
        }
    }
}

/// Copies a pipe's bytes into a container log.
final class PodLogSink: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let log: ContainerLog
    init(log: ContainerLog) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buf = unwrapInboundIn(data)
        log.append(bytes: buf.readableBytesView)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
