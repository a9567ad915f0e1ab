import ControlPlane
import NIOCore
import Telemetry

/// What happens to one new connection, decided from the immutable table on the event loop.
enum ConnectionPlan {
    /// No usable endpoint anywhere: reset at once (kube-proxy REJECT).
    case reject(node: Int?)
    /// Local policy, no local endpoint: hold without forwarding (kube-proxy DROP).
    case drop(node: Int?)
    /// Connect to `endpoint` from `source` (the client's own address, or the node's for SNAT).
    case forward(endpoint: RouteEndpoint, source: SocketAddress, node: Int?)
}

extension RoutingTable {
    /// The kube-proxy decision for a connection from `client` to `frontend`: which node handles it,
    /// which traffic source that is, the DataplaneAction, then one endpoint (affinity or uniform random).
    func plan(_ frontend: Frontend, client: SocketAddress, clientIP: UInt32, random: any ProxyRandomSource,
              now: @autoclosure () -> Double) -> ConnectionPlan {
        let route = frontend.route
        guard route.hasAnyEndpoints else { return .reject(node: frontend.node) }
        let node: Int?
        let source: ServiceTrafficSource
        var categorization: EndpointCategorization<RouteEndpoint>
        var policy = route.policy
        switch frontend.kind {
        case .clusterIP:
            node = nodeOfClient(clientIP)
            source = .clusterIP
            if let node {
                categorization = route.perNode[node]
            } else {
                categorization = route.unknownNode
                policy = route.unknownNodePolicy
            }
        case .nodePort:
            node = frontend.node
            source = classify(clientIP, receivingNode: node)
            categorization = node.map { route.perNode[$0] } ?? route.unknownNode
        case .loadBalancer, .externalIP, .healthCheck, .ingress:
            guard let chosen = receivingNode(for: route, kind: frontend.kind, random: random) else {
                return .reject(node: nil)
            }
            node = chosen
            source = classify(clientIP, receivingNode: chosen)
            categorization = route.perNode[chosen]
        }
        switch TrafficPolicy.dataplaneAction(categorization, policy: policy, source: source) {
        case .reject:
            return .reject(node: node)
        case .drop:
            return .drop(node: node)
        case .forward(let endpoints, let masquerade):
            let endpoint: RouteEndpoint
            if let affinity = route.affinity {
                endpoint = affinity.choose(client: clientIP, candidates: endpoints, now: now(), random: random)
            } else {
                endpoint = endpoints.count == 1 ? endpoints[0] : endpoints[random.next(below: endpoints.count)]
            }
            let sourceAddress: SocketAddress
            if masquerade, let node {
                sourceAddress = nodes[node].snatAddress
            } else {
                var a = client
                a.port = 0
                sourceAddress = a
            }
            return .forward(endpoint: endpoint, source: sourceAddress, node: node)
        }
    }

    /// Pod- and node-originated traffic to external addresses short-circuits to Cluster semantics;
    /// only traffic from outside sees ETP=Local delivery and its DROP.
    private func classify(_ clientIP: UInt32, receivingNode: Int?) -> ServiceTrafficSource {
        if isPodIP(clientIP) { return .externalFromLocalPod }
        if let n = receivingNode, nodes[n].ip == clientIP { return .externalFromNode }
        return .externalFromOutside
    }

    /// The node a load balancer (or the network, for an external IP) delivers to, uniformly from
    /// the precomputed pool (see `ServicePortRoute.loadBalancerNodes`).
    private func receivingNode(for route: ServicePortRoute, kind: FrontendKind, random: any ProxyRandomSource) -> Int? {
        let pool = kind == .loadBalancer ? route.loadBalancerNodes : route.readyNodes
        guard !pool.isEmpty else { return nil }
        return pool.count == 1 ? pool[0] : pool[random.next(below: pool.count)]
    }
}
