import ClusterModel
import ControlPlane
import NIOCore

/// Makes pods real, as the kubelet does on a node: every pod that has an IP, is Running and is
/// not being deleted gets its containers' workloads started on loopback — built-in images
/// in-process on SwiftNIO, anything with a `command` as a child process. It watches the store,
/// writes container statuses and readiness back through the registry, and finishes graceful
/// deletions by removing the pod once its workloads have stopped.
///
/// Thread-safe. Each pod's workloads live on one event loop of `group`; nothing here blocks a
/// loop. The injected closures are called on event loops and must not block either.
public final class PodRuntime: Sendable {
    private let store: ObjectStore
    private let registry: Registry
    private let group: any EventLoopGroup
    private let config: PodRuntimeConfig
    private let environment: @Sendable (ObjectKey) -> [String: [EnvVar]]?
    private let resolver: @Sendable (_ name: String, _ podNamespace: String) -> [String]
    private let state = PodLocked(State())

    private struct State {
        var workloads: [ObjectKey: PodWorkload] = [:]
        var subscription: Int?
        var stopped = false
        /// Stops in flight (graceful deletions, replaced pods), awaited by `shutdown()`.
        var stopping: [ObjectIdentifier: EventLoopFuture<Void>] = [:]
    }

    /// - Parameters:
    ///   - environment: each container's environment for a started pod (service links + declared
    ///     env, `$(VAR)`-expanded), keyed by container name; nil while the control plane has none
    ///     yet (the runtime waits `config.environmentWait`, then uses the declared literal env).
    ///   - resolver: cluster DNS as seen from a pod of `podNamespace` (its resolv.conf search
    ///     path applied): IPv4 addresses for `name`, empty when it does not resolve.
    public init(store: ObjectStore, registry: Registry, group: any EventLoopGroup, config: PodRuntimeConfig,
                environment: @escaping @Sendable (ObjectKey) -> [String: [EnvVar]]?,
                resolver: @escaping @Sendable (_ name: String, _ podNamespace: String) -> [String]) {
        self.store = store
        self.registry = registry
        self.group = group
        self.config = config
        self.environment = environment
        self.resolver = resolver
    }

    /// Starts watching the store and runs every pod that should be running now.
    public func start() {
        let id = store.subscribe { [weak self] event in self?.observe(event) }
        let alreadyStopped = state.withLock { s -> Bool in
            if s.stopped { return true }
            s.subscription = id
            return false
        }
        if alreadyStopped {
            store.unsubscribe(id)
            return
        }
        for obj in store.list(.pods) { if case .pod(let pod) = obj { reconcile(pod) } }
    }

    /// Stops watching and stops every workload (SIGTERM, then SIGKILL after
    /// `config.forcedStopGrace`). Pods stay in the store: the engine is going away, not the pods.
    public func shutdown() async {
        let (sub, workloads, inFlight) = state.withLock { s in
            s.stopped = true
            let out = (s.subscription, Array(s.workloads.values), Array(s.stopping.values))
            s.subscription = nil
            s.workloads = [:]
            return out
        }
        if let sub { store.unsubscribe(sub) }
        let deadline = NIODeadline.now() + config.forcedStopGrace
        let stops = workloads.map { $0.terminate(deadline: deadline) } + inFlight
        for f in stops { try? await f.get() }
    }

    /// The container's log as `kubectl logs` would print it; the first container when
    /// `container` is nil. Empty for a pod the runtime does not run.
    public func logs(of pod: ObjectKey, container: String? = nil) -> String {
        guard let w = state.withLock({ $0.workloads[pod] }) else { return "" }
        let name = container ?? w.pod.spec.containers.first?.name ?? ""
        return w.logs[name]?.text ?? ""
    }

    /// A sample of every running pod's workloads, for the dashboard.
    public func snapshot() -> [ObjectKey: PodWorkloadStats] {
        let all = state.withLock { Array($0.workloads.values) }
        var out: [ObjectKey: PodWorkloadStats] = [:]
        for w in all { out[w.key] = w.stats() }
        return out
    }

    // MARK: watch

    private func observe(_ event: WatchEvent) {
        guard case .pod(let pod) = event.object else { return }
        if event.type == .deleted {
            removed(pod)
        } else {
            reconcile(pod)
        }
    }

    /// Level-triggered: only a change of identity (uid), an IP appearing or a deletion starting
    /// changes what runs; status and label updates leave workloads alone.
    private func reconcile(_ pod: Pod) {
        let key = pod.key
        enum Action { case none, start(PodWorkload), terminate(PodWorkload, grace: Double), finalizeNow, replace(PodWorkload, PodWorkload) }
        let shouldRun = pod.status?.podIP != nil && pod.status?.phase == "Running" && !pod.isTerminating
        let action: Action = state.withLock { s in
            guard !s.stopped else { return .none }
            let existing = s.workloads[key]
            if let existing, existing.uid == pod.metadata.uid {
                if pod.isTerminating, !existing.isTerminatingFlag {
                    existing.isTerminatingFlag = true
                    return .terminate(existing, grace: Self.grace(of: pod))
                }
                return .none
            }
            if pod.isTerminating {
                // Nothing of ours runs for it (e.g. it was deleted before we started): done at once.
                return pod.status?.podIP != nil && existing == nil ? .finalizeNow : .none
            }
            guard shouldRun else { return .none }
            let w = makeWorkload(pod)
            s.workloads[key] = w
            if let existing { return .replace(existing, w) }
            return .start(w)
        }
        switch action {
        case .none:
            break
        case .start(let w):
            w.start()
        case .replace(let old, let new):
            track(old.terminate(deadline: .now() + config.forcedStopGrace))
            new.start()
        case .terminate(let w, let grace):
            let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0, grace) * 1e9))
            let done = w.terminate(deadline: deadline)
            track(done)
            done.whenComplete { [weak self] _ in self?.finalize(w) }
        case .finalizeNow:
            _ = try? store.delete(.pods, key)
        }
    }

    private func removed(_ pod: Pod) {
        let w = state.withLock { s -> PodWorkload? in
            guard let w = s.workloads[pod.key], w.uid == pod.metadata.uid else { return nil }
            s.workloads[pod.key] = nil
            return w
        }
        guard let w else { return }
        w.isTerminatingFlag = true
        track(w.terminate(deadline: .now() + config.forcedStopGrace))
    }

    /// The end of a graceful deletion: the workloads have stopped, so the pod object goes (if it
    /// is still the same, still terminating pod).
    private func finalize(_ w: PodWorkload) {
        let current = state.withLock { s -> Bool in
            guard s.workloads[w.key] === w else { return false }
            s.workloads[w.key] = nil
            return !s.stopped
        }
        guard current, let pod = store.get(Pod.self, namespace: w.key.namespace, name: w.key.name),
              pod.metadata.uid == w.uid, pod.isTerminating else { return }
        _ = try? store.delete(.pods, w.key)
    }

    private func track(_ f: EventLoopFuture<Void>) {
        let id = ObjectIdentifier(f)
        state.withLock { $0.stopping[id] = f }
        f.whenComplete { [weak self] _ in _ = self?.state.withLock { $0.stopping.removeValue(forKey: id) } }
    }

    private func makeWorkload(_ pod: Pod) -> PodWorkload {
        PodWorkload(pod: pod, eventLoop: group.next(), deps: PodWorkload.Dependencies(
            writer: PodStatusWriter(registry: registry, retries: config.statusRetries), config: config,
            environment: environment, resolver: resolver,
            probesDriveReadiness: registry.config.probesDriveReadiness))
    }

    /// The grace period left: `deletionGracePeriodSeconds`, else until `deletionTimestamp`.
    static func grace(of pod: Pod) -> Double {
        if let g = pod.metadata.deletionGracePeriodSeconds { return Double(g) }
        if let due = Timestamp.parse(pod.metadata.deletionTimestamp ?? "") { return max(0, due - SystemClock().now()) }
        return 30
    }
}
