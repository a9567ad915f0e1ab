import Telemetry

/// The engine's figures in the Prometheus text format (0.0.4), appended to the API server's
/// `/metrics`: per service port traffic of the L4 proxy (connections, bytes, errors, latency),
/// its listeners by state, the ingress controller's requests by route and status class with
/// latency, and the control loop's passes. Pure: snapshots in, text out, so the figures are the
/// ones the dashboard shows. Families are complete (HELP, TYPE, samples) and contiguous, as
/// `promtool check metrics` requires; a family with no samples still declares itself, so
/// scrapers see it from the start.
public enum EngineMetrics {
    public static func render(proxy: ProxySnapshot, ingress: IngressSnapshot?, loop: ControlLoopStats?) -> String {
        var out = MetricsText()
        renderProxy(proxy, into: &out)
        if let ingress { renderIngress(ingress, into: &out) }
        if let loop { renderLoop(loop, into: &out) }
        return out.text
    }

    static func renderProxy(_ proxy: ProxySnapshot, into out: inout MetricsText) {
        let ports = proxy.servicePorts.map { p -> ([(String, String)], TrafficStats) in
            ([("namespace", p.namespace), ("service", p.name), ("port", p.portName.isEmpty ? "\(p.port)" : p.portName)], p.traffic)
        }
        out.family("switchboard_proxy_connections_total", "counter",
                   "Connections the service proxy accepted, by service port.") { f in
            for (labels, t) in ports { f.sample(labels, t.counters.totalConnections) }
        }
        out.family("switchboard_proxy_active_connections", "gauge",
                   "Connections open through the service proxy now, by service port.") { f in
            for (labels, t) in ports { f.sample(labels, t.counters.activeConnections) }
        }
        out.family("switchboard_proxy_received_bytes_total", "counter",
                   "Bytes from clients to backends (open connections included), by service port.") { f in
            for (labels, t) in ports { f.sample(labels, t.counters.bytesIn) }
        }
        out.family("switchboard_proxy_sent_bytes_total", "counter",
                   "Bytes from backends to clients (open connections included), by service port.") { f in
            for (labels, t) in ports { f.sample(labels, t.counters.bytesOut) }
        }
        out.family("switchboard_proxy_errors_total", "counter",
                   "Connections not carried: refused (no endpoint), dropped (Local policy, no local endpoint) or "
                   + "connect_failed (the pod did not accept), by service port.") { f in
            for (labels, t) in ports {
                f.sample(labels + [("reason", "refused")], t.counters.refused)
                f.sample(labels + [("reason", "dropped")], t.counters.dropped)
                f.sample(labels + [("reason", "connect_failed")], t.counters.failedConnects)
            }
        }
        out.family("switchboard_proxy_connect_latency_seconds", "summary",
                   "Time from accepting a client to the pod accepting the proxied connection, by service port.") { f in
            for (labels, t) in ports { f.summary(labels, t.connectLatency) }
        }
        out.family("switchboard_proxy_connection_duration_seconds", "summary",
                   "How long finished proxied connections lasted, by service port.") { f in
            for (labels, t) in ports { f.summary(labels, t.duration) }
        }
        var listeners: [[String]: Int] = [:]
        for l in proxy.listeners { listeners[[l.kind.rawValue, l.state.rawValue], default: 0] += 1 }
        out.family("switchboard_proxy_listeners", "gauge",
                   "Service proxy listeners, by frontend kind and state (bound, rejecting, failed, ...).") { f in
            for (key, n) in listeners.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                f.sample([("kind", key[0]), ("state", key[1])], n)
            }
        }
        out.family("switchboard_proxy_node_connections_total", "counter",
                   "Connections that arrived at a node address (NodePort, LoadBalancer), by node.") { f in
            for n in proxy.nodes { f.sample([("node", n.name)], n.traffic.counters.totalConnections) }
        }
        out.family("switchboard_proxy_synced_resource_version", "gauge",
                   "The store resourceVersion the proxy's routing table reflects.") { f in
            f.sample([], proxy.resourceVersion)
        }
    }

    static func renderIngress(_ ingress: IngressSnapshot, into out: inout MetricsText) {
        let routes = ingress.routes.map { r -> ([(String, String)], IngressRouteStats) in
            ([("ingress", r.ingress), ("host", r.host ?? "*"), ("path", r.path), ("backend", r.backend)], r)
        }
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx"]
        out.family("switchboard_ingress_requests_total", "counter",
                   "HTTP requests the ingress controller answered, by route and status class.") { f in
            for (labels, r) in routes {
                for (i, c) in classes.enumerated() {
                    f.sample(labels + [("status_class", c)], Int(i < r.statusClasses.count ? r.statusClasses[i] : 0))
                }
            }
        }
        out.family("switchboard_ingress_unmatched_requests_total", "counter",
                   "Requests no ingress rule matched (answered 404 by the controller).") { f in
            f.sample([], Int(ingress.unmatched))
        }
        out.family("switchboard_ingress_received_bytes_total", "counter", "Request bytes, by route.") { f in
            for (labels, r) in routes { f.sample(labels, Int(r.bytesIn)) }
        }
        out.family("switchboard_ingress_sent_bytes_total", "counter", "Response bytes, by route.") { f in
            for (labels, r) in routes { f.sample(labels, Int(r.bytesOut)) }
        }
        out.family("switchboard_ingress_request_duration_seconds", "summary",
                   "Request latency, head received to response end, by route.") { f in
            for (labels, r) in routes {
                f.sample(labels + [("quantile", "0.5")], seconds: Double(r.p50Micros) / 1e6)
                f.sample(labels + [("quantile", "0.99")], seconds: Double(r.p99Micros) / 1e6)
                f.sample(labels, suffix: "_count", Int(r.requests))
            }
        }
    }

    static func renderLoop(_ loop: ControlLoopStats, into out: inout MetricsText) {
        out.family("switchboard_control_loop_passes_total", "counter",
                   "Passes of the control loop that reconciled at least one object.") { f in f.sample([], loop.passes) }
        out.family("switchboard_control_loop_reconciles_total", "counter",
                   "Work items (objects) the control loop reconciled.") { f in f.sample([], loop.reconciles) }
        out.family("switchboard_control_loop_busy_seconds_total", "counter",
                   "Time the control loop spent reconciling.") { f in f.sample([], seconds: loop.busySeconds) }
        out.family("switchboard_control_loop_last_pass_seconds", "gauge",
                   "Duration of the latest reconciling pass.") { f in f.sample([], seconds: loop.lastPassSeconds) }
        out.family("switchboard_control_loop_max_pass_seconds", "gauge",
                   "Longest reconciling pass so far.") { f in f.sample([], seconds: loop.maxPassSeconds) }
    }
}

/// Builds exposition text one family at a time.
struct MetricsText {
    private(set) var text = ""

    struct Family {
        let name: String
        var lines = ""

        mutating func sample(_ labels: [(String, String)], suffix: String = "", _ value: Int) {
            lines += "\(name)\(suffix)\(MetricsText.labels(labels)) \(value)\n"
        }

        mutating func sample(_ labels: [(String, String)], seconds: Double) {
            lines += "\(name)\(MetricsText.labels(labels)) \(seconds)\n"
        }

        /// Quantiles from a summary in microseconds, and its count.
        mutating func summary(_ labels: [(String, String)], _ s: LatencySummary) {
            for (q, micros) in [("0.5", s.p50), ("0.9", s.p90), ("0.99", s.p99)] {
                sample(labels + [("quantile", q)], seconds: Double(micros) / 1e6)
            }
            sample(labels, suffix: "_count", s.count)
        }
    }

    mutating func family(_ name: String, _ type: String, _ help: String, _ body: (inout Family) -> Void) {
        var f = Family(name: name)
        body(&f)
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" + f.lines
    }

    static func labels(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
