import Dispatch

/// Where `/metrics` gathers the engine's figures: a private dispatch queue, not the shared
/// cooperative pool, so a scrape never waits behind tasks that block their threads (and never
/// runs on, or blocks, an event loop).
final class MetricsExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = MetricsExecutor()
    private let queue = DispatchQueue(label: "switchboard-metrics")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
