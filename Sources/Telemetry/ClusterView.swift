/// The cluster's objects as the dashboard shows them: a compact, self-contained projection (only
/// the fields the panes draw), so a Snapshot stays cheap to take and to record, and a replay needs
/// no API types. The dashboard builds it from the store's objects (`ClusterViewBuilder` in the
/// Dashboard target); Telemetry itself stays free of dependencies.
public struct ClusterView: Sendable, Codable, Hashable {
    /// Sorted by namespace, then name.
    public var services: [ServiceSummary]
    /// Sorted by namespace, then name.
    public var pods: [PodSummary]
    public var nodes: [NodeSummary]
    /// One row per (ingress, rule, path), in the ingress's order.
    public var ingressRoutes: [IngressRouteSummary]
    /// Oldest first, bounded by the builder.
    public var events: [EventSummary]
    /// The DNS zone (`cluster.local`) the names in `ServiceSummary.dnsNames` end in.
    public var clusterDomain: String
    /// Deployments with their desired replicas, for scaling from the dashboard (nil in
    /// recordings made before it existed).
    public var deployments: [DeploymentSummary]?
    /// Environment and resolv.conf of the pods a view asked about (`DetailedSnapshotSource`),
    /// never of every pod: at 100,000 pods that would make each sample slow. Nil in recordings
    /// made before it existed.
    public var podDetails: [PodDetail]?

    public init(services: [ServiceSummary] = [], pods: [PodSummary] = [], nodes: [NodeSummary] = [],
                ingressRoutes: [IngressRouteSummary] = [], events: [EventSummary] = [],
                clusterDomain: String = "cluster.local") {
        self.services = services
        self.pods = pods
        self.nodes = nodes
        self.ingressRoutes = ingressRoutes
        self.events = events
        self.clusterDomain = clusterDomain
    }

    /// The details of pod `id` (`namespace/name`) when this sample carries them.
    public func podDetail(_ id: String) -> PodDetail? { podDetails?.first { $0.id == id } }
}

/// What a pod sees from the inside: the variables its containers started with (those of the
/// services that existed when it started, then its own `env`) and its `/etc/resolv.conf`.
public struct PodDetail: Sendable, Codable, Hashable {
    public var namespace: String
    public var name: String
    /// Per container, in spec order; empty until the pod has started.
    public var containers: [ContainerEnvironment]
    /// The file text, as the kubelet writes it.
    public var resolvConf: String?

    public init(namespace: String, name: String, containers: [ContainerEnvironment], resolvConf: String?) {
        self.namespace = namespace
        self.name = name
        self.containers = containers
        self.resolvConf = resolvConf
    }

    public var id: String { "\(namespace)/\(name)" }
}

/// One container's environment, each variable marked with where it came from.
public struct ContainerEnvironment: Sendable, Codable, Hashable {
    public struct Variable: Sendable, Codable, Hashable {
        public var name: String
        public var value: String
        /// True for a service link (`KUBIA_SERVICE_HOST`…), false for the container's own `env`.
        public var fromService: Bool

        public init(name: String, value: String, fromService: Bool) {
            self.name = name
            self.value = value
            self.fromService = fromService
        }
    }

    public var container: String
    public var variables: [Variable]

    public init(container: String, variables: [Variable]) {
        self.container = container
        self.variables = variables
    }
}

/// A source that can add pod details to its samples. The dashboard runner tells it which pods
/// the open view shows, so the cost is per pod looked at, not per pod in the cluster.
public protocol DetailedSnapshotSource: SnapshotSource {
    func snapshot(podDetails: Set<ObjectRef>) async -> Snapshot
}

/// One Service with its endpoints: everything the Services, Endpoints and Details panes need.
public struct ServiceSummary: Sendable, Codable, Hashable {
    public var namespace: String
    public var name: String
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    public var type: String
    /// `None` for headless services, nil when unallocated or ExternalName.
    public var clusterIP: String?
    public var externalIPs: [String]
    /// LoadBalancer ingress addresses from the status.
    public var loadBalancerIPs: [String]
    public var externalName: String?
    public var ports: [ServicePortSummary]
    /// `app=kubia,tier=web`, or nil for a selector-less service (hand-written endpoints).
    public var selector: String?
    /// `None` or `ClientIP`.
    public var sessionAffinity: String
    public var affinityTimeoutSeconds: Int?
    public var endpoints: [EndpointSummary]
    /// FQDN first, then the shorter forms the pods' search path resolves.
    public var dnsNames: [String]
    /// The variables this service gives pods started after it: names (`KUBIA_SERVICE_HOST`), or
    /// `NAME=value` pairs when the source knows the values (the live engine does).
    public var environmentVariables: [String]
    public var labels: [String: String]
    /// `Cluster` or `Local` for NodePort and LoadBalancer services, nil otherwise.
    public var externalTrafficPolicy: String?

    public init(namespace: String, name: String, type: String, clusterIP: String?, externalIPs: [String] = [],
                loadBalancerIPs: [String] = [], externalName: String? = nil, ports: [ServicePortSummary],
                selector: String?, sessionAffinity: String = "None", affinityTimeoutSeconds: Int? = nil,
                endpoints: [EndpointSummary] = [], dnsNames: [String] = [], environmentVariables: [String] = [],
                labels: [String: String] = [:]) {
        self.namespace = namespace
        self.name = name
        self.type = type
        self.clusterIP = clusterIP
        self.externalIPs = externalIPs
        self.loadBalancerIPs = loadBalancerIPs
        self.externalName = externalName
        self.ports = ports
        self.selector = selector
        self.sessionAffinity = sessionAffinity
        self.affinityTimeoutSeconds = affinityTimeoutSeconds
        self.endpoints = endpoints
        self.dnsNames = dnsNames
        self.environmentVariables = environmentVariables
        self.labels = labels
    }

    /// `namespace/name`, the key traffic stats and flows use.
    public var id: String { "\(namespace)/\(name)" }
    public var readyEndpoints: Int { endpoints.count(where: \.ready) }
}

/// One service port, shown k9s-style as `http:80►8080`.
public struct ServicePortSummary: Sendable, Codable, Hashable {
    public var name: String
    public var port: Int
    public var `protocol`: String
    /// The targetPort as written (a number or a container port name).
    public var targetPort: String
    public var nodePort: Int?

    public init(name: String, port: Int, protocol: String = "TCP", targetPort: String, nodePort: Int? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

/// One backend address of a service (from its EndpointSlices), per port.
public struct EndpointSummary: Sendable, Codable, Hashable {
    /// `namespace/name` of the pod, nil for hand-written endpoints.
    public var pod: String?
    public var ip: String
    public var port: Int
    public var portName: String
    public var nodeName: String?
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool

    public init(pod: String?, ip: String, port: Int, portName: String = "", nodeName: String?, ready: Bool,
                serving: Bool, terminating: Bool) {
        self.pod = pod
        self.ip = ip
        self.port = port
        self.portName = portName
        self.nodeName = nodeName
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    public var endpoint: String { "\(ip):\(port)" }
}

/// A Deployment's name and desired replica count: what `+`, `-` and `s` change.
public struct DeploymentSummary: Sendable, Codable, Hashable {
    public var namespace: String
    public var name: String
    public var replicas: Int

    public init(namespace: String, name: String, replicas: Int) {
        self.namespace = namespace
        self.name = name
        self.replicas = replicas
    }

    public var id: String { "\(namespace)/\(name)" }
}

public struct PodSummary: Sendable, Codable, Hashable {
    public var namespace: String
    public var name: String
    public var nodeName: String?
    public var ip: String?
    /// `Pending`, `Running`, `Succeeded`, `Failed`.
    public var phase: String
    /// The Ready condition: what the endpoints controllers read.
    public var ready: Bool
    public var terminating: Bool
    public var restarts: Int
    public var labels: [String: String]
    /// The Deployment that controls the pod (its name, same namespace), for scaling from a pod row.
    public var owner: String?

    public init(namespace: String, name: String, nodeName: String?, ip: String?, phase: String, ready: Bool,
                terminating: Bool = false, restarts: Int = 0, labels: [String: String] = [:]) {
        self.namespace = namespace
        self.name = name
        self.nodeName = nodeName
        self.ip = ip
        self.phase = phase
        self.ready = ready
        self.terminating = terminating
        self.restarts = restarts
        self.labels = labels
    }

    public var id: String { "\(namespace)/\(name)" }
}

public struct NodeSummary: Sendable, Codable, Hashable {
    public var name: String
    public var address: String?
    public var podCIDR: String?
    public var ready: Bool
    public var unschedulable: Bool
    public var labels: [String: String]

    public init(name: String, address: String?, podCIDR: String?, ready: Bool, unschedulable: Bool = false,
                labels: [String: String] = [:]) {
        self.name = name
        self.address = address
        self.podCIDR = podCIDR
        self.ready = ready
        self.unschedulable = unschedulable
        self.labels = labels
    }
}

/// One path of one Ingress rule: the unit an ingress controller routes.
public struct IngressRouteSummary: Sendable, Codable, Hashable {
    public var namespace: String
    public var ingress: String
    /// `*` when the rule has no host (matches every Host header).
    public var host: String
    public var path: String
    /// `Prefix`, `Exact` or `ImplementationSpecific`.
    public var pathType: String
    /// `service:port` (port number or name).
    public var backend: String
    /// The TLS secret covering this host, if any.
    public var tlsSecret: String?
    public var ingressClass: String?

    public init(namespace: String, ingress: String, host: String, path: String, pathType: String, backend: String,
                tlsSecret: String? = nil, ingressClass: String? = nil) {
        self.namespace = namespace
        self.ingress = ingress
        self.host = host
        self.path = path
        self.pathType = pathType
        self.backend = backend
        self.tlsSecret = tlsSecret
        self.ingressClass = ingressClass
    }
}

public struct EventSummary: Sendable, Codable, Hashable {
    /// RFC 3339, as the Event carries it.
    public var time: String
    /// `Normal` or `Warning`.
    public var type: String
    public var reason: String
    /// `Kind/namespace/name`.
    public var object: String
    public var message: String
    public var count: Int

    public init(time: String, type: String, reason: String, object: String, message: String, count: Int = 1) {
        self.time = time
        self.type = type
        self.reason = reason
        self.object = object
        self.message = message
        self.count = count
    }
}
