import ClusterModel

/// The discovery documents: aggregated (`apidiscovery.k8s.io` v2 / v2beta1, one request per
/// root) for kubectl ≥ 1.26, and the legacy APIVersions / APIGroupList / APIResourceList that
/// every client understands. The body of v2 and v2beta1 differs only in `apiVersion`.
enum Discovery {
    private static func strings(_ a: [String]) -> JSONValue { .array(a.map { .string($0) }) }

    // MARK: aggregated

    static func aggregated(core: Bool, version: String) -> JSONValue {
        let groups = ResourceInfo.groupVersions.filter { core ? $0.group.isEmpty : !$0.group.isEmpty }
        let items: [JSONValue] = groups.map { gv in
            .object([
                "metadata": .object(["name": .string(gv.group), "creationTimestamp": .null]),
                "versions": .array([.object([
                    "version": .string(gv.version),
                    "freshness": .string("Current"),
                    "resources": .array(ResourceInfo.resources(group: gv.group, version: gv.version).map(aggregatedResource)),
                ])]),
            ])
        }
        return .object(["kind": .string("APIGroupDiscoveryList"), "apiVersion": .string("apidiscovery.k8s.io/\(version)"),
                        "metadata": .object([:]), "items": .array(items)])
    }

    private static func aggregatedResource(_ kind: ResourceKind) -> JSONValue {
        let info = ResourceInfo.of(kind)
        var r: [String: JSONValue] = [
            "resource": .string(kind.plural),
            "responseKind": .object(["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)]),
            "scope": .string(kind.namespaced ? "Namespaced" : "Cluster"),
            "singularResource": .string(info.singular),
            "verbs": strings(info.verbs),
        ]
        if !info.shortNames.isEmpty { r["shortNames"] = strings(info.shortNames) }
        if !info.categories.isEmpty { r["categories"] = strings(info.categories) }
        if !info.subresources.isEmpty {
            r["subresources"] = .array(info.subresources.map { s in
                .object([
                    "subresource": .string(s.name),
                    "responseKind": .object(["group": .string(s.group), "version": .string(s.version), "kind": .string(s.kind)]),
                    "verbs": strings(s.verbs),
                ])
            })
        }
        return .object(r)
    }

    // MARK: legacy

    static func apiVersions(serverAddress: String) -> JSONValue {
        .object(["kind": .string("APIVersions"), "versions": strings(["v1"]),
                 "serverAddressByClientCIDRs": .array([.object(["clientCIDR": .string("0.0.0.0/0"),
                                                                 "serverAddress": .string(serverAddress)])])])
    }

    static func apiGroup(_ group: String) -> JSONValue {
        let gv = JSONValue.object(["groupVersion": .string("\(group)/v1"), "version": .string("v1")])
        return .object(["kind": .string("APIGroup"), "apiVersion": .string("v1"), "name": .string(group),
                        "versions": .array([gv]), "preferredVersion": gv])
    }

    static func apiGroupList() -> JSONValue {
        let groups = ResourceInfo.groupVersions.filter { !$0.group.isEmpty }.map { gv -> JSONValue in
            var g = apiGroup(gv.group).objectValue!
            g["kind"] = nil
            g["apiVersion"] = nil
            return .object(g)
        }
        return .object(["kind": .string("APIGroupList"), "apiVersion": .string("v1"), "groups": .array(groups)])
    }

    static func apiResourceList(group: String, version: String) -> JSONValue {
        var resources: [JSONValue] = []
        for kind in ResourceInfo.resources(group: group, version: version) {
            let info = ResourceInfo.of(kind)
            var r: [String: JSONValue] = [
                "name": .string(kind.plural), "singularName": .string(info.singular),
                "namespaced": .bool(kind.namespaced), "kind": .string(kind.kind), "verbs": strings(info.verbs),
            ]
            if !info.shortNames.isEmpty { r["shortNames"] = strings(info.shortNames) }
            if !info.categories.isEmpty { r["categories"] = strings(info.categories) }
            resources.append(.object(r))
            for s in info.subresources {
                var sub: [String: JSONValue] = [
                    "name": .string("\(kind.plural)/\(s.name)"), "singularName": .string(""),
                    "namespaced": .bool(kind.namespaced), "kind": .string(s.kind), "verbs": strings(s.verbs),
                ]
                if s.group != kind.group || s.version != kind.version {
                    sub["group"] = .string(s.group)
                    sub["version"] = .string(s.version)
                }
                resources.append(.object(sub))
            }
        }
        return .object(["kind": .string("APIResourceList"), "apiVersion": .string("v1"),
                        "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                        "resources": .array(resources)])
    }
}
