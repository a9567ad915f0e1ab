import Telemetry

/// Traffic of one ingress route (host + path → service:port), with its request rate from the
/// previous sample, the way `ServiceTraffic` carries a service's connection rate.
public struct RouteTraffic: Sendable, Hashable {
    public var requests: UInt64 = 0
    public var requestsPerSecond = 0.0
    /// Responses by class since the controller started: index 0 = 1xx … 4 = 5xx.
    public var statusClasses: [UInt64] = [0, 0, 0, 0, 0]
    public var p50: Int = 0
    public var p99: Int = 0
    /// Requests per backend `ip:port`, and their rate from the previous sample.
    public var endpointRequests: [String: UInt64] = [:]
    public var endpointRates: [String: Double] = [:]
    public init() {}

    public var count2xx: UInt64 { statusClasses.count > 1 ? statusClasses[1] : 0 }
    public var count3xx: UInt64 { statusClasses.count > 2 ? statusClasses[2] : 0 }
    public var count4xx: UInt64 { statusClasses.count > 3 ? statusClasses[3] : 0 }
    public var count5xx: UInt64 { statusClasses.count > 4 ? statusClasses[4] : 0 }
}

/// How an ingress route is named on both sides of the join: the cluster view writes the rule as
/// the manifest does (`*` for no host, `/` for no path, `/*` for the default backend), the
/// controller as it routes (nil host, empty path, `(default)`). Both map to one key.
public enum RouteKey {
    public static func of(_ r: IngressRouteSummary) -> String {
        let path = r.pathType == "default" ? "(default)" : normalPath(r.path)
        return "\(r.namespace)/\(r.ingress)|\(normalHost(r.host))|\(path)"
    }

    public static func of(_ r: IngressRouteStats) -> String {
        "\(r.ingress)|\(normalHost(r.host))|\(r.path == "(default)" ? r.path : normalPath(r.path))"
    }

    static func normalHost(_ h: String?) -> String {
        guard let h, !h.isEmpty, h != "*" else { return "*" }
        return h.lowercased()
    }

    static func normalPath(_ p: String) -> String { p.isEmpty ? "/" : p }

    /// Routes with their rates: `previous` is the last sample's table, `dt` the seconds between.
    static func traffic(_ snapshot: IngressSnapshot?, previous: [String: RouteTraffic],
                        dt: Double) -> [String: RouteTraffic] {
        var out: [String: RouteTraffic] = [:]
        for r in snapshot?.routes ?? [] {
            let key = of(r)
            var t = out[key] ?? RouteTraffic()
            t.requests += r.requests
            for (i, n) in r.statusClasses.prefix(5).enumerated() { t.statusClasses[i] += n }
            t.p50 = max(t.p50, Int(clamping: r.p50Micros))
            t.p99 = max(t.p99, Int(clamping: r.p99Micros))
            for (e, n) in r.endpointRequests { t.endpointRequests[e, default: 0] += n }
            out[key] = t
        }
        guard dt > 0 else { return out }
        for (key, var t) in out {
            let old = previous[key]
            let before = old?.requests ?? t.requests
            t.requestsPerSecond = t.requests >= before ? Double(t.requests - before) / dt : 0
            for (e, n) in t.endpointRequests {
                let b = old?.endpointRequests[e] ?? n
                t.endpointRates[e] = n >= b ? Double(n - b) / dt : 0
            }
            out[key] = t
        }
        return out
    }
}
