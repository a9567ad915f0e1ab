import Atomics
import ClusterModel
import ControlPlane
import NIOCore

/// Live counters of one container, updated where the bytes move and read by `snapshot()`.
final class PodWorkloadCounters: Sendable {
    let requests = ManagedAtomic<Int>(0)
    let activeConnections = ManagedAtomic<Int>(0)
    let lastError = PodLocked<String?>(nil)

    func fail(_ message: String) { lastError.withLock { $0 = message } }
}

/// What one run of a container needs from its pod. Everything of a pod lives on one event loop
/// (`eventLoop`), so its workloads need no locks among themselves.
struct PodContainerContext: Sendable {
    let eventLoop: any EventLoop
    let podKey: ObjectKey
    let podIP: String
    /// What `/hostname` answers: `spec.hostname` or the pod's name, as the kubelet sets it.
    let hostname: String
    let containerName: String
    let env: [(String, String)]
    let workingDir: String?
    let log: ContainerLog
    let counters: PodWorkloadCounters
    let config: PodRuntimeConfig
    let resolver: @Sendable (String, String) -> [String]
}

/// One run of a container's program: it ends on its own (exit code) or when asked to.
/// Implementations are confined to the context's event loop.
protocol PodContainerInstance: AnyObject, Sendable {
    /// Completes with the exit code once the run has fully stopped (listeners and connections
    /// closed, process reaped). Never fails.
    var exitFuture: EventLoopFuture<Int32> { get }
    /// Asks the run to stop: stop accepting, let work drain, force everything at `deadline`.
    /// Must be called on the context's event loop; idempotent.
    func terminate(deadline: NIODeadline)
    /// The load generator's counters, for the one instance kind that has them.
    var loadGeneratorStats: LoadGeneratorStats? { get }
}

extension PodContainerInstance {
    var loadGeneratorStats: LoadGeneratorStats? { nil }
}

/// `pause`: holds the pod's network namespace in Kubernetes; here it just runs until stopped.
final class PodPauseInstance: PodContainerInstance, @unchecked Sendable {
    private let exit: PodExitLatch
    var exitFuture: EventLoopFuture<Int32> { exit.future }

    init(eventLoop: any EventLoop) { exit = PodExitLatch(eventLoop: eventLoop) }

    func terminate(deadline: NIODeadline) { exit.finish(0) }
}

/// A promise of an exit code that may be completed from several paths; the first one wins.
/// Confined to its event loop.
final class PodExitLatch: @unchecked Sendable {
    private let promise: EventLoopPromise<Int32>
    private(set) var finished = false
    var future: EventLoopFuture<Int32> { promise.futureResult }

    init(eventLoop: any EventLoop) { promise = eventLoop.makePromise() }

    /// A container dropped before it exited (shutdown racing a start): complete the promise so
    /// nothing waits on it forever (and NIO's leak check stays quiet).
    deinit {
        if !finished { promise.fail(CancellationError()) }
    }

    func finish(_ code: Int32) {
        guard !finished else { return }
        finished = true
        promise.succeed(code)
    }
}

extension PodContainerContext {
    /// A line in the container's log with Go's `log` prefix (`2026/01/01 10:00:00 `), as agnhost
    /// writes its own.
    func logf(_ message: String) {
        let ts = Timestamp.rfc3339(SystemClock().now())  // 2026-01-01T10:00:00Z
        let prefix = ts.prefix(10).replacingOccurrences(of: "-", with: "/") + " " + ts.dropFirst(11).prefix(8)
        log.line("\(prefix) \(message)")
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of a: Character, with b: Character) -> String {
        String(map { $0 == a ? b : $0 })
    }
}
