import Telemetry

/// Traffic read from a Prometheus scrape, in the shapes the dashboard already draws. Only
/// families that really count connections or requests are used; anything else leaves the
/// corresponding part nil, which the dashboard shows as "n/a" — never a made-up number.
///
/// Families read (as Switchboard's own `/metrics` writes them, see Engine/EngineMetrics):
/// - the service proxy: `switchboard_proxy_connections_total`, `switchboard_proxy_active_connections`,
///   `switchboard_proxy_received_bytes_total`, `switchboard_proxy_sent_bytes_total`, labelled
///   `namespace`, `service`, `port` (the port's name, or its number when unnamed);
/// - the ingress controller: `switchboard_ingress_requests_total{ingress,host,path,backend,status_class}`;
/// - ingress-nginx: `nginx_ingress_controller_requests{namespace,ingress,host,path,service,status}`.
public struct TrafficMetrics: Sendable {
    public var samples: [PrometheusSample]

    public init(samples: [PrometheusSample]) { self.samples = samples }
    public init(text: String) { samples = PrometheusText.parse(text) }

    private struct PortKey: Hashable {
        var namespace: String
        var service: String
        var portName: String
        var port: Int
    }

    /// Per service port counters, or nil when the scrape has no proxy families.
    public func proxySnapshot(time: Double) -> ProxySnapshot? {
        var ports: [PortKey: TrafficCounters] = [:]
        var any = false
        for s in samples where s.name.hasPrefix("switchboard_proxy_") {
            guard let ns = s.labels["namespace"], let svc = s.labels["service"], let port = s.labels["port"] else { continue }
            let number = Int(port)
            let key = PortKey(namespace: ns, service: svc, portName: number == nil ? port : "", port: number ?? 0)
            var entry = ports[key] ?? TrafficCounters()
            let v = Int(s.value.isFinite ? s.value : 0)
            switch s.name {
            case "switchboard_proxy_connections_total": entry.totalConnections += v
            case "switchboard_proxy_active_connections": entry.activeConnections += v
            case "switchboard_proxy_received_bytes_total": entry.bytesIn += v
            case "switchboard_proxy_sent_bytes_total": entry.bytesOut += v
            default: continue
            }
            any = true
            ports[key] = entry
        }
        guard any else { return nil }
        let stats = ports.sorted { ($0.key.namespace, $0.key.service, $0.key.portName) < ($1.key.namespace, $1.key.service, $1.key.portName) }
            .map { key, counters in
                ServicePortStats(namespace: key.namespace, name: key.service, portName: key.portName, port: key.port,
                                 traffic: TrafficStats(counters: counters), endpoints: [], affinity: [],
                                 sessionAffinityTimeoutSeconds: nil)
            }
        return ProxySnapshot(time: time, resourceVersion: 0, listeners: [], servicePorts: stats, nodes: [], recentFlows: [])
    }

    /// ingress-nginx's request counters per route, or nil when the scrape has none.
    public func ingressSnapshot() -> IngressSnapshot? {
        struct RouteKey: Hashable {
            var ingress: String
            var host: String
            var path: String
            var service: String
        }
        var routes: [RouteKey: (UInt64, [UInt64])] = [:]
        for s in samples where s.name == "nginx_ingress_controller_requests" {
            let key = RouteKey(ingress: "\(s.labels["namespace"] ?? "")/\(s.labels["ingress"] ?? "")",
                               host: s.labels["host"] ?? "*", path: s.labels["path"] ?? "/",
                               service: s.labels["service"] ?? "")
            var entry = routes[key] ?? (0, [0, 0, 0, 0, 0])
            let n = UInt64(max(0, s.value.isFinite ? s.value : 0))
            entry.0 += n
            if let status = s.labels["status"], let code = Int(status), (100..<600).contains(code) {
                entry.1[code / 100 - 1] += n
            }
            routes[key] = entry
        }
        let classes = ["1xx": 0, "2xx": 1, "3xx": 2, "4xx": 3, "5xx": 4]
        for s in samples where s.name == "switchboard_ingress_requests_total" {
            let key = RouteKey(ingress: s.labels["ingress"] ?? "", host: s.labels["host"] ?? "*",
                               path: s.labels["path"] ?? "/", service: s.labels["backend"] ?? "")
            var entry = routes[key] ?? (0, [0, 0, 0, 0, 0])
            let n = UInt64(max(0, s.value.isFinite ? s.value : 0))
            entry.0 += n
            if let c = s.labels["status_class"].flatMap({ classes[$0] }) { entry.1[c] += n }
            routes[key] = entry
        }
        guard !routes.isEmpty else { return nil }
        let stats = routes.sorted { ($0.key.ingress, $0.key.host, $0.key.path) < ($1.key.ingress, $1.key.host, $1.key.path) }
            .map { key, entry in
                IngressRouteStats(host: key.host == "*" ? nil : key.host, path: key.path, backend: key.service,
                                  ingress: key.ingress, requests: entry.0, statusClasses: entry.1, bytesIn: 0, bytesOut: 0,
                                  p50Micros: 0, p99Micros: 0, endpointRequests: [:])
            }
        return IngressSnapshot(address: "", httpPort: nil, httpsPort: nil, ingresses: Array(Set(stats.map(\.ingress))).sorted(),
                               routes: stats, unmatched: 0, recentFlows: [], tlsProblems: [], resourceVersion: 0)
    }
}
