import Telemetry

/// Services: the front doors, with how many endpoints answer and how much traffic they carry.
struct ServicesTable: PaneTable {
    let model: DashboardModel
    let glyphs: Glyphs
    let ascii: Bool

    static let sparkWidth = 10

    let columns = [
        Column("NAMESPACE", width: 10, priority: 4),
        Column("NAME", width: 14, flex: 2),
        Column("TYPE", width: 9, priority: 2),
        Column("CLUSTER-IP", width: 15, priority: 1),
        Column("PORTS", width: 14, flex: 3),
        Column("SELECTOR", width: 14, flex: 1, priority: 8),
        Column("AFFINITY", width: 8, priority: 9),
        Column("EP", width: 5, alignRight: true),
        Column("CONN/S", width: 6, alignRight: true),
        Column("ACTIVE", width: 6, priority: 3, alignRight: true),
        Column("P99", width: 6, priority: 6, alignRight: true),
        Column("ERR", width: 5, priority: 5, alignRight: true),
        Column("TRAFFIC", width: sparkWidth, priority: 7),
    ]

    var count: Int { model.services.count + model.ghosts.count }

    func service(_ row: Int) -> ServiceSummary {
        row < model.services.count ? model.services[row] : model.ghosts[row - model.services.count]
    }

    func key(_ row: Int) -> String { service(row).id }

    func cells(_ row: Int) -> [String] {
        let s = service(row)
        let t = model.traffic[s.id] ?? ServiceTraffic()
        let ip = s.type == "ExternalName" ? (s.externalName ?? "<none>") : (s.clusterIP ?? "<pending>")
        let eps = s.endpoints
        let endpointText = s.type == "ExternalName" ? "-" : "\(s.readyEndpoints)/\(eps.count)"
        return [
            s.namespace, s.name, s.type, ip, Format.ports(s.ports, arrow: glyphs.arrow), s.selector ?? "<none>",
            s.sessionAffinity, endpointText, Format.rate(t.connectionsPerSecond), String(t.active),
            Format.micros(t.p99, ascii: ascii), String(t.errors),
            glyphs.sparkline(model.history[s.id] ?? [], width: Self.sparkWidth),
        ]
    }

    func role(_ row: Int) -> Role {
        let s = service(row)
        switch model.change(ofRow: "svc:" + s.id) {
        case .deleted: return .deleted
        case .added: return .added
        case .changed: return .changed
        case nil: break
        }
        if s.type == "ExternalName" { return .normal }
        if s.selector != nil || !s.endpoints.isEmpty {
            if s.endpoints.isEmpty || s.readyEndpoints == 0 { return .error }
            if s.readyEndpoints < s.endpoints.count { return .warn }
        }
        if (model.traffic[s.id]?.errors ?? 0) > 0 { return .warn }
        return .normal
    }

    func searchText(_ row: Int) -> String {
        let s = service(row)
        return "\(s.name) \(s.namespace)/\(s.name) \(s.type) \(s.clusterIP ?? "") \(s.selector ?? "")"
    }

    func labels(_ row: Int) -> [String: String]? { service(row).labels }

    func sortKey(_ row: Int, column: Int) -> SortKey {
        let s = service(row)
        let t = model.traffic[s.id] ?? ServiceTraffic()
        switch column {
        case 0: return .text(s.namespace + "/" + s.name)
        case 1: return .text(s.name + "/" + s.namespace)
        case 3: return .number(ipNumber(s.clusterIP))
        case 7: return .number(Double(s.readyEndpoints))
        case 8: return .number(t.connectionsPerSecond)
        case 9: return .number(Double(t.active))
        case 10: return .number(Double(t.p99))
        case 11: return .number(Double(t.errors))
        case 12: return .number(model.history[s.id]?.reduce(0, +) ?? 0)
        default: return .text(cells(row)[column])
        }
    }
}

/// An IPv4 address as a number, so 10.0.0.9 sorts before 10.0.0.10.
func ipNumber(_ ip: String?) -> Double {
    guard let ip else { return -1 }
    let parts = ip.split(separator: ".").compactMap { Int($0) }
    guard parts.count == 4 else { return -1 }
    return Double(parts.reduce(0) { $0 * 256 + $1 })
}
