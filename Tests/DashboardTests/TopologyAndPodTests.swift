import Dashboard
import Telemetry
import Testing

/// `:topo` draws client → Ingress → Service → Endpoint → pod with rates; the pod screen shows a
/// pod's environment, resolv.conf and log, asking the runner for the log and the source for the rest.
@Suite struct TopologyAndPodTests {
    static let size = (width: 160, height: 48)

    func context(_ loop: DashboardLoop) -> NavigationContext {
        FrameRenderer.navigationContext(model: loop.model, state: loop.state, width: Self.size.width,
                                        height: Self.size.height, podLog: loop.podLog)
    }

    func type(_ text: String, _ loop: inout DashboardLoop) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        for k in text.map({ KeyPress.char($0) }) { actions += loop.press(k, width: Self.size.width, height: Self.size.height) }
        return actions
    }

    func loopWithFixture() -> DashboardLoop {
        var loop = DashboardLoop()
        for s in FixtureCluster.snapshots { loop.receive(s) }
        return loop
    }

    @Test func topologyDrawsEachHopWithTheRateOnItsEdge() {
        var loop = loopWithFixture()
        _ = type(":topo", &loop)
        _ = loop.press(.enter, width: 160, height: 48)
        let text = loop.frame(width: 160, height: 48).text
        let lines = text.split(separator: "\n").map(String.init)
        #expect(text.contains("client ─► Ingress controller 127.200.0.2:80"))
        // Route edge: 100 req/s to kubia:http, then its endpoints at their request rates.
        let route = lines.firstIndex { $0.contains("kubia.example.com/ (Prefix TLS)") && $0.contains("100 req/s") }
        #expect(route != nil)
        if let route {
            #expect(lines[route].contains("svc kubia:http"))
            #expect(lines[route + 1].contains("60/s 60%") && lines[route + 1].contains("127.244.1.10:8080")
                    && lines[route + 1].contains("kubia-7d9f-abcde (node-1)"))
            #expect(lines[route + 2].contains("40/s 40%") && lines[route + 2].contains("127.244.2.10:8080"))
        }
        // The failing route names its cause.
        #expect(lines.contains { $0.contains("/api") && $0.contains("20 5xx") })
        // Service edges: kubia's http port, 40 conn/s split 30/10 → 75% / 25%.
        #expect(lines.contains { $0.contains("client ─► svc default/kubia 127.108.149.158") && $0.contains("40 conn/s") })
        #expect(lines.contains { $0.contains("30/s 75%") && $0.contains("127.244.1.10:8080") })
        #expect(lines.contains { $0.contains("10/s 25%") && $0.contains("127.244.2.10:8080") })
        #expect(lines.contains { $0.contains("127.244.3.10:8080") && $0.contains("not ready") })
    }

    @Test func topologyOfOneServiceAndAnASCIIFallback() {
        let model = FixtureCluster.model
        var screen = Screen(pane: .topology, context: "default/backend-database")
        screen.cursor = 0
        let lines = FrameRenderer.detailLines(screen, model: model, options: RenderOptions(glyphs: .ascii), width: 200)
            .map(\.0)
        #expect(lines.contains { $0.contains("client -> svc default/backend-database") })
        #expect(lines.contains { $0.contains("`- no endpoints: no ready pod matches app=backend-database") })
        #expect(!lines.contains { $0.contains("svc default/kubia ") }, "only the asked service")
        #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) })
    }

    @Test func enterOnAPodOpensItsDetailsAsksForTheLogAndNamesItForTheSource() throws {
        var loop = loopWithFixture()
        _ = type(":pods", &loop)
        _ = loop.press(.enter, width: 160, height: 48)
        #expect(loop.state.current.pane == .pods)
        let pod = ObjectRef(namespace: "default", name: "backend-database-5c8d-pqrst")
        #expect(loop.podDetailInterest.isEmpty)
        let actions = loop.press(.enter, width: 160, height: 48)
        #expect(actions == [.fetchPodLog(pod, tailLines: ViewState.podLogLines)])
        #expect(loop.state.current.pane == .podDetails)
        #expect(loop.podDetailInterest == [pod])
        #expect(loop.sampleActions == [.fetchPodLog(pod, tailLines: ViewState.podLogLines)], "the tail stays live")
        // This pod's details are not in the sample yet and the log has not come back.
        var text = loop.frame(width: 160, height: 48).text
        #expect(text.contains("arriving with the next sample"))
        #expect(text.contains("fetching"))
        loop.receive(.podLog(pod, .failure(ActionRefusal("pod backend-database-5c8d-pqrst has not started"))))
        text = loop.frame(width: 160, height: 48).text
        #expect(text.contains("has not started"))
        _ = loop.press(.escape, width: 160, height: 48)
        #expect(loop.state.current.pane == .pods)
        #expect(loop.podDetailInterest.isEmpty)
    }

    @Test func podScreenShowsServiceVariablesItsOwnEnvResolvConfAndLog() {
        var loop = loopWithFixture()
        let actions = type(":pd default/kubia-7d9f-abcde", &loop) + loop.press(.enter, width: 160, height: 48)
        #expect(actions.contains(.fetchPodLog(ObjectRef(namespace: "default", name: "kubia-7d9f-abcde"), tailLines: 50)))
        loop.receive(.podLog(FixtureCluster.podLog.pod, FixtureCluster.podLog.lines))
        let text = loop.frame(width: 160, height: 48).text
        #expect(text.contains("Environment of container app: 5 from services, 1 its own"))
        #expect(text.contains("KUBIA_SERVICE_HOST=127.108.149.158"))
        #expect(text.contains("GREETING=hello from kubia  (env)"))
        #expect(!text.contains("KUBIA_NODEPORT_SERVICE_HOST"), "services created after the pod are not in its env")
        #expect(text.contains("search default.svc.cluster.local svc.cluster.local cluster.local"))
        #expect(text.contains("nameserver 127.96.0.10"))
        #expect(text.contains("options ndots:5"))
        #expect(text.contains("Received request for /hostname from 127.0.0.1"))
        // `d` on a pod does the same as Enter.
        var other = loopWithFixture()
        _ = type(":pods", &other)
        _ = other.press(.enter, width: 160, height: 48)
        #expect(other.press(.char("d"), width: 160, height: 48).count == 1)
        #expect(other.state.current.pane == .podDetails)
    }

    @Test func helpListsTheNewViews() {
        var loop = loopWithFixture()
        _ = loop.press(.char("?"), width: 160, height: 80)
        let text = loop.frame(width: 160, height: 80).text
        #expect(text.contains(":topo"))
        #expect(text.contains(":pd"))
        #expect(text.contains("a pod's env, resolv.conf and log"))
    }

    @Test func serviceDetailsSayWhyTheVIPDoesNotAnswerPing() {
        let text = OnceOutput.text(.details, snapshot: FixtureCluster.snapshots[1], service: "default/kubia")
        #expect(text.contains("kubia.default.svc.cluster.local"))
        #expect(text.contains("kubia.default.svc\n") && text.contains("kubia.default\n"))
        #expect(text.contains("KUBIA_SERVICE_HOST"))
        #expect(text.contains("Pods started before this service lack them"))
        #expect(text.contains("Why ping 127.108.149.158 does not answer"))
        #expect(text.contains("127.244.1.10:8080"))
    }

    @Test func onceCanPrintTheTopology() {
        let text = OnceOutput.text(.topology, snapshot: FixtureCluster.snapshots[1], previous: FixtureCluster.snapshots[0])
        #expect(text.contains("client ─► svc default/kubia"))
        #expect(text.contains("100 req/s"))
    }
}
