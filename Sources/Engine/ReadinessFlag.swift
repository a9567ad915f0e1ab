import Synchronization

/// Whether the engine serves: set once the data plane has programmed the state, cleared when it
/// starts draining. A class so the API server's `/readyz` closure can share it.
final class ReadinessFlag: Sendable {
    private let value = Mutex(false)
    var isReady: Bool { value.withLock { $0 } }
    func set(_ ready: Bool) { value.withLock { $0 = ready } }
}
