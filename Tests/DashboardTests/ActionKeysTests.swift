import Dashboard
import Telemetry
import Testing

/// The action keys through the pure loop: what each key asks the runner to perform, the
/// confirmation of destructive ones, undo and history fed by outcomes, and `--read-only`.
@Suite struct ActionKeysTests {
    static let kubia = ObjectRef(namespace: "default", name: "kubia")

    static func loop(readOnly: Bool = false) -> DashboardLoop {
        var config = DashboardConfig()
        config.readOnly = readOnly
        var loop = DashboardLoop(config: config)
        loop.receive(EditorFixture.snapshot)
        return loop
    }

    static func press(_ loop: inout DashboardLoop, _ keys: [KeyPress]) -> [DashboardAction] {
        var out: [DashboardAction] = []
        for k in keys { out += loop.press(k, width: 120, height: 30) }
        return out
    }

    static func type(_ s: String) -> [KeyPress] { s.map { .char($0) } }

    @Test func editingASelectorPerformsItAndUndoPerformsThePreviousOne() {
        var loop = Self.loop()
        #expect(Self.press(&loop, [.char("j"), .char("e")]).isEmpty)
        guard case .editor(let editor)? = loop.actions.prompt else { Issue.record("no editor"); return }
        #expect(editor.text == "app=kubia")
        var screen = loop.frame(width: 120, height: 30).text
        #expect(screen.contains("Edit selector of service default/kubia") && screen.contains("> app=kubia"))
        _ = Self.press(&loop, [.ctrl("u")] + Self.type("app=hello"))
        screen = loop.frame(width: 120, height: 30).text
        #expect(screen.contains("pods matching (2): hello-1 127.244.1.3 ready, hello-2"), "\(screen)")
        #expect(screen.contains("- kubia-1 127.244.1.1 ready, kubia-2"))
        let apply = Self.press(&loop, [.enter])
        let edit = ClusterAction.setServiceSelector(Self.kubia, selector: ["app": "hello"])
        #expect(apply == [.perform(edit)])
        #expect(loop.actions.prompt == nil)
        #expect(Self.press(&loop, [.char("u")]).isEmpty, "nothing applied yet, nothing to undo")
        #expect(loop.state.message == "nothing to undo")
        loop.receive(.outcome(edit, .applied(edit.summary)))
        #expect(loop.actions.selectorHistory == ["app=kubia", "app=hello"])
        let undo = Self.press(&loop, [.char("u")])
        let back = ClusterAction.setServiceSelector(Self.kubia, selector: ["app": "kubia"])
        #expect(undo == [.perform(back)])
        loop.receive(.outcome(back, .applied(back.summary)))
        #expect(loop.actions.undoStack.isEmpty, "an applied undo is not itself undoable")
        // History: ↑ in a new editor recalls applied selectors.
        _ = Self.press(&loop, [.char("e"), .up])
        guard case .editor(let again)? = loop.actions.prompt else { Issue.record("no editor"); return }
        #expect(again.text == "app=hello")
        _ = Self.press(&loop, [.escape])
        #expect(loop.actions.prompt == nil && loop.state.message == "edit cancelled; nothing changed")
    }

    /// A live session binds R, m and space to recording; inside the editor they are text.
    @Test func recordingKeysAreTextInsideTheEditor() {
        var loop = Self.loop()
        loop.sessionKeys = .live
        _ = Self.press(&loop, [.char("j"), .char("e"), .ctrl("u")])
        let typed = Self.press(&loop, Self.type("app=mR m"))
        #expect(typed.isEmpty, "no session command while typing: \(typed)")
        guard case .editor(let editor)? = loop.actions.prompt else { Issue.record("no editor"); return }
        #expect(editor.text == "app=mR m")
        _ = Self.press(&loop, [.escape])
        #expect(Self.press(&loop, [.char("m")]) == [.session(.addMarker)], "outside the editor m marks")
    }

    @Test func anInvalidSelectorShowsItsErrorInPlaceAndNothingIsSent() {
        var loop = Self.loop()
        for bad in ["app in (", "=x", String(repeating: "k", count: 64) + "=v"] {
            var out = Self.press(&loop, [.char("j"), .char("e"), .ctrl("u")] + Self.type(bad) + [.enter])
            let screen = loop.frame(width: 120, height: 30).text
            #expect(out.isEmpty, "\(bad) was sent")
            #expect(screen.contains("^ "), "the error is marked under its column for \(bad)")
            #expect(screen.contains("nothing is applied until the text parses"))
            out = Self.press(&loop, [.escape])
            #expect(out.isEmpty)
        }
        let caretLine = {
            var l = Self.loop()
            _ = Self.press(&l, [.char("j"), .char("e"), .ctrl("u")] + Self.type("=x"))
            return l.frame(width: 120, height: 30).text.split(separator: "\n").first { $0.contains("^ found '='") }
        }()
        let textLine = { () -> Substring? in
            var l = Self.loop()
            _ = Self.press(&l, [.char("j"), .char("e"), .ctrl("u")] + Self.type("=x"))
            return l.frame(width: 120, height: 30).text.split(separator: "\n").first { $0.contains("> =x") }
        }()
        let caret = try! #require(caretLine)
        let text = try! #require(textLine)
        #expect(caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) }
                == text.firstIndex(of: "=").map { text.distance(from: text.startIndex, to: $0) },
                "the caret sits under the offending '='")
    }

    @Test func destructiveActionsAskFirst() {
        var loop = Self.loop()
        _ = Self.press(&loop, [.char(":")] + Self.type("pods") + [.enter])
        // Row 2 is kubia-1 (pods sorted by namespace, name).
        _ = Self.press(&loop, [.char("j"), .char("j")])
        #expect(Self.press(&loop, [.char("K")]).isEmpty)
        #expect(loop.frame(width: 120, height: 30).text.contains("Delete pod default/kubia-1?  y/n"))
        #expect(Self.press(&loop, [.char("n")]).isEmpty)
        #expect(loop.state.message == "cancelled: delete pod default/kubia-1")
        let kill = Self.press(&loop, [.ctrl("k"), .char("y")])
        #expect(kill == [.perform(.deletePod(ObjectRef(namespace: "default", name: "kubia-1")))])
        // Scale: + asks (scaling is destructive), s takes a number.
        let up = Self.press(&loop, [.char("+"), .char("y")])
        #expect(up == [.perform(.scaleDeployment(Self.kubia, replicas: 3))])
        _ = Self.press(&loop, [.char("s")] + Self.type("5"))
        #expect(loop.frame(width: 120, height: 30).text.contains("scale deployment default/kubia to: 5_"))
        let to = Self.press(&loop, [.enter, .char("y")])
        #expect(to == [.perform(.scaleDeployment(Self.kubia, replicas: 5))])
        loop.receive(.outcome(.scaleDeployment(Self.kubia, replicas: 5), .applied("scaled")))
        #expect(Self.press(&loop, [.char("u"), .char("y")]) == [.perform(.scaleDeployment(Self.kubia, replicas: 2))])
        // Readiness flips without asking; labels open the editor.
        #expect(Self.press(&loop, [.char("r")]) == [.perform(.setPodReady(ObjectRef(namespace: "default", name: "kubia-1"), ready: false))])
        _ = Self.press(&loop, [.char("l")])
        guard case .editor(let e)? = loop.actions.prompt else { Issue.record("no label editor"); return }
        #expect(e.target == .podLabels(ObjectRef(namespace: "default", name: "kubia-1")) && e.text == "app=kubia")
    }

    @Test func serviceAndNodeTogglesAndWrongPanes() {
        var loop = Self.loop()
        _ = Self.press(&loop, [.char("j")])
        #expect(Self.press(&loop, [.char("a")]) == [.perform(.setSessionAffinity(Self.kubia, clientIP: true))])
        _ = Self.press(&loop, [.char("j")])
        let lb = ObjectRef(namespace: "default", name: "kubia-lb")
        #expect(Self.press(&loop, [.char("x")]) == [.perform(.setExternalTrafficPolicy(lb, local: true))])
        #expect(Self.press(&loop, [.char("K")]).isEmpty)
        #expect(loop.state.message?.contains("acts on a pod") == true)
        _ = Self.press(&loop, [.char(":")] + Self.type("nodes") + [.enter])
        #expect(Self.press(&loop, [.char("c")]) == [.perform(.cordonNode("node-1", cordoned: true))])
        #expect(Self.press(&loop, [.char("F")]).isEmpty)
        #expect(Self.press(&loop, [.char("y")]) == [.perform(.setNodeReady("node-1", ready: false))])
        let help = { () -> String in
            var l = Self.loop()
            _ = Self.press(&l, [.char("?")])
            return l.frame(width: 140, height: 80).text
        }()
        for key in ["e ", "l ", "u ", "K ctrl-k", "r ", "c ", "F ", "a ", "x ", "s ", ":w FILE"] {
            #expect(help.contains("  " + key), "help lists \(key)")
        }
    }

    @Test func actionsStartFromWhatWasAppliedUntilTheSamplesCatchUp() {
        var loop = Self.loop()
        _ = Self.press(&loop, [.char(":")] + Self.type("pods") + [.enter, .char("j"), .char("j")])
        #expect(Self.press(&loop, [.char("+"), .char("y")]) == [.perform(.scaleDeployment(Self.kubia, replicas: 3))])
        loop.receive(.outcome(.scaleDeployment(Self.kubia, replicas: 3), .applied("scaled")))
        // The sample still says 2 replicas: the next + goes to 4, not to 3 again.
        #expect(Self.press(&loop, [.char("+"), .char("y")]) == [.perform(.scaleDeployment(Self.kubia, replicas: 4))])
        loop.receive(.outcome(.scaleDeployment(Self.kubia, replicas: 4), .applied("scaled")))
        // Undo goes back to 3, then to 2.
        #expect(Self.press(&loop, [.char("u"), .char("y")]) == [.perform(.scaleDeployment(Self.kubia, replicas: 3))])
        // Two newer samples (still 2: changed elsewhere, say): they are the truth again.
        loop.receive(EditorFixture.snapshot)
        loop.receive(EditorFixture.snapshot)
        #expect(Self.press(&loop, [.char("+"), .char("y")]) == [.perform(.scaleDeployment(Self.kubia, replicas: 3))])
        // The editor opens with the selector just applied, and undo returns to it.
        var svc = Self.loop()
        _ = Self.press(&svc, [.char("j"), .char("e"), .ctrl("u")] + Self.type("app=hello") + [.enter])
        svc.receive(.outcome(.setServiceSelector(Self.kubia, selector: ["app": "hello"]), .applied("ok")))
        _ = Self.press(&svc, [.char("e")])
        guard case .editor(let e)? = svc.actions.prompt else { Issue.record("no editor"); return }
        #expect(e.text == "app=hello")
        _ = Self.press(&svc, [.ctrl("u")] + Self.type("app=zeta") + [.enter])
        svc.receive(.outcome(.setServiceSelector(Self.kubia, selector: ["app": "zeta"]), .applied("ok")))
        #expect(Self.press(&svc, [.char("u")]) == [.perform(.setServiceSelector(Self.kubia, selector: ["app": "hello"]))])
    }

    @Test func footerHintsTheActionKeysAndASCIIFramesStayASCII() {
        var loop = Self.loop()
        let footer = loop.frame(width: 200, height: 30).text.split(separator: "\n").last ?? ""
        #expect(footer.contains("e edit") && footer.contains("u undo"), "\(footer)")
        var config = DashboardConfig()
        config.ascii = true
        var ascii = DashboardLoop(config: config, glyphs: .ascii)
        ascii.receive(EditorFixture.snapshot)
        _ = Self.press(&ascii, [.char("j"), .char("e"), .ctrl("u")] + Self.type("app in ("))
        #expect(ascii.frame(width: 100, height: 24).cells.allSatisfy { $0.character.isASCII || $0.isContinuation })
        _ = Self.press(&ascii, [.ctrl("u")] + Self.type("app=hello"))
        #expect(ascii.frame(width: 100, height: 24).cells.allSatisfy { $0.character.isASCII || $0.isContinuation })
        _ = Self.press(&loop, [.char(":")] + Self.type("pods") + [.enter])
        let pods = loop.frame(width: 200, height: 30).text.split(separator: "\n").last ?? ""
        #expect(pods.contains("K kill") && pods.contains("+/- scale"), "\(pods)")
    }

    @Test func readOnlyRemovesEveryAction() {
        var loop = Self.loop(readOnly: true)
        #expect(loop.frame(width: 120, height: 30).text.split(separator: "\n").first?.contains("READ-ONLY") == true)
        for key in ActionKey.allCases.flatMap(\.keys) {
            #expect(Self.press(&loop, [key]).isEmpty)
            #expect(loop.actions.prompt == nil)
        }
        #expect(loop.state.message == ActionController.readOnlyMessage)
        loop.receive(.outcome(.deletePod(Self.kubia), .refused("x")))
        _ = Self.press(&loop, [.char("j")])
        #expect(!(loop.frame(width: 200, height: 30).text.split(separator: "\n").last ?? "").contains("e edit"))
        // Navigation still works.
        _ = Self.press(&loop, [.char("j")])
        #expect(loop.state.current.cursor == 2)
    }
}
