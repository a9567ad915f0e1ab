import ClusterModel

extension EndpointsDerivation {
    /// endpointslice `podToEndpoint`: one pod as an endpoint of one address type, or nil when the
    /// pod has no IP of that type (upstream then leaves it out of that type's slices).
    ///
    /// Conditions follow upstream exactly: `serving` is the pod's Ready condition, `terminating`
    /// is `deletionTimestamp != nil`, and `ready` is `publishNotReadyAddresses || (serving &&
    /// !terminating)`, so kube-proxy can fall back to serving-terminating endpoints while old
    /// consumers that only read `ready` never pick a terminating pod.
    public static func podToEndpoint(pod: Pod, service: Service, node: Node?, addressType: String) -> Endpoint? {
        let addresses = pod.ips.filter { Self.addressType(of: $0) == addressType }
        guard !addresses.isEmpty else { return nil }
        let serving = pod.isReady
        let terminating = pod.isTerminating
        let ready = (service.spec.publishNotReadyAddresses ?? false) || (serving && !terminating)
        var endpoint = Endpoint(
            addresses: addresses,
            conditions: EndpointConditions(ready: ready, serving: serving, terminating: terminating),
            targetRef: podReference(pod))
        if let nodeName = pod.spec.nodeName, !nodeName.isEmpty { endpoint.nodeName = nodeName }
        if let zone = node?.metadata.labels?[zoneLabel], !zone.isEmpty { endpoint.zone = zone }
        if shouldSetHostname(pod: pod, service: service) { endpoint.hostname = pod.spec.hostname }
        return endpoint
    }

    /// The address types a service's slices are kept for (`getAddressTypesForService`): its
    /// `ipFamilies` in order, else the family of its cluster IP. Upstream assumes dual stack for a
    /// headless service whose families were never defaulted; this IPv4-first emulator assumes IPv4.
    public static func addressTypes(for service: Service) -> [String] {
        var types: [String] = []
        for family in service.spec.ipFamilies ?? [] where (family == "IPv4" || family == "IPv6") && !types.contains(family) {
            types.append(family)
        }
        if !types.isEmpty { return types }
        if isServiceIPSet(service), let ip = service.spec.clusterIP { return [addressType(of: ip)] }
        return ["IPv4"]
    }

    /// The EndpointSlices the EndpointSlice controller would create for this service from scratch
    /// (`Reconciler.reconcileByAddressType` with no existing slices).
    ///
    /// Candidates are `pods` passing `shouldPodBeInEndpoints(_, includeTerminating: true)`. As
    /// upstream, a pod whose `spec.nodeName` is not a key of `nodes` is skipped (it would otherwise
    /// be stuck in the slice if its node is gone) unless the service publishes not-ready
    /// addresses. Pods are grouped by the ports they resolve (pods that resolve a named port
    /// differently, or not at all, land in different slices), each group is sorted by IP then pod
    /// UID and name, and cut into slices of at most `maxEndpointsPerSlice`. A type with no endpoint
    /// gets one empty placeholder slice, as upstream keeps one so that "no endpoints" is visible.
    /// Slices have `generateName: "<svc>-"` and no name: the caller names them.
    /// ExternalName and selector-less services get no slices.
    public static func endpointSlices(service: Service, pods: [Pod], nodes: [String: Node]) -> [EndpointSlice] {
        guard managesEndpoints(of: service) else { return [] }
        let publishNotReady = service.spec.publishNotReadyAddresses ?? false

        var candidates: [(pod: Pod, node: Node?, ports: [ResolvedPort])] = []
        candidates.reserveCapacity(pods.count)
        for pod in pods where shouldPodBeInEndpoints(pod, includeTerminating: includeTerminatingInEndpointSlices) {
            let node = nodes[pod.spec.nodeName ?? ""]
            if node == nil && !publishNotReady { continue }
            candidates.append((pod, node, resolvedPorts(service: service, pod: pod)))
        }

        let labels = sliceLabels(service)
        var slices: [EndpointSlice] = []
        for type in addressTypes(for: service) {
            var groups: [[ResolvedPort]: [Endpoint]] = [:]
            var seen = Set<EndpointIdentity>(minimumCapacity: candidates.count)
            for c in candidates {
                guard let endpoint = podToEndpoint(pod: c.pod, service: service, node: c.node, addressType: type),
                      seen.insert(EndpointIdentity(endpoint)).inserted else { continue }
                groups[c.ports, default: []].append(endpoint)
            }
            if groups.isEmpty {
                slices.append(newSlice(service: service, labels: labels, addressType: type, ports: nil, endpoints: []))
                continue
            }
            for key in groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let endpoints = groups[key]!.sorted(by: endpointPrecedes)
                let ports = key.isEmpty ? nil : key.map { slicePort(service.ports[$0.index], number: $0.port) }
                var start = 0
                while start < endpoints.count {
                    let end = min(start + maxEndpointsPerSlice, endpoints.count)
                    slices.append(newSlice(service: service, labels: labels, addressType: type, ports: ports,
                                           endpoints: Array(endpoints[start..<end])))
                    start = end
                }
            }
        }
        return slices
    }

    /// `setEndpointSliceLabels` for a new slice: the service's labels minus the reserved keys, the
    /// headless label when the service has no cluster IP, and the two labels consumers select on.
    static func sliceLabels(_ service: Service) -> [String: String] {
        let reserved: Set<String> = [EndpointSliceLabel.serviceName, EndpointSliceLabel.managedBy,
                                     EndpointSliceLabel.headless]
        var labels = service.labels.filter { !reserved.contains($0.key) }
        labels = headlessAdjusted(labels, service: service)
        labels[EndpointSliceLabel.serviceName] = service.name
        labels[EndpointSliceLabel.managedBy] = EndpointSliceLabel.controllerName
        return labels
    }

    private static func newSlice(service: Service, labels: [String: String], addressType: String,
                                 ports: [EndpointSlicePort]?, endpoints: [Endpoint]) -> EndpointSlice {
        var meta = ObjectMeta(namespace: service.metadata.namespace, labels: labels)
        meta.generateName = "\(service.name)-"
        var owner = OwnerReference(apiVersion: "v1", kind: "Service", name: service.name,
                                   uid: service.metadata.uid ?? "", controller: true)
        owner.blockOwnerDeletion = true
        meta.ownerReferences = [owner]
        return EndpointSlice(metadata: meta, addressType: addressType, endpoints: endpoints, ports: ports)
    }

    /// The order endpoints are listed in: by IP, then pod UID (upstream's `LessEndpointAddress`),
    /// then pod name so that pods without UIDs still sort stably.
    static func endpointPrecedes(_ a: Endpoint, _ b: Endpoint) -> Bool {
        let ipA = a.addresses.first ?? "", ipB = b.addresses.first ?? ""
        if ipA != ipB { return ipA < ipB }
        let uidA = a.targetRef?.uid ?? "", uidB = b.targetRef?.uid ?? ""
        if uidA != uidB { return uidA < uidB }
        return (a.targetRef?.name ?? "") < (b.targetRef?.name ?? "")
    }

    /// What makes two endpoints the same one for the reconciler (`hashEndpoint`): addresses,
    /// hostname and the pod's namespace/name. A pod listed twice yields one endpoint.
    private struct EndpointIdentity: Hashable {
        var addresses: [String]
        var hostname: String?
        var namespace: String?
        var name: String?
        init(_ e: Endpoint) {
            addresses = e.addresses.sorted()
            hostname = e.hostname
            namespace = e.targetRef?.namespace
            name = e.targetRef?.name
        }
    }
}
