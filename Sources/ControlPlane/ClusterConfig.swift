import ClusterModel

/// The address plan: Kubernetes' defaults with the first octet moved to 127, so everything lives
/// on loopback. Tests give each cluster its own block so they never collide.
public struct AddressPlan: Sendable, Hashable, Codable {
    public var serviceCIDR: String = "127.96.0.0/12"
    public var podCIDR: String = "127.244.0.0/16"
    /// Prefix length of each node's share of the pod CIDR.
    public var nodePodPrefix: Int = 24
    public var nodeCIDR: String = "127.0.10.0/24"
    public var loadBalancerPool: String = "127.200.0.0/24"
    public var nodePortFirst: Int = 30000
    public var nodePortLast: Int = 32767
    public var clusterDomain: String = "cluster.local"
    /// The `kube-dns` service address; by convention the tenth address of the service range.
    public var clusterDNS: String = "127.96.0.10"
    /// Where the API server answers (the `kubernetes` service's endpoint).
    public var apiServerHost: String = "127.0.0.1"
    public var apiServerPort: Int = 6443

    public init() {}

    /// A plan whose every block is derived from one second octet, for tests that run side by side:
    /// services 127.N.0.0/16, pods 127.N+1.0.0/16, nodes 127.N+2.10.0/24, LB 127.N+2.200.0/24.
    public static func isolated(secondOctet n: Int) -> AddressPlan {
        var p = AddressPlan()
        p.serviceCIDR = "127.\(n).0.0/16"
        p.podCIDR = "127.\(n + 1).0.0/16"
        p.nodeCIDR = "127.\(n + 2).10.0/24"
        p.loadBalancerPool = "127.\(n + 2).200.0/24"
        p.clusterDNS = "127.\(n).0.10"
        p.apiServerHost = "127.\(n + 2).10.254"
        return p
    }

    /// A plan inside one /16, for tests that need many blocks side by side: services
    /// 127.N.0.0/18, pods 127.N.64.0/18 (a /24 per node from 127.N.65.0), nodes 127.N.200.0/24,
    /// LoadBalancer pool 127.N.250.0/24, cluster DNS 127.N.0.10.
    public static func compact(secondOctet n: Int) -> AddressPlan {
        var p = AddressPlan()
        p.serviceCIDR = "127.\(n).0.0/18"
        p.podCIDR = "127.\(n).64.0/18"
        p.nodeCIDR = "127.\(n).200.0/24"
        p.loadBalancerPool = "127.\(n).250.0/24"
        p.clusterDNS = "127.\(n).0.10"
        p.apiServerHost = "127.\(n).200.254"
        return p
    }

    public func validated() throws(AllocationError) -> (service: CIDR, pod: CIDR, node: CIDR, pool: CIDR) {
        func parse(_ s: String, _ what: String) throws(AllocationError) -> CIDR {
            guard let c = CIDR(s) else { throw AllocationError(message: "\(what) \"\(s)\" is not an IPv4 CIDR") }
            return c
        }
        return (try parse(serviceCIDR, "service CIDR"), try parse(podCIDR, "pod CIDR"),
                try parse(nodeCIDR, "node CIDR"), try parse(loadBalancerPool, "LoadBalancer pool"))
    }
}

/// Everything that shapes one emulated cluster.
public struct ClusterConfig: Sendable, Hashable {
    public var addresses = AddressPlan()
    public var nodeCount = 3
    public var nodeNamePrefix = "node-"
    /// Seed for every "random" choice (ClusterIPs, NodePorts, pod name suffixes), so runs repeat.
    public var seed: UInt64 = 42
    /// Pods without a readiness probe become Ready as soon as they start, as the kubelet does;
    /// pods with one start not ready and wait for the prober (the data plane) to report.
    public var probesDriveReadiness = true
    /// Events kept in the store; older ones are deleted, as the API server's TTL would.
    public var eventLimit = 1000
    /// Whether to record Events for endpoint changes (costly at 100,000 pods; benchmarks turn it off).
    public var recordEndpointEvents = true

    public init() {}
}
