/// Where a packet to a service address comes from, which decides the traffic policy applied.
public enum ServiceTrafficSource: Hashable, Sendable {
    /// To the cluster IP (internal traffic policy applies).
    case clusterIP
    /// To a NodePort / external IP / load-balancer IP from outside the cluster.
    case externalFromOutside
    /// To an external destination from a pod on this node: short-circuited to Cluster endpoints.
    case externalFromLocalPod
    /// To an external destination from the node itself: masqueraded, Cluster endpoints.
    case externalFromNode
}

/// What kube-proxy's rules do with a new connection (`proxier.go` `syncProxyRules`). The
/// difference between REJECT and DROP is observable — connection refused at once vs a client
/// timeout — so the emulated proxy must pick the same one.
public enum DataplaneAction<Endpoint: Hashable & Sendable>: Hashable, Sendable {
    /// No usable endpoint anywhere in the cluster: ICMP/RST, the client fails fast.
    case reject
    /// A Local policy with no local endpoint while others exist elsewhere: silently dropped.
    case drop
    /// Pick one of `endpoints` (uniformly at random per connection). `masquerade` means the backend
    /// sees the node's address instead of the client's (ETP=Cluster, node-originated traffic).
    case forward(endpoints: [Endpoint], masquerade: Bool)
}

extension TrafficPolicy {
    /// The action for one connection given a categorisation. `masquerade` for `.clusterIP` is always
    /// false here: kube-proxy only masquerades cluster-IP traffic from outside the pod network,
    /// which a single-machine emulator does not have.
    public static func dataplaneAction<E>(_ categorization: EndpointCategorization<E>, policy: ServiceTrafficPolicy,
                                          source: ServiceTrafficSource) -> DataplaneAction<E> {
        guard categorization.hasAnyEndpoints else { return .reject }
        let cluster = categorization.clusterEndpoints ?? []
        let local = categorization.localEndpoints ?? []
        switch source {
        case .clusterIP:
            let set = policy.internalPolicyLocal ? local : cluster
            return set.isEmpty ? .drop : .forward(endpoints: set, masquerade: false)
        case .externalFromOutside:
            guard policy.externallyAccessible else { return .reject }
            if policy.externalPolicyLocal {
                return local.isEmpty ? .drop : .forward(endpoints: local, masquerade: false)
            }
            return cluster.isEmpty ? .drop : .forward(endpoints: cluster, masquerade: true)
        case .externalFromLocalPod, .externalFromNode:
            guard policy.externallyAccessible else { return .reject }
            let masquerade = source == .externalFromNode || !policy.externalPolicyLocal
            return cluster.isEmpty ? .drop : .forward(endpoints: cluster, masquerade: masquerade)
        }
    }
}
