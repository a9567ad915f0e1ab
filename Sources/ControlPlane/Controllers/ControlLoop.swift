import ClusterModel

/// The embedded control plane's controllers — scheduler, kubelet, deployment, endpoints,
/// EndpointSlice mirroring, service load balancer — run as one level-triggered loop over the
/// store's watch. Each write to the store (from manifests, the API, the dashboard or the loop
/// itself) becomes work items keyed by object; each item is reconciled by reading only what it
/// needs through indexes, so the work per change grows with what changed, not with the cluster.
///
/// Not thread-safe by design: one owner drives it (`runUntilIdle`), as client-go's workqueue
/// serialises a controller. Deterministic for a given seed and clock, so tests never sleep.
public final class ControlLoop {
    public let store: ObjectStore
    public let registry: Registry
    public let config: ClusterConfig
    let clock: any ClusterClock

    enum WorkItem: Hashable {
        case service(ObjectKey)
        case deployment(ObjectKey)
        case schedule(ObjectKey)
        case startPod(ObjectKey)
        case finalizePod(ObjectKey)
        case node(ObjectKey)
    }

    private var queue: [WorkItem] = []
    private var queued: Set<WorkItem> = []
    private var timers: [(due: Double, item: WorkItem)] = []
    private var lastSeen = 0

    // Indexes, maintained from the watch.
    var podLabels = PodLabelIndex()
    var serviceSelectors = ServiceSelectorIndex()
    var podsByOwner: [ObjectKey: Set<ObjectKey>] = [:]      // deployment -> pods
    var podsByNode: [String: Set<ObjectKey>] = [:]
    var slicesByService: [ObjectKey: Set<String>] = [:]     // service -> managed slice names
    var podAllocators: [String: SequentialIPAllocator] = [:]  // node name -> pod IPs
    var lbPool: SequentialIPAllocator
    var lbAssignments: [ObjectKey: String] = [:]
    var templateHashes: [ObjectKey: (uid: String?, generation: Int, hash: String)] = [:]
    /// When each pod started and each service was created (store versions): a pod's service
    /// links are the services created before it started, computed on demand so 100,000 pods do
    /// not each hold a copy of every service's variables.
    var podStarted: [ObjectKey: Int] = [:]
    var serviceCreated: [ObjectKey: Int] = [:]
    var servicesByNamespace: [String: Set<ObjectKey>] = [:]
    var events: EventRecorder
    /// The cluster DNS records, kept current as services, slices and pods change (the DNS server
    /// answers from a copy the engine publishes).
    public private(set) var dns: DNSRecordSet
    private var dnsDirty: Set<ObjectKey> = []
    /// Nodes by name, from the watch: the scheduler reads them on every pod.
    var nodes: [String: Node] = [:]
    var rng: SplitMix64
    /// When set, pods that started or went since the last `drainPodLifecycle` are remembered, for
    /// an engine that precomputes what the data plane needs (their environment) off the loop.
    public var tracksPodLifecycle = false
    private var startedPods: [ObjectKey] = []
    private var deletedPods: [ObjectKey] = []

    /// Pods started and deleted since the last call (only with `tracksPodLifecycle`).
    public func drainPodLifecycle() -> (started: [ObjectKey], deleted: [ObjectKey]) {
        defer { startedPods.removeAll(); deletedPods.removeAll() }
        return (startedPods, deletedPods)
    }

    /// Counts reconciles per kind of work item, for tests that check work stays proportional.
    public private(set) var reconcileCount = 0

    public init(config: ClusterConfig = ClusterConfig(), clock: any ClusterClock = SystemClock(),
                store: ObjectStore? = nil) throws(AllocationError) {
        self.config = config
        self.clock = clock
        let store = store ?? ObjectStore(clock: clock)
        self.store = store
        registry = try Registry(store: store, config: config, clock: clock)
        lbPool = SequentialIPAllocator(cidr: try config.addresses.validated().pool)
        events = EventRecorder(limit: config.eventLimit)
        dns = DNSRecordSet(zone: config.addresses.clusterDomain)
        rng = SplitMix64(seed: config.seed &+ 7)
        resync()
    }

    // MARK: driving

    /// Reconciles until nothing is left to do at the current time: drains the store's watch,
    /// the work queue and due timers. Returns the number of reconciles performed.
    @discardableResult
    public func runUntilIdle(limit: Int = 10_000_000) -> Int {
        var done = 0
        while done < limit {
            intake()
            fireTimers()
            guard !queue.isEmpty else { break }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queued.removeAll(keepingCapacity: true)
            for item in batch {
                reconcile(item)
                done += 1
            }
        }
        flushDNS()
        reconcileCount += done
        return done
    }

    /// When the next timer (a pod's grace period) fires, for a live driver to sleep until.
    public var nextTimer: Double? { timers.map(\.due).min() }

    func enqueue(_ item: WorkItem) {
        if queued.insert(item).inserted { queue.append(item) }
    }

    func schedule(_ item: WorkItem, at due: Double) {
        timers.append((due, item))
    }

    private func fireTimers() {
        guard !timers.isEmpty else { return }
        let now = clock.now()
        var keep: [(Double, WorkItem)] = []
        for t in timers { if t.due <= now { enqueue(t.item) } else { keep.append(t) } }
        timers = keep
    }

    private func reconcile(_ item: WorkItem) {
        switch item {
        case .service(let k): syncService(k)
        case .deployment(let k): syncDeployment(k)
        case .schedule(let k): schedulePod(k)
        case .startPod(let k): startPod(k)
        case .finalizePod(let k): finalizePod(k)
        case .node(let k): syncNode(k)
        }
    }

    // MARK: watch intake

    private func intake() {
        let evs: [WatchEvent]
        do {
            evs = try store.events(since: lastSeen)
        } catch {
            resync()
            return
        }
        for e in evs { observe(e) }
        if let last = evs.last { lastSeen = last.resourceVersion }
    }

    /// Rebuilds every index from a full list and queues everything: the answer to "too old".
    private func resync() {
        let snap = store.snapshot()
        lastSeen = snap.resourceVersion
        podLabels = PodLabelIndex()
        serviceSelectors = ServiceSelectorIndex()
        podsByOwner = [:]
        podsByNode = [:]
        slicesByService = [:]
        nodes = [:]
        for kind in ResourceKind.allCases {
            for obj in (snap.objects[kind] ?? [:]).values.sorted(by: { $0.key < $1.key }) {
                observe(WatchEvent(type: .added, object: obj, previous: nil, resourceVersion: snap.resourceVersion))
            }
        }
    }

    private func observe(_ e: WatchEvent) {
        let deleted = e.type == .deleted
        switch (e.object, e.previous) {
        case (.pod(let pod), let prev):
            let old: Pod? = if case .pod(let p)? = prev { p } else { nil }
            observePod(pod, old: old, deleted: deleted, version: e.resourceVersion)
        case (.service(let svc), let prev):
            let old: Service? = if case .service(let s)? = prev { s } else { nil }
            if let old { serviceSelectors.remove(old.key, selector: old.spec.selector) }
            if !deleted { serviceSelectors.insert(svc.key, selector: svc.spec.selector) }
            if deleted {
                serviceCreated[svc.key] = nil
                servicesByNamespace[svc.namespace]?.remove(svc.key)
            } else if e.type == .added {
                serviceCreated[svc.key] = e.resourceVersion
                servicesByNamespace[svc.namespace, default: []].insert(svc.key)
            }
            enqueue(.service(svc.key))
            if deleted {
                dnsDirty.remove(svc.key)
                dns.removeService(namespace: svc.namespace, name: svc.name)
            } else {
                dnsDirty.insert(svc.key)
            }
        case (.deployment(let d), _):
            enqueue(.deployment(d.key))
        case (.endpoints(let ep), _):
            // Hand-written Endpoints of a selector-less service are mirrored into slices.
            enqueue(.service(ep.key))
        case (.endpointSlice(let slice), _):
            if let svc = slice.labels[EndpointSliceLabel.serviceName] {
                let key = ObjectKey(namespace: slice.namespace, name: svc)
                if deleted { slicesByService[key]?.remove(slice.name) } else { slicesByService[key, default: []].insert(slice.name) }
                endpointSlicesChanged(service: key)
            }
        case (.node(let node), _):
            nodes[node.name] = deleted ? nil : node
            enqueue(.node(node.key))
        default:
            break
        }
    }

    private func observePod(_ pod: Pod, old: Pod?, deleted: Bool, version startVersion: Int) {
        let key = pod.key
        if let old {
            podLabels.remove(key, labels: old.labels)
            if let n = old.spec.nodeName { podsByNode[n]?.remove(key) }
            if let owner = Self.owner(of: old) { podsByOwner[owner]?.remove(key) }
        }
        if !deleted {
            podLabels.insert(key, labels: pod.labels)
            if let n = pod.spec.nodeName { podsByNode[n, default: []].insert(key) }
            if let owner = Self.owner(of: pod) { podsByOwner[owner, default: []].insert(key) }
            if podStarted[key] == nil, pod.status?.podIP != nil {
                podStarted[key] = startVersion
                if tracksPodLifecycle { startedPods.append(key) }
            }
            if old?.status?.podIP != pod.status?.podIP || old?.isTerminating != pod.isTerminating { dns.update(pod: pod) }
        } else {
            podStarted[key] = nil
            if tracksPodLifecycle { deletedPods.append(key) }
            dns.removePod(namespace: key.namespace, name: key.name)
            if let n = pod.spec.nodeName, let ip = pod.status?.podIP { podAllocators[n]?.release(ip) }
        }
        // Services that select the pod now or selected it before — only when something the
        // endpoints controllers read has changed (not, say, a scheduling decision).
        if let old, !deleted, !Self.endpointRelevantChange(old, pod) {
            if let owner = Self.owner(of: pod), old.isReady != pod.isReady || old.status?.phase != pod.status?.phase {
                enqueue(.deployment(owner))
            }
            scheduleLifecycle(pod, old: old)
            return
        }
        var services = serviceSelectors.candidates(namespace: key.namespace, labels: pod.labels)
        if let old, old.labels != pod.labels {
            services.formUnion(serviceSelectors.candidates(namespace: key.namespace, labels: old.labels))
        }
        for s in services.sorted() { enqueue(.service(s)) }
        if let owner = Self.owner(of: pod) ?? old.flatMap(Self.owner) { enqueue(.deployment(owner)) }
        if deleted { return }
        scheduleLifecycle(pod, old: old)
    }

    /// What the pod needs next from the scheduler, the kubelet or the finaliser.
    private func scheduleLifecycle(_ pod: Pod, old: Pod?) {
        let key = pod.key
        if pod.isTerminating {
            if old?.isTerminating != true {
                events.record(store, about: pod.reference, reason: "Killing", message: "Stopping container \(pod.spec.containers.first?.name ?? "")", now: clock.now())
            }
            schedule(.finalizePod(key), at: Timestamp.parse(pod.metadata.deletionTimestamp!) ?? clock.now())
        } else if pod.spec.nodeName == nil {
            enqueue(.schedule(key))
        } else if pod.status?.podIP == nil, !pod.isTerminal {
            enqueue(.startPod(key))
        }
    }

    /// Whether a pod update can change any Endpoints or EndpointSlice.
    static func endpointRelevantChange(_ a: Pod, _ b: Pod) -> Bool {
        // A pod without an IP is nobody's endpoint, whatever else changed.
        if a.ips.isEmpty && b.ips.isEmpty { return false }
        return a.metadata.labels != b.metadata.labels || a.ips != b.ips || a.isReady != b.isReady
            || a.isTerminating != b.isTerminating || a.status?.phase != b.status?.phase
            || a.spec.nodeName != b.spec.nodeName || a.spec.hostname != b.spec.hostname
            || a.spec.subdomain != b.spec.subdomain || a.spec.containers != b.spec.containers
    }

    static func owner(of pod: Pod) -> ObjectKey? {
        guard let ref = pod.metadata.ownerReferences?.first(where: { $0.kind == "Deployment" && $0.controller == true }) else {
            return nil
        }
        return ObjectKey(namespace: pod.namespace, name: ref.name)
    }

    // MARK: hooks for derived data

    /// Called when a service's slices change, so derived views (DNS) follow.
    func endpointSlicesChanged(service: ObjectKey) { dnsDirty.insert(service) }

    /// Rebuilds the DNS records of services whose object or slices changed, once per service
    /// per `runUntilIdle` however many of its slices were written.
    private func flushDNS() {
        guard !dnsDirty.isEmpty else { return }
        for key in dnsDirty.sorted() {
            guard let svc = store.get(Service.self, namespace: key.namespace, name: key.name) else { continue }
            let slices = (slicesByService[key] ?? []).sorted().compactMap {
                store.get(EndpointSlice.self, namespace: key.namespace, name: $0)
            }
            dns.update(service: svc, slices: slices)
        }
        dnsDirty.removeAll(keepingCapacity: true)
    }

    // MARK: queries

    /// The environment of each container of a running pod as the kubelet built it at start:
    /// declared `env` (with `$(VAR)` expansion) and the links of services that existed then.
    /// nil for a pod that has not started.
    public func environment(of key: ObjectKey) -> [String: [EnvVar]]? {
        guard let started = podStarted[key], let pod = store.get(Pod.self, namespace: key.namespace, name: key.name) else {
            return nil
        }
        var keys = servicesByNamespace[key.namespace] ?? []
        keys.insert(ObjectKey(namespace: "default", name: "kubernetes"))
        let services = keys.sorted().filter { (serviceCreated[$0] ?? .max) <= started }
            .compactMap { store.get(Service.self, namespace: $0.namespace, name: $0.name) }
        var out: [String: [EnvVar]] = [:]
        for c in pod.spec.containers {
            out[c.name] = ServiceEnvironment.forPod(pod, container: c, services: services)
        }
        return out
    }

    func recordEvent(_ ref: ObjectReference, _ reason: String, _ message: String, type: String = "Normal") {
        events.record(store, about: ref, reason: reason, message: message, type: type, now: clock.now())
    }
}
