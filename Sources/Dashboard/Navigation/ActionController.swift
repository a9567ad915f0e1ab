import Telemetry

/// What the footer or the editor panel is asking while an action is being prepared.
public enum ActionPrompt: Sendable, Hashable {
    case editor(SelectorEditor)
    /// `y` performs it, anything else cancels.
    case confirm(ClusterAction)
    /// `s` on a pod: the replica count being typed for its Deployment.
    case scale(ObjectRef, text: String)
}

/// The dashboard's verbs as a value-type state machine: keys in (with the pane, the row under
/// the cursor and the latest sample), actions to perform out. It keeps what undo needs (the
/// inverse of each applied change) and the editor's history of applied selectors, both updated
/// only when the engine reports a change applied, so a refused edit is neither undone nor recalled.
public struct ActionController: Sendable, Hashable {
    public var readOnly: Bool
    public private(set) var prompt: ActionPrompt?
    /// Inverses of applied changes, newest last.
    public private(set) var undoStack: [ClusterAction] = []
    public private(set) var selectorHistory: [String] = []
    public private(set) var labelHistory: [String] = []
    /// Changes sent and not yet answered, with the inverse to push when applied.
    private var inFlight: [ClusterAction: ClusterAction] = [:]
    /// Undos sent and not yet answered (not pushed again when applied; back on the stack if refused).
    private var undoing: Set<ClusterAction> = []
    /// Applied changes the samples may not show yet.
    private var recent = RecentChanges()

    public static let maxUndo = 50
    public static let readOnlyMessage = "read-only session: actions are off (started with --read-only)"

    public init(readOnly: Bool = false) { self.readOnly = readOnly }

    /// Handles `key` when it is this controller's: while a prompt is open every key is, otherwise
    /// only action keys. Returns nil for keys that navigation should take, else the actions to run
    /// and the footer message (nil clears it).
    ///
    /// - Parameter generation: the sample's number (`DashboardModel.generation`), to tell when
    ///   the samples show what was applied.
    public mutating func press(_ key: KeyPress, screen: Screen, selectedKey: String?, cluster: ClusterView,
                               generation: Int = 0) -> (actions: [DashboardAction], message: String?)? {
        recent.prune(generation: generation)
        if let prompt {
            if key == .resize { return ([], nil) }  // a resize never answers a prompt
            return answer(prompt, key: key, cluster: cluster)
        }
        guard let verb = ActionKey.action(for: key) else { return nil }
        if readOnly { return ([], Self.readOnlyMessage) }
        return start(verb, screen: screen, selectedKey: selectedKey, cluster: cluster)
    }

    /// Takes an action's outcome: an applied change becomes undoable (and its selector joins the
    /// history); a refused undo goes back on the stack.
    public mutating func receive(_ feedback: DashboardFeedback, generation: Int = 0) {
        guard case let .outcome(action, outcome) = feedback else { return }
        let inverse = inFlight.removeValue(forKey: action)
        let wasUndo = undoing.remove(action) != nil
        guard outcome.isApplied else {
            if wasUndo { undoStack.append(action) }
            return
        }
        recent.applied(action, generation: generation)
        if !wasUndo, let inverse {
            undoStack.append(inverse)
            if undoStack.count > Self.maxUndo { undoStack.removeFirst(undoStack.count - Self.maxUndo) }
        }
        switch (action, inverse) {
        case let (.setServiceSelector(_, new), .setServiceSelector(_, old)?):
            remember(old, in: &selectorHistory)
            remember(new, in: &selectorHistory)
        case let (.setServiceSelector(_, new), _): remember(new, in: &selectorHistory)
        case let (.setPodLabels(_, new), .setPodLabels(_, old)?):
            remember(old, in: &labelHistory)
            remember(new, in: &labelHistory)
        case let (.setPodLabels(_, new), _): remember(new, in: &labelHistory)
        default: break
        }
    }

    private func remember(_ map: [String: String], in history: inout [String]) {
        let text = EqualitySelector.format(map)
        history.removeAll { $0 == text }
        history.append(text)
        if history.count > 100 { history.removeFirst() }
    }

    // MARK: starting an action

    private mutating func start(_ verb: ActionKey, screen: Screen, selectedKey: String?,
                                cluster: ClusterView) -> ([DashboardAction], String?) {
        switch verb {
        case .undo:
            guard let last = undoStack.popLast() else { return ([], "nothing to undo") }
            undoing.insert(last)
            return ([.perform(last)], "undo: " + last.summary)
        case .editSelector, .sessionAffinity, .trafficPolicy:
            guard let svc = service(screen: screen, selectedKey: selectedKey, cluster: cluster) else {
                return ([], "\(verb.keys[0].spec) acts on a service: select one in :svc")
            }
            let ref = ObjectRef(namespace: svc.namespace, name: svc.name)
            switch verb {
            case .editSelector:
                guard svc.type != "ExternalName" else { return ([], "an ExternalName service has no selector") }
                var current: [String: String]
                switch EqualitySelector.parse(svc.selector ?? "") {
                case .success(let map): current = map
                case .failure(let e): return ([], "cannot edit the selector: \(e.message)")
                }
                current = recent.selector(ref) ?? current
                let text = EqualitySelector.format(current)
                prompt = .editor(SelectorEditor(target: .serviceSelector(ref), original: current,
                                                history: selectorHistory.filter { $0 != text }))
                return ([], nil)
            case .sessionAffinity:
                let clientIP = !(recent.flag(.affinity(ref)) ?? (svc.sessionAffinity == "ClientIP"))
                return request(.setSessionAffinity(ref, clientIP: clientIP),
                               inverse: .setSessionAffinity(ref, clientIP: !clientIP))
            default:
                let local = !(recent.flag(.policy(ref)) ?? (svc.externalTrafficPolicy == "Local"))
                return request(.setExternalTrafficPolicy(ref, local: local),
                               inverse: .setExternalTrafficPolicy(ref, local: !local))
            }
        case .editLabels, .killPod, .flipReady, .scaleUp, .scaleDown, .scaleTo:
            guard screen.pane == .pods, let id = selectedKey, let pod = cluster.pods.first(where: { $0.id == id }) else {
                return ([], "\(verb.keys[0].spec) acts on a pod: select one in :pods")
            }
            let ref = ObjectRef(namespace: pod.namespace, name: pod.name)
            switch verb {
            case .editLabels:
                let labels = recent.labels(ref) ?? pod.labels
                let text = EqualitySelector.format(labels)
                prompt = .editor(SelectorEditor(target: .podLabels(ref), original: labels,
                                                history: labelHistory.filter { $0 != text }))
                return ([], nil)
            case .killPod: return request(.deletePod(ref), inverse: nil)
            case .flipReady:
                let ready = recent.flag(.podReady(ref)) ?? pod.ready
                return request(.setPodReady(ref, ready: !ready), inverse: .setPodReady(ref, ready: ready))
            default:
                guard let owner = pod.owner else { return ([], "pod \(ref) has no Deployment to scale") }
                let deployment = ObjectRef(namespace: pod.namespace, name: owner)
                let current = recent.replicas(deployment)
                    ?? cluster.deployments?.first { $0.namespace == pod.namespace && $0.name == owner }?.replicas
                if verb == .scaleTo {
                    prompt = .scale(deployment, text: "")
                    return ([], nil)
                }
                guard let current else { return ([], "deployment \(deployment) is not in the sample yet") }
                let target = max(0, current + (verb == .scaleUp ? 1 : -1))
                guard target != current else { return ([], "deployment \(deployment) is already at 0 replicas") }
                return request(.scaleDeployment(deployment, replicas: target),
                               inverse: .scaleDeployment(deployment, replicas: current))
            }
        case .cordonNode, .failNode:
            guard screen.pane == .nodes, let name = selectedKey, let node = cluster.nodes.first(where: { $0.name == name })
            else { return ([], "\(verb.keys[0].spec) acts on a node: select one in :nodes") }
            if verb == .cordonNode {
                let cordoned = recent.flag(.cordoned(name)) ?? node.unschedulable
                return request(.cordonNode(name, cordoned: !cordoned), inverse: .cordonNode(name, cordoned: cordoned))
            }
            let ready = recent.flag(.nodeReady(name)) ?? node.ready
            return request(.setNodeReady(name, ready: !ready), inverse: .setNodeReady(name, ready: ready))
        }
    }

    /// Sends `action`, or asks first when it is destructive.
    private mutating func request(_ action: ClusterAction, inverse: ClusterAction?) -> ([DashboardAction], String?) {
        if action.isDestructive {
            prompt = .confirm(action)
            if let inverse { inFlight[action] = inverse }
            return ([], nil)
        }
        return send(action, inverse: inverse)
    }

    private mutating func send(_ action: ClusterAction, inverse: ClusterAction?) -> ([DashboardAction], String?) {
        if let inverse { inFlight[action] = inverse }
        return ([.perform(action)], action.summary + " ...")
    }

    private func service(screen: Screen, selectedKey: String?, cluster: ClusterView) -> ServiceSummary? {
        let id: String? = switch screen.pane {
        case .services: selectedKey
        case .endpoints, .details, .flow: screen.context
        default: nil
        }
        guard let id else { return nil }
        return cluster.services.first { $0.id == id }
    }

    // MARK: answering a prompt

    private mutating func answer(_ open: ActionPrompt, key: KeyPress,
                                 cluster: ClusterView) -> ([DashboardAction], String?) {
        switch open {
        case .editor(var editor):
            switch editor.handle(key) {
            case .editing:
                prompt = .editor(editor)
                return ([], nil)
            case .cancel:
                prompt = nil
                return ([], "edit cancelled; nothing changed")
            case .apply(let action):
                prompt = nil
                guard editor.parsed != .success(editor.original) else { return ([], "no change") }
                let inverse: ClusterAction = switch editor.target {
                case .serviceSelector(let ref): .setServiceSelector(ref, selector: editor.original)
                case .podLabels(let ref): .setPodLabels(ref, labels: editor.original)
                }
                return send(action, inverse: inverse)
            }
        case .confirm(let action):
            prompt = nil
            if key == .char("y") || key == .char("Y") {
                let inverse = inFlight[action]
                return send(action, inverse: inverse)
            }
            inFlight[action] = nil
            return ([], "cancelled: " + action.summary)
        case .scale(let ref, var text):
            switch key {
            case .char(let c) where c.isASCII && c.isNumber && text.count < 6:
                text.append(c)
            case .backspace, .ctrl("h"):
                if !text.isEmpty { text.removeLast() }
            case .enter:
                prompt = nil
                guard let n = Int(text) else { return ([], "scale cancelled: no number typed") }
                let current = recent.replicas(ref)
                    ?? cluster.deployments?.first { $0.namespace == ref.namespace && $0.name == ref.name }?.replicas
                return request(.scaleDeployment(ref, replicas: n),
                               inverse: current.map { .scaleDeployment(ref, replicas: $0) })
            case .escape, .ctrl("c"):
                prompt = nil
                return ([], "scale cancelled")
            default: break
            }
            prompt = .scale(ref, text: text)
            return ([], nil)
        }
    }
}
