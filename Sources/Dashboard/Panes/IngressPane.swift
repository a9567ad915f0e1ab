import Telemetry

/// Ingress routes: one row per host + path, as an ingress controller matches them, with the
/// requests the controller carried on each (rate since the last sample, status classes, p99).
struct IngressTable: PaneTable {
    let model: DashboardModel
    let ascii: Bool
    var routes: [IngressRouteSummary] { model.cluster.ingressRoutes }

    let columns = [
        Column("NAMESPACE", width: 10, priority: 7),
        Column("INGRESS", width: 12, flex: 1, priority: 4),
        Column("HOST", width: 14, flex: 2),
        Column("PATH", width: 8, flex: 1),
        Column("PATHTYPE", width: 8, priority: 5),
        Column("BACKEND", width: 14, flex: 2),
        Column("TLS", width: 9, priority: 2),
        Column("REQ/S", width: 5, alignRight: true),
        Column("2XX", width: 5, priority: 1, alignRight: true),
        Column("3XX", width: 5, priority: 6, alignRight: true),
        Column("4XX", width: 5, priority: 3, alignRight: true),
        Column("5XX", width: 5, alignRight: true),
        Column("P99", width: 6, priority: 2, alignRight: true),
        Column("CLASS", width: 8, priority: 8),
    ]

    var count: Int { routes.count }
    func key(_ row: Int) -> String { RouteKey.of(routes[row]) }
    func traffic(_ row: Int) -> RouteTraffic { model.ingressTraffic[key(row)] ?? RouteTraffic() }

    func cells(_ row: Int) -> [String] {
        let r = routes[row]
        let t = traffic(row)
        return [r.namespace, r.ingress, r.host, r.path, r.pathType, r.backend, r.tlsSecret ?? "-",
                Format.rate(t.requestsPerSecond), String(t.count2xx), String(t.count3xx), String(t.count4xx),
                String(t.count5xx), Format.micros(t.p99, ascii: ascii), r.ingressClass ?? "-"]
    }

    func role(_ row: Int) -> Role {
        let r = routes[row]
        let name = String(r.backend.split(separator: ":").first ?? "")
        guard let svc = model.service(id: "\(r.namespace)/\(name)") else { return .error }
        if traffic(row).count5xx > 0 { return .warn }
        return svc.readyEndpoints > 0 || svc.type == "ExternalName" ? .normal : .warn
    }

    func searchText(_ row: Int) -> String { cells(row).joined(separator: " ") }

    func sortKey(_ row: Int, column: Int) -> SortKey {
        let t = traffic(row)
        switch columns[column].title {
        case "REQ/S": return .number(t.requestsPerSecond)
        case "2XX": return .number(Double(t.count2xx))
        case "3XX": return .number(Double(t.count3xx))
        case "4XX": return .number(Double(t.count4xx))
        case "5XX": return .number(Double(t.count5xx))
        case "P99": return .number(Double(t.p99))
        default: return .text(cells(row)[column])
        }
    }
}
