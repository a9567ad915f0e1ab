import Dashboard
import Telemetry
import Testing

/// The editor's state machine without a terminal: typing, cursor movement, history, the live
/// parse with the error's column, and the preview diff.
@Suite struct SelectorEditorTests {
    static func keys(_ s: String) -> [KeyPress] { s.map { .char($0) } }

    @Test func typingInsertsAtTheCursorAndTheCursorMoves() {
        var line = LineEditor("app=kubia")
        #expect(line.cursor == 9)
        for k in [KeyPress.left, .left, .left, .left, .left] { _ = line.handle(k) }
        #expect(line.cursor == 4)
        for k in Self.keys("x") { _ = line.handle(k) }
        #expect(line.text == "app=xkubia" && line.cursor == 5)
        _ = line.handle(.home)
        #expect(line.cursor == 0)
        _ = line.handle(.ctrl("e"))
        #expect(line.cursor == 10)
        _ = line.handle(.ctrl("a"))
        _ = line.handle(.delete)
        #expect(line.text == "pp=xkubia" && line.cursor == 0)
        _ = line.handle(.end)
        _ = line.handle(.backspace)
        #expect(line.text == "pp=xkubi")
        _ = line.handle(.right)  // at the end: stays
        #expect(line.cursor == 8)
        _ = line.handle(.backspace)
        _ = line.handle(.left)
        _ = line.handle(.left)
        _ = line.handle(.ctrl("u"))  // kills what is before the cursor
        #expect(line.text == "ub" && line.cursor == 0)
        #expect(line.handle(.enter) == .submit)
        #expect(line.handle(.escape) == .cancel)
        #expect(line.handle(.function(5)) == .ignored)
    }

    @Test func ctrlWDeletesOnePieceAtATime() {
        var line = LineEditor("app=kubia,tier=web")
        _ = line.handle(.ctrl("w"))
        #expect(line.text == "app=kubia,tier=")
        _ = line.handle(.ctrl("w"))
        #expect(line.text == "app=kubia,tier")
        _ = line.handle(.ctrl("w"))
        #expect(line.text == "app=kubia,")
        _ = line.handle(.ctrl("w"))
        #expect(line.text == "app=kubia")
        var spaced = LineEditor("a in (x, y)  ")
        _ = spaced.handle(.ctrl("w"))
        #expect(spaced.text == "a in (x, y")
    }

    @Test func historyRecallsEarlierEntriesAndRestoresTheDraft() {
        var line = LineEditor("app=draft", history: ["app=one", "app=two"])
        _ = line.handle(.up)
        #expect(line.text == "app=two" && line.historyIndex == 1)
        _ = line.handle(.up)
        #expect(line.text == "app=one")
        _ = line.handle(.up)  // oldest: stays
        #expect(line.text == "app=one")
        _ = line.handle(.down)
        #expect(line.text == "app=two")
        _ = line.handle(.down)
        #expect(line.text == "app=draft" && line.historyIndex == nil && line.cursor == 9)
        var empty = LineEditor("x")
        _ = empty.handle(.up)
        #expect(empty.text == "x")
    }

    @Test func invalidSelectorsShowTheErrorAtItsColumn() {
        guard case .failure(let open) = EqualitySelector.parse("app in (") else { Issue.record("parsed"); return }
        #expect(open.offset == 8, "\(open)")
        guard case .failure(let eq) = EqualitySelector.parse("=x") else { Issue.record("parsed"); return }
        #expect(eq.offset == 0)
        #expect(eq.message.contains("found '='"), "\(eq.message)")
        let long = String(repeating: "k", count: 64)
        guard case .failure(let key) = EqualitySelector.parse("app=kubia, \(long)=v") else { Issue.record("parsed"); return }
        #expect(key.offset == 11)
        #expect(key.message.contains("63 characters"), "\(key.message)")
    }

    @Test func setBasedSelectorsParseButAreRefusedForAService() {
        guard case .failure(let e) = EqualitySelector.parse("app=kubia,tier in (web,api)") else {
            Issue.record("accepted a set-based selector"); return
        }
        #expect(e.message.contains("key=value pairs only") && e.message.contains("tier in (api,web)"), "\(e.message)")
        #expect(e.offset == 10)
        guard case .failure(let ne) = EqualitySelector.parse("app!=x") else { Issue.record("accepted !="); return }
        #expect(ne.offset == 0)
        guard case .failure(let twice) = EqualitySelector.parse("app=a, app=b") else { Issue.record("accepted twice"); return }
        #expect(twice.offset == 7 && twice.message.contains("twice"))
        #expect(EqualitySelector.parse("app==kubia, tier=web") == .success(["app": "kubia", "tier": "web"]))
        #expect(EqualitySelector.parse("") == .success([:]))
        #expect(EqualitySelector.format(["tier": "web", "app": "kubia"]) == "app=kubia,tier=web")
    }

    @Test func editorAppliesOnlyWhatParses() {
        let ref = ObjectRef(namespace: "default", name: "kubia")
        var editor = SelectorEditor(target: .serviceSelector(ref), original: ["app": "kubia"])
        #expect(editor.text == "app=kubia" && editor.error == nil)
        for _ in 0..<5 { _ = editor.handle(.backspace) }
        editor.type(" in (")
        #expect(editor.error != nil)
        #expect(editor.handle(.enter) == .editing, "Enter on an invalid selector keeps the editor open")
        _ = editor.handle(.ctrl("u"))
        editor.type("app=hello")
        #expect(editor.handle(.enter) == .apply(.setServiceSelector(ref, selector: ["app": "hello"])))
        var labels = SelectorEditor(target: .podLabels(ObjectRef(namespace: "default", name: "kubia-1")),
                                    original: ["app": "kubia"])
        _ = labels.handle(.end)
        labels.type(",canary=true")
        #expect(labels.handle(.enter) == .apply(.setPodLabels(ObjectRef(namespace: "default", name: "kubia-1"),
                                                              labels: ["app": "kubia", "canary": "true"])))
        #expect(labels.handle(.escape) == .cancel)
    }

    @Test func previewListsMatchingPodsAndTheEndpointDiff() {
        let cluster = EditorFixture.cluster
        let ref = ObjectRef(namespace: "default", name: "kubia")
        var editor = SelectorEditor(target: .serviceSelector(ref), original: ["app": "kubia"])
        let unchanged = try! #require(editor.preview(in: cluster))
        #expect(unchanged.matches.count == 2 && unchanged.added.isEmpty && unchanged.removed.isEmpty)
        _ = editor.handle(.ctrl("u"))
        editor.type("app=hello")
        let moved = try! #require(editor.preview(in: cluster))
        #expect(moved.matches == ["hello-1 127.244.1.3 ready", "hello-2 127.244.1.4 not ready"])
        #expect(moved.added == moved.matches)
        #expect(moved.removed == ["kubia-1 127.244.1.1 ready", "kubia-2 127.244.1.2 ready"])
        _ = editor.handle(.ctrl("u"))
        let empty = try! #require(editor.preview(in: cluster))
        #expect(empty.matches.isEmpty && empty.removed.count == 2 && empty.note != nil)
        editor.type("app in (")
        #expect(editor.preview(in: cluster) == nil, "no preview while the text does not parse")
        // A pod relabelled: kubia loses it, hello gains it.
        let pod = ObjectRef(namespace: "default", name: "kubia-1")
        var labels = SelectorEditor(target: .podLabels(pod), original: ["app": "kubia"])
        _ = labels.handle(.ctrl("u"))
        labels.type("app=hello")
        let p = try! #require(labels.preview(in: cluster))
        #expect(p.added == ["hello gains 127.244.1.1"] && p.removed == ["kubia loses 127.244.1.1", "kubia-lb loses 127.244.1.1"])
    }
}

enum EditorFixture {
    static func pod(_ name: String, _ ip: String, app: String, ready: Bool = true, owner: String? = nil) -> PodSummary {
        var p = PodSummary(namespace: "default", name: name, nodeName: "node-1", ip: ip, phase: "Running", ready: ready,
                           labels: ["app": app])
        p.owner = owner ?? app
        return p
    }

    static var cluster: ClusterView {
        let kubia = ServiceSummary(
            namespace: "default", name: "kubia", type: "ClusterIP", clusterIP: "127.96.0.20",
            ports: [ServicePortSummary(name: "http", port: 80, targetPort: "http")], selector: "app=kubia",
            endpoints: [EndpointSummary(pod: "default/kubia-1", ip: "127.244.1.1", port: 8080, nodeName: "node-1",
                                        ready: true, serving: true, terminating: false),
                        EndpointSummary(pod: "default/kubia-2", ip: "127.244.1.2", port: 8080, nodeName: "node-1",
                                        ready: true, serving: true, terminating: false)])
        var lb = ServiceSummary(namespace: "default", name: "kubia-lb", type: "LoadBalancer", clusterIP: "127.96.0.21",
                                ports: [ServicePortSummary(name: "http", port: 80, targetPort: "http", nodePort: 30001)],
                                selector: "app=kubia")
        lb.externalTrafficPolicy = "Cluster"
        let hello = ServiceSummary(namespace: "default", name: "hello", type: "ClusterIP", clusterIP: "127.96.0.22",
                                   ports: [ServicePortSummary(name: "http", port: 80, targetPort: "http")],
                                   selector: "app=hello")
        var view = ClusterView(
            services: [hello, kubia, lb],
            pods: [pod("hello-1", "127.244.1.3", app: "hello"), pod("hello-2", "127.244.1.4", app: "hello", ready: false),
                   pod("kubia-1", "127.244.1.1", app: "kubia"), pod("kubia-2", "127.244.1.2", app: "kubia")],
            nodes: [NodeSummary(name: "node-1", address: "127.0.10.1", podCIDR: nil, ready: true),
                    NodeSummary(name: "node-2", address: "127.0.10.2", podCIDR: nil, ready: true)])
        view.deployments = [DeploymentSummary(namespace: "default", name: "hello", replicas: 2),
                            DeploymentSummary(namespace: "default", name: "kubia", replicas: 2)]
        return view
    }

    static var snapshot: Snapshot { Snapshot(time: 1_714_564_800, cluster: cluster) }
}
