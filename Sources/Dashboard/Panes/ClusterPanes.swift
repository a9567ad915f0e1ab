import Telemetry

/// Pods: where they run, their IP, and whether they are Ready (what puts them behind a Service).
struct PodsTable: PaneTable {
    let model: DashboardModel
    var pods: [PodSummary] { model.cluster.pods }

    let columns = [
        Column("NAMESPACE", width: 10, priority: 2),
        Column("NAME", width: 24, flex: 2),
        Column("READY", width: 5),
        Column("STATUS", width: 11),
        Column("RESTARTS", width: 8, priority: 3, alignRight: true),
        Column("IP", width: 15),
        Column("NODE", width: 8, flex: 1, priority: 1),
    ]

    var count: Int { pods.count }
    func key(_ row: Int) -> String { pods[row].id }
    func cells(_ row: Int) -> [String] {
        let p = pods[row]
        return [p.namespace, p.name, p.ready ? "1/1" : "0/1", p.terminating ? "Terminating" : p.phase,
                String(p.restarts), p.ip ?? "<none>", p.nodeName ?? "<none>"]
    }
    func role(_ row: Int) -> Role {
        let p = pods[row]
        switch model.change(ofRow: "pod:" + p.id) {
        case .added: return .added
        case .changed: return .changed
        case .deleted: return .deleted
        case nil: break
        }
        if p.terminating { return .deleted }
        if p.phase == "Failed" { return .error }
        if p.phase == "Pending" || !p.ready { return .warn }
        return .normal
    }
    func searchText(_ row: Int) -> String { cells(row).joined(separator: " ") }
    func labels(_ row: Int) -> [String: String]? { pods[row].labels }
}

/// Nodes: the loopback addresses NodePort and LoadBalancer traffic lands on.
struct NodesTable: PaneTable {
    let model: DashboardModel
    let podCounts: [String: Int]
    let traffic: [String: NodeTrafficStats]

    init(model: DashboardModel) {
        self.model = model
        var counts: [String: Int] = [:]
        for p in model.cluster.pods { if let n = p.nodeName { counts[n, default: 0] += 1 } }
        podCounts = counts
        traffic = Dictionary((model.snapshot.proxy?.nodes ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    var nodes: [NodeSummary] { model.cluster.nodes }

    let columns = [
        Column("NAME", width: 12, flex: 1),
        Column("STATUS", width: 9),
        Column("ADDRESS", width: 15),
        Column("POD-CIDR", width: 18, priority: 2),
        Column("PODS", width: 5, alignRight: true),
        Column("ACTIVE", width: 6, priority: 1, alignRight: true),
        Column("CONNS", width: 7, priority: 1, alignRight: true),
    ]

    var count: Int { nodes.count }
    func key(_ row: Int) -> String { nodes[row].name }
    func cells(_ row: Int) -> [String] {
        let n = nodes[row]
        let t = traffic[n.name]?.traffic.counters
        return [n.name, (n.ready ? "Ready" : "NotReady") + (n.unschedulable ? ",SchedulingDisabled" : ""),
                n.address ?? "-", n.podCIDR ?? "-", String(podCounts[n.name] ?? 0),
                String(t?.activeConnections ?? 0), String(t?.totalConnections ?? 0)]
    }
    func role(_ row: Int) -> Role { nodes[row].ready ? .normal : .error }
    func searchText(_ row: Int) -> String { cells(row).joined(separator: " ") }
    func labels(_ row: Int) -> [String: String]? { nodes[row].labels }
}

/// Events, newest first.
struct EventsTable: PaneTable {
    let model: DashboardModel
    var events: [EventSummary] { model.cluster.events }

    let columns = [
        Column("TIME", width: 8),
        Column("TYPE", width: 7, priority: 2),
        Column("REASON", width: 16, priority: 1),
        Column("OBJECT", width: 24, flex: 1),
        Column("MESSAGE", width: 20, flex: 3),
    ]

    var count: Int { events.count }
    func event(_ row: Int) -> EventSummary { events[events.count - 1 - row] }
    func key(_ row: Int) -> String {
        let e = event(row)
        return "\(e.time)|\(e.object)|\(e.reason)"
    }
    func cells(_ row: Int) -> [String] {
        let e = event(row)
        return [Format.clock(rfc3339: e.time), e.type, e.reason, e.object,
                e.message + (e.count > 1 ? " (x\(e.count))" : "")]
    }
    func role(_ row: Int) -> Role { event(row).type == "Warning" ? .warn : .normal }
    func searchText(_ row: Int) -> String { cells(row).joined(separator: " ") }
}
