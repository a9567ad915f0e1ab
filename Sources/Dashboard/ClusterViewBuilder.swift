import ClusterModel
import Telemetry

extension ClusterView {
    /// Projects the store's objects into what the panes show. Pure: the engine calls it at each
    /// sample with the store's current lists. Service environment variable names come from the
    /// caller (ControlPlane's `ServiceEnvironment`, which this floor cannot import) so the names
    /// shown are exactly the ones pods get.
    ///
    /// - Parameters:
    ///   - environment: the variables a service gives pods, as names or `NAME=value`, e.g.
    ///     `{ ServiceEnvironment.variables(for: $0).map { "\($0.name)=\($0.value ?? "")" } }`.
    ///   - maxEvents: newest events kept (the pane is a tail, not an archive).
    public static func build(services: [Service], endpointSlices: [EndpointSlice], pods: [Pod], nodes: [Node],
                             ingresses: [Ingress] = [], events: [Event] = [], clusterDomain: String = "cluster.local",
                             environment: (Service) -> [String] = { _ in [] }, maxEvents: Int = 500,
                             deployments: [Deployment] = []) -> ClusterView {
        var slicesByService: [String: [EndpointSlice]] = [:]
        for slice in endpointSlices {
            guard let svc = slice.labels[EndpointSliceLabel.serviceName] else { continue }
            slicesByService["\(slice.namespace)/\(svc)", default: []].append(slice)
        }
        let serviceRows = services.map { service in
            summary(of: service, slices: slicesByService["\(service.namespace)/\(service.name)"] ?? [],
                    clusterDomain: clusterDomain, environment: environment(service))
        }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        let podRows = pods.map(summary(of:)).sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        let nodeRows = nodes.map { node in
            NodeSummary(name: node.name, address: node.internalIP, podCIDR: node.spec?.podCIDR, ready: node.isReady,
                        unschedulable: node.spec?.unschedulable ?? false, labels: node.labels)
        }.sorted { $0.name < $1.name }
        let routes = ingresses.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }.flatMap(routes(of:))
        let eventRows = events.sorted { ($0.lastTimestamp ?? "", $0.name) < ($1.lastTimestamp ?? "", $1.name) }
            .suffix(maxEvents).map(summary(of:))
        var view = ClusterView(services: serviceRows, pods: podRows, nodes: nodeRows, ingressRoutes: routes,
                               events: Array(eventRows), clusterDomain: clusterDomain)
        view.deployments = deployments.map {
            DeploymentSummary(namespace: $0.namespace, name: $0.name, replicas: $0.spec.replicas ?? 1)
        }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return view
    }

    static func summary(of service: Service, slices: [EndpointSlice], clusterDomain: String,
                        environment: [String]) -> ServiceSummary {
        let ports = service.ports.map { p in
            ServicePortSummary(name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP",
                               targetPort: p.targetPort.map(targetText) ?? String(p.port), nodePort: p.nodePort)
        }
        var endpoints: [EndpointSummary] = []
        for slice in slices {
            let slicePorts = slice.ports ?? []
            for ep in slice.endpoints {
                let pod = ep.targetRef.flatMap { ref -> String? in
                    guard ref.kind == "Pod", let name = ref.name else { return nil }
                    return "\(ref.namespace ?? slice.namespace)/\(name)"
                }
                let c = ep.conditions ?? EndpointConditions(ready: nil, serving: nil, terminating: nil)
                for ip in ep.addresses {
                    for port in slicePorts {
                        guard let number = port.port else { continue }
                        endpoints.append(EndpointSummary(pod: pod, ip: ip, port: number, portName: port.name ?? "",
                                                         nodeName: ep.nodeName, ready: c.isReady,
                                                         serving: c.isServing, terminating: c.isTerminating))
                    }
                }
            }
        }
        endpoints.sort { ($0.ip, $0.port) < ($1.ip, $1.port) }
        let selector = service.spec.selector.map { sel in
            sel.keys.sorted().map { "\($0)=\(sel[$0]!)" }.joined(separator: ",")
        }
        var row = ServiceSummary(
            namespace: service.namespace, name: service.name, type: service.type,
            clusterIP: service.isExternalName ? nil : (service.spec.clusterIP.flatMap { $0.isEmpty ? nil : $0 }),
            externalIPs: service.spec.externalIPs ?? [],
            loadBalancerIPs: service.status?.loadBalancer?.ingress?.compactMap { $0.ip ?? $0.hostname } ?? [],
            externalName: service.spec.externalName, ports: ports, selector: selector,
            sessionAffinity: service.spec.sessionAffinity ?? "None",
            affinityTimeoutSeconds: service.spec.sessionAffinity == "ClientIP"
                ? (service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : nil,
            endpoints: endpoints, dnsNames: dnsNames(of: service, clusterDomain: clusterDomain),
            environmentVariables: environment, labels: service.labels)
        if service.type == "NodePort" || service.type == "LoadBalancer" {
            row.externalTrafficPolicy = service.spec.externalTrafficPolicy ?? "Cluster"
        }
        return row
    }

    static func targetText(_ target: IntOrString) -> String {
        switch target {
        case .int(let n): String(n)
        case .string(let s): s
        }
    }

    /// The names a pod resolves to this service: the FQDN, then the forms its resolv.conf search
    /// path (`<ns>.svc.<domain> svc.<domain> <domain>`) completes, then SRV names of named ports.
    static func dnsNames(of service: Service, clusterDomain: String) -> [String] {
        let name = service.name, ns = service.namespace
        var names = ["\(name).\(ns).svc.\(clusterDomain)", "\(name).\(ns).svc", "\(name).\(ns)",
                     "\(name) (from pods in \(ns))"]
        for p in service.ports {
            guard let pn = p.name, !pn.isEmpty else { continue }
            names.append("_\(pn)._\((p.protocol ?? "TCP").lowercased()).\(name).\(ns).svc.\(clusterDomain)")
        }
        return names
    }

    static func summary(of pod: Pod) -> PodSummary {
        var row = PodSummary(namespace: pod.namespace, name: pod.name, nodeName: pod.spec.nodeName, ip: pod.ips.first,
                             phase: pod.status?.phase ?? "Pending", ready: pod.isReady, terminating: pod.isTerminating,
                             restarts: pod.status?.containerStatuses?.reduce(0) { $0 + $1.restartCount } ?? 0,
                             labels: pod.labels)
        row.owner = pod.metadata.ownerReferences?.first { $0.kind == "Deployment" && $0.controller == true }?.name
        return row
    }

    static func routes(of ingress: Ingress) -> [IngressRouteSummary] {
        let spec = ingress.spec
        func tlsSecret(for host: String) -> String? {
            spec?.tls?.first { ($0.hosts ?? []).contains(host) || (host == "*" && ($0.hosts ?? []).isEmpty) }?
                .secretName.map { $0 } ?? nil
        }
        func backendText(_ b: IngressBackend) -> String {
            if let s = b.service {
                let port = s.port?.name ?? s.port?.number.map(String.init) ?? "?"
                return "\(s.name):\(port)"
            }
            if let r = b.resource { return "\(r.kind)/\(r.name)" }
            return "<none>"
        }
        var out: [IngressRouteSummary] = []
        for rule in spec?.rules ?? [] {
            let host = rule.host ?? "*"
            for path in rule.http?.paths ?? [] {
                out.append(IngressRouteSummary(
                    namespace: ingress.namespace, ingress: ingress.name, host: host, path: path.path ?? "/",
                    pathType: path.pathType ?? "ImplementationSpecific", backend: backendText(path.backend),
                    tlsSecret: tlsSecret(for: host), ingressClass: spec?.ingressClassName))
            }
        }
        if let d = spec?.defaultBackend {
            out.append(IngressRouteSummary(namespace: ingress.namespace, ingress: ingress.name, host: "*", path: "/*",
                                           pathType: "default", backend: backendText(d), tlsSecret: nil,
                                           ingressClass: spec?.ingressClassName))
        }
        return out
    }

    static func summary(of event: Event) -> EventSummary {
        let o = event.involvedObject
        let object = [o.kind, o.namespace, o.name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
        return EventSummary(time: event.lastTimestamp ?? event.firstTimestamp ?? "", type: event.type ?? "Normal",
                            reason: event.reason ?? "", object: object, message: event.message ?? "",
                            count: event.count ?? 1)
    }
}
