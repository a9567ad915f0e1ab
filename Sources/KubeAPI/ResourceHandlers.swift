import ClusterModel
import ControlPlane

/// get, list, create, update and delete: the REST verbs over the store, with the API server's
/// status codes (201 on create, 409 on a stale resourceVersion, 422 with field causes).
extension APIHandler {
    /// Kinds whose `status` is written only through the status subresource: writes to the main
    /// resource keep the live status, and creates start without one (as `PrepareForCreate` does).
    static func hasStatusSubresource(_ kind: ResourceKind) -> Bool {
        ResourceInfo.of(kind).subresources.contains { $0.name == "status" }
    }

    func key(_ route: ResourceRoute) -> ObjectKey {
        ObjectKey(namespace: route.kind.namespaced ? route.namespace ?? "" : "", name: route.name ?? "")
    }

    func live(_ route: ResourceRoute) throws(APIError) -> APIObject {
        guard let object = store.get(route.kind, key(route)) else { throw APIError.notFound(route.kind, route.name ?? "") }
        return object
    }

    func list(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        let filter = try filter(request, route)
        let snapshot = store.snapshot()
        let objects = (snapshot.objects[route.kind] ?? [:]).values.filter(filter.matches).sorted { $0.key < $1.key }
        return .json(rendering(request).list(objects, kind: route.kind, resourceVersion: snapshot.resourceVersion,
                                             format: OutputFormat(accept: request.accept)))
    }

    func filter(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> ObjectFilter {
        let labels: Selector
        do { labels = try Selector.parse(request.query["labelSelector"] ?? "") } catch {
            throw APIError.badRequest(error.message)
        }
        let fields = try FieldSelector.parse(request.query["fieldSelector"], for: route.kind)
        return ObjectFilter(kind: route.kind, namespace: route.kind.namespaced ? route.namespace : nil, labels: labels, fields: fields)
    }

    func get(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        .json(rendering(request).single(try live(route), format: OutputFormat(accept: request.accept)))
    }

    // MARK: writes

    /// The body as a tree, after checking its media type (JSON or YAML, as the API server accepts).
    func bodyTree(_ request: APIRequest) throws(APIError) -> JSONValue {
        switch request.mediaType {
        case "application/json", "": return try BodyDecoding.tree(request.body, yaml: false)
        case "application/yaml": return try BodyDecoding.tree(request.body, yaml: true)
        case ProtobufBody.mediaType:
            do { return try ProtobufBody.decode(request.body) } catch {
                if !error.unsupported { throw APIError.badRequest("the protobuf request body is malformed: \(error.description)") }
                throw APIError.unsupportedMediaType(request.mediaType + " (\(error.description))",
                                                    accepted: ["application/json", "application/yaml"])
            }
        default:
            throw APIError.unsupportedMediaType(request.mediaType,
                                                accepted: ["application/json", "application/yaml", ProtobufBody.mediaType])
        }
    }

    /// Checks the body names the object the URL names; fills in the URL's namespace.
    func checkIdentity(_ tree: inout JSONValue, _ route: ResourceRoute) throws(APIError) {
        let bodyNamespace = tree.at("metadata", "namespace")?.stringValue ?? ""
        if route.kind.namespaced, let ns = route.namespace {
            if !bodyNamespace.isEmpty, bodyNamespace != ns {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            tree.set(["metadata", "namespace"], .string(ns))
        }
        if let name = route.name {
            let bodyName = tree.at("metadata", "name")?.stringValue ?? ""
            if bodyName.isEmpty { tree.set(["metadata", "name"], .string(name)) }
            else if bodyName != name {
                throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
            }
        }
    }

    func decode(_ tree: JSONValue, _ route: ResourceRoute, _ request: APIRequest, warnings: inout [String]) throws(APIError) -> APIObject {
        var validation = BodyDecoding.FieldValidation(query: request.query["fieldValidation"])
        if validation == .strict, !config.strictUnknownFields { validation = .warn }
        return try BodyDecoding.object(tree, expected: route.kind, namespace: route.namespace,
                                       validation: validation, warnings: &warnings)
    }

    func create(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        if route.kind.namespaced, route.namespace == nil { throw APIError.methodNotAllowed(request.method) }
        var tree = try bodyTree(request)
        try checkIdentity(&tree, route)
        if Self.hasStatusSubresource(route.kind), route.kind != .nodes, route.kind != .namespaces {
            tree.set(["status"], nil)
        }
        var warnings: [String] = []
        let object = try decode(tree, route, request, warnings: &warnings)
        return .json(JSONText.value(try create(object, dryRun: request.dryRun)), code: 201).warning(warnings)
    }

    func create(_ object: APIObject, dryRun: Bool) throws(APIError) -> APIObject {
        guard dryRun else {
            do { return try registry.create(object) } catch { throw APIError.from(error) }
        }
        var o = object
        Defaulting.apply(&o)
        if store.get(o.resource, o.key) != nil { throw APIError.from(.alreadyExists(o.resource, o.key)) }
        if o.resource.namespaced, store.get(.namespaces, ObjectKey(namespace: "", name: o.key.namespace)) == nil {
            throw APIError.notFound(.namespaces, o.key.namespace)
        }
        var errors: [FieldError] = []
        if case .service(let svc) = o { errors = Validation.validateServiceClusterIPsRelatedFields(svc) }
        if errors.isEmpty { errors = Validation.validate(o) }
        guard errors.isEmpty else { throw APIError.invalid(o.resource, o.key.name, errors) }
        return o
    }

    func update(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        let current = try live(route)
        var tree = try bodyTree(request)
        try checkIdentity(&tree, route)
        if Self.hasStatusSubresource(route.kind) { tree.set(["status"], JSONText.value(current)["status"]) }
        var warnings: [String] = []
        let object = try decode(tree, route, request, warnings: &warnings)
        return .json(JSONText.value(try update(object, old: current, dryRun: request.dryRun))).warning(warnings)
    }

    func update(_ object: APIObject, old: APIObject, dryRun: Bool) throws(APIError) -> APIObject {
        guard dryRun else {
            do { return try registry.update(object) } catch { throw APIError.from(error) }
        }
        if let rv = object.metadata.resourceVersion, !rv.isEmpty, rv != old.metadata.resourceVersion {
            throw APIError.from(.conflict(object.resource, object.key))
        }
        var o = object
        Defaulting.apply(&o)
        let errors = Validation.validate(o) + Validation.validateUpdate(old: old, new: o)
        guard errors.isEmpty else { throw APIError.invalid(o.resource, o.key.name, errors) }
        return o
    }

    func delete(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        var options: JSONValue = .object([:])
        if !request.body.isEmpty { options = try BodyDecoding.tree(request.body, yaml: false) }
        let current = try live(route)
        if let uid = options.at("preconditions", "uid")?.stringValue, uid != current.metadata.uid {
            throw APIError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(APIError.qualified(route.kind)) \"\(route.name ?? "")\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.metadata.uid ?? "")",
                           details: APIError.resourceDetails(route.kind, route.name ?? ""))
        }
        if let rv = options.at("preconditions", "resourceVersion")?.stringValue, rv != current.metadata.resourceVersion {
            throw APIError.from(.conflict(route.kind, key(route)))
        }
        let dryRun = request.dryRun || options["dryRun"]?.arrayValue?.contains(.string("All")) == true
        if dryRun { return .json(JSONText.value(current)) }
        var grace: Int?
        if case .int(let g)? = options["gracePeriodSeconds"] { grace = g }
        if let g = request.query["gracePeriodSeconds"].flatMap({ Int($0) }) { grace = g }
        do {
            return .json(JSONText.value(try registry.delete(route.kind, key(route), gracePeriodSeconds: grace)))
        } catch {
            throw APIError.from(error)
        }
    }
}
