/// A namespaced object named the way `kubectl` names it, for actions that address one object.
public struct ObjectRef: Sendable, Codable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// What a person can do to the cluster from the dashboard. A closed list, so every front end
/// (the live engine, an attached API client, a replay that refuses) handles the same set, and
/// every action can be recorded and shown as an Event.
public enum ClusterAction: Sendable, Codable, Hashable {
    /// Replaces a Service's `spec.selector` (Services take equality selectors only).
    case setServiceSelector(ObjectRef, selector: [String: String])
    /// Replaces a Pod's `metadata.labels`.
    case setPodLabels(ObjectRef, labels: [String: String])
    case scaleDeployment(ObjectRef, replicas: Int)
    /// Deletes a Pod (gracefully, as `kubectl delete pod`); its controller replaces it.
    case deletePod(ObjectRef)
    /// Forces a Pod's Ready condition, as a failing or passing readiness probe would.
    case setPodReady(ObjectRef, ready: Bool)
    /// `kubectl cordon` / `uncordon`: no new pods are scheduled onto the node.
    case cordonNode(String, cordoned: Bool)
    /// Fails (NotReady) or restores a node: its pods are evicted, LoadBalancer and Local-policy
    /// traffic routes around it.
    case setNodeReady(String, ready: Bool)
    /// `spec.sessionAffinity`: ClientIP when true, None when false.
    case setSessionAffinity(ObjectRef, clientIP: Bool)
    /// `spec.externalTrafficPolicy`: Local when true, Cluster when false.
    case setExternalTrafficPolicy(ObjectRef, local: Bool)

    /// One line naming the action, for Events, confirmations and recordings.
    public var summary: String {
        switch self {
        case let .setServiceSelector(ref, selector):
            "set selector of service \(ref) to \(selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
        case let .setPodLabels(ref, labels):
            "set labels of pod \(ref) to \(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
        case let .scaleDeployment(ref, replicas): "scale deployment \(ref) to \(replicas)"
        case let .deletePod(ref): "delete pod \(ref)"
        case let .setPodReady(ref, ready): "mark pod \(ref) \(ready ? "Ready" : "not Ready")"
        case let .cordonNode(name, cordoned): "\(cordoned ? "cordon" : "uncordon") node \(name)"
        case let .setNodeReady(name, ready): ready ? "restore node \(name)" : "fail node \(name)"
        case let .setSessionAffinity(ref, clientIP): "set sessionAffinity of service \(ref) to \(clientIP ? "ClientIP" : "None")"
        case let .setExternalTrafficPolicy(ref, local):
            "set externalTrafficPolicy of service \(ref) to \(local ? "Local" : "Cluster")"
        }
    }

    /// Whether the dashboard asks before doing it (it removes or disrupts something running).
    public var isDestructive: Bool {
        switch self {
        case .deletePod, .setNodeReady(_, ready: false), .scaleDeployment: true
        default: false
        }
    }
}

/// How an action ended: applied (with what changed) or refused (with the API server's message,
/// or why this source takes no actions).
public enum ActionOutcome: Sendable, Codable, Hashable {
    case applied(String)
    case refused(String)

    public var message: String {
        switch self {
        case let .applied(m), let .refused(m): m
        }
    }

    public var isApplied: Bool { if case .applied = self { true } else { false } }
}

/// The other half of `SnapshotSource`: where the dashboard sends what a person asks for. The
/// live engine applies through its API write path (validation included); a replay or a read-only
/// session refuses with a message, so the dashboard has one code path for all of them.
public protocol ClusterActions: Sendable {
    func perform(_ action: ClusterAction) async -> ActionOutcome
    /// The last `tailLines` lines a pod's container logged (built-in pods log their requests).
    func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal>
    /// `:w FILE`: writes the current cluster as manifests (`switchboard check` and `kubectl apply`
    /// read them). Not a change to the cluster, so read-only sessions may export.
    func exportManifests(to path: String) async -> ActionOutcome
}

extension ClusterActions {
    public func exportManifests(to path: String) async -> ActionOutcome {
        .refused("this session cannot export manifests")
    }
}

/// Why a source could not answer or act.
public struct ActionRefusal: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Refuses everything with one reason: replays ("a recording cannot be changed") and
/// `--read-only` sessions.
public struct RefusingActions: ClusterActions {
    public var reason: String
    public init(reason: String) { self.reason = reason }

    public func perform(_ action: ClusterAction) async -> ActionOutcome { .refused(reason) }
    public func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        .failure(ActionRefusal(reason))
    }
}
