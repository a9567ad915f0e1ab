import ClusterModel

/// The endpoint conditions kube-proxy's categorisation looks at (`pkg/proxy` `Endpoint`).
public protocol ProxyEndpointConditions {
    var isReady: Bool { get }
    var isServing: Bool { get }
    var isTerminating: Bool { get }
    /// On the node doing the proxying (ours is the only node, but pods can be pinned to
    /// emulated node names, which is what makes Local policies observable).
    var isLocal: Bool { get }
}

/// One `ip:port` backend with its conditions, as the proxy consumes it.
public struct ProxyEndpoint: ProxyEndpointConditions, Hashable, Sendable, CustomStringConvertible {
    /// `ip:port` (IPv6 bracketed), kube-proxy's `Endpoint.String()`.
    public var endpoint: String
    public var isReady: Bool
    public var isServing: Bool
    public var isTerminating: Bool
    public var isLocal: Bool

    public init(endpoint: String, isReady: Bool, isServing: Bool, isTerminating: Bool, isLocal: Bool) {
        self.endpoint = endpoint
        self.isReady = isReady
        self.isServing = isServing
        self.isTerminating = isTerminating
        self.isLocal = isLocal
    }

    /// From an EndpointSlice endpoint address, with discovery/v1's nil defaults (ready/serving
    /// true, terminating false) and locality decided by node name.
    public init(address: String, port: Int, conditions: EndpointConditions?, isLocal: Bool) {
        self.init(endpoint: ServiceEnvironment.joinHostPort(address, port),
                  isReady: conditions?.isReady ?? true, isServing: conditions?.isServing ?? true,
                  isTerminating: conditions?.isTerminating ?? false, isLocal: isLocal)
    }

    public var description: String { endpoint }
}

/// The per-service inputs of categorisation (kube-proxy `ServicePort` accessors).
public struct ServiceTrafficPolicy: Hashable, Sendable {
    /// `internalTrafficPolicy: Local`.
    public var internalPolicyLocal: Bool
    /// `externalTrafficPolicy: Local` *and* externally accessible (upstream `ExternalPolicyLocal`
    /// ignores ETP on services nobody can reach from outside).
    public var externalPolicyLocal: Bool
    /// Has a NodePort, external IPs or load-balancer IPs.
    public var externallyAccessible: Bool

    public init(internalPolicyLocal: Bool, externalPolicyLocal: Bool, externallyAccessible: Bool) {
        self.internalPolicyLocal = internalPolicyLocal
        self.externalPolicyLocal = externalPolicyLocal && externallyAccessible
        self.externallyAccessible = externallyAccessible
    }

    public init(service: Service) {
        self.init(internalPolicyLocal: service.spec.internalTrafficPolicy == "Local",
                  externalPolicyLocal: service.spec.externalTrafficPolicy == "Local",
                  externallyAccessible: service.isExternallyAccessible)
    }

    /// Cluster endpoints are needed for ITP=Cluster and for any externally reachable service
    /// (even with ETP=Local, pod- and node-originated external traffic short-circuits to them).
    public var usesClusterEndpoints: Bool { !internalPolicyLocal || externallyAccessible }
    public var usesLocalEndpoints: Bool { internalPolicyLocal || (externalPolicyLocal && externallyAccessible) }
}

/// The result of `CategorizeEndpoints`. nil sets mean the service never uses that policy; an empty
/// set means it does and nothing is usable.
public struct EndpointCategorization<Endpoint: Hashable & Sendable>: Hashable, Sendable {
    public var clusterEndpoints: [Endpoint]?
    public var localEndpoints: [Endpoint]?
    /// Union of the two: what this node may ever forward to.
    public var allReachableEndpoints: [Endpoint]
    /// Whether any usable endpoint exists anywhere (decides REJECT vs DROP).
    public var hasAnyEndpoints: Bool
}

public enum TrafficPolicy {
    /// Port of kube-proxy's `CategorizeEndpoints` without topology hints: usable = ready, falling
    /// back to serving-and-terminating endpoints when none are ready, decided independently for
    /// the cluster set and the local set. Order follows the input.
    public static func categorize<E: ProxyEndpointConditions & Hashable & Sendable>(
        _ endpoints: [E], policy: ServiceTrafficPolicy
    ) -> EndpointCategorization<E> {
        var cluster: [E]? = nil
        var local: [E]? = nil
        var hasAny = false
        if policy.usesClusterEndpoints {
            var set = endpoints.filter(\.isReady)
            if set.isEmpty { set = endpoints.filter { $0.isServing && $0.isTerminating } }
            hasAny = !set.isEmpty
            cluster = set
        }
        guard policy.usesLocalEndpoints else {
            return EndpointCategorization(clusterEndpoints: cluster, localEndpoints: nil,
                                          allReachableEndpoints: cluster ?? [], hasAnyEndpoints: hasAny)
        }
        var hasLocalReady = false, hasLocalServingTerminating = false
        for ep in endpoints {
            if ep.isReady {
                hasAny = true
                if ep.isLocal { hasLocalReady = true }
            } else if ep.isServing && ep.isTerminating {
                hasAny = true
                if ep.isLocal { hasLocalServingTerminating = true }
            }
        }
        if hasLocalReady {
            local = endpoints.filter { $0.isLocal && $0.isReady }
        } else if hasLocalServingTerminating {
            local = endpoints.filter { $0.isLocal && $0.isServing && $0.isTerminating }
        } else {
            local = []
        }
        guard let clusterSet = cluster else {
            return EndpointCategorization(clusterEndpoints: nil, localEndpoints: local,
                                          allReachableEndpoints: local ?? [], hasAnyEndpoints: hasAny)
        }
        var union = clusterSet
        var seen = Set(clusterSet)
        for ep in local ?? [] where seen.insert(ep).inserted { union.append(ep) }
        return EndpointCategorization(clusterEndpoints: clusterSet, localEndpoints: local,
                                      allReachableEndpoints: union, hasAnyEndpoints: hasAny)
    }

    /// The number the healthCheckNodePort responder reports: local endpoints that are ready
    /// (kube-proxy `LocalReadyEndpoints`; serving-terminating ones do not keep a node in the LB).
    public static func localReadyEndpointCount<E: ProxyEndpointConditions & Hashable>(_ endpoints: [E]) -> Int {
        Set(endpoints.filter { $0.isLocal && $0.isReady }).count
    }
}
