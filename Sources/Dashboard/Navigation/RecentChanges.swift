import Telemetry

/// Changes the engine reported applied that the samples may not show yet. The dashboard samples
/// once a second, so right after an edit the row still shows the old selector, replica count or
/// flag; opening the editor, pressing `+` twice or toggling twice must start from what was
/// applied, not from the stale row (and undo must go back to it). An entry is trusted until two
/// newer samples have arrived (the first may have been taken before the change landed); after
/// that the samples are the truth again, so changes made elsewhere (kubectl) show through.
struct RecentChanges: Sendable, Hashable {
    enum Field: Sendable, Hashable {
        case selector(ObjectRef), labels(ObjectRef), replicas(ObjectRef), affinity(ObjectRef), policy(ObjectRef)
        case podReady(ObjectRef), cordoned(String), nodeReady(String)
    }

    private struct Entry: Sendable, Hashable {
        var action: ClusterAction
        var generation: Int
    }

    private var entries: [Field: Entry] = [:]

    static func field(of action: ClusterAction) -> Field? {
        switch action {
        case let .setServiceSelector(ref, _): .selector(ref)
        case let .setPodLabels(ref, _): .labels(ref)
        case let .scaleDeployment(ref, _): .replicas(ref)
        case let .setSessionAffinity(ref, _): .affinity(ref)
        case let .setExternalTrafficPolicy(ref, _): .policy(ref)
        case let .setPodReady(ref, _): .podReady(ref)
        case let .cordonNode(name, _): .cordoned(name)
        case let .setNodeReady(name, _): .nodeReady(name)
        case .deletePod: nil
        }
    }

    mutating func applied(_ action: ClusterAction, generation: Int) {
        guard let f = Self.field(of: action) else { return }
        entries[f] = Entry(action: action, generation: generation)
    }

    /// Forgets entries the samples have certainly caught up with.
    mutating func prune(generation: Int) {
        entries = entries.filter { generation < $0.value.generation + 2 }
    }

    func action(for field: Field) -> ClusterAction? { entries[field]?.action }

    func selector(_ ref: ObjectRef) -> [String: String]? {
        if case let .setServiceSelector(_, s)? = action(for: .selector(ref)) { return s }
        return nil
    }

    func labels(_ ref: ObjectRef) -> [String: String]? {
        if case let .setPodLabels(_, l)? = action(for: .labels(ref)) { return l }
        return nil
    }

    func replicas(_ ref: ObjectRef) -> Int? {
        if case let .scaleDeployment(_, n)? = action(for: .replicas(ref)) { return n }
        return nil
    }

    func flag(_ field: Field) -> Bool? {
        switch action(for: field) {
        case let .setSessionAffinity(_, v)?, let .setExternalTrafficPolicy(_, v)?, let .setPodReady(_, v)?,
             let .cordonNode(_, v)?, let .setNodeReady(_, v)?: v
        default: nil
        }
    }
}
