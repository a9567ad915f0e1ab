import ClusterModel

/// Where a path sends traffic: a Service of the Ingress's namespace and one of its ports, named
/// as the Ingress names it (number or name); resolved against the Service only when proxying, so
/// a Service created after the Ingress starts receiving traffic without re-reading the Ingress.
public struct IngressBackendRef: Hashable, Sendable, CustomStringConvertible {
    public enum Port: Hashable, Sendable, CustomStringConvertible {
        case number(Int)
        case name(String)
        public var description: String {
            switch self {
            case .number(let n): String(n)
            case .name(let s): s
            }
        }
    }

    public var namespace: String
    public var service: String
    public var port: Port

    public init(namespace: String, service: String, port: Port) {
        self.namespace = namespace
        self.service = service
        self.port = port
    }

    /// nil for `resource` backends (not served by this controller) and for a service backend
    /// without a port, which validation rejects anyway.
    init?(_ backend: IngressBackend, namespace: String) {
        guard let svc = backend.service, let port = svc.port else { return nil }
        if let n = port.number {
            self.init(namespace: namespace, service: svc.name, port: .number(n))
        } else if let name = port.name {
            self.init(namespace: namespace, service: svc.name, port: .name(name))
        } else {
            return nil
        }
    }

    /// `service:port`, the spelling of the vectors and of `kubectl describe ingress`.
    public var description: String { "\(service):\(port)" }
}

/// networking.k8s.io/v1 pathType.
public enum IngressPathType: String, Hashable, Sendable {
    case exact = "Exact"
    case prefix = "Prefix"
    /// Served as Prefix (element-wise). ingress-nginx treats it as a regex only with the
    /// use-regex annotation; plain prefix is the behaviour users expect from manifests written
    /// for other controllers, and it makes `ImplementationSpecific` without a path mean "all".
    case implementationSpecific = "ImplementationSpecific"
}

/// One path of one rule (or an Ingress's defaultBackend) after merging, with what it needs at
/// request time.
public struct IngressRoute: Hashable, Sendable {
    public var ingress: ObjectKey
    /// The rule host, lower-cased; `*.x.y` for wildcards; nil for host-less rules and default backends.
    public var host: String?
    /// The path as written ("" for a default backend or an ImplementationSpecific path left empty).
    public var path: String
    public var pathType: IngressPathType
    public var backend: IngressBackendRef
    public var isDefaultBackend: Bool
    /// The Ingress's ingress-nginx annotations that change how requests on this route are served.
    public var options: IngressOptions

    public init(ingress: ObjectKey, host: String?, path: String, pathType: IngressPathType,
                backend: IngressBackendRef, isDefaultBackend: Bool = false, options: IngressOptions = IngressOptions()) {
        self.ingress = ingress
        self.host = host
        self.path = path
        self.pathType = pathType
        self.backend = backend
        self.isDefaultBackend = isDefaultBackend
        self.options = options
    }

    /// Whether a request path matches: Exact is string equality; Prefix (and ImplementationSpecific)
    /// is element-wise — the rule path without one trailing `/` must equal the request path or be
    /// followed in it by `/`, so `/foo` matches `/foo/bar` but not `/foobar`.
    public func matches(path request: String) -> Bool {
        switch pathType {
        case .exact:
            return request == path
        case .prefix, .implementationSpecific:
            let p = path.hasSuffix("/") ? Substring(path.dropLast()) : Substring(path)
            if p.isEmpty { return true }
            guard request.hasPrefix(p) else { return false }
            let rest = request.utf8.dropFirst(p.utf8.count)
            return rest.isEmpty || rest.first == UInt8(ascii: "/")
        }
    }

    /// A label for stats and the dashboard: `host/path → service:port`.
    public var label: String {
        let h = host ?? "*"
        return isDefaultBackend ? "\(h) (default) → \(backend)" : "\(h)\(path.isEmpty ? "/" : path) → \(backend)"
    }
}
