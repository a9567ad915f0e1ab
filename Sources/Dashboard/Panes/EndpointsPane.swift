import Telemetry

/// Endpoints of one service (a drill-down) or of all services: which pod answers, whether it is
/// in rotation, and what share of the service's connections it got.
struct EndpointsTable: PaneTable {
    let model: DashboardModel
    /// `namespace/name`; nil lists every service's endpoints.
    let serviceID: String?
    private let single: ServiceSummary?

    let columns: [Column]

    init(model: DashboardModel, serviceID: String?) {
        self.model = model
        self.serviceID = serviceID
        single = serviceID.flatMap { model.service(id: $0) }
        columns = (serviceID == nil ? [Column("SERVICE", width: 16, flex: 1, priority: 2)] : []) + Self.common
    }

    /// Drill-down rows drop the SERVICE column: the title already names it.
    static let common = [
        Column("POD", width: 18, flex: 2),
        Column("ENDPOINT", width: 21),
        Column("PORT", width: 6, priority: 7),
        Column("NODE", width: 8, priority: 3),
        Column("READY", width: 5),
        Column("SERVING", width: 7, priority: 4),
        Column("TERM", width: 4, priority: 4),
        Column("ACTIVE", width: 6, priority: 1, alignRight: true),
        Column("CONNS", width: 6, priority: 5, alignRight: true),
        Column("SHARE", width: 5, priority: 1, alignRight: true),
        Column("PINNED", width: 6, priority: 6, alignRight: true),
    ]

    var count: Int {
        if serviceID != nil { return single?.endpoints.count ?? 0 }
        return model.endpointRefs.count
    }

    func entry(_ row: Int) -> (ServiceSummary, EndpointSummary) {
        if let single { return (single, single.endpoints[row]) }
        let ref = model.endpointRefs[row]
        let s = model.services[ref.service]
        return (s, s.endpoints[ref.endpoint])
    }

    func key(_ row: Int) -> String {
        let (s, e) = entry(row)
        return s.id + "|" + e.endpoint
    }

    func traffic(_ row: Int) -> EndpointTraffic {
        model.endpointTraffic[key(row)] ?? EndpointTraffic()
    }

    func cells(_ row: Int) -> [String] {
        let (s, e) = entry(row)
        let t = traffic(row)
        func yn(_ b: Bool) -> String { b ? "yes" : "no" }
        let pod = e.pod.map { $0.hasPrefix(s.namespace + "/") ? String($0.dropFirst(s.namespace.count + 1)) : $0 }
        let row = [
            pod ?? "<none>", e.endpoint, e.portName.isEmpty ? "-" : e.portName, e.nodeName ?? "-",
            yn(e.ready), yn(e.serving), yn(e.terminating), String(t.active), String(t.total),
            Format.percent(t.share), String(t.pinned),
        ]
        return serviceID == nil ? [s.id] + row : row
    }

    func role(_ row: Int) -> Role {
        let (_, e) = entry(row)
        if e.ready { return .ok }
        return e.serving ? .warn : .error
    }

    func searchText(_ row: Int) -> String {
        let (s, e) = entry(row)
        return "\(s.id) \(e.pod ?? "") \(e.endpoint) \(e.nodeName ?? "")"
    }

    func labels(_ row: Int) -> [String: String]? {
        entry(row).1.pod.flatMap { model.podsByID[$0]?.labels }
    }

    func sortKey(_ row: Int, column: Int) -> SortKey {
        let t = traffic(row)
        switch columns[column].title {
        case "ENDPOINT": return .number(ipNumber(entry(row).1.ip) * 65536 + Double(entry(row).1.port))
        case "ACTIVE": return .number(Double(t.active))
        case "CONNS": return .number(Double(t.total))
        case "SHARE": return .number(t.share)
        case "PINNED": return .number(Double(t.pinned))
        default: return .text(cells(row)[column])
        }
    }
}
