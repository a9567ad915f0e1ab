@testable import Engine
import Telemetry
import Testing

/// The engine's Prometheus families from snapshots: values where the dashboard has them, label
/// values escaped, each family declared once even when empty.
@Suite("Engine metrics")
struct EngineMetricsTests {
    @Test func rendersProxyIngressAndLoopFigures() {
        var traffic = TrafficStats()
        traffic.counters = TrafficCounters(activeConnections: 2, totalConnections: 7, bytesIn: 100, bytesOut: 900, refused: 1)
        traffic.connectLatency = LatencySummary(count: 7, p50: 250, p90: 900, p99: 1500, max: 2000)
        let port = ServicePortStats(namespace: "shop", name: "cart", portName: "http", port: 80, traffic: traffic,
                                    endpoints: [], affinity: [], sessionAffinityTimeoutSeconds: nil)
        let listener = ListenerStatus(kind: .clusterIP, service: "shop/cart", portName: "http", address: "127.96.0.5", port: 80,
                                      boundPort: 80, nodeName: nil, state: .bound, reason: nil)
        let proxy = ProxySnapshot(time: 0, resourceVersion: 42, listeners: [listener, listener], servicePorts: [port],
                                  nodes: [], recentFlows: [])
        let route = IngressRouteStats(host: "shop.local", path: #"/a"b\c"#, backend: "cart:80", ingress: "shop/shop", requests: 5,
                                      statusClasses: [0, 4, 0, 1, 0], bytesIn: 10, bytesOut: 20, p50Micros: 1000,
                                      p99Micros: 3000, endpointRequests: [:])
        let ingress = IngressSnapshot(address: "127.200.0.1", httpPort: 80, httpsPort: 443, ingresses: ["shop/shop"],
                                      routes: [route], unmatched: 3, recentFlows: [], tlsProblems: [], resourceVersion: 42)
        var loop = ControlLoopStats()
        loop.record(reconciles: 12, seconds: 0.002)
        let text = EngineMetrics.render(proxy: proxy, ingress: ingress, loop: loop)
        let labels = #"namespace="shop",service="cart",port="http""#
        #expect(text.contains("switchboard_proxy_connections_total{\(labels)} 7\n"))
        #expect(text.contains("switchboard_proxy_active_connections{\(labels)} 2\n"))
        #expect(text.contains("switchboard_proxy_errors_total{\(labels),reason=\"refused\"} 1\n"))
        #expect(text.contains("switchboard_proxy_connect_latency_seconds{\(labels),quantile=\"0.99\"} 0.0015\n"))
        #expect(text.contains("switchboard_proxy_connect_latency_seconds_count{\(labels)} 7\n"))
        #expect(text.contains(#"switchboard_proxy_listeners{kind="ClusterIP",state="bound"} 2"#))
        let routeLabels = #"ingress="shop/shop",host="shop.local",path="/a\"b\\c",backend="cart:80""#
        #expect(text.contains("switchboard_ingress_requests_total{\(routeLabels),status_class=\"4xx\"} 1\n"), "\(text)")
        #expect(text.contains("switchboard_ingress_unmatched_requests_total 3\n"))
        #expect(text.contains("switchboard_control_loop_reconciles_total 12\n"))
        // Each family declared exactly once, HELP before TYPE.
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(Set(families).count == families.count)
        let empty = EngineMetrics.render(proxy: ProxySnapshot(time: 0, resourceVersion: 0, listeners: [], servicePorts: [], nodes: [],
                                                              recentFlows: []), ingress: nil, loop: nil)
        #expect(empty.contains("# TYPE switchboard_proxy_connections_total counter"))
    }
}
