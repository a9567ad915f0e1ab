import ClusterModel
import ControlPlane
import NIOCore
import Telemetry

/// A listener the table wants: its address, what it serves and whether it should accept now.
struct ListenerSpec: Hashable, Sendable {
    var key: FrontendKey
    var kind: FrontendKind
    var service: String
    var portName: String
    var nodeName: String?
    /// False while the service port has no usable endpoint and REJECT is done by not listening.
    var wantsBound: Bool
    /// Set when another listener already claimed the address.
    var conflict: String?
}

/// What the snapshot shows of one service port.
struct ServicePortView: Sendable {
    var namespace: String
    var name: String
    var portName: String
    var port: Int
    var route: ServicePortRoute
    /// Every endpoint of the port (usable or not), locality ignored.
    var endpoints: [RouteEndpoint]
}

/// Builds the routing table and the wanted listeners from the store's services, EndpointSlices
/// and nodes: pure apart from the registry's cells, so it is the kube-proxy rule generator.
struct RoutingTableBuilder {
    var config: ProxyConfig
    var registry: StatsRegistry

    struct Output {
        var table: RoutingTable
        var listeners: [ListenerSpec]
        var servicePorts: [ServicePortView]
    }

    func build(resourceVersion: Int, services: [Service], slices: [EndpointSlice], nodes nodeObjects: [Node]) -> Output {
        var nodes: [NodeRoute] = []
        for n in nodeObjects.sorted(by: { $0.name < $1.name }) {
            guard let text = n.internalIP, let ip = IPv4(text), let snat = try? SocketAddress(ipAddress: text, port: 0) else {
                continue
            }
            nodes.append(NodeRoute(name: n.name, ip: ip.value, snatAddress: snat, ready: n.isReady,
                                   podCIDR: n.spec?.podCIDR.flatMap(CIDR.init), cell: registry.nodeCell(n.name)))
        }
        var slicesByService: [ObjectKey: [EndpointSlice]] = [:]
        for s in slices where s.addressType == "IPv4" {
            guard let svc = s.labels[EndpointSliceLabel.serviceName] else { continue }
            slicesByService[ObjectKey(namespace: s.namespace, name: svc), default: []].append(s)
        }
        var frontends: [FrontendKey: Frontend] = [:]
        var healthChecks: [FrontendKey: HealthCheckRoute] = [:]
        var listeners: [ListenerSpec] = []
        var views: [ServicePortView] = []
        var claimed: [FrontendKey: String] = [:]

        func claim(_ key: FrontendKey, _ spec: ListenerSpec) -> Bool {
            let owner = "\(spec.kind.rawValue) of \(spec.service):\(spec.portName)"
            if let other = claimed[key] {
                var s = spec
                s.conflict = "\(key) is already used by \(other)"
                listeners.append(s)
                return false
            }
            claimed[key] = owner
            listeners.append(spec)
            return true
        }

        for svc in services.sorted(by: { $0.key < $1.key }) where isProxied(svc) {
            guard let clusterIP = svc.assignedClusterIP.flatMap(IPv4.init) else { continue }
            let serviceName = "\(svc.namespace)/\(svc.name)"
            let policy = ServiceTrafficPolicy(service: svc)
            var unknownPolicy = policy
            unknownPolicy.internalPolicyLocal = false
            let serviceSlices = slicesByService[svc.key] ?? []
            let readyNodes = nodes.indices.filter { nodes[$0].ready }
            var localReadyPerNode = Array(repeating: 0, count: nodes.count)
            for port in svc.ports where (port.protocol ?? "TCP") == "TCP" {
                let portName = port.name ?? ""
                let id = "\(serviceName):\(portName)"
                let endpoints = Self.endpoints(of: portName, in: serviceSlices).map { e in
                    RouteEndpoint(ip: e.ip, port: e.port, nodeName: e.nodeName, isReady: e.conditions?.isReady ?? true,
                                  isServing: e.conditions?.isServing ?? true,
                                  isTerminating: e.conditions?.isTerminating ?? false, isLocal: false,
                                  address: e.address, cell: registry.endpointCell(servicePort: id, ip: e.ip, port: e.port))
                }
                var perNode: [EndpointCategorization<RouteEndpoint>] = []
                for (i, node) in nodes.enumerated() {
                    let local = endpoints.map { e in
                        var l = e
                        l.isLocal = e.nodeName == node.name
                        return l
                    }
                    perNode.append(TrafficPolicy.categorize(local, policy: policy))
                    localReadyPerNode[i] += TrafficPolicy.localReadyEndpointCount(local)
                }
                let unknown = TrafficPolicy.categorize(endpoints, policy: unknownPolicy)
                let affinity = svc.spec.sessionAffinity == "ClientIP"
                    ? registry.affinity(id, timeoutSeconds: svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800)
                    : nil
                let lbNodes = policy.externalPolicyLocal
                    ? readyNodes.filter { !(perNode[$0].localEndpoints ?? []).isEmpty } : readyNodes
                let route = ServicePortRoute(
                    id: id, cell: registry.servicePortCell(id), policy: policy, perNode: perNode, unknownNode: unknown,
                    unknownNodePolicy: unknownPolicy, hasAnyEndpoints: unknown.hasAnyEndpoints, affinity: affinity,
                    readyNodes: readyNodes, loadBalancerNodes: lbNodes.isEmpty ? readyNodes : lbNodes)
                views.append(ServicePortView(namespace: svc.namespace, name: svc.name, portName: portName, port: port.port,
                                             route: route, endpoints: endpoints))
                let wantsBound = route.hasAnyEndpoints || config.rejectMode == .acceptAndReset

                func add(_ ip: UInt32, _ p: Int, _ kind: FrontendKind, node: Int?) {
                    let key = FrontendKey(ip: ip, port: p)
                    let spec = ListenerSpec(key: key, kind: kind, service: serviceName, portName: portName,
                                            nodeName: node.map { nodes[$0].name }, wantsBound: wantsBound)
                    guard claim(key, spec) else { return }
                    frontends[key] = Frontend(kind: kind, route: route, node: node, text: key.description)
                }
                add(clusterIP.value, port.port, .clusterIP, node: nil)
                for ext in svc.spec.externalIPs ?? [] {
                    if let ip = IPv4(ext) { add(ip.value, port.port, .externalIP, node: nil) }
                }
                if svc.type == ServiceType.nodePort || svc.type == ServiceType.loadBalancer, let np = port.nodePort {
                    for i in nodes.indices { add(nodes[i].ip, np, .nodePort, node: i) }
                }
                if svc.type == ServiceType.loadBalancer {
                    for ingress in svc.status?.loadBalancer?.ingress ?? [] {
                        if let ip = ingress.ip.flatMap(IPv4.init) { add(ip.value, port.port, .loadBalancer, node: nil) }
                    }
                }
            }
            if svc.type == ServiceType.loadBalancer, policy.externalPolicyLocal, let hc = svc.spec.healthCheckNodePort {
                for (i, node) in nodes.enumerated() {
                    let key = FrontendKey(ip: node.ip, port: hc)
                    let spec = ListenerSpec(key: key, kind: .healthCheck, service: serviceName, portName: "",
                                            nodeName: node.name, wantsBound: true)
                    guard claim(key, spec) else { continue }
                    healthChecks[key] = HealthCheckRoute(namespace: svc.namespace, name: svc.name, node: i,
                                                         localEndpoints: localReadyPerNode[i])
                }
            }
        }
        let table = RoutingTable(resourceVersion: resourceVersion, nodes: nodes, frontends: frontends,
                                 healthChecks: healthChecks)
        return Output(table: table, listeners: listeners, servicePorts: views)
    }

    /// kube-proxy skips headless and ExternalName services, services another proxy owns, and
    /// (here) services whose address another Switchboard component binds.
    func isProxied(_ svc: Service) -> Bool {
        if svc.isHeadless || svc.isExternalName { return false }
        if svc.labels["service.kubernetes.io/service-proxy-name"] != nil { return false }
        if let by = svc.metadata.annotations?[ProxyConfig.servedByAnnotation], config.servedElsewhere.contains(by) { return false }
        return true
    }

    struct SliceEndpoint {
        var ip: UInt32
        var port: Int
        var nodeName: String?
        var conditions: EndpointConditions?
        var address: SocketAddress
    }

    /// The union of the slices' endpoints for one service port, matched by port *name* (nil and
    /// "" alike), deduplicated by ip:port (first occurrence wins, as kube-proxy's map does).
    static func endpoints(of portName: String, in slices: [EndpointSlice]) -> [SliceEndpoint] {
        var out: [SliceEndpoint] = []
        var seen: Set<FrontendKey> = []
        for slice in slices.sorted(by: { $0.name < $1.name }) {
            guard let sp = slice.ports?.first(where: { ($0.name ?? "") == portName && ($0.protocol ?? "TCP") == "TCP" }),
                  let port = sp.port else { continue }
            for e in slice.endpoints {
                guard let text = e.addresses.first, let ip = IPv4(text),
                      seen.insert(FrontendKey(ip: ip.value, port: port)).inserted,
                      let address = try? SocketAddress(ipAddress: text, port: port) else { continue }
                out.append(SliceEndpoint(ip: ip.value, port: port, nodeName: e.nodeName, conditions: e.conditions,
                                         address: address))
            }
        }
        return out
    }
}
