import ClusterModel
import Dashboard
import Telemetry
import Testing

/// The state machine: navigation, drill-down, history, filter, sort, help, freeze, quit.
@Suite struct NavigationTests {
    let model = FixtureCluster.model

    func context(_ state: ViewState) -> NavigationContext {
        FrameRenderer.navigationContext(model: model, state: state, width: 80, height: 24)
    }

    func press(_ keys: [KeyPress], _ state: inout ViewState) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        for k in keys { actions += state.handle(k, context: context(state)) }
        return actions
    }

    func type(_ text: String) -> [KeyPress] { text.map { KeyPress.char($0) } }

    @Test func cursorMovesAndClamps() {
        var s = ViewState()
        _ = press([.down, .down, .char("j")], &s)
        #expect(s.current.cursor == 3)
        _ = press([.char("G")], &s)
        #expect(s.current.cursor == model.services.count - 1)
        _ = press([.down], &s)
        #expect(s.current.cursor == model.services.count - 1, "cannot move past the last row")
        _ = press([.char("g"), .up], &s)
        #expect(s.current.cursor == 0)
    }

    @Test func enterDrillsIntoEndpointsAndEscGoesBack() {
        var s = ViewState()
        // services sorted by namespace/name: backend-database, external-api, kubernetes, kubia…
        _ = press([.down, .down, .down, .enter], &s)
        #expect(s.current.pane == .endpoints)
        #expect(s.current.context == "default/kubia")
        #expect(context(s).rowCount == 6)
        _ = press([.enter], &s)
        #expect(s.current.pane == .details)
        #expect(s.current.context == "default/kubia")
        _ = press([.escape, .escape], &s)
        #expect(s.current.pane == .services)
        #expect(s.current.cursor == 3, "going back restores the cursor")
        _ = press([.escape], &s)
        #expect(s.stack.count == 1, "Esc on the first screen stays")
    }

    @Test(arguments: [("svc", PaneKind.services), ("ep", .endpoints), ("ing", .ingress), ("flow", .flow),
                      ("pods", .pods), ("nodes", .nodes), ("events", .events), ("po", .pods), ("no", .nodes)])
    func commandModeSwitchesPanes(_ command: String, _ pane: PaneKind) {
        var s = ViewState(pane: pane == .services ? .pods : .services)
        _ = press([.char(":")] + type(command) + [.enter], &s)
        #expect(s.current.pane == pane)
        #expect(s.mode == .normal)
    }

    @Test func unknownCommandLeavesAMessage() {
        var s = ViewState()
        _ = press([.char(":")] + type("bogus") + [.enter], &s)
        #expect(s.current.pane == .services)
        #expect(s.message?.contains("unknown command") == true)
    }

    @Test func regexFilterAppliesWhileTypingAndEscClears() {
        var s = ViewState()
        _ = press([.char("/")] + type("^kubia-"), &s)
        #expect(context(s).rowCount == 2, "kubia-lb, kubia-nodeport")
        _ = press([.enter], &s)
        #expect(s.current.filter == .text("^kubia-", inverted: false))
        #expect(context(s).rowCount == 2)
        _ = press([.escape], &s)
        #expect(s.current.filter == nil)
        #expect(context(s).rowCount == model.services.count)
    }

    @Test func invertedAndLiteralFilters() {
        var s = ViewState()
        _ = press([.char("/")] + type("!kubia") + [.enter], &s)
        #expect(context(s).rowCount == 3)
        s = ViewState()
        _ = press([.char("/")] + type("NODEPORT") + [.enter], &s)
        #expect(context(s).rowCount == 1, "literal filters ignore case")
    }

    @Test func labelSelectorFilterUsesClusterModelSelector() throws {
        var s = ViewState(pane: .pods)
        _ = press([.char("/")] + type("-l app in (kubia)") + [.enter], &s)
        #expect(s.current.filter == .labels(try Selector.parse("app in (kubia)"), source: "app in (kubia)"))
        #expect(context(s).rowCount == 3)
        _ = press([.char("/"), .ctrl("u")] + type("-l app!=kubia") + [.enter], &s)
        #expect(context(s).rowCount == 1)
    }

    @Test func badSelectorIsReportedNotApplied() {
        var s = ViewState(pane: .pods)
        _ = press([.char("/")] + type("-l app in (") + [.enter], &s)
        #expect(s.mode == .filter("-l app in ("), "the prompt stays open to fix the selector")
        #expect(s.message?.contains("bad selector") == true)
        _ = press([.escape], &s)
        #expect(s.current.filter == nil)
    }

    @Test func sortByColumnAndReverse() {
        var s = ViewState()
        let options = RenderOptions()
        func names() -> [String] {
            let table = FrameRenderer.table(for: s.current, model: model, options: options)!
            let rows = FrameRenderer.rows(of: table, screen: s.current, model: model)
            return (0..<rows.count).map { table.key(rows[$0]) }
        }
        // CONN/S is column 8: kubia (40/s) first when descending.
        for _ in 0..<9 { _ = press([.char(">")], &s) }
        #expect(s.current.sortColumn == 8)
        _ = press([.char("I")], &s)
        #expect(s.current.descending)
        #expect(names().first == "default/kubia")
        _ = press([.char("N")], &s)
        #expect(s.current.sortColumn == 1)
        #expect(names().first == "default/backend-database")
        _ = press([.char("<")], &s)
        #expect(s.current.sortColumn == 0)
    }

    @Test func tabCyclesPanes() {
        var s = ViewState()
        var seen: [PaneKind] = []
        for _ in PaneKind.cycle {
            seen.append(s.current.pane)
            _ = press([.tab], &s)
        }
        #expect(seen == PaneKind.cycle)
        #expect(s.current.pane == .services)
        _ = press([.backTab], &s)
        #expect(s.current.pane == .events)
    }

    @Test func helpListsEveryIntentAndPaneAndAnyKeyCloses() {
        var s = ViewState()
        _ = press([.char("?")], &s)
        #expect(s.mode == .help(offset: 0))
        let text = FrameRenderer.render(model: model, state: s, width: 160, height: 60).text
        for intent in Intent.allCases {
            #expect(text.contains(intent.summary.prefix(30)), "help lacks \(intent)")
        }
        for pane in PaneKind.allCases {
            #expect(text.contains(":" + pane.rawValue), "help lacks :\(pane.rawValue)")
        }
        _ = press([.char("x")], &s)
        #expect(s.mode == .normal)
    }

    @Test func quitAndFreeze() {
        var s = ViewState()
        #expect(press([.char("f")], &s) == [.freeze(true)])
        #expect(s.frozen)
        #expect(press([.char("f")], &s) == [.freeze(false)])
        #expect(press([.char("q")], &s) == [.quit])
        #expect(press([.ctrl("c")], &s) == [.quit])
        var t = ViewState()
        #expect(press([.char(":")] + type("q") + [.enter], &t) == [.quit])
    }

    @Test func typingQInAPromptDoesNotQuit() {
        var s = ViewState()
        #expect(press([.char("/")] + type("q"), &s).isEmpty)
        #expect(s.mode == .filter("q"))
    }

    @Test func reboundKeys() {
        let (bindings, problems) = KeyBindings.default.overridden(by: ["quit": ["x"], "freeze": ["p"], "nope": ["z"],
                                                                       "help": ["ctrl-?!"]])
        #expect(bindings.intent(for: .char("x")) == .quit)
        #expect(bindings.intent(for: .char("q")) == nil, "the old quit key is released")
        #expect(bindings.intent(for: .char("p")) == .freeze)
        #expect(problems.count == 2)
        var s = ViewState()
        #expect(s.handle(.char("x"), bindings: bindings, context: context(s)) == [.quit])
    }

    @Test func configFileRebindsAndReportsProblems() {
        var config = DashboardConfig()
        config.apply(Data(#"{"interval": 0.5, "theme": "light", "keys": {"quit": ["Q"]}, "pane": "pods"}"#.utf8))
        #expect(config.interval == 0.5)
        #expect(config.theme == "light")
        #expect(config.bindings.intent(for: .char("Q")) == .quit)
        #expect(config.initialPane == .pods)
        #expect(config.warnings.isEmpty)
        config.apply(Data("not json".utf8))
        #expect(config.warnings.count == 1)
        let url = DashboardConfig.fileURL(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"])
        #expect(url?.path == "/x/switchboard/dashboard.json")
        #expect(DashboardConfig.fileURL(environment: ["HOME": "/h"])?.path == "/h/.config/switchboard/dashboard.json")
    }

    @Test func keySpecsRoundTrip() {
        for spec in ["q", "N", "ctrl-c", "up", "pgdn", "enter", "esc", "tab", "shift-tab", "space", "f1", ":"] {
            #expect(KeyPress(spec: spec)?.spec == spec, "\(spec)")
        }
        #expect(KeyPress(spec: "shift-n") == .char("N"))
        #expect(KeyPress(spec: "nonsense") == nil)
    }
}

import Foundation
