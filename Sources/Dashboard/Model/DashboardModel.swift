import Telemetry

/// Traffic of one service summed over its ports, with rates from the previous sample.
public struct ServiceTraffic: Sendable, Hashable {
    public var active = 0
    public var total = 0
    public var connectionsPerSecond = 0.0
    /// Worst upstream connect p99 over the ports, microseconds.
    public var p99 = 0
    /// Refused + dropped + failed connects.
    public var errors = 0
    public var bytesIn = 0
    public var bytesOut = 0
    public init() {}
}

/// Traffic of one endpoint of one service.
public struct EndpointTraffic: Sendable, Hashable {
    public var active = 0
    public var total = 0
    /// This endpoint's fraction of the service port's connections.
    public var share = 0.0
    /// Clients pinned here by ClientIP affinity.
    public var pinned = 0
    /// New connections per second since the previous sample.
    public var connectionsPerSecond = 0.0
    public init() {}
}

/// The header's cluster totals, computed once per sample.
public struct ClusterTotals: Sendable, Hashable {
    public var services = 0
    public var readyEndpoints = 0
    public var endpoints = 0
    public var readyPods = 0
    public var pods = 0
    public var readyNodes = 0
    public var nodes = 0
    public var connectionsPerSecond = 0.0
    public var active = 0
    public init() {}
}

/// Everything the panes draw, derived once per sample (joins, rates, history, change marks) so a
/// frame only formats the visible rows. Live and replay feed it the same way: `ingest` each
/// Snapshot in order.
public struct DashboardModel: Sendable {
    public private(set) var snapshot: Snapshot
    public private(set) var previous: Snapshot?
    /// Bumped by every ingest; row indexes are cached per generation.
    public private(set) var generation = 0
    public private(set) var services: [ServiceSummary] = []
    /// Deleted services, shown dimmed until their highlight ends.
    public private(set) var ghosts: [ServiceSummary] = []
    public private(set) var traffic: [String: ServiceTraffic] = [:]
    /// `serviceID|ip:port` → traffic.
    public private(set) var endpointTraffic: [String: EndpointTraffic] = [:]
    /// Ingress routes' traffic by `RouteKey`.
    public private(set) var ingressTraffic: [String: RouteTraffic] = [:]
    /// Connections per second per service, oldest first.
    public private(set) var history: [String: [Double]] = [:]
    public private(set) var changes = ChangeTracker()
    public private(set) var podsByID: [String: PodSummary] = [:]
    public private(set) var totals = ClusterTotals()
    private var serviceIndex: [String: Int] = [:]
    /// Every endpoint of every service as (service row, endpoint row), for `:ep` with no service.
    public private(set) var endpointRefs: [(service: Int, endpoint: Int)] = []
    /// Pod by IP, to name the pod behind a flow's endpoint.
    public private(set) var podsByIP: [String: String] = [:]
    /// Seconds a new/changed/deleted row stays highlighted.
    public var highlightSeconds: Double
    public var historyLength: Int
    private(set) var cache = RowIndexCache()

    public init(highlightSeconds: Double = 3, historyLength: Int = 30) {
        snapshot = Snapshot(time: 0)
        self.highlightSeconds = highlightSeconds
        self.historyLength = historyLength
    }

    /// A model holding one snapshot (for `--once` and tests).
    public init(_ snapshots: Snapshot..., highlightSeconds: Double = 3) {
        self.init(highlightSeconds: highlightSeconds)
        for s in snapshots { ingest(s) }
    }

    public var time: Double { snapshot.time }
    public var cluster: ClusterView { snapshot.cluster ?? ClusterView() }

    public mutating func ingest(_ next: Snapshot) {
        previous = generation == 0 ? nil : snapshot
        let dt = previous.map { next.time - $0.time } ?? 0
        let oldTraffic = traffic
        let oldEndpointTraffic = endpointTraffic
        ingressTraffic = RouteKey.traffic(next.ingress, previous: ingressTraffic, dt: dt)
        // Arrays the source did not rebuild compare by identity, so an unchanged cluster is a
        // cheap comparison (and at worst a linear one, still cheaper than re-indexing).
        let sameCluster = generation > 0 && next.cluster == snapshot.cluster
        snapshot = next
        generation += 1
        cache = RowIndexCache()
        let view = next.cluster ?? ClusterView()
        if !sameCluster { services = view.services }

        var t: [String: ServiceTraffic] = [:]
        var ept: [String: EndpointTraffic] = [:]
        for port in next.proxy?.servicePorts ?? [] {
            let id = "\(port.namespace)/\(port.name)"
            var s = t[id] ?? ServiceTraffic()
            let c = port.traffic.counters
            s.active += c.activeConnections
            s.total += c.totalConnections
            s.errors += c.refused + c.dropped + c.failedConnects
            s.bytesIn += c.bytesIn
            s.bytesOut += c.bytesOut
            s.p99 = max(s.p99, port.traffic.connectLatency.p99)
            t[id] = s
            var pinned: [String: Int] = [:]
            for a in port.affinity { pinned[a.endpoint, default: 0] += 1 }
            for e in port.endpoints {
                let key = id + "|" + e.endpoint
                var et = ept[key] ?? EndpointTraffic()
                et.active += e.traffic.counters.activeConnections
                et.total += e.traffic.counters.totalConnections
                et.pinned += pinned[e.endpoint] ?? 0
                ept[key] = et
            }
        }
        for (key, var et) in ept {
            let id = String(key[..<key.firstIndex(of: "|")!])
            let total = t[id]?.total ?? 0
            et.share = total > 0 ? Double(et.total) / Double(total) : 0
            if dt > 0, let old = oldEndpointTraffic[key] {
                et.connectionsPerSecond = max(0, Double(et.total - old.total) / dt)
            }
            ept[key] = et
        }
        for (id, var s) in t {
            if dt > 0, let old = oldTraffic[id] {
                s.connectionsPerSecond = max(0, Double(s.total - old.total) / dt)
            }
            t[id] = s
        }
        traffic = t
        endpointTraffic = ept

        if !sameCluster { indexCluster(view, at: next.time) } else { expireMarks(at: next.time) }

        // History only for services that carry (or carried) traffic: a blank sparkline needs no
        // series, and an idle cluster of 10,000 services then costs nothing per sample.
        var h: [String: [Double]] = [:]
        if generation > 1 {
            var ids = Set(t.keys)
            for (id, series) in history where series.contains(where: { $0 > 0 }) { ids.insert(id) }
            for id in ids where serviceIndex[id] != nil {
                var series = history[id] ?? []
                series.append(t[id]?.connectionsPerSecond ?? 0)
                if series.count > historyLength { series.removeFirst(series.count - historyLength) }
                h[id] = series
            }
        }
        history = h

        var sum = objectTotals
        for v in t.values {
            sum.connectionsPerSecond += v.connectionsPerSecond
            sum.active += v.active
        }
        totals = sum
    }

    /// Joins and change marks of a cluster view that differs from the last one. Skipped while
    /// the cluster stands still, which is what keeps an idle dashboard at 100,000 endpoints cheap.
    private mutating func indexCluster(_ view: ClusterView, at time: Double) {
        var rows: [(key: String, hash: Int)] = []
        rows.reserveCapacity(services.count + view.pods.count)
        var byID: [String: ServiceSummary] = [:]
        for svc in services {
            rows.append(("svc:" + svc.id, svc.hashValue))
            byID[svc.id] = svc
        }
        for pod in view.pods { rows.append(("pod:" + pod.id, pod.hashValue)) }
        let deleted = changes.observe(rows, at: time)
        var oldByID: [String: ServiceSummary] = [:]
        for g in ghosts + (previousServices ?? []) { oldByID[g.id] = g }
        expireMarks(at: time)
        ghosts = ghosts.filter { byID[$0.id] == nil }
        for key in deleted where key.hasPrefix("svc:") {
            if let old = oldByID[String(key.dropFirst(4))] { ghosts.append(old) }
        }
        previousServices = services
        serviceIndex = Dictionary(services.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        podsByID = Dictionary(view.pods.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var podIPs: [String: String] = [:]
        for pod in view.pods { if let ip = pod.ip { podIPs[ip] = pod.id } }
        podsByIP = podIPs
        var refs: [(service: Int, endpoint: Int)] = []
        refs.reserveCapacity(services.reduce(0) { $0 + $1.endpoints.count })
        for (i, svc) in services.enumerated() {
            for j in svc.endpoints.indices { refs.append((i, j)) }
        }
        endpointRefs = refs
        var sum = ClusterTotals()
        sum.services = services.count
        for svc in services {
            sum.endpoints += svc.endpoints.count
            sum.readyEndpoints += svc.readyEndpoints
        }
        sum.pods = view.pods.count
        sum.readyPods = view.pods.count(where: \.ready)
        sum.nodes = view.nodes.count
        sum.readyNodes = view.nodes.count(where: \.ready)
        objectTotals = sum
    }

    /// Ends highlights whose time is over; deleted services stay as ghosts until theirs ends.
    private mutating func expireMarks(at time: Double) {
        changes.expire(at: time, window: highlightSeconds)
        if !ghosts.isEmpty {
            ghosts = ghosts.filter { changes.change(of: "svc:" + $0.id, at: time, window: highlightSeconds) == .deleted }
        }
    }

    /// Counts of objects (not traffic) of the last indexed cluster view.
    private var objectTotals = ClusterTotals()
    private var previousServices: [ServiceSummary]?

    public func change(ofRow key: String) -> ChangeTracker.Change? {
        changes.change(of: key, at: snapshot.time, window: highlightSeconds)
    }

    public func service(id: String) -> ServiceSummary? {
        if let i = serviceIndex[id] { return services[i] }
        return ghosts.first { $0.id == id }
    }
}
