import ClusterModel
import ControlPlane

/// The API server's logic, request to response, with no I/O: routing, discovery, OpenAPI,
/// health and metrics endpoints, and the REST verbs over the store (in `ResourceHandlers`).
/// Every write goes through `Registry`, so defaulting, validation and allocation are the same
/// as for manifests loaded at start-up.
struct APIHandler: Sendable {
    let store: ObjectStore
    let registry: Registry
    let config: KubeAPIServer.Configuration
    let metrics: APIMetrics
    /// `host:port` the server is reachable at, for `APIVersions.serverAddressByClientCIDRs`.
    var serverAddress: String

    var now: Double { config.clock.now() }

    func rendering(_ request: APIRequest) -> Rendering {
        Rendering(now: now, serverVersion: config.version.gitVersion, includeObject: request.query["includeObject"] ?? "Metadata")
    }

    func handle(_ request: APIRequest) -> APIResponse {
        let (verb, resource, response) = route(request)
        metrics.record(verb: verb, resource: resource, code: response.code)
        return response
    }

    /// The Kubernetes verb and resource a request is counted under, and its response.
    private func route(_ request: APIRequest) -> (String, String, APIResponse) {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let method = request.method
        func nonResource(_ r: APIResponse) -> (String, String, APIResponse) { (method.lowercased(), "", r) }
        guard let first = segments.first else { return nonResource(.json(rootPaths())) }
        switch first {
        case "healthz", "livez":
            return nonResource(.text("ok"))
        case "readyz":
            return nonResource(readyz())
        case "version":
            return nonResource(.json(JSONText.value(config.version)))
        case "metrics":
            // GET is answered asynchronously by the connection (see `metricsResponse`).
            return nonResource(.error(.methodNotAllowed(method)))
        case "openapi":
            return nonResource(openAPI(Array(segments.dropFirst())))
        case "api":
            if segments.count == 1 { return nonResource(discovery(core: true, request)) }
            guard segments[1] == "v1" else { return nonResource(.error(.pathNotFound)) }
            if segments.count == 2 { return nonResource(.json(Discovery.apiResourceList(group: "", version: "v1"))) }
            return resource(request, group: "", version: "v1", Array(segments.dropFirst(2)))
        case "apis":
            if segments.count == 1 { return nonResource(discovery(core: false, request)) }
            let group = segments[1]
            guard ResourceInfo.groupVersions.contains(where: { $0.group == group && !group.isEmpty }) else {
                return nonResource(.error(.pathNotFound))
            }
            if segments.count == 2 { return nonResource(.json(Discovery.apiGroup(group))) }
            guard segments[2] == "v1" else { return nonResource(.error(.pathNotFound)) }
            if segments.count == 3 { return nonResource(.json(Discovery.apiResourceList(group: group, version: "v1"))) }
            return resource(request, group: group, version: "v1", Array(segments.dropFirst(3)))
        default:
            return nonResource(.error(.pathNotFound))
        }
    }

    /// `/readyz` as kube-apiserver answers it: "ok", or 500 with the failed check listed.
    private func readyz() -> APIResponse {
        if config.readiness?() ?? true { return .text("ok") }
        return .text("[-]switchboard-engine-ready failed: the data plane has not programmed the cluster's state yet, "
                     + "or the engine is shutting down\nreadyz check failed\n", code: 500)
    }

    /// `/metrics`: the API server's own families, then the engine's (`additionalMetrics`).
    func metricsResponse() async -> APIResponse {
        let text = metrics.render(store: store) + (await config.additionalMetrics?() ?? "")
        return .text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    private func rootPaths() -> JSONValue {
        var paths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/metrics", "/openapi/v3", "/readyz", "/version"]
        for gv in ResourceInfo.groupVersions where !gv.group.isEmpty {
            paths += ["/apis/\(gv.group)", "/apis/\(gv.group)/\(gv.version)"]
        }
        return .object(["paths": .array(paths.sorted().map { .string($0) })])
    }

    private func discovery(core: Bool, _ request: APIRequest) -> APIResponse {
        let format = DiscoveryFormat(accept: request.accept)
        switch format {
        case .aggregated(let version):
            return .json(Discovery.aggregated(core: core, version: version), contentType: format.contentType)
        case .legacy:
            return .json(core ? Discovery.apiVersions(serverAddress: serverAddress) : Discovery.apiGroupList())
        }
    }

    private func openAPI(_ segments: [String]) -> APIResponse {
        guard segments.first == "v3" else { return .error(.pathNotFound) }  // v2 is protobuf-only for kubectl
        if segments.count == 1 { return .json(OpenAPIStub.root()) }
        guard let doc = OpenAPIStub.document(segments.dropFirst().joined(separator: "/")) else { return .error(.pathNotFound) }
        var r = APIResponse.json(doc)
        r.headers.append(("Cache-Control", "public, immutable"))
        return r
    }

    private func resource(_ request: APIRequest, group: String, version: String, _ segments: [String]) -> (String, String, APIResponse) {
        guard let route = ResourceRoute.parse(group: group, version: version, segments: segments) else {
            return (request.method.lowercased(), "", .error(.pathNotFound))
        }
        let verb = Self.verb(request, route)
        let resourceLabel = APIError.qualified(route.kind) + (route.subresource.map { "/\($0)" } ?? "")
        do {
            return (verb, resourceLabel, try dispatch(request, route))
        } catch {
            return (verb, resourceLabel, .error(error))
        }
    }

    static func verb(_ request: APIRequest, _ route: ResourceRoute) -> String {
        switch request.method {
        case "GET": request.isWatch ? "watch" : (route.name == nil ? "list" : "get")
        case "POST": "create"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": route.name == nil ? "deletecollection" : "delete"
        default: request.method.lowercased()
        }
    }

    private func dispatch(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        if let sub = route.subresource {
            switch sub {
            case "status": return try status(request, route)
            case "scale" where route.kind == .deployments: return try scale(request, route)
            case "log" where route.kind == .pods && request.method == "GET": return try logs(request, route)
            default: throw APIError.pathNotFound
            }
        }
        switch (request.method, route.name) {
        case ("GET", nil): return try list(request, route)
        case ("GET", _?): return try get(request, route)
        case ("POST", nil): return try create(request, route)
        case ("PUT", _?): return try update(request, route)
        case ("PATCH", _?): return try patch(request, route)
        case ("DELETE", _?): return try delete(request, route)
        default: throw APIError.methodNotAllowed(request.method)
        }
    }
}
