import ClusterModel

/// Where a resource request points: a collection, an item, or an item's subresource.
struct ResourceRoute: Sendable {
    var kind: ResourceKind
    /// nil: all namespaces (or a cluster-scoped kind).
    var namespace: String?
    var name: String?
    var subresource: String?

    /// Parses the part after `/api/v1` or `/apis/{group}/{version}`.
    static func parse(group: String, version: String, segments: [String]) -> ResourceRoute? {
        var segs = segments
        var namespace: String?
        if segs.count >= 3, segs[0] == "namespaces", ResourceInfo.lookup(group: group, version: version, plural: segs[2]) != nil {
            namespace = segs[1]
            segs.removeFirst(2)
        }
        guard let plural = segs.first, let kind = ResourceInfo.lookup(group: group, version: version, plural: plural),
              segs.count <= 3 else { return nil }
        if namespace != nil, !kind.namespaced { return nil }
        return ResourceRoute(kind: kind, namespace: namespace, name: segs.count > 1 ? segs[1] : nil,
                             subresource: segs.count > 2 ? segs[2] : nil)
    }
}
