import ClusterModel
import ControlPlane
import NIOCore
import NIOPosix
import Synchronization
import Telemetry

/// The L4 proxy engine: kube-proxy for the emulated cluster, moving real bytes on loopback.
/// It watches the store (as kube-proxy watches the API), turns services, EndpointSlices and nodes
/// into listeners (cluster IPs, NodePorts on every node address, LoadBalancer ingress IPs, external
/// IPs, health-check node ports) and an immutable routing table, and splices each accepted
/// connection to a pod chosen by kube-proxy's rules.
///
/// Reconciling happens on a task of its own, never on an event loop and never inside the store's
/// watch callback (which only signals); connections read the table with one atomic load.
public final class ServiceProxy: Sendable {
    public let store: ObjectStore
    public let config: ProxyConfig
    private let group: any EventLoopGroup
    private let core: ProxyCore
    private let registry = StatsRegistry()
    private let listeners: ListenerManager
    private let aggregator: StatsAggregator
    private let state = Mutex(State())
    private let synced = SyncBarrier()

    private struct State: ~Copyable {
        var subscription: Int?
        var continuation: AsyncStream<Void>.Continuation?
        var loop: Task<Void, Never>?
        var dirty = true
        var views: [ServicePortView] = []
    }

    /// `group` carries every listener and connection (its size is the proxy's event loop count).
    /// `flowRing` is where finished connections are listed; pass the ingress controller's too so
    /// the snapshot lists L4 and HTTP flows together (default: a ring of its own).
    public init(store: ObjectStore, group: any EventLoopGroup, config: ProxyConfig = ProxyConfig(),
                flowRing: FlowRing? = nil) {
        self.store = store
        self.config = config
        self.group = group
        var loops: [any EventLoop] = []
        for l in group.makeIterator() { loops.append(l) }
        core = ProxyCore(config: config, loops: loops)
        listeners = ListenerManager(group: group, core: core)
        aggregator = StatsAggregator(flows: flowRing ?? FlowRing(capacity: config.flowRecordCapacity))
    }

    /// Subscribes to the store and programs the current state; returns once that is in place.
    public func start() async throws {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = store.subscribe { [weak self] event in
            guard let self else { return }
            switch event.object.resource {
            case .services, .endpointSlices, .nodes: self.state.withLock { $0.dirty = true }
            default: break
            }
            continuation.yield()
        }
        let task = Task { [self] in
            for await _ in stream { await self.reconcile() }
        }
        state.withLock {
            $0.subscription = id
            $0.continuation = continuation
            $0.loop = task
        }
        continuation.yield()
        await waitForSync()
    }

    /// Stops watching, closes every listener and every connection still open.
    public func shutdown() async {
        let (sub, cont, task) = state.withLock { s in
            let r = (s.subscription, s.continuation, s.loop)
            s.subscription = nil
            s.continuation = nil
            s.loop = nil
            return r
        }
        if let sub { store.unsubscribe(sub) }
        cont?.finish()
        await task?.value
        await listeners.closeAll()
        for stats in core.loopStats.values {
            try? await stats.eventLoop.submit { stats.closeAll() }.get()
        }
        synced.stop()
    }

    /// Returns once the routing table and listeners reflect the store at `resourceVersion`
    /// (default: the store's version now). Lets tests and the engine act "within one reconcile".
    public func waitForSync(resourceVersion: Int? = nil) async {
        await synced.wait(for: resourceVersion ?? store.resourceVersion)
    }

    /// How many listening sockets were bound so far (tests: nothing restarts needlessly).
    public func listenerBindCount() async -> Int { await listeners.bindCount }

    // MARK: reconcile

    private func reconcile() async {
        let rv = store.resourceVersion
        let dirty = state.withLock { s in
            let d = s.dirty
            s.dirty = false
            return d
        }
        if dirty {
            registry.beginBuild()
            let out = RoutingTableBuilder(config: config, registry: registry).build(
                resourceVersion: rv, services: store.list(Service.self), slices: store.list(EndpointSlice.self),
                nodes: store.list(Node.self))
            await aggregator.forget(registry.endBuild())
            core.table.store(out.table, ordering: .releasing)
            state.withLock { $0.views = out.servicePorts }
            await listeners.apply(out.listeners)
        }
        synced.reached(rv)
    }

    // MARK: stats

    /// A consistent-enough sample of everything the proxy knows; cheap enough to take 10 times a
    /// second (counters are atomic loads; histograms are merged only where traffic happened).
    public func snapshot() async -> ProxySnapshot {
        // Counters first, per-loop records second: every connection the counters show as
        // finished then already has its flow record and histogram samples.
        let table = core.table.load(ordering: .acquiring)
        let views = state.withLock { $0.views }
        var counters: [Int: TrafficCounters] = [:]
        for v in views {
            counters[v.route.cell.id] = v.route.cell.counters
            for e in v.endpoints { counters[e.cell.id] = e.cell.counters }
        }
        for n in table.nodes { counters[n.cell.id] = n.cell.counters }
        var drained: [(histograms: [Int: HistogramPair], flows: [FlowRecord])] = []
        for stats in core.loopStats.values {
            if let d = try? await stats.eventLoop.submit({ stats.drain() }).get() { drained.append(d) }
        }
        let (summaries, flows) = await aggregator.merge(drained)
        let now = config.clock.now()
        func traffic(_ cell: TrafficCell) -> TrafficStats {
            let s = summaries[cell.id]
            return TrafficStats(counters: counters[cell.id] ?? cell.counters, connectLatency: s?.connect ?? LatencySummary(),
                                duration: s?.duration ?? LatencySummary())
        }
        let ports = views.map { v in
            ServicePortStats(
                namespace: v.namespace, name: v.name, portName: v.portName, port: v.port, traffic: traffic(v.route.cell),
                endpoints: v.endpoints.map { e in
                    EndpointTrafficStats(ip: "\(IPv4(e.ip))", port: e.port, nodeName: e.nodeName, ready: e.isReady,
                                         serving: e.isServing, terminating: e.isTerminating, traffic: traffic(e.cell))
                },
                affinity: v.route.affinity?.entries(now: now) ?? [],
                sessionAffinityTimeoutSeconds: v.route.affinity.map { Int($0.timeout) })
        }
        let nodes = table.nodes.map { n in
            NodeTrafficStats(name: n.name, address: "\(IPv4(n.ip))", ready: n.ready, traffic: traffic(n.cell))
        }
        return ProxySnapshot(time: now, resourceVersion: table.resourceVersion, listeners: await listeners.statuses(),
                             servicePorts: ports, nodes: nodes, recentFlows: flows,
                             privilegedPortRemap: config.privilegedPortRemap)
    }
}
