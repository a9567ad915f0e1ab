import Telemetry

/// Connection flow: the proxy's recent connections, newest first: who dialled which VIP:port,
/// which pod answered, how much moved and how it ended. Requests through the ingress controller
/// share the ring and add their method, host + path and status.
struct FlowTable: PaneTable {
    let model: DashboardModel
    let glyphs: Glyphs
    let ascii: Bool
    /// Flows of one service only (drill-down from a service).
    let serviceID: String?
    let flows: [FlowRecord]

    init(model: DashboardModel, glyphs: Glyphs, ascii: Bool, serviceID: String?) {
        self.model = model
        self.glyphs = glyphs
        self.ascii = ascii
        self.serviceID = serviceID
        let all = model.snapshot.proxy?.recentFlows ?? []
        if let serviceID {
            flows = all.filter { $0.servicePort.hasPrefix(serviceID + ":") }
        } else {
            flows = all
        }
    }

    let columns = [
        Column("TIME", width: 8, priority: 3),
        Column("CLIENT", width: 21, priority: 1),
        Column("FRONTEND", width: 21),
        Column("KIND", width: 9, priority: 5),
        Column("METHOD", width: 6, priority: 2),
        Column("PATH", width: 14, flex: 1, priority: 2),
        Column("STATUS", width: 6, priority: 1, alignRight: true),
        Column("SERVICE", width: 16, flex: 1, priority: 2),
        Column("POD", width: 16, flex: 1, priority: 4),
        Column("ENDPOINT", width: 21),
        Column("NODE", width: 7, priority: 6),
        Column("IN", width: 6, priority: 4, alignRight: true),
        Column("OUT", width: 6, priority: 4, alignRight: true),
        Column("DURATION", width: 8, priority: 3, alignRight: true),
        Column("OUTCOME", width: 10),
    ]

    var count: Int { flows.count }
    func flow(_ row: Int) -> FlowRecord { flows[flows.count - 1 - row] }
    func key(_ row: Int) -> String {
        let f = flow(row)
        return "\(f.start)|\(f.client)|\(f.frontend)"
    }
    func cells(_ row: Int) -> [String] {
        let f = flow(row)
        let ip = f.endpoint.map { String($0.split(separator: ":").first ?? "") }
        let pod = ip.flatMap { model.podsByIP[$0] } ?? "-"
        let h = f.http
        return [Format.clock(f.start), f.client, f.frontend, f.frontendKind.rawValue, h?.method ?? "-",
                h.map { $0.host.isEmpty ? $0.path : $0.host + $0.path } ?? "-", h.map { String($0.status) } ?? "-",
                f.servicePort.isEmpty ? "-" : f.servicePort, pod,
                f.endpoint ?? "-", f.nodeName ?? "-", Format.bytes(f.bytesIn), Format.bytes(f.bytesOut),
                Format.micros(f.duration, ascii: ascii), f.outcome.rawValue]
    }
    func role(_ row: Int) -> Role {
        if let status = flow(row).http?.status {
            if status >= 500 { return .error }
            if status >= 400 { return .warn }
        }
        switch flow(row).outcome {
        case .closed: return .normal
        case .reset: return .warn
        case .refused, .dropped, .connectFailed: return .error
        }
    }
    func searchText(_ row: Int) -> String { cells(row).joined(separator: " ") }
    func sortKey(_ row: Int, column: Int) -> SortKey {
        let f = flow(row)
        switch columns[column].title {
        case "TIME": return .number(f.start)
        case "STATUS": return .number(Double(f.http?.status ?? 0))
        case "IN": return .number(Double(f.bytesIn))
        case "OUT": return .number(Double(f.bytesOut))
        case "DURATION": return .number(Double(f.duration))
        default: return .text(cells(row)[column])
        }
    }
}
