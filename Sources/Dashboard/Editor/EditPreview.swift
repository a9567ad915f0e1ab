import ClusterModel
import Telemetry

/// What applying the text would do, computed from the sample the dashboard holds (pods, their
/// labels and readiness), before anything is sent: the pods a selector would match and the
/// endpoints that would appear and go; for a pod's labels, the services that would start or stop
/// selecting it.
public struct EditPreview: Sendable, Hashable {
    /// `pods matching`, `services selecting the pod`.
    public var matchTitle: String
    /// One line each: `kubia-7d9f-abcde 127.244.0.5 ready`.
    public var matches: [String]
    public var added: [String]
    public var removed: [String]
    /// A remark that changes how to read the lists (an empty selector manages no endpoints).
    public var note: String?

    public init(matchTitle: String, matches: [String], added: [String], removed: [String], note: String? = nil) {
        self.matchTitle = matchTitle
        self.matches = matches
        self.added = added
        self.removed = removed
        self.note = note
    }

    static func line(_ p: PodSummary) -> String {
        "\(p.name) \(p.ip ?? "<no ip>") " + (p.terminating ? "terminating" : p.ready ? "ready" : "not ready")
    }

    /// A service with `selector`: the endpoints controller takes every pod in the service's
    /// namespace whose labels match (ready or not: not-ready ones become notReadyAddresses),
    /// except pods without an IP. An empty selector manages no endpoints at all.
    public static func service(_ service: ServiceSummary, selector: [String: String], pods: [PodSummary]) -> EditPreview {
        let current = Set(service.endpoints.compactMap(\.pod))
        let candidates = pods.filter { $0.namespace == service.namespace && $0.ip != nil }
        let matching = selector.isEmpty ? [] : candidates.filter { pod in
            selector.allSatisfy { pod.labels[$0.key] == $0.value }
        }
        let matchingIDs = Set(matching.map(\.id))
        let added = matching.filter { !current.contains($0.id) }.map(line)
        let byID = Dictionary(pods.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let removed = current.subtracting(matchingIDs).sorted().map { id in
            byID[id].map(line) ?? id
        }
        return EditPreview(matchTitle: "pods matching", matches: matching.map(line), added: added, removed: removed,
                           note: selector.isEmpty ? "an empty selector manages no endpoints (selector-less service)" : nil)
    }

    /// A pod relabelled: which services in its namespace select it before and after.
    public static func podLabels(_ pod: PodSummary, labels: [String: String], services: [ServiceSummary]) -> EditPreview {
        func selecting(_ l: [String: String]) -> [String] {
            services.filter { s in
                guard s.namespace == pod.namespace, let text = s.selector, !text.isEmpty,
                      case .success(let sel) = EqualitySelector.parse(text), !sel.isEmpty else { return false }
                return sel.allSatisfy { l[$0.key] == $0.value }
            }.map(\.name)
        }
        let before = Set(selecting(pod.labels))
        let after = selecting(labels)
        let ip = pod.ip ?? "<no ip>"
        return EditPreview(matchTitle: "services selecting the pod", matches: after,
                           added: after.filter { !before.contains($0) }.map { "\($0) gains \(ip)" },
                           removed: before.subtracting(after).sorted().map { "\($0) loses \(ip)" },
                           note: pod.owner.map { owner in
                               "labels its Deployment \(owner) no longer matches orphan the pod; the Deployment makes a replacement"
                           })
    }
}
