#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Binds a container's listener, retrying for a moment while its address is still in use.
///
/// Why: a restarted container binds the same pod IP and port its previous run used. In a
/// cluster the new container gets a fresh network namespace; here the old socket can outlive the
/// old run briefly (a descriptor inherited by a process another part of the host spawned at that
/// instant), and a kubelet would only restart the container again after a back-off. Retrying for
/// up to `window` keeps the restart as prompt as Kubernetes' own; anything else fails at once.
enum PodBindRetry {
    static func bind(on eventLoop: any EventLoop, window: TimeAmount = .seconds(1),
                     _ attempt: @escaping @Sendable () -> EventLoopFuture<any Channel>) -> EventLoopFuture<any Channel> {
        next(on: eventLoop, until: .now() + window, attempt)
    }

    private static func next(on eventLoop: any EventLoop, until deadline: NIODeadline,
                             _ attempt: @escaping @Sendable () -> EventLoopFuture<any Channel>) -> EventLoopFuture<any Channel> {
        attempt().flatMapError { error in
            guard (error as? IOError)?.errnoCode == EADDRINUSE, NIODeadline.now() < deadline else {
                return eventLoop.makeFailedFuture(error)
            }
            return eventLoop.scheduleTask(in: .milliseconds(50)) {}.futureResult
                .flatMap { next(on: eventLoop, until: deadline, attempt) }
        }
    }
}
