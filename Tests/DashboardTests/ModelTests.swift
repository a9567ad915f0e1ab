import ClusterModel
import Dashboard
import Foundation
import Telemetry
import Testing

/// Rates, shares, highlights, the ClusterView builder, themes and glyphs.
@Suite struct ModelTests {
    @Test func ratesComeFromConsecutiveSnapshots() {
        let m = FixtureCluster.model
        #expect(m.traffic["default/kubia"]?.connectionsPerSecond == 40)
        #expect(m.traffic["default/kubia-nodeport"]?.connectionsPerSecond == 5)
        #expect(m.traffic["default/backend-database"]?.errors == 4)
        let share = m.endpointTraffic["default/kubia|127.244.1.10:8080"]
        #expect(share?.share == 0.75)
        #expect(share?.pinned == 1)
        let single = DashboardModel(FixtureCluster.snapshots[1])
        #expect(single.traffic["default/kubia"]?.connectionsPerSecond == 0, "one sample has no rate")
    }

    @Test func newChangedAndDeletedRowsAreHighlightedBriefly() {
        var view = FixtureCluster.clusterView
        var m = DashboardModel(highlightSeconds: 3)
        m.ingest(Snapshot(time: 100, cluster: view))
        #expect(m.change(ofRow: "svc:default/kubia") == nil, "nothing is new on the first sample")
        let removed = view.services.removeFirst()
        view.services.append(ServiceSummary(namespace: "default", name: "zz-new", type: "ClusterIP", clusterIP: "127.96.0.9",
                                            ports: [], selector: nil))
        view.services[2].sessionAffinity = "None" // kubia changes
        m.ingest(Snapshot(time: 101, cluster: view))
        #expect(m.change(ofRow: "svc:default/zz-new") == .added)
        #expect(m.change(ofRow: "svc:default/kubia") == .changed)
        #expect(m.change(ofRow: "svc:" + removed.id) == .deleted)
        #expect(m.ghosts.map(\.id) == [removed.id], "a deleted service stays visible while highlighted")
        m.ingest(Snapshot(time: 105, cluster: view))
        #expect(m.change(ofRow: "svc:default/zz-new") == nil)
        #expect(m.ghosts.isEmpty)
    }

    @Test func frozenLoopHoldsSamplesUntilResumed() {
        var loop = DashboardLoop()
        let snaps = FixtureCluster.snapshots
        loop.receive(snaps[0])
        _ = loop.press(.char("f"), width: 80, height: 24)
        #expect(loop.receive(snaps[1]) == false)
        #expect(loop.model.time == snaps[0].time)
        _ = loop.press(.char("f"), width: 80, height: 24)
        #expect(loop.model.time == snaps[1].time)
        #expect(loop.frame(width: 80, height: 24).line(0).contains("45 conn/s"))
    }

    @Test func builderProjectsServicesEndpointsAndDNS() throws {
        let view = FixtureCluster.clusterView
        let kubia = try #require(view.services.first { $0.name == "kubia" })
        #expect(kubia.selector == "app=kubia")
        #expect(kubia.sessionAffinity == "ClientIP")
        #expect(kubia.affinityTimeoutSeconds == 10800)
        #expect(kubia.endpoints.count == 6)
        #expect(kubia.readyEndpoints == 4)
        #expect(kubia.endpoints.first?.pod == "default/kubia-7d9f-abcde")
        #expect(kubia.dnsNames.first == "kubia.default.svc.cluster.local")
        #expect(kubia.dnsNames.contains("_http._tcp.kubia.default.svc.cluster.local"))
        #expect(Format.ports(kubia.ports, arrow: "►") == "http:80►http,https:443►8443")
        let lb = try #require(view.services.first { $0.name == "kubia-lb" })
        #expect(lb.loadBalancerIPs == ["127.200.0.1"])
        #expect(Format.ports(lb.ports, arrow: ">") == "http:80:31254>http")
        let ext = try #require(view.services.first { $0.name == "external-api" })
        #expect(ext.clusterIP == nil)
        #expect(ext.externalName == "api.example.com")
        #expect(view.ingressRoutes.map { "\($0.host)\($0.path) \($0.backend) \($0.tlsSecret ?? "-")" } == [
            "kubia.example.com/ kubia:http kubia-tls", "kubia.example.com/api backend-database:5432 kubia-tls",
            "*/ kubia-nodeport:80 -",
        ])
        #expect(view.pods.first { $0.name.hasPrefix("backend") }?.restarts == 2)
        #expect(view.nodes.map(\.ready) == [true, true, false])
        #expect(view.events.map(\.reason) == ["EnsuredLoadBalancer", "Unhealthy"])
        #expect(view.events[1].object == "Pod/default/kubia-7d9f-klmno")
    }

    @Test func clusterViewRoundTripsThroughJSON() throws {
        let snap = FixtureCluster.snapshots[1]
        let data = try JSONEncoder().encode(snap)
        #expect(try JSONDecoder().decode(Snapshot.self, from: data) == snap)
        let old = try JSONDecoder().decode(Snapshot.self, from: Data(#"{"time": 5}"#.utf8))
        #expect(old.cluster == nil, "recordings without the cluster still decode")
    }

    @Test func themeFilesMatchTheBuiltIns() throws {
        let dir = SnapshotFixture.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        for theme in Theme.builtIn {
            let url = dir.appendingPathComponent(theme.name + ".json")
            if ProcessInfo.processInfo.environment["SWITCHBOARD_RECORD"] == "1" {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try theme.encoded().write(to: url)
            }
            let loaded = try Theme.load(url.path)
            #expect(loaded == theme, "themes/\(theme.name).json drifted from the built-in")
            #expect(Set(loaded.styles.keys) == Set(Role.allCases), "\(theme.name) must style every role")
        }
    }

    @Test func themeOverlayAndErrors() throws {
        let t = try Theme.decode(Data(#"{"name": "mine", "base": "light", "roles": {"header": {"fg": "red", "bold": true}}}"#.utf8))
        #expect(t.style(.header) == Style(fg: .index(1), bold: true))
        #expect(t.style(.ok) == Theme.light.style(.ok))
        #expect(throws: ThemeError.unknownRole("heder", theme: "x")) {
            try Theme.decode(Data(#"{"name": "x", "roles": {"heder": {}}}"#.utf8))
        }
        #expect(throws: (any Error).self) {
            try Theme.decode(Data(##"{"name": "x", "roles": {"header": {"fg": "#zzzzzz"}}}"##.utf8))
        }
    }

    @Test func colourLadder() {
        #expect(ColorDepth.detect(colors: 256, environment: [:]) == .ansi256)
        #expect(ColorDepth.detect(colors: 8, environment: [:]) == .ansi8)
        #expect(ColorDepth.detect(colors: 0, environment: [:]) == .none, "vt100 has no colours")
        #expect(ColorDepth.detect(colors: 256, environment: ["NO_COLOR": "1"]) == .none)
        #expect(TermColor.rgb(255, 95, 95).quantized(to: .ansi256) == .index(203))
        #expect(TermColor.rgb(255, 95, 95).quantized(to: .ansi8) == .index(1))
        #expect(TermColor.index(9).quantized(to: .ansi8) == .index(1), "bright red → red")
        #expect(TermColor.index(196).quantized(to: .ansi16) == .index(9))
        #expect(TermColor.rgb(1, 2, 3).quantized(to: .none) == .default)
        let mono = Theme.dark.resolved(for: .none)
        #expect(mono.styles.values.allSatisfy { $0.fg == .default && $0.bg == .default })
        #expect(mono.style(.selected).reverse, "the cursor stays visible without colour")
        let eight = Theme.dark.resolved(for: .ansi8)
        #expect(eight.styles.values.allSatisfy { s in [s.fg, s.bg].allSatisfy { c in
            if case .index(let i) = c { return i < 8 } else { return c == .default }
        } })
    }

    @Test func glyphsAndWidths() {
        #expect(Glyphs.forCodeset("UTF-8") == .unicode)
        #expect(Glyphs.forCodeset("ANSI_X3.4-1968") == .ascii)
        #expect(Glyphs.unicode.sparkline([0, 1, 2, 4, 8], width: 6) == "  ▂▃▅█")
        #expect(Glyphs.ascii.sparkline([8], width: 3) == "  #")
        #expect(TextWidth.of("東京") == 4)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.truncate("kubernetes", to: 5) == "kube…")
        #expect(TextWidth.fit("東京abc", 4) == "東…␣".replacingOccurrences(of: "␣", with: " "))
        var c = Canvas(width: 6, height: 1)
        c.put("a東京", x: 0, y: 0)
        #expect(c.line(0) == "a東京 ")
        #expect(c[2, 0].isContinuation)
    }

    @Test func formatting() {
        #expect(Format.rate(0) == "0")
        #expect(Format.rate(3.46) == "3.5")
        #expect(Format.rate(1234) == "1.2k")
        #expect(Format.micros(850) == "850µs")
        #expect(Format.micros(850, ascii: true) == "850us")
        #expect(Format.micros(1250) == "1.3ms")
        #expect(Format.micros(2_500_000) == "2.5s")
        #expect(Format.bytes(1536) == "1.5K")
        #expect(Format.clock(rfc3339: "2024-05-01T11:59:58Z") == "11:59:58")
    }

    @Test func tooSmallTerminalSaysSo() {
        let canvas = FrameRenderer.render(model: FixtureCluster.model, state: ViewState(), width: 30, height: 5)
        #expect(canvas.text.contains("terminal too small"))
    }
}
