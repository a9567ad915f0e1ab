import ClusterModel

extension ControlLoop {
    static let mirroringController = "endpointslicemirroring-controller.k8s.io"

    /// One service's reconcile: its Endpoints and EndpointSlices (from its selector's pods, or
    /// mirrored from hand-written Endpoints when it has no selector, or none for ExternalName),
    /// and its LoadBalancer address. Reads only that service's pods, through the label index.
    func syncService(_ key: ObjectKey) {
        let svc = store.get(Service.self, namespace: key.namespace, name: key.name)
        syncLoadBalancer(key, svc)
        guard let svc, !svc.isExternalName else {
            // Deleted or ExternalName: managed endpoints go; hand-written Endpoints stay (a user's).
            if let ep = store.get(Endpoints.self, namespace: key.namespace, name: key.name), Self.isManaged(ep) {
                _ = try? store.delete(.endpoints, key)
            }
            writeSlices([], for: key, managedBy: nil)
            return
        }
        guard let selector = svc.spec.selector else {
            mirror(svc)
            return
        }
        let podKeys = podLabels.select(namespace: key.namespace, selector: selector)
        let pods = podKeys.sorted().compactMap { store.get(Pod.self, namespace: $0.namespace, name: $0.name) }
            .filter { selectorMatches(selector, $0.labels) }
        var endpoints = EndpointsDerivation.legacyEndpoints(service: svc, pods: pods)
        endpoints.metadata.annotations = (endpoints.metadata.annotations ?? [:]).merging([Self.managedAnnotation: "true"]) { a, _ in a }
        let old = store.get(Endpoints.self, namespace: key.namespace, name: key.name)
        if let old {
            if old.subsets != endpoints.subsets || old.metadata.labels != endpoints.metadata.labels {
                var updated = endpoints
                updated.metadata.resourceVersion = nil
                _ = try? store.update(.endpoints(updated))
                endpointsChangedEvent(svc, old: old, new: endpoints)
            }
        } else {
            _ = try? store.create(.endpoints(endpoints))
            endpointsChangedEvent(svc, old: nil, new: endpoints)
        }
        var nodes: [String: Node] = [:]
        for p in pods { if let n = p.spec.nodeName, nodes[n] == nil { nodes[n] = store.get(Node.self, name: n) } }
        writeSlices(EndpointsDerivation.endpointSlices(service: svc, pods: pods, nodes: nodes), for: key,
                    managedBy: EndpointSliceLabel.controllerName)
    }

    /// Marks Endpoints the controller wrote, so a hand-written one is never taken over or deleted.
    static let managedAnnotation = "switchboard.dev/managed-by-endpoints-controller"
    static func isManaged(_ ep: Endpoints) -> Bool { ep.metadata.annotations?[managedAnnotation] == "true" }

    /// The EndpointSlice mirroring controller: a selector-less service's hand-written Endpoints
    /// become slices (what the data plane reads), unless labelled skip-mirror.
    private func mirror(_ svc: Service) {
        guard let ep = store.get(Endpoints.self, namespace: svc.namespace, name: svc.name), !Self.isManaged(ep),
              ep.labels["endpointslice.kubernetes.io/skip-mirror"] != "true" else {
            writeSlices([], for: svc.key, managedBy: nil)
            return
        }
        var slices: [EndpointSlice] = []
        for subset in ep.subsets ?? [] {
            let ports = (subset.ports ?? []).map { EndpointSlicePort(name: $0.name, port: $0.port, protocol: $0.protocol ?? "TCP", appProtocol: $0.appProtocol) }
            func endpoint(_ a: EndpointAddress, ready: Bool) -> Endpoint {
                Endpoint(addresses: [a.ip], conditions: EndpointConditions(ready: ready, serving: ready, terminating: false),
                         hostname: a.hostname, nodeName: a.nodeName, targetRef: a.targetRef)
            }
            let eps = (subset.addresses ?? []).map { endpoint($0, ready: true) } + (subset.notReadyAddresses ?? []).map { endpoint($0, ready: false) }
            var meta = ObjectMeta(namespace: svc.namespace, labels: (svc.metadata.labels ?? [:]).merging([
                EndpointSliceLabel.serviceName: svc.name, EndpointSliceLabel.managedBy: Self.mirroringController,
            ]) { _, n in n })
            meta.generateName = "\(svc.name)-"
            slices.append(EndpointSlice(metadata: meta, addressType: "IPv4", endpoints: eps, ports: ports))
        }
        writeSlices(slices, for: svc.key, managedBy: Self.mirroringController)
    }

    /// Makes the service's controller-owned slices equal `desired`, reusing existing names in
    /// order so an unchanged slice is not rewritten and a changed one keeps its identity.
    private func writeSlices(_ desired: [EndpointSlice], for key: ObjectKey, managedBy: String?) {
        let existing = (slicesByService[key] ?? []).sorted().compactMap {
            store.get(EndpointSlice.self, namespace: key.namespace, name: $0)
        }.filter { s in
            let m = s.labels[EndpointSliceLabel.managedBy]
            return m == EndpointSliceLabel.controllerName || m == Self.mirroringController
        }
        var reusable = existing.filter { $0.labels[EndpointSliceLabel.managedBy] == managedBy }
        for var slice in desired {
            if !reusable.isEmpty {
                let old = reusable.removeFirst()
                slice.metadata.name = old.name
                slice.metadata.generateName = nil
                if old.endpoints != slice.endpoints || old.ports != slice.ports || old.metadata.labels != slice.metadata.labels
                    || old.addressType != slice.addressType {
                    slice.metadata.resourceVersion = nil
                    _ = try? store.update(.endpointSlice(slice))
                }
            } else {
                slice.metadata.name = nil
                slice.metadata.generateName = "\(key.name)-"
                _ = try? store.create(.endpointSlice(slice))
            }
        }
        // Whatever was not reused — leftovers, or slices of the other manager — goes.
        let stale = reusable + existing.filter { $0.labels[EndpointSliceLabel.managedBy] != managedBy }
        for old in stale { _ = try? store.delete(.endpointSlices, ObjectKey(namespace: key.namespace, name: old.name)) }
    }

    private func endpointsChangedEvent(_ svc: Service, old: Endpoints?, new: Endpoints) {
        guard config.recordEndpointEvents else { return }
        func ips(_ e: Endpoints?, ready: Bool) -> Set<String> {
            Set((e?.subsets ?? []).flatMap { (ready ? $0.addresses : $0.notReadyAddresses) ?? [] }.map(\.ip))
        }
        let (was, now) = (ips(old, ready: true), ips(new, ready: true))
        let notReady = ips(new, ready: false)
        var parts = ["\(now.count) ready, \(notReady.count) not ready"]
        let added = now.subtracting(was).sorted(), removed = was.subtracting(now).sorted()
        if !added.isEmpty { parts.append("added \(added.joined(separator: " "))") }
        if !removed.isEmpty { parts.append("removed \(removed.joined(separator: " "))") }
        recordEvent(svc.reference, "EndpointsChanged", parts.joined(separator: "; "))
    }

    /// The service load-balancer controller: a LoadBalancer service gets the next address of the
    /// pool in `status.loadBalancer.ingress`; it is returned when the service goes or changes type.
    private func syncLoadBalancer(_ key: ObjectKey, _ svc: Service?) {
        let assigned = lbAssignments[key]
        guard let svc, svc.type == ServiceType.loadBalancer else {
            if let ip = assigned {
                lbPool.release(ip)
                lbAssignments[key] = nil
                if var s = svc, s.status?.loadBalancer?.ingress != nil {
                    s.status?.loadBalancer = nil
                    s.metadata.resourceVersion = nil
                    _ = try? registry.updateStatus(.service(s))
                }
            }
            return
        }
        if let current = svc.status?.loadBalancer?.ingress?.first?.ip {
            if assigned == nil, lbPool.reserve(current) { lbAssignments[key] = current }
            return
        }
        let ip: String
        if let requested = svc.spec.loadBalancerIP, !requested.isEmpty, lbPool.reserve(requested) {
            ip = requested
        } else if let next = lbPool.allocate() {
            ip = next
        } else {
            recordEvent(svc.reference, "AllocationFailed", "no address left in the LoadBalancer pool \(lbPool.cidr)", type: "Warning")
            return
        }
        lbAssignments[key] = ip
        var s = svc
        s.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: ip, ipMode: "VIP")]))
        s.metadata.resourceVersion = nil
        _ = try? registry.updateStatus(.service(s))
        recordEvent(svc.reference, "EnsuredLoadBalancer", "Ensured load balancer at \(ip)")
    }
}
