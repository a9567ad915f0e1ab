import ClusterModel

/// Pods of one namespace by label pair, so a service's selector finds its pods by intersecting
/// small sets instead of scanning every pod: the work per change grows with what changed.
struct PodLabelIndex {
    private var byPair: [String: [String: Set<ObjectKey>]] = [:]  // namespace -> "k=v" -> pods
    private var byNamespace: [String: Set<ObjectKey>] = [:]

    static func pair(_ k: String, _ v: String) -> String { k + "\u{0}" + v }

    mutating func insert(_ key: ObjectKey, labels: [String: String]) {
        byNamespace[key.namespace, default: []].insert(key)
        for (k, v) in labels { byPair[key.namespace, default: [:]][Self.pair(k, v), default: []].insert(key) }
    }

    mutating func remove(_ key: ObjectKey, labels: [String: String]) {
        byNamespace[key.namespace]?.remove(key)
        for (k, v) in labels { byPair[key.namespace]?[Self.pair(k, v)]?.remove(key) }
    }

    /// Pods whose labels contain every pair of `selector` (a Service's equality selector).
    /// An empty selector selects every pod of the namespace, as the endpoints controller does.
    func select(namespace: String, selector: [String: String]) -> Set<ObjectKey> {
        guard !selector.isEmpty else { return byNamespace[namespace] ?? [] }
        let sets = selector.map { byPair[namespace]?[Self.pair($0.key, $0.value)] ?? [] }
        guard let smallest = sets.min(by: { $0.count < $1.count }), !smallest.isEmpty else { return [] }
        return smallest.filter { k in sets.allSatisfy { $0.contains(k) } }
    }

    func all(namespace: String) -> Set<ObjectKey> { byNamespace[namespace] ?? [] }
}

/// Services of one namespace by the pairs of their selectors: for a pod's labels, the services
/// that might select it, without looking at every service.
struct ServiceSelectorIndex {
    private var byPair: [String: [String: Set<ObjectKey>]] = [:]
    private var selectAll: [String: Set<ObjectKey>] = [:]  // non-nil empty selectors

    mutating func insert(_ key: ObjectKey, selector: [String: String]?) {
        guard let selector else { return }
        if selector.isEmpty { selectAll[key.namespace, default: []].insert(key); return }
        for (k, v) in selector { byPair[key.namespace, default: [:]][PodLabelIndex.pair(k, v), default: []].insert(key) }
    }

    mutating func remove(_ key: ObjectKey, selector: [String: String]?) {
        guard let selector else { return }
        if selector.isEmpty { selectAll[key.namespace]?.remove(key); return }
        for (k, v) in selector { byPair[key.namespace]?[PodLabelIndex.pair(k, v)]?.remove(key) }
    }

    /// Candidate services for a pod with these labels (callers verify the full selector).
    func candidates(namespace: String, labels: [String: String]) -> Set<ObjectKey> {
        var out = selectAll[namespace] ?? []
        guard let ns = byPair[namespace] else { return out }
        for (k, v) in labels { if let s = ns[PodLabelIndex.pair(k, v)] { out.formUnion(s) } }
        return out
    }
}

/// A Service's `spec.selector` map matches a label set when every pair is present.
func selectorMatches(_ selector: [String: String], _ labels: [String: String]) -> Bool {
    selector.allSatisfy { labels[$0.key] == $0.value }
}
