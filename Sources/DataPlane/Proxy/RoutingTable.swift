import Atomics
import ClusterModel
import ControlPlane
import NIOCore
import Telemetry

/// An address a listener serves: the service's own address and port (before any privileged-port
/// remap), the key the routing table is looked up by.
struct FrontendKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    var ip: UInt32
    var port: Int
    static func < (a: FrontendKey, b: FrontendKey) -> Bool { (a.ip, a.port) < (b.ip, b.port) }
    var description: String { "\(IPv4(ip)):\(port)" }
}

/// One backend of a service port with its conditions; `isLocal` is relative to the node the
/// categorisation was made for. The address to connect to is built once, not per connection.
struct RouteEndpoint: ProxyEndpointConditions, Hashable, Sendable {
    var ip: UInt32
    var port: Int
    var nodeName: String?
    var isReady: Bool
    var isServing: Bool
    var isTerminating: Bool
    var isLocal: Bool
    var address: SocketAddress
    var cell: TrafficCell

    static func == (a: RouteEndpoint, b: RouteEndpoint) -> Bool {
        a.ip == b.ip && a.port == b.port && a.isReady == b.isReady && a.isServing == b.isServing
            && a.isTerminating == b.isTerminating && a.isLocal == b.isLocal
    }

    func hash(into h: inout Hasher) {
        h.combine(ip)
        h.combine(port)
    }

    var text: String { "\(IPv4(ip)):\(port)" }
}

/// A node as the proxy sees it: where SNAT binds, which pod CIDR identifies its pods.
struct NodeRoute: Sendable {
    var name: String
    var ip: UInt32
    /// `ip:0`, the source address of masqueraded upstream connections.
    var snatAddress: SocketAddress
    var ready: Bool
    var podCIDR: CIDR?
    var cell: TrafficCell
}

/// Everything one port of one service needs to route a new connection, computed at reconcile time.
final class ServicePortRoute: Sendable {
    let id: String                      // namespace/name:port-name
    let cell: TrafficCell
    let policy: ServiceTrafficPolicy
    /// Categorisation per node index (endpoint locality relative to that node).
    let perNode: [EndpointCategorization<RouteEndpoint>]
    /// For cluster-IP clients on no known node under ITP=Local: treated as Cluster (documented).
    let unknownNode: EndpointCategorization<RouteEndpoint>
    let unknownNodePolicy: ServiceTrafficPolicy
    let hasAnyEndpoints: Bool
    let affinity: AffinityTable?
    /// Ready nodes: where traffic to external IPs arrives. A NotReady or deleted node gets none.
    let readyNodes: [Int]
    /// Where a load balancer sends: the Ready nodes, and for ETP=Local only those whose health
    /// check passes (local endpoints) when there are any — a cloud LB follows the health check;
    /// with none healthy it still delivers and the node DROPs.
    let loadBalancerNodes: [Int]

    init(id: String, cell: TrafficCell, policy: ServiceTrafficPolicy, perNode: [EndpointCategorization<RouteEndpoint>],
         unknownNode: EndpointCategorization<RouteEndpoint>, unknownNodePolicy: ServiceTrafficPolicy,
         hasAnyEndpoints: Bool, affinity: AffinityTable?, readyNodes: [Int], loadBalancerNodes: [Int]) {
        self.id = id
        self.cell = cell
        self.policy = policy
        self.perNode = perNode
        self.unknownNode = unknownNode
        self.unknownNodePolicy = unknownNodePolicy
        self.hasAnyEndpoints = hasAnyEndpoints
        self.affinity = affinity
        self.readyNodes = readyNodes
        self.loadBalancerNodes = loadBalancerNodes
    }
}

/// One listener address and what it leads to.
struct Frontend: Sendable {
    var kind: FrontendKind
    var route: ServicePortRoute
    /// The node owning the address (NodePort); nil for cluster IPs, LB and external IPs.
    var node: Int?
    var text: String
}

/// What a healthCheckNodePort listener answers for.
struct HealthCheckRoute: Sendable {
    var namespace: String
    var name: String
    var node: Int
    /// Local ready endpoints of the service on that node.
    var localEndpoints: Int
}

/// The immutable routing state the event loops read: rebuilt on every reconcile and swapped in
/// with one atomic store, so a connection always sees one consistent version and never a lock.
final class RoutingTable: AtomicReference, Sendable {
    let resourceVersion: Int
    let nodes: [NodeRoute]
    let frontends: [FrontendKey: Frontend]
    let healthChecks: [FrontendKey: HealthCheckRoute]
    private let nodeByIP: [UInt32: Int]

    init(resourceVersion: Int, nodes: [NodeRoute], frontends: [FrontendKey: Frontend],
         healthChecks: [FrontendKey: HealthCheckRoute]) {
        self.resourceVersion = resourceVersion
        self.nodes = nodes
        self.frontends = frontends
        self.healthChecks = healthChecks
        var byIP: [UInt32: Int] = [:]
        for (i, n) in nodes.enumerated() { byIP[n.ip] = i }
        nodeByIP = byIP
    }

    static let empty = RoutingTable(resourceVersion: 0, nodes: [], frontends: [:], healthChecks: [:])

    /// The node a client address belongs to: the node whose pod CIDR holds it, else the node
    /// with that InternalIP.
    func nodeOfClient(_ ip: UInt32) -> Int? {
        for (i, n) in nodes.enumerated() where n.podCIDR?.contains(IPv4(ip)) == true { return i }
        return nodeByIP[ip]
    }

    func isPodIP(_ ip: UInt32) -> Bool { nodes.contains { $0.podCIDR?.contains(IPv4(ip)) == true } }
}
