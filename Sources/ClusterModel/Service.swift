/// core/v1 Service: the stable front door this whole program is about.
public struct Service: KubeObject {
    public static let resource = ResourceKind.services
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: ServiceSpec
    public var status: ServiceStatus?

    public init(metadata: ObjectMeta, spec: ServiceSpec, status: ServiceStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct ServiceSpec: Codable, Hashable, Sendable {
    public var type: String?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var externalIPs: [String]?
    public var sessionAffinity: String?
    public var sessionAffinityConfig: SessionAffinityConfig?
    public var externalName: String?
    public var externalTrafficPolicy: String?
    public var internalTrafficPolicy: String?
    public var healthCheckNodePort: Int?
    public var publishNotReadyAddresses: Bool?
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]?
    public var loadBalancerClass: String?
    public var allocateLoadBalancerNodePorts: Bool?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var trafficDistribution: String?

    public init(type: String? = nil, selector: [String: String]? = nil, ports: [ServicePort]? = nil) {
        self.type = type
        self.selector = selector
        self.ports = ports
    }
}

public struct ServicePort: Codable, Hashable, Sendable {
    public var name: String?
    public var `protocol`: String?
    public var appProtocol: String?
    public var port: Int
    public var targetPort: IntOrString?
    public var nodePort: Int?

    public init(name: String? = nil, protocol: String? = nil, port: Int, targetPort: IntOrString? = nil,
                nodePort: Int? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

public struct SessionAffinityConfig: Codable, Hashable, Sendable {
    public var clientIP: ClientIPConfig?
    public init(clientIP: ClientIPConfig?) { self.clientIP = clientIP }
}

public struct ClientIPConfig: Codable, Hashable, Sendable {
    public var timeoutSeconds: Int?
    public init(timeoutSeconds: Int?) { self.timeoutSeconds = timeoutSeconds }
}

public struct ServiceStatus: Codable, Hashable, Sendable {
    public var loadBalancer: LoadBalancerStatus?
    public var conditions: [Condition]?
    public init(loadBalancer: LoadBalancerStatus? = nil) { self.loadBalancer = loadBalancer }
}

public struct LoadBalancerStatus: Codable, Hashable, Sendable {
    public var ingress: [LoadBalancerIngress]?
    public init(ingress: [LoadBalancerIngress]?) { self.ingress = ingress }
}

public struct LoadBalancerIngress: Codable, Hashable, Sendable {
    public var ip: String?
    public var hostname: String?
    public var ipMode: String?
    public var ports: [JSONValue]?
    public init(ip: String?, hostname: String? = nil, ipMode: String? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
    }
}

/// Service type and policy names, spelled as the API spells them.
public enum ServiceType {
    public static let clusterIP = "ClusterIP"
    public static let nodePort = "NodePort"
    public static let loadBalancer = "LoadBalancer"
    public static let externalName = "ExternalName"
}

extension Service {
    public var type: String { spec.type ?? ServiceType.clusterIP }
    public var isHeadless: Bool { spec.clusterIP == "None" }
    public var isExternalName: Bool { type == ServiceType.externalName }
    /// NodePort/LoadBalancer, or any service with externalIPs: the ones externalTrafficPolicy applies to.
    public var isExternallyAccessible: Bool {
        type == ServiceType.nodePort || type == ServiceType.loadBalancer
            || (type == ServiceType.clusterIP && !(spec.externalIPs ?? []).isEmpty)
    }
    /// A cluster IP that env vars and DNS A records may use: set and not `None`.
    public var assignedClusterIP: String? {
        guard let ip = spec.clusterIP, !ip.isEmpty, ip != "None" else { return nil }
        return ip
    }
    public var ports: [ServicePort] { spec.ports ?? [] }
}
