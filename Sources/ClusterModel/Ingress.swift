/// networking.k8s.io/v1 Ingress: host- and path-routed HTTP in front of services.
public struct Ingress: KubeObject {
    public static let resource = ResourceKind.ingresses
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: IngressSpec?
    public var status: IngressStatus?

    public init(metadata: ObjectMeta, spec: IngressSpec?, status: IngressStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct IngressSpec: Codable, Hashable, Sendable {
    public var ingressClassName: String?
    public var defaultBackend: IngressBackend?
    public var tls: [IngressTLS]?
    public var rules: [IngressRule]?

    public init(ingressClassName: String? = nil, defaultBackend: IngressBackend? = nil,
                tls: [IngressTLS]? = nil, rules: [IngressRule]? = nil) {
        self.ingressClassName = ingressClassName
        self.defaultBackend = defaultBackend
        self.tls = tls
        self.rules = rules
    }
}

public struct IngressTLS: Codable, Hashable, Sendable {
    public var hosts: [String]?
    public var secretName: String?
}

public struct IngressRule: Codable, Hashable, Sendable {
    public var host: String?
    public var http: HTTPIngressRuleValue?
}

public struct HTTPIngressRuleValue: Codable, Hashable, Sendable {
    public var paths: [HTTPIngressPath]
}

public struct HTTPIngressPath: Codable, Hashable, Sendable {
    public var path: String?
    public var pathType: String?
    public var backend: IngressBackend
}

public struct IngressBackend: Codable, Hashable, Sendable {
    public var service: IngressServiceBackend?
    public var resource: TypedLocalObjectReference?
}

public struct IngressServiceBackend: Codable, Hashable, Sendable {
    public var name: String
    public var port: ServiceBackendPort?
}

public struct ServiceBackendPort: Codable, Hashable, Sendable {
    public var name: String?
    public var number: Int?
}

public struct TypedLocalObjectReference: Codable, Hashable, Sendable {
    public var apiGroup: String?
    public var kind: String
    public var name: String
}

public struct IngressStatus: Codable, Hashable, Sendable {
    public var loadBalancer: IngressLoadBalancerStatus?
    public init(loadBalancer: IngressLoadBalancerStatus?) { self.loadBalancer = loadBalancer }
}

public struct IngressLoadBalancerStatus: Codable, Hashable, Sendable {
    public var ingress: [LoadBalancerIngress]?
    public init(ingress: [LoadBalancerIngress]?) { self.ingress = ingress }
}

/// networking.k8s.io/v1 IngressClass (cluster-scoped).
public struct IngressClass: KubeObject {
    public static let resource = ResourceKind.ingressClasses
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: IngressClassSpec?

    public init(metadata: ObjectMeta, spec: IngressClassSpec?) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }
}

public struct IngressClassSpec: Codable, Hashable, Sendable {
    public var controller: String?
    public var parameters: JSONValue?
    public init(controller: String?) { self.controller = controller }
}
