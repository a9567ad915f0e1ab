import ClusterModel

/// What discovery says about each served resource beyond `ResourceKind`: the names kubectl
/// resolves (`svc`, `deploy`), the `all` category, verbs and subresources, as a real API server
/// lists them. kubectl needs the short names to resolve `svc`, the verbs for `api-resources`,
/// and `categories: ["all"]` for `kubectl get all`.
struct ResourceInfo: Sendable {
    struct Subresource: Sendable {
        var name: String
        var group: String
        var version: String
        var kind: String
        var verbs: [String]
    }

    var kind: ResourceKind
    var shortNames: [String]
    var categories: [String]
    var subresources: [Subresource]

    var singular: String { kind.kind.lowercased() }
    /// No `deletecollection`: kubectl's `delete --all` lists and deletes one by one anyway.
    var verbs: [String] { ["create", "delete", "get", "list", "patch", "update", "watch"] }

    static func of(_ kind: ResourceKind) -> ResourceInfo {
        func status() -> Subresource {
            Subresource(name: "status", group: kind.group, version: kind.version, kind: kind.kind, verbs: ["get", "patch", "update"])
        }
        switch kind {
        case .namespaces: return ResourceInfo(kind: kind, shortNames: ["ns"], categories: [], subresources: [status()])
        case .nodes: return ResourceInfo(kind: kind, shortNames: ["no"], categories: [], subresources: [status()])
        case .pods: return ResourceInfo(kind: kind, shortNames: ["po"], categories: ["all"], subresources: [status()])
        case .services: return ResourceInfo(kind: kind, shortNames: ["svc"], categories: ["all"], subresources: [status()])
        case .endpoints: return ResourceInfo(kind: kind, shortNames: ["ep"], categories: [], subresources: [])
        case .endpointSlices: return ResourceInfo(kind: kind, shortNames: [], categories: [], subresources: [])
        case .ingresses: return ResourceInfo(kind: kind, shortNames: ["ing"], categories: [], subresources: [status()])
        case .ingressClasses: return ResourceInfo(kind: kind, shortNames: [], categories: [], subresources: [])
        case .secrets: return ResourceInfo(kind: kind, shortNames: [], categories: [], subresources: [])
        case .deployments:
            return ResourceInfo(kind: kind, shortNames: ["deploy"], categories: ["all"], subresources: [
                status(),
                Subresource(name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"]),
            ])
        case .events: return ResourceInfo(kind: kind, shortNames: ["ev"], categories: [], subresources: [])
        }
    }

    /// The group/versions served, core first, in the order discovery lists them.
    static var groupVersions: [(group: String, version: String)] {
        var seen: [String] = []
        for k in ResourceKind.allCases where !seen.contains(k.group) { seen.append(k.group) }
        let ordered = [""] + seen.filter { !$0.isEmpty }.sorted()
        return ordered.map { ($0, "v1") }
    }

    static func resources(group: String, version: String) -> [ResourceKind] {
        ResourceKind.allCases.filter { $0.group == group && $0.version == version }
    }

    static func lookup(group: String, version: String, plural: String) -> ResourceKind? {
        ResourceKind.allCases.first { $0.group == group && $0.version == version && $0.plural == plural }
    }
}
