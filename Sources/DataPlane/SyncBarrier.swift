import Synchronization

/// Lets callers wait until a store watcher (the service proxy, the ingress controller) has
/// reflected the store at a resourceVersion: the "within one reconcile" that tests and the
/// engine rely on. One shared piece so both watchers release waiters the same way.
final class SyncBarrier: Sendable {
    private struct State: ~Copyable {
        var synced = -1
        var waiters: [(version: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var stopped = false
    }

    private let state = Mutex(State())

    /// Returns once `reached` was called with `target` or later, or the watcher stopped.
    func wait(for target: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.synced >= target || s.stopped { return true }
                s.waiters.append((target, c))
                return false
            }
            if ready { c.resume() }
        }
    }

    /// The watcher now reflects the store at `version`.
    func reached(_ version: Int) {
        let ready = state.withLock { s in
            s.synced = max(s.synced, version)
            let r = s.waiters.filter { $0.version <= version }
            s.waiters.removeAll { $0.version <= version }
            return r
        }
        for w in ready { w.continuation.resume() }
    }

    /// The watcher is gone: every waiter, present and future, returns at once.
    func stop() {
        let all = state.withLock { s in
            s.stopped = true
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in all { w.continuation.resume() }
    }
}
