import ClusterModel
import ControlPlane

/// PATCH: JSON patch, merge patch, strategic merge patch, and server-side apply (applied here as
/// a strategic merge of the applied configuration onto the live object: no field ownership, so
/// no conflicts and no removal of fields the configuration stopped naming).
extension APIHandler {
    enum PatchType: String {
        case json = "application/json-patch+json"
        case merge = "application/merge-patch+json"
        case strategic = "application/strategic-merge-patch+json"
        case apply = "application/apply-patch+yaml"

        static func of(_ request: APIRequest) throws(APIError) -> PatchType {
            guard let t = PatchType(rawValue: request.mediaType) else {
                throw APIError.unsupportedMediaType(request.mediaType, accepted: [
                    PatchType.json.rawValue, PatchType.merge.rawValue, PatchType.strategic.rawValue, PatchType.apply.rawValue,
                ])
            }
            return t
        }
    }

    /// Applies a patch document of `type` to a tree.
    func applyPatch(_ type: PatchType, _ patch: JSONValue, to target: JSONValue, kind: ResourceKind) throws(APIError) -> JSONValue {
        switch type {
        case .merge:
            return MergePatch.apply(patch, to: target)
        case .json:
            do { return try JSONPatch.apply(patch, to: target) } catch {
                if error.malformed { throw APIError.badRequest(error.description) }
                throw APIError(code: 422, reason: "Invalid", message: error.description)
            }
        case .strategic, .apply:
            do { return try StrategicMergePatch.apply(patch, to: target, kind: kind) } catch {
                throw APIError.badRequest(error.description)
            }
        }
    }

    func patchDocument(_ request: APIRequest, _ type: PatchType) throws(APIError) -> JSONValue {
        try BodyDecoding.tree(request.body, yaml: type == .apply)
    }

    func patch(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        let type = try PatchType.of(request)
        let document = try patchDocument(request, type)
        if type == .apply {
            guard let manager = request.query["fieldManager"], !manager.isEmpty else {
                throw APIError(code: 422, reason: "Invalid",
                               message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
            }
            if store.get(route.kind, key(route)) == nil {
                var tree = document
                try checkIdentity(&tree, route)
                var warnings: [String] = []
                let object = try decode(tree, route, request, warnings: &warnings)
                return .json(JSONText.value(try create(object, dryRun: request.dryRun)), code: 201).warning(warnings)
            }
        }
        // A resourceVersion in the patch is a precondition; without one, a write that raced
        // with ours is retried on the new live object, as the API server's patcher does.
        let pinned = document.at("metadata", "resourceVersion") != nil
        var attempt = 0
        while true {
            attempt += 1
            let current = try live(route)
            let currentTree = JSONText.value(current)
            var tree = try applyPatch(type, document, to: currentTree, kind: route.kind)
            try checkIdentity(&tree, route)
            if Self.hasStatusSubresource(route.kind) { tree.set(["status"], currentTree["status"]) }
            var warnings: [String] = []
            let object = try decode(tree, route, request, warnings: &warnings)
            do {
                return .json(JSONText.value(try update(object, old: current, dryRun: request.dryRun))).warning(warnings)
            } catch where error.reason == "Conflict" && !pinned && attempt < 5 {
                continue
            }
        }
    }
}
