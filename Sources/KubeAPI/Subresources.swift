import ClusterModel
import ControlPlane

/// The `status` subresource (what controllers write) and `deployments/scale` (what
/// `kubectl scale` writes): each changes only its part of the object.
extension APIHandler {
    func status(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        guard Self.hasStatusSubresource(route.kind) else { throw APIError.pathNotFound }
        let current = try live(route)
        let currentTree = JSONText.value(current)
        var incoming: JSONValue
        switch request.method {
        case "GET": return .json(currentTree)
        case "PUT": incoming = try bodyTree(request)
        case "PATCH":
            let type = try PatchType.of(request)
            incoming = try applyPatch(type, try patchDocument(request, type), to: currentTree, kind: route.kind)
        default: throw APIError.methodNotAllowed(request.method)
        }
        try checkIdentity(&incoming, route)
        var tree = currentTree
        tree.set(["status"], incoming["status"])
        if let rv = incoming.at("metadata", "resourceVersion") { tree.set(["metadata", "resourceVersion"], rv) }
        var warnings: [String] = []
        let object = try decode(tree, route, request, warnings: &warnings)
        if request.dryRun { return .json(JSONText.value(object)) }
        do {
            return .json(JSONText.value(try registry.updateStatus(object))).warning(warnings)
        } catch {
            throw APIError.from(error)
        }
    }

    func scale(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        guard case .deployment(let deployment) = try live(route) else { throw APIError.pathNotFound }
        let current = Self.scaleObject(deployment)
        var incoming: JSONValue
        switch request.method {
        case "GET": return .json(current)
        case "PUT": incoming = try bodyTree(request)
        case "PATCH":
            let type = try PatchType.of(request)
            incoming = try applyPatch(type, try patchDocument(request, type), to: current, kind: route.kind)
        default: throw APIError.methodNotAllowed(request.method)
        }
        guard case .int(let replicas)? = incoming.at("spec", "replicas") else {
            throw APIError.invalid(.deployments, route.name ?? "", [.required("spec.replicas")])
        }
        var updated = deployment
        updated.spec.replicas = replicas
        updated.metadata.resourceVersion = incoming.at("metadata", "resourceVersion")?.stringValue ?? deployment.metadata.resourceVersion
        let stored = try update(.deployment(updated), old: .deployment(deployment), dryRun: request.dryRun)
        guard case .deployment(let d) = stored else { throw APIError.pathNotFound }
        return .json(Self.scaleObject(d))
    }

    /// autoscaling/v1 Scale of a Deployment.
    static func scaleObject(_ d: Deployment) -> JSONValue {
        var meta: [String: JSONValue] = ["name": .string(d.name), "namespace": .string(d.namespace)]
        if let uid = d.metadata.uid { meta["uid"] = .string(uid) }
        if let rv = d.metadata.resourceVersion { meta["resourceVersion"] = .string(rv) }
        if let ts = d.metadata.creationTimestamp { meta["creationTimestamp"] = .string(ts) }
        let selector = d.spec.selector.flatMap { try? Selector.from($0).description } ?? ""
        return .object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"), "metadata": .object(meta),
            "spec": .object(["replicas": .int(d.spec.replicas ?? 1)]),
            "status": .object(["replicas": .int(d.status?.replicas ?? 0), "selector": .string(selector)]),
        ])
    }
}
