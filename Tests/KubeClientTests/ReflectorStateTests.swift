import KubeClient
import Telemetry
import Testing

@Suite struct ReflectorStateTests {
    let lost = KubeClientError.connectionLost(server: "http://x", "closed before the response ended")

    @Test func listsThenWatchesFromTheListsVersion() {
        var s = ReflectorState()
        #expect(s.start() == .list)
        #expect(s.listSucceeded(resourceVersion: "10") == .watch(from: "10"))
    }

    @Test func aWatchThatEndsResumesFromTheLastEventOrBookmark() {
        var s = ReflectorState()
        _ = s.listSucceeded(resourceVersion: "10")
        s.observed(resourceVersion: "12")
        s.observed(resourceVersion: "15")
        #expect(s.watchEnded(nil, sawEvents: true) == .watch(from: "15"))
        // A dropped connection backs off, then resumes from the same place.
        #expect(s.watchEnded(lost, sawEvents: false) == .wait(seconds: 0.2, then: .watch(from: "15")))
        #expect(s.watchEnded(lost, sawEvents: false) == .wait(seconds: 0.4, then: .watch(from: "15")))
        #expect(s.lastError == lost)
        s.observed(resourceVersion: "16")
        #expect(s.failures == 0 && s.lastError == nil)
    }

    @Test func goneRelists() {
        var s = ReflectorState()
        _ = s.listSucceeded(resourceVersion: "10")
        var expired = KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 10 (40)")
        expired.kind = "Status"
        #expect(s.watchEnded(.status(server: "x", expired), sawEvents: false) == .list)
        #expect(s.resourceVersion == nil)
    }

    @Test func backoffIsCapped() {
        var s = ReflectorState(initialBackoff: 1, maxBackoff: 3)
        var waits: [Double] = []
        for _ in 0..<5 {
            if case .wait(let w, .list) = s.listFailed(lost) { waits.append(w) }
        }
        #expect(waits == [1, 2, 3, 3, 3])
    }
}

@Suite struct PrometheusTests {
    static let scrape = """
    # HELP switchboard_proxy_connections_total Connections the service proxy accepted, by service port.
    # TYPE switchboard_proxy_connections_total counter
    switchboard_proxy_connections_total{namespace="default",service="kubia",port="http"} 120
    switchboard_proxy_active_connections{namespace="default",service="kubia",port="http"} 3
    switchboard_proxy_sent_bytes_total{namespace="default",service="kubia",port="http"} 4096 1732600000000
    switchboard_ingress_requests_total{ingress="default/kubia",host="kubia.example.com",path="/",backend="kubia:http",status_class="2xx"} 70
    nginx_ingress_controller_requests{controller_class="k8s.io/ingress-nginx",host="shop.local",ingress="shop",method="GET",namespace="shop",path="/",service="cart",status="200"} 41
    nginx_ingress_controller_requests{host="shop.local",ingress="shop",namespace="shop",path="/",service="cart",status="503"} 1
    weird{label="a \\"quoted\\" value"} NaN
    """

    @Test func parsesSamplesLabelsAndEscapes() {
        let samples = PrometheusText.parse(Self.scrape)
        #expect(samples.count == 7)
        #expect(samples.first?.labels == ["namespace": "default", "service": "kubia", "port": "http"])
        #expect(samples.last?.labels["label"] == #"a "quoted" value"#)
    }

    @Test func countersBecomeTheDashboardsTrafficShapes() throws {
        let m = TrafficMetrics(text: Self.scrape)
        let proxy = try #require(m.proxySnapshot(time: 5))
        let port = try #require(proxy.servicePorts.first)
        #expect(port.id == "default/kubia:http")
        #expect(port.traffic.counters.totalConnections == 120)
        #expect(port.traffic.counters.activeConnections == 3)
        #expect(port.traffic.counters.bytesOut == 4096)
        let ingress = try #require(m.ingressSnapshot())
        let own = try #require(ingress.routes.first { $0.ingress == "default/kubia" })
        #expect(own.requests == 70 && own.count2xx == 70 && own.backend == "kubia:http")
        let nginx = try #require(ingress.routes.first { $0.ingress == "shop/shop" })
        #expect(nginx.requests == 42)
        #expect(nginx.count5xx == 1)
    }

    @Test func noTrafficFamiliesMeansNoNumbers() {
        let m = TrafficMetrics(text: "apiserver_registered_watchers 3\n")
        #expect(m.proxySnapshot(time: 1) == nil)
        #expect(m.ingressSnapshot() == nil)
    }
}
