/// core/v1 Endpoints: the legacy per-service list, still what `kubectl get ep` shows and what
/// users write by hand for selector-less services.
public struct Endpoints: KubeObject {
    public static let resource = ResourceKind.endpoints
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var subsets: [EndpointSubset]?

    public init(metadata: ObjectMeta, subsets: [EndpointSubset]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.subsets = subsets
    }
}

public struct EndpointSubset: Codable, Hashable, Sendable {
    public var addresses: [EndpointAddress]?
    public var notReadyAddresses: [EndpointAddress]?
    public var ports: [EndpointPort]?

    public init(addresses: [EndpointAddress]? = nil, notReadyAddresses: [EndpointAddress]? = nil,
                ports: [EndpointPort]? = nil) {
        self.addresses = addresses
        self.notReadyAddresses = notReadyAddresses
        self.ports = ports
    }
}

public struct EndpointAddress: Codable, Hashable, Sendable {
    public var ip: String
    public var hostname: String?
    public var nodeName: String?
    public var targetRef: ObjectReference?

    public init(ip: String, hostname: String? = nil, nodeName: String? = nil, targetRef: ObjectReference? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.nodeName = nodeName
        self.targetRef = targetRef
    }
}

public struct EndpointPort: Codable, Hashable, Sendable {
    public var name: String?
    public var port: Int
    public var `protocol`: String?
    public var appProtocol: String?

    public init(name: String? = nil, port: Int, protocol: String? = "TCP", appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }
}

/// discovery.k8s.io/v1 EndpointSlice: what kube-proxy (and our data plane) consumes.
public struct EndpointSlice: KubeObject {
    public static let resource = ResourceKind.endpointSlices
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var addressType: String
    public var endpoints: [Endpoint]
    public var ports: [EndpointSlicePort]?

    public init(metadata: ObjectMeta, addressType: String = "IPv4", endpoints: [Endpoint] = [],
                ports: [EndpointSlicePort]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        addressType = try c.decode(String.self, forKey: .addressType)
        // `endpoints: null` is how the API writes an empty slice.
        endpoints = try c.decodeIfPresent([Endpoint].self, forKey: .endpoints) ?? []
        ports = try c.decodeIfPresent([EndpointSlicePort].self, forKey: .ports)
    }
}

public struct Endpoint: Codable, Hashable, Sendable {
    public var addresses: [String]
    public var conditions: EndpointConditions?
    public var hostname: String?
    public var nodeName: String?
    public var zone: String?
    public var targetRef: ObjectReference?

    public init(addresses: [String], conditions: EndpointConditions? = nil, hostname: String? = nil,
                nodeName: String? = nil, zone: String? = nil, targetRef: ObjectReference? = nil) {
        self.addresses = addresses
        self.conditions = conditions
        self.hostname = hostname
        self.nodeName = nodeName
        self.zone = zone
        self.targetRef = targetRef
    }
}

/// nil `ready`/`serving` mean true and nil `terminating` means false, as discovery/v1 documents.
public struct EndpointConditions: Codable, Hashable, Sendable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool?, serving: Bool?, terminating: Bool?) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    public var isReady: Bool { ready ?? true }
    public var isServing: Bool { serving ?? true }
    public var isTerminating: Bool { terminating ?? false }
}

public struct EndpointSlicePort: Codable, Hashable, Sendable {
    public var name: String?
    public var port: Int?
    public var `protocol`: String?
    public var appProtocol: String?

    public init(name: String?, port: Int?, protocol: String? = "TCP", appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }
}

/// Well-known labels on EndpointSlices.
public enum EndpointSliceLabel {
    public static let serviceName = "kubernetes.io/service-name"
    public static let managedBy = "endpointslice.kubernetes.io/managed-by"
    public static let controllerName = "endpointslice-controller.k8s.io"
    public static let headless = "service.kubernetes.io/headless"
}
