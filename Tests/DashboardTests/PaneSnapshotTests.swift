import Dashboard
import Telemetry
import Testing

/// Every pane at 80×24 and 160×48, in colour (dark theme at 256 colours) and monochrome, with
/// UTF-8 and ASCII glyphs, compared with committed text dumps.
@Suite struct PaneSnapshotTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var view: String
        var width: Int
        var height: Int
        var colour: Bool
        var ascii: Bool
        var name: String { "\(view)-\(width)x\(height)-\(colour ? "colour" : "mono")-\(ascii ? "ascii" : "utf8")" }
        var testDescription: String { name }
    }

    static let views = ["svc", "ep-kubia", "ep-all", "ing", "flow", "pods", "nodes", "events", "details-kubia", "help",
                        "topo", "topo-kubia", "pd-kubia"]

    static let cases: [Case] = views.flatMap { v in
        [(80, 24), (160, 48)].flatMap { size in
            [true, false].flatMap { colour in
                [false, true].map { Case(view: v, width: size.0, height: size.1, colour: colour, ascii: $0) }
            }
        }
    }

    static func state(for view: String, model: DashboardModel, options: RenderOptions) -> ViewState {
        var state = ViewState()
        let context = FrameRenderer.navigationContext(model: model, state: state, width: 80, height: 24,
                                                      options: options)
        func command(_ text: String) {
            _ = state.handle(.char(":"), context: context)
            for c in text { _ = state.handle(.char(c), context: context) }
            _ = state.handle(.enter, context: context)
        }
        switch view {
        case "svc": break
        case "ep-kubia": command("ep default/kubia")
        case "ep-all": command("ep")
        case "ing": command("ing")
        case "flow": command("flow")
        case "pods": command("pods")
        case "nodes": command("nodes")
        case "events": command("events")
        case "details-kubia": command("details default/kubia")
        case "help": _ = state.handle(.char("?"), context: context)
        case "topo": command("topo")
        case "topo-kubia": command("topo default/kubia")
        case "pd-kubia": command("pd default/kubia-7d9f-abcde")
        default: Issue.record("unknown view \(view)")
        }
        return state
    }

    @Test(arguments: cases)
    func pane(_ c: Case) {
        let model = FixtureCluster.model
        let options = RenderOptions(glyphs: c.ascii ? .ascii : .unicode)
        let state = Self.state(for: c.view, model: model, options: options)
        let canvas = FrameRenderer.render(model: model, state: state, width: c.width, height: c.height, options: options,
                                          podLog: FixtureCluster.podLog)
        let theme = c.colour ? Theme.dark.resolved(for: .ansi256) : Theme.dark.resolved(for: .none)
        SnapshotFixture.assertMatches(canvas.dump(theme: theme), named: c.name)
        if c.ascii {
            #expect(canvas.cells.allSatisfy { $0.character.isASCII || $0.isContinuation },
                    "ASCII frames must contain only ASCII")
        }
    }

    @Test func casesCoverEveryPane() {
        #expect(Self.cases.count == Self.views.count * 8)
        let panes = Set(Self.views.map { String($0.split(separator: "-")[0]) })
        for pane in PaneKind.allCases where pane != .details {
            #expect(panes.contains(pane.rawValue), "no snapshot of \(pane)")
        }
    }
}
