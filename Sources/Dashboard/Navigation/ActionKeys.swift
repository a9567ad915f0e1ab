import Telemetry

/// The verbs that change the cluster, one key each. They are not `Intent`s: they only mean
/// something on a pane whose row they act on, and `--read-only` removes them all. Keys already
/// bound to navigation are avoided (`k` stays "up", so killing a pod is `K` or Ctrl-K, as k9s).
public enum ActionKey: String, CaseIterable, Sendable, Hashable {
    case editSelector, editLabels, undo, scaleUp, scaleDown, scaleTo, killPod, flipReady
    case cordonNode, failNode, sessionAffinity, trafficPolicy

    public var keys: [KeyPress] {
        switch self {
        case .editSelector: [.char("e")]
        case .editLabels: [.char("l")]
        case .undo: [.char("u")]
        case .scaleUp: [.char("+")]
        case .scaleDown: [.char("-")]
        case .scaleTo: [.char("s")]
        case .killPod: [.char("K"), .ctrl("k")]
        case .flipReady: [.char("r")]
        case .cordonNode: [.char("c")]
        case .failNode: [.char("F")]
        case .sessionAffinity: [.char("a")]
        case .trafficPolicy: [.char("x")]
        }
    }

    public var summary: String {
        switch self {
        case .editSelector: "services: edit the selector in place (live parse, preview of endpoints; Enter applies)"
        case .editLabels: "pods: edit the pod's labels the same way"
        case .undo: "undo the last applied change (previous selector, labels, replicas and so on)"
        case .scaleUp: "pods: scale the pod's Deployment up by one (confirm)"
        case .scaleDown: "pods: scale the pod's Deployment down by one (confirm)"
        case .scaleTo: "pods: scale the pod's Deployment to a number you type (confirm)"
        case .killPod: "pods: kill (delete) the pod; its Deployment replaces it (confirm)"
        case .flipReady: "pods: flip the pod's Ready condition (it leaves or rejoins endpoints)"
        case .cordonNode: "nodes: cordon / uncordon the node (no new pods)"
        case .failNode: "nodes: fail (NotReady: its pods go; confirm) / restore the node"
        case .sessionAffinity: "services: toggle sessionAffinity None / ClientIP"
        case .trafficPolicy: "services: toggle externalTrafficPolicy Cluster / Local (NodePort, LoadBalancer)"
        }
    }

    static let byKey: [KeyPress: ActionKey] = {
        var out: [KeyPress: ActionKey] = [:]
        for a in ActionKey.allCases { for k in a.keys { out[k] = a } }
        return out
    }()

    public static func action(for key: KeyPress) -> ActionKey? { byKey[key] }

    /// Lines for the `?` screen.
    public static func helpLines(readOnly: Bool) -> [String] {
        var out = ["Actions" + (readOnly ? " (off: this session is --read-only)" : " (destructive ones ask y/n)")]
        for a in allCases {
            out.append("  " + TextWidth.fit(a.keys.map(\.spec).joined(separator: " "), 22) + a.summary)
        }
        out.append("  " + TextWidth.fit(":w FILE", 22) + "export the cluster as manifests (switchboard check, kubectl apply)")
        return out
    }
}
