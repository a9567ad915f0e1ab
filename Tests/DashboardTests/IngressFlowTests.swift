import Dashboard
import Telemetry
import Testing

/// The ingress pane joins the routes of the manifests with the controller's counters; the flow
/// pane shows HTTP requests beside L4 connections and filters on their columns.
@Suite struct IngressFlowTests {
    func screen(_ commands: [String], width: Int = 160, height: Int = 48,
                model: DashboardModel = FixtureCluster.model) -> String {
        var state = ViewState()
        for command in commands {
            for k in command.map({ KeyPress.char($0) }) + [.enter] {
                _ = state.handle(k, context: FrameRenderer.navigationContext(model: model, state: state, width: width,
                                                                              height: height))
            }
        }
        return FrameRenderer.render(model: model, state: state, width: width, height: height,
                                    options: RenderOptions(glyphs: .ascii)).text
    }

    func row(_ screen: String, _ needle: String) -> [Substring] {
        (screen.split(separator: "\n").first { $0.contains(needle) } ?? "").split(separator: " ")
    }

    @Test func routesShowRateStatusClassesAndP99FromTheController() throws {
        let text = screen([":ing"])
        #expect(text.contains("REQ/S") && text.contains("2XX") && text.contains("5XX") && text.contains("P99"))
        // 100 → 200 requests in one second: 100 req/s; 180 2xx, 4 5xx since start; p99 4.2ms.
        let kubia = row(text, "kubia:http")
        #expect(kubia.contains("100") && kubia.contains("180") && kubia.contains("4") && kubia.contains("4.2ms"))
        #expect(kubia.contains("kubia-tls"), "TLS secret of the host")
        let api = row(text, "backend-database:5432")
        #expect(api.contains("10") && api.contains("20"), "10 req/s, all 20 answered 5xx")
        // The hostless rule (host nil, path "/") joins the manifest's `*` `/` row: zero, not missing.
        let hostless = row(text, "kubia-nodeport:80")
        #expect(hostless.contains("*") && hostless.contains("0"))
    }

    @Test func rateIsZeroOnTheFirstSampleAndRisesWithTraffic() {
        var model = DashboardModel()
        let s = FixtureCluster.snapshots
        model.ingest(s[0])
        let key = RouteKey.of(FixtureCluster.clusterView.ingressRoutes[0])
        #expect(model.ingressTraffic[key]?.requestsPerSecond == 0)
        model.ingest(s[1])
        #expect(model.ingressTraffic[key]?.requestsPerSecond == 100)
        #expect(model.ingressTraffic[key]?.endpointRates["127.244.1.10:8080"] == 60)
    }

    @Test func flowShowsMethodPathAndStatusForHTTPAndDashesForL4() {
        let text = screen([":flow"], width: 250)
        #expect(text.contains("METHOD") && text.contains("STATUS"))
        let get = row(text, "/hostname")
        #expect(get.contains("GET") && get.contains("200") && get.contains("Ingress"))
        #expect(get.contains("kubia.example.com/hostname"))
        let l4 = row(text, "127.97.34.230:5432")
        #expect(l4.contains("refused") && l4.contains("-"))
    }

    @Test func flowFiltersOnHTTPColumns() {
        let failing = screen([":flow", "/503"])
        #expect(failing.contains("Connection flow [1]"))
        #expect(failing.contains("/api") && !failing.contains("/hostname"))
        let gets = screen([":flow", "/GET"])
        #expect(gets.contains("Connection flow [1]"))
        let oneService = screen([":flow", "/default/kubia:http"])
        #expect(oneService.contains("Connection flow [2]"), "the L4 and the HTTP flow of kubia:http")
    }
}
