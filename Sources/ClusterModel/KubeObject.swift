/// Every API object Switchboard stores. `apiVersion`/`kind` are optional in the type so that a
/// manifest's own spelling is kept; `ResourceKind` is the authority on what they should be.
public protocol KubeObject: Codable, Hashable, Sendable {
    static var resource: ResourceKind { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
    /// Extracts this kind from an `APIObject` without a dynamic cast (hot in the control loop).
    static func from(_ object: APIObject) -> Self?
}

extension KubeObject {
    public var name: String { metadata.name ?? "" }
    public var namespace: String { metadata.namespace ?? "" }
    public var labels: [String: String] { metadata.labels ?? [:] }
    /// `namespace/name` for namespaced kinds, `name` for cluster-scoped ones.
    public var key: ObjectKey { ObjectKey(namespace: Self.resource.namespaced ? namespace : "", name: name) }
}

/// The identity of an object within one kind, as in client-go's cache keys.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
}

/// The kinds Switchboard serves: group/version, kind, plural resource name and scope, as the
/// API server's discovery documents give them.
public enum ResourceKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case namespaces, nodes, pods, services, endpoints, endpointSlices, ingresses, ingressClasses, secrets,
         deployments, events

    public var kind: String {
        switch self {
        case .namespaces: "Namespace"
        case .nodes: "Node"
        case .pods: "Pod"
        case .services: "Service"
        case .endpoints: "Endpoints"
        case .endpointSlices: "EndpointSlice"
        case .ingresses: "Ingress"
        case .ingressClasses: "IngressClass"
        case .secrets: "Secret"
        case .deployments: "Deployment"
        case .events: "Event"
        }
    }

    public var group: String {
        switch self {
        case .endpointSlices: "discovery.k8s.io"
        case .ingresses, .ingressClasses: "networking.k8s.io"
        case .deployments: "apps"
        default: ""
        }
    }

    public var version: String { "v1" }
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The plural resource name used in URLs (`endpointslices`).
    public var plural: String { rawValue.lowercased() }

    public var namespaced: Bool {
        switch self {
        case .namespaces, .nodes, .ingressClasses: false
        default: true
        }
    }

    public init?(apiVersion: String, kind: String) {
        guard let k = ResourceKind.allCases.first(where: { $0.kind == kind }) else { return nil }
        guard k.apiVersion == apiVersion else { return nil }
        self = k
    }

    /// Order in which a set of manifests is applied: namespaces and nodes before what lives in them.
    public static func < (a: ResourceKind, b: ResourceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One object of any kind, as read from a manifest or kept in the store.
public indirect enum APIObject: Hashable, Sendable {
    case namespace(Namespace)
    case node(Node)
    case pod(Pod)
    case service(Service)
    case endpoints(Endpoints)
    case endpointSlice(EndpointSlice)
    case ingress(Ingress)
    case ingressClass(IngressClass)
    case secret(Secret)
    case deployment(Deployment)
    case event(Event)

    public var resource: ResourceKind {
        switch self {
        case .namespace: .namespaces
        case .node: .nodes
        case .pod: .pods
        case .service: .services
        case .endpoints: .endpoints
        case .endpointSlice: .endpointSlices
        case .ingress: .ingresses
        case .ingressClass: .ingressClasses
        case .secret: .secrets
        case .deployment: .deployments
        case .event: .events
        }
    }

    public var base: any KubeObject {
        switch self {
        case .namespace(let o): o
        case .node(let o): o
        case .pod(let o): o
        case .service(let o): o
        case .endpoints(let o): o
        case .endpointSlice(let o): o
        case .ingress(let o): o
        case .ingressClass(let o): o
        case .secret(let o): o
        case .deployment(let o): o
        case .event(let o): o
        }
    }

    public init(_ object: any KubeObject) {
        switch object {
        case let o as Namespace: self = .namespace(o)
        case let o as Node: self = .node(o)
        case let o as Pod: self = .pod(o)
        case let o as Service: self = .service(o)
        case let o as Endpoints: self = .endpoints(o)
        case let o as EndpointSlice: self = .endpointSlice(o)
        case let o as Ingress: self = .ingress(o)
        case let o as IngressClass: self = .ingressClass(o)
        case let o as Secret: self = .secret(o)
        case let o as Deployment: self = .deployment(o)
        case let o as Event: self = .event(o)
        default: preconditionFailure("unregistered kind \(type(of: object))")
        }
    }

    public var metadata: ObjectMeta {
        switch self {
        case .namespace(let o): o.metadata
        case .node(let o): o.metadata
        case .pod(let o): o.metadata
        case .service(let o): o.metadata
        case .endpoints(let o): o.metadata
        case .endpointSlice(let o): o.metadata
        case .ingress(let o): o.metadata
        case .ingressClass(let o): o.metadata
        case .secret(let o): o.metadata
        case .deployment(let o): o.metadata
        case .event(let o): o.metadata
        }
    }
    public var key: ObjectKey {
        let m = metadata
        return ObjectKey(namespace: resource.namespaced ? (m.namespace ?? "") : "", name: m.name ?? "")
    }

    /// `Service default/kubia` — how errors and events name an object.
    public var displayName: String { "\(resource.kind) \(key)" }

    /// The Swift type that decodes this kind.
    public static func swiftType(for resource: ResourceKind) -> any KubeObject.Type {
        switch resource {
        case .namespaces: Namespace.self
        case .nodes: Node.self
        case .pods: Pod.self
        case .services: Service.self
        case .endpoints: Endpoints.self
        case .endpointSlices: EndpointSlice.self
        case .ingresses: Ingress.self
        case .ingressClasses: IngressClass.self
        case .secrets: Secret.self
        case .deployments: Deployment.self
        case .events: Event.self
        }
    }
}

// Case extraction for `KubeObject.from`, one per kind.
extension Namespace {
    public static func from(_ object: APIObject) -> Namespace? { if case .namespace(let o) = object { o } else { nil } }
}

extension Node {
    public static func from(_ object: APIObject) -> Node? { if case .node(let o) = object { o } else { nil } }
}

extension Pod {
    public static func from(_ object: APIObject) -> Pod? { if case .pod(let o) = object { o } else { nil } }
}

extension Service {
    public static func from(_ object: APIObject) -> Service? { if case .service(let o) = object { o } else { nil } }
}

extension Endpoints {
    public static func from(_ object: APIObject) -> Endpoints? { if case .endpoints(let o) = object { o } else { nil } }
}

extension EndpointSlice {
    public static func from(_ object: APIObject) -> EndpointSlice? { if case .endpointSlice(let o) = object { o } else { nil } }
}

extension Ingress {
    public static func from(_ object: APIObject) -> Ingress? { if case .ingress(let o) = object { o } else { nil } }
}

extension IngressClass {
    public static func from(_ object: APIObject) -> IngressClass? { if case .ingressClass(let o) = object { o } else { nil } }
}

extension Secret {
    public static func from(_ object: APIObject) -> Secret? { if case .secret(let o) = object { o } else { nil } }
}

extension Deployment {
    public static func from(_ object: APIObject) -> Deployment? { if case .deployment(let o) = object { o } else { nil } }
}

extension Event {
    public static func from(_ object: APIObject) -> Event? { if case .event(let o) = object { o } else { nil } }
}
