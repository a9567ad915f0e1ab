import ClusterModel

extension EndpointsDerivation {
    /// The core/v1 Endpoints object the legacy endpoints controller (`syncService`) writes for a
    /// service with a selector, from the pods its selector matched.
    ///
    /// Candidates pass `shouldPodBeInEndpoints(_, includeTerminating: publishNotReadyAddresses)`
    /// and contribute one IP of the service's primary family. A pod goes to `addresses` when Ready
    /// (or the service publishes not-ready addresses), else to `notReadyAddresses`, once per
    /// service port it resolves; ports it cannot resolve are left out for that pod only, and a pod
    /// resolving none is left out (a headless service without ports lists addresses with no
    /// ports). The subsets are then repacked as `RepackSubsets` does (ports offered by exactly the
    /// same addresses share a subset), with addresses sorted by IP and pod UID and subsets and
    /// ports in service-port order (upstream orders these two by a hash, which is arbitrary).
    /// Beyond `maxEndpointsCapacity` addresses the object is truncated as upstream does, ready ones
    /// kept first, and annotated over-capacity.
    ///
    /// Labels are the service's own plus the headless label when it has no cluster IP. The
    /// `last-change-trigger-time` annotation needs a clock and is left to the caller.
    /// ExternalName and selector-less services get an empty object (no subsets), never pods.
    public static func legacyEndpoints(service: Service, pods: [Pod]) -> Endpoints {
        let meta = ObjectMeta(name: service.metadata.name, namespace: service.metadata.namespace)
        guard managesEndpoints(of: service) else { return Endpoints(metadata: meta) }
        let publishNotReady = service.spec.publishNotReadyAddresses ?? false
        let servicePorts = service.ports
        let includeTerminating = includeTerminating(legacyEndpointsOf: service)

        var repacker = SubsetRepacker()
        for pod in pods where shouldPodBeInEndpoints(pod, includeTerminating: includeTerminating) {
            guard let ip = legacyAddressIP(service: service, pod: pod) else { continue }
            var address = EndpointAddress(ip: ip, nodeName: pod.spec.nodeName, targetRef: podReference(pod))
            if shouldSetHostname(pod: pod, service: service) { address.hostname = pod.spec.hostname }
            let ready = publishNotReady || pod.isReady

            if servicePorts.isEmpty {
                // Only headless services may have no ports; their pods are listed without ports.
                if service.isHeadless { repacker.add(address, port: nil, ready: ready) }
                continue
            }
            var handle: Int?
            for (i, servicePort) in servicePorts.enumerated() {
                guard let number = findPort(pod: pod, servicePort: servicePort) else { continue }
                let port = SubsetRepacker.Port(endpointPort: legacyEndpointPort(servicePort, number: number),
                                               order: ResolvedPort(index: i, port: number))
                handle = repacker.add(address, port: port, ready: ready, handle: handle)
            }
        }

        var subsets = repacker.subsets()
        var endpoints = Endpoints(metadata: meta)
        let labels = headlessAdjusted(service.labels, service: service)
        endpoints.metadata.labels = labels.isEmpty ? nil : labels
        if truncateEndpoints(&subsets) {
            endpoints.metadata.annotations = [overCapacityAnnotation: overCapacityTruncated]
        }
        endpoints.subsets = subsets.isEmpty ? nil : subsets
        return endpoints
    }

    /// `podToEndpointAddressForService`: the one IP a pod contributes, of the service's first IP
    /// family (else its cluster IP's family, else — headless — the family of the pod's `podIP`).
    static func legacyAddressIP(service: Service, pod: Pod) -> String? {
        let wantIPv6: Bool
        if let family = service.spec.ipFamilies?.first {
            wantIPv6 = family == "IPv6"
        } else if isServiceIPSet(service), let clusterIP = service.spec.clusterIP {
            wantIPv6 = isIPv6(clusterIP)
        } else {
            wantIPv6 = isIPv6(pod.status?.podIP ?? "")
        }
        return pod.ips.first { isIPv6($0) == wantIPv6 }
    }

    /// `truncateEndpoints`: over capacity, keep every ready address and share the remaining room
    /// among subsets' not-ready ones in proportion (rounded up, the last subsets getting what is
    /// left); with more ready addresses than the capacity, share it among ready ones and drop every
    /// not-ready one. Returns whether anything was cut.
    static func truncateEndpoints(_ subsets: inout [EndpointSubset]) -> Bool {
        var totalReady = 0, totalNotReady = 0
        for s in subsets {
            totalReady += s.addresses?.count ?? 0
            totalNotReady += s.notReadyAddresses?.count ?? 0
        }
        if totalReady + totalNotReady <= maxEndpointsCapacity { return false }

        var truncateReady = false
        var maxCount = maxEndpointsCapacity - totalReady
        var numTotal = totalNotReady
        if totalReady > maxEndpointsCapacity {
            truncateReady = true
            maxCount = maxEndpointsCapacity
            numTotal = totalReady
        }
        var canBeAdded = maxCount
        for i in subsets.indices {
            let numInSubset = (truncateReady ? subsets[i].addresses?.count : subsets[i].notReadyAddresses?.count) ?? 0
            let share = (Double(numInSubset) / Double(numTotal)) * Double(maxCount)
            let toBeAdded = min(Int(share.rounded(.up)), canBeAdded)
            if truncateReady {
                let kept = Array((subsets[i].addresses ?? []).prefix(toBeAdded))
                subsets[i].addresses = kept.isEmpty ? nil : kept
                subsets[i].notReadyAddresses = nil
                canBeAdded -= kept.count
            } else {
                let kept = Array((subsets[i].notReadyAddresses ?? []).prefix(toBeAdded))
                subsets[i].notReadyAddresses = kept.isEmpty ? nil : kept
                canBeAdded -= kept.count
            }
        }
        return true
    }
}
