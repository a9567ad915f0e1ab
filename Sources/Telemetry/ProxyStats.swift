/// What the L4 proxy reports: cheap to take (10 per second), self-contained (a recording of it
/// replays without the cluster), and keyed by Kubernetes names so the dashboard can join it with
/// services and pods.
public struct ProxySnapshot: Sendable, Codable, Hashable {
    /// Seconds since the Unix epoch (the proxy's injected clock).
    public var time: Double
    /// The store resourceVersion the routing table reflects.
    public var resourceVersion: Int
    public var listeners: [ListenerStatus]
    public var servicePorts: [ServicePortStats]
    public var nodes: [NodeTrafficStats]
    /// Most recent finished (or refused/dropped) connections, oldest first, bounded.
    public var recentFlows: [FlowRecord]
    /// `ProxyConfig.privilegedPortRemap` when set: every port below the privileged limit is bound
    /// at port + this offset (shown so users know where to connect).
    public var privilegedPortRemap: Int?

    public init(time: Double, resourceVersion: Int, listeners: [ListenerStatus], servicePorts: [ServicePortStats],
                nodes: [NodeTrafficStats], recentFlows: [FlowRecord], privilegedPortRemap: Int? = nil) {
        self.time = time
        self.resourceVersion = resourceVersion
        self.listeners = listeners
        self.servicePorts = servicePorts
        self.nodes = nodes
        self.recentFlows = recentFlows
        self.privilegedPortRemap = privilegedPortRemap
    }
}

/// Counters shared by every level (service port, endpoint, node). Bytes are counted where they
/// move, so they include connections still open.
public struct TrafficCounters: Sendable, Codable, Hashable {
    public var activeConnections: Int
    public var totalConnections: Int
    /// Client → backend.
    public var bytesIn: Int
    /// Backend → client.
    public var bytesOut: Int
    /// Refused by REJECT semantics after accept (no usable endpoint; reset sent). Refusals while
    /// a listener is unbound happen in the kernel and are not seen here.
    public var refused: Int
    /// Connections held without forwarding (a Local policy with no local endpoint).
    public var dropped: Int
    /// The upstream connect to the pod failed or timed out.
    public var failedConnects: Int

    public init(activeConnections: Int = 0, totalConnections: Int = 0, bytesIn: Int = 0, bytesOut: Int = 0,
                refused: Int = 0, dropped: Int = 0, failedConnects: Int = 0) {
        self.activeConnections = activeConnections
        self.totalConnections = totalConnections
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.refused = refused
        self.dropped = dropped
        self.failedConnects = failedConnects
    }
}

/// A distribution summarised for display; values in microseconds.
public struct LatencySummary: Sendable, Codable, Hashable {
    public var count: Int
    public var p50: Int
    public var p90: Int
    public var p99: Int
    public var max: Int

    public init(count: Int = 0, p50: Int = 0, p90: Int = 0, p99: Int = 0, max: Int = 0) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// Traffic of one level plus its two distributions: how long the upstream connect took, and how
/// long finished connections lasted.
public struct TrafficStats: Sendable, Codable, Hashable {
    public var counters: TrafficCounters
    public var connectLatency: LatencySummary
    public var duration: LatencySummary

    public init(counters: TrafficCounters = TrafficCounters(), connectLatency: LatencySummary = LatencySummary(),
                duration: LatencySummary = LatencySummary()) {
        self.counters = counters
        self.connectLatency = connectLatency
        self.duration = duration
    }
}

/// One port of one service (`namespace/name:port-name`), the unit kube-proxy programs.
public struct ServicePortStats: Sendable, Codable, Hashable {
    public var namespace: String
    public var name: String
    /// The service port's name ("" when unnamed).
    public var portName: String
    public var port: Int
    public var traffic: TrafficStats
    public var endpoints: [EndpointTrafficStats]
    /// ClientIP session affinity, when enabled: who is pinned where.
    public var affinity: [AffinityEntry]
    public var sessionAffinityTimeoutSeconds: Int?

    public init(namespace: String, name: String, portName: String, port: Int, traffic: TrafficStats,
                endpoints: [EndpointTrafficStats], affinity: [AffinityEntry], sessionAffinityTimeoutSeconds: Int?) {
        self.namespace = namespace
        self.name = name
        self.portName = portName
        self.port = port
        self.traffic = traffic
        self.endpoints = endpoints
        self.affinity = affinity
        self.sessionAffinityTimeoutSeconds = sessionAffinityTimeoutSeconds
    }

    /// `namespace/name:port-name`, as flow records name it.
    public var id: String { "\(namespace)/\(name):\(portName)" }
}

/// One backend `ip:port` of a service port.
public struct EndpointTrafficStats: Sendable, Codable, Hashable {
    public var ip: String
    public var port: Int
    public var nodeName: String?
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    public var traffic: TrafficStats

    public init(ip: String, port: Int, nodeName: String?, ready: Bool, serving: Bool, terminating: Bool,
                traffic: TrafficStats) {
        self.ip = ip
        self.port = port
        self.nodeName = nodeName
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
        self.traffic = traffic
    }

    public var endpoint: String { "\(ip):\(port)" }
}

/// Traffic handled by one node: NodePort, LoadBalancer and external-IP connections land on a
/// node; cluster-IP connections are counted on the client's node when the client is a pod.
public struct NodeTrafficStats: Sendable, Codable, Hashable {
    public var name: String
    public var address: String
    public var ready: Bool
    public var traffic: TrafficStats

    public init(name: String, address: String, ready: Bool, traffic: TrafficStats) {
        self.name = name
        self.address = address
        self.ready = ready
        self.traffic = traffic
    }
}

/// A ClientIP affinity record: this client's new connections go to this endpoint until it has
/// been idle (no new connection) for the timeout.
public struct AffinityEntry: Sendable, Codable, Hashable {
    public var clientIP: String
    public var endpoint: String
    /// Seconds since the Unix epoch of the last new connection that refreshed it.
    public var lastUsed: Double
    public var expiresIn: Double

    public init(clientIP: String, endpoint: String, lastUsed: Double, expiresIn: Double) {
        self.clientIP = clientIP
        self.endpoint = endpoint
        self.lastUsed = lastUsed
        self.expiresIn = expiresIn
    }
}

/// The kind of address a listener serves.
public enum FrontendKind: String, Sendable, Codable, Hashable {
    case clusterIP = "ClusterIP"
    case nodePort = "NodePort"
    case loadBalancer = "LoadBalancer"
    case externalIP = "ExternalIP"
    case healthCheck = "HealthCheckNodePort"
    /// The ingress controller (HTTP/HTTPS on its LoadBalancer address).
    case ingress = "Ingress"
}

/// Where one listener stands. A failed listener never stops the others.
public struct ListenerStatus: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, Hashable {
        /// Accepting connections.
        case bound
        /// Deliberately not bound because the service port has no usable endpoint anywhere:
        /// clients get connection refused, as kube-proxy's REJECT rule gives them.
        case rejecting
        /// Bind failed; `reason` says why and how to fix it.
        case failed
    }

    public var kind: FrontendKind
    /// `namespace/name`.
    public var service: String
    public var portName: String
    public var address: String
    /// The port the service asks for.
    public var port: Int
    /// The port actually bound (differs from `port` only under `privilegedPortRemap`).
    public var boundPort: Int?
    /// The node the address belongs to (NodePort, health check).
    public var nodeName: String?
    public var state: State
    public var reason: String?

    public init(kind: FrontendKind, service: String, portName: String, address: String, port: Int, boundPort: Int?,
                nodeName: String?, state: State, reason: String?) {
        self.kind = kind
        self.service = service
        self.portName = portName
        self.address = address
        self.port = port
        self.boundPort = boundPort
        self.nodeName = nodeName
        self.state = state
        self.reason = reason
    }
}

/// One connection through the proxy, recorded when it ends (or is refused/dropped).
public struct FlowRecord: Sendable, Codable, Hashable {
    public enum Outcome: String, Sendable, Codable, Hashable {
        /// Both sides closed normally.
        case closed
        /// One side reset or failed mid-stream.
        case reset
        /// No usable endpoint: refused.
        case refused
        /// Local policy without local endpoint: held, nothing forwarded.
        case dropped
        /// The pod did not accept the upstream connection.
        case connectFailed
    }

    /// Seconds since the Unix epoch.
    public var start: Double
    /// `ip:port` of the client.
    public var client: String
    /// `ip:port` the client dialled.
    public var frontend: String
    public var frontendKind: FrontendKind
    /// `namespace/name:port-name`.
    public var servicePort: String
    /// `ip:port` of the pod, nil when nothing was forwarded.
    public var endpoint: String?
    /// The node that received (external) or originated (cluster IP from a pod) the connection.
    public var nodeName: String?
    public var bytesIn: Int
    public var bytesOut: Int
    /// Microseconds.
    public var duration: Int
    public var outcome: Outcome
    /// For a request through the ingress controller: what was asked and answered. Nil for L4.
    public var http: HTTPExchange?

    public init(start: Double, client: String, frontend: String, frontendKind: FrontendKind, servicePort: String,
                endpoint: String?, nodeName: String?, bytesIn: Int, bytesOut: Int, duration: Int, outcome: Outcome,
                http: HTTPExchange? = nil) {
        self.start = start
        self.client = client
        self.frontend = frontend
        self.frontendKind = frontendKind
        self.servicePort = servicePort
        self.endpoint = endpoint
        self.nodeName = nodeName
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.duration = duration
        self.outcome = outcome
        self.http = http
    }
}

/// The L7 part of a flow record: one HTTP request and its response, so the flow pane shows
/// method, host, path and status beside the L4 columns.
public struct HTTPExchange: Sendable, Codable, Hashable {
    public var method: String
    public var host: String
    public var path: String
    /// The status sent to the client (the controller's own 404/502/503/504 included).
    public var status: Int
    /// The matched rule, `host/path → service:port`; nil when nothing matched.
    public var route: String?

    public init(method: String, host: String, path: String, status: Int, route: String?) {
        self.method = method
        self.host = host
        self.path = path
        self.status = status
        self.route = route
    }
}
