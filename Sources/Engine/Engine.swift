import ClusterModel
import ControlPlane
import Foundation

/// A live cluster: the store, the control loop on its own thread, and (as they come) the data
/// plane's proxy and pods. Everything outside talks to it through the store/registry (thread-safe)
/// or through `perform`, which runs a closure on the control thread between reconciles — the
/// loop itself is never shared.
public final class ClusterEngine: @unchecked Sendable {
    public let config: ClusterConfig
    public let store: ObjectStore
    public let registry: Registry
    private let loop: ControlLoop
    private let condition = NSCondition()
    private var dirty = true
    private var running = false
    private var stopped = false
    private var thread: Thread?
    private var pending: [() -> Void] = []
    private var subscription: Int?
    private let published = NSLock()
    private var publishedDNS: DNSRecordSet
    private var environments: [ObjectKey: [String: [EnvVar]]] = [:]
    private var loopStats = ControlLoopStats()

    public init(config: ClusterConfig, clock: any ClusterClock = SystemClock()) throws {
        self.config = config
        loop = try ControlLoop(config: config, clock: clock)
        store = loop.store
        registry = loop.registry
        loop.tracksPodLifecycle = true
        try loop.bootstrap()
        loop.runUntilIdle()
        publishedDNS = loop.dns
    }

    /// Applies manifests (namespaces they name are created) and reconciles them before returning.
    public func apply(_ objects: [APIObject]) -> [(APIObject, StoreError)] {
        perform { loop in
            let r = loop.apply(objects)
            loop.runUntilIdle()
            self.publish()
            return r.errors
        }
    }

    /// Starts the control thread: it reconciles whenever the store changes or a timer is due.
    public func start() {
        condition.lock()
        guard !running else { condition.unlock(); return }
        running = true
        condition.unlock()
        subscription = store.subscribe { [weak self] _ in self?.kick() }
        let t = Thread { [weak self] in self?.run() }
        t.name = "switchboard-control-loop"
        thread = t
        t.start()
    }

    public func stop() {
        if let s = subscription { store.unsubscribe(s) }
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
        while true {
            condition.lock()
            let done = !running
            condition.unlock()
            if done || thread == nil { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    private func kick() {
        condition.lock()
        dirty = true
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` with the control loop, on the control thread when it runs (else inline).
    public func perform<T>(_ body: @escaping (ControlLoop) -> T) -> T {
        condition.lock()
        if !running || Thread.current === thread {
            condition.unlock()
            return body(loop)
        }
        var result: T?
        let done = NSCondition()
        pending.append { [loop] in
            let r = body(loop)
            done.lock()
            result = r
            done.signal()
            done.unlock()
        }
        condition.signal()
        condition.unlock()
        done.lock()
        while result == nil { done.wait() }
        done.unlock()
        return result!
    }

    private func run() {
        while true {
            condition.lock()
            while !dirty && pending.isEmpty && !stopped {
                if let next = loop.nextTimer {
                    let wait = next - SystemClock().now()
                    if wait <= 0 { break }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: min(wait, 1)))
                } else {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 1))
                }
            }
            if stopped {
                running = false
                condition.unlock()
                return
            }
            let work = pending
            pending.removeAll()
            dirty = false
            condition.unlock()
            for w in work { w() }
            let started = DispatchTime.now().uptimeNanoseconds
            let reconciled = loop.runUntilIdle()
            if reconciled > 0 || !work.isEmpty { publish() }
            if reconciled > 0 { recordPass(reconciled, since: started) }
        }
    }

    /// Makes the loop's results readable from any thread without waiting: the DNS records, and
    /// the environment of each pod that started (computed here, on the control thread, as the
    /// kubelet computes it at container start).
    private func publish() {
        let dns = loop.dns
        let (started, deleted) = loop.drainPodLifecycle()
        var envs: [(ObjectKey, [String: [EnvVar]])] = []
        for key in started { if let env = loop.environment(of: key) { envs.append((key, env)) } }
        published.lock()
        publishedDNS = dns
        for (k, e) in envs { environments[k] = e }
        for k in deleted { environments[k] = nil }
        published.unlock()
    }

    private func recordPass(_ reconciled: Int, since started: UInt64) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        published.lock()
        loopStats.record(reconciles: reconciled, seconds: seconds)
        published.unlock()
    }

    /// The control thread's passes so far (for `/metrics`).
    public var loopStatistics: ControlLoopStats {
        published.lock()
        defer { published.unlock() }
        return loopStats
    }

    /// The DNS records as of the last reconcile (for the DNS server and pods' resolvers).
    public var dns: DNSRecordSet {
        published.lock()
        defer { published.unlock() }
        return publishedDNS
    }

    /// Resolves a name from a pod's point of view (its resolv.conf search list, ndots:5).
    public func resolve(_ name: String, fromNamespace namespace: String) -> [String] {
        var conf = ResolvConf.forPod(Pod(metadata: ObjectMeta(namespace: namespace), spec: PodSpec(containers: [])),
                                     cluster: ClusterDNSSettings(clusterDomain: config.addresses.clusterDomain,
                                                                 clusterDNS: [config.addresses.clusterDNS]))
        if conf.searches.isEmpty { conf.searches = ["\(namespace).svc.\(config.addresses.clusterDomain)"] }
        return dns.resolve(name, resolvConf: conf)?.addresses ?? []
    }

    /// The environment a pod's containers started with; never blocks (nil until published).
    public func environment(of pod: ObjectKey) -> [String: [EnvVar]]? {
        published.lock()
        defer { published.unlock() }
        return environments[pod]
    }

    /// A plain-text report of nodes, services, endpoints and pods, as the loop computed them.
    public func report(includeSystem: Bool = false) -> String {
        StateReport.render(store, includeSystem: includeSystem)
    }
}
