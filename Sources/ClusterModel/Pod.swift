/// core/v1 Pod. Only the fields Switchboard acts on are typed; the rest are reported as unknown
/// by the manifest decoder rather than silently dropped.
public struct Pod: KubeObject {
    public static let resource = ResourceKind.pods
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PodSpec
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec, status: PodStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct PodSpec: Codable, Hashable, Sendable {
    public var containers: [Container]
    public var initContainers: [Container]?
    public var nodeName: String?
    public var hostname: String?
    public var subdomain: String?
    public var setHostnameAsFQDN: Bool?
    public var restartPolicy: String?
    public var enableServiceLinks: Bool?
    public var dnsPolicy: String?
    public var dnsConfig: PodDNSConfig?
    public var hostNetwork: Bool?
    public var terminationGracePeriodSeconds: Int?
    public var nodeSelector: [String: String]?
    public var serviceAccountName: String?

    public init(containers: [Container]) { self.containers = containers }
}

public struct PodDNSConfig: Codable, Hashable, Sendable {
    public var nameservers: [String]?
    public var searches: [String]?
    public var options: [PodDNSConfigOption]?
    public init(nameservers: [String]? = nil, searches: [String]? = nil, options: [PodDNSConfigOption]? = nil) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }
}

public struct PodDNSConfigOption: Codable, Hashable, Sendable {
    public var name: String?
    public var value: String?
    public init(name: String?, value: String? = nil) {
        self.name = name
        self.value = value
    }
}

public struct Container: Codable, Hashable, Sendable {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]?
    public var ports: [ContainerPort]?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    /// Only `Always` is allowed, on init containers: it makes them sidecars, whose named ports
    /// take part in targetPort resolution after the app containers'.
    public var restartPolicy: String?
    public var imagePullPolicy: String?
    public var resources: JSONValue?

    public init(name: String, image: String? = nil, ports: [ContainerPort]? = nil) {
        self.name = name
        self.image = image
        self.ports = ports
    }
}

public struct ContainerPort: Codable, Hashable, Sendable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?
    public var hostPort: Int?
    public var hostIP: String?

    public init(name: String? = nil, containerPort: Int, protocol: String? = "TCP") {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

public struct EnvVar: Codable, Hashable, Sendable {
    public var name: String
    public var value: String?
    public var valueFrom: EnvVarSource?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

public struct EnvVarSource: Codable, Hashable, Sendable {
    public var fieldRef: ObjectFieldSelector?
    public var secretKeyRef: KeySelector?
    public var configMapKeyRef: KeySelector?
}

public struct ObjectFieldSelector: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var fieldPath: String
}

public struct KeySelector: Codable, Hashable, Sendable {
    public var name: String?
    public var key: String
    public var optional: Bool?
}

public struct Probe: Codable, Hashable, Sendable {
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var exec: ExecAction?
    public var initialDelaySeconds: Int?
    public var periodSeconds: Int?
    public var timeoutSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?
}

public struct HTTPGetAction: Codable, Hashable, Sendable {
    public var path: String?
    public var port: IntOrString
    public var host: String?
    public var scheme: String?
}

public struct TCPSocketAction: Codable, Hashable, Sendable {
    public var port: IntOrString
    public var host: String?
}

public struct ExecAction: Codable, Hashable, Sendable {
    public var command: [String]?
}

public struct PodStatus: Codable, Hashable, Sendable {
    public var phase: String?
    public var conditions: [Condition]?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var hostIP: String?
    public var startTime: String?
    public var message: String?
    public var reason: String?
    public var containerStatuses: [ContainerStatus]?

    public init(phase: String? = nil) { self.phase = phase }
}

public struct PodIP: Codable, Hashable, Sendable {
    public var ip: String
    public init(ip: String) { self.ip = ip }
}

public struct ContainerStatus: Codable, Hashable, Sendable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int
    public var image: String?
    public var started: Bool?
    public var state: JSONValue?
    public var lastState: JSONValue?

    public init(name: String, ready: Bool, restartCount: Int = 0) {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
    }
}

extension Pod {
    /// The `Ready` condition, which is what the endpoints controllers read (not the phase).
    public var isReady: Bool {
        status?.conditions?.first(where: { $0.type == "Ready" })?.status == "True"
    }

    public var isTerminating: Bool { metadata.deletionTimestamp != nil }

    /// Pods that reached Succeeded or Failed never become endpoints again.
    public var isTerminal: Bool { status?.phase == "Succeeded" || status?.phase == "Failed" }

    /// All pod IPs, `status.podIPs` first and `status.podIP` as the fallback.
    public var ips: [String] {
        if let ips = status?.podIPs, !ips.isEmpty { return ips.map(\.ip) }
        if let ip = status?.podIP, !ip.isEmpty { return [ip] }
        return []
    }
}
