import Telemetry

/// Traffic read from a Prometheus scrape, in the shapes the dashboard already draws. Only
/// families that really count connections or requests are used; anything else leaves the
/// corresponding part nil, which the dashboard shows as "n/a" — never a made-up number.
///
/// Families read:
/// - Switchboard's proxy: `switchboard_service_connections_total`,
///   `switchboard_service_active_connections`, `switchboard_service_bytes_total{direction="in"|"out"}`
///   and `switchboard_endpoint_connections_total{endpoint="ip:port"}`, labelled
///   `namespace`, `service`, `port_name`, `port`.
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
        var ports: [PortKey: (TrafficCounters, [String: Int])] = [:]
        var any = false
        for s in samples where s.name.hasPrefix("switchboard_service_") || s.name == "switchboard_endpoint_connections_total" {
            guard let ns = s.labels["namespace"], let svc = s.labels["service"] else { continue }
            let key = PortKey(namespace: ns, service: svc, portName: s.labels["port_name"] ?? "",
                              port: s.labels["port"].flatMap { Int($0) } ?? 0)
            var entry = ports[key] ?? (TrafficCounters(), [:])
            let v = Int(s.value.isFinite ? s.value : 0)
            switch s.name {
            case "switchboard_service_connections_total": entry.0.totalConnections += v
            case "switchboard_service_active_connections": entry.0.activeConnections += v
            case "switchboard_service_bytes_total":
                if s.labels["direction"] == "out" { entry.0.bytesOut += v } else { entry.0.bytesIn += v }
            case "switchboard_endpoint_connections_total":
                if let ep = s.labels["endpoint"] { entry.1[ep, default: 0] += v }
            default: continue
            }
            any = true
            ports[key] = entry
        }
        guard any else { return nil }
        let stats = ports.sorted { ($0.key.namespace, $0.key.service, $0.key.portName) < ($1.key.namespace, $1.key.service, $1.key.portName) }
            .map { key, entry in
                let endpoints = entry.1.sorted { $0.key < $1.key }.map { ep, total -> EndpointTrafficStats in
                    let parts = ep.split(separator: ":")
                    return EndpointTrafficStats(ip: parts.dropLast().joined(separator: ":"), port: parts.last.flatMap { Int($0) } ?? 0,
                                                nodeName: nil, ready: true, serving: true, terminating: false,
                                                traffic: TrafficStats(counters: TrafficCounters(totalConnections: total)))
                }
                return ServicePortStats(namespace: key.namespace, name: key.service, portName: key.portName, port: key.port,
                                        traffic: TrafficStats(counters: entry.0), endpoints: endpoints, affinity: [],
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
