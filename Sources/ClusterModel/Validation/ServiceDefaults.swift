/// k/k `SetDefaults_Service` (core/v1 defaults.go) plus the registry's create-time filling of
/// `clusterIPs`, `ipFamilyPolicy` and `ipFamilies` (`normalizeClusterIPs`, `initIPFamilyFields`)
/// for Switchboard's single-stack IPv4 cluster.
extension Defaulting {
    /// The cluster's only service IP family.
    static let defaultServiceIPFamily = "IPv4"

    /// Everything a Service gets before validation on create; see the type comment for sources.
    public static func applyService(_ svc: inout Service) {
        var spec = svc.spec
        if (spec.sessionAffinity ?? "").isEmpty { spec.sessionAffinity = "None" }
        if spec.sessionAffinity == "None" { spec.sessionAffinityConfig = nil }
        if spec.sessionAffinity == "ClientIP", spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == nil {
            spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 10800))
        }
        if (spec.type ?? "").isEmpty { spec.type = ServiceType.clusterIP }
        if var ports = spec.ports {
            for i in ports.indices {
                if (ports[i].protocol ?? "").isEmpty { ports[i].protocol = "TCP" }
                if ports[i].targetPort == nil || ports[i].targetPort?.isZero == true {
                    ports[i].targetPort = .int(ports[i].port)
                }
            }
            spec.ports = ports
        }
        svc.spec = spec
        // Only externally reachable services get a policy; on others it must stay empty.
        if Validation.externallyAccessible(svc) && (svc.spec.externalTrafficPolicy ?? "").isEmpty {
            svc.spec.externalTrafficPolicy = "Cluster"
        }
        let type = svc.spec.type ?? ""
        if svc.spec.internalTrafficPolicy == nil,
           [ServiceType.nodePort, ServiceType.loadBalancer, ServiceType.clusterIP].contains(type) {
            svc.spec.internalTrafficPolicy = "Cluster"
        }
        if type == ServiceType.loadBalancer {
            if svc.spec.allocateLoadBalancerNodePorts == nil { svc.spec.allocateLoadBalancerNodePorts = true }
            if var ingress = svc.status?.loadBalancer?.ingress {
                for i in ingress.indices where !(ingress[i].ip ?? "").isEmpty && ingress[i].ipMode == nil {
                    ingress[i].ipMode = "VIP"
                }
                svc.status?.loadBalancer?.ingress = ingress
            }
        }
        applyServiceRegistryDefaults(&svc)
    }

    /// What the Service registry fills in before allocation: `clusterIPs` from a lone
    /// `clusterIP`, then the IP family policy and families (never for ExternalName).
    static func applyServiceRegistryDefaults(_ svc: inout Service) {
        if let ip = svc.spec.clusterIP, !ip.isEmpty, (svc.spec.clusterIPs ?? []).isEmpty {
            svc.spec.clusterIPs = [ip]
        }
        if svc.spec.type == ServiceType.externalName { return }
        let headlessSelectorless = svc.spec.clusterIP == "None" && (svc.spec.selector ?? [:]).isEmpty
        if svc.spec.ipFamilyPolicy == nil {
            // Headless services without a selector default to dual-stack: their endpoints are
            // user-managed and may be of either family.
            svc.spec.ipFamilyPolicy = headlessSelectorless ? "RequireDualStack" : "SingleStack"
        }
        var families = svc.spec.ipFamilies ?? []
        for (i, ip) in (svc.spec.clusterIPs ?? []).enumerated() {
            if ip == "None" { break }
            guard i >= families.count, let parsed = IPAddress.parse(ip) else { continue }
            families.append(parsed.isIPv4 ? "IPv4" : "IPv6")
        }
        if families.isEmpty { families = [defaultServiceIPFamily] }
        if headlessSelectorless && families.count < 2 && svc.spec.ipFamilyPolicy != "SingleStack" {
            families.append(families[0] == "IPv4" ? "IPv6" : "IPv4")
        }
        svc.spec.ipFamilies = families
    }

    /// The registry's `patchAllocatedValues` on update: a manifest re-applied without the
    /// allocated cluster IPs, node ports or health-check node port keeps the stored ones (and its
    /// IP family policy), so updates don't trip the immutability rules. Call before `apply`.
    public static func patchAllocatedValues(old: Service, new: inout Service) {
        func needsClusterIP(_ s: Service) -> Bool { s.spec.type != ServiceType.externalName }
        func needsNodePort(_ s: Service) -> Bool {
            s.spec.type == ServiceType.nodePort || s.spec.type == ServiceType.loadBalancer
        }
        if needsClusterIP(old) && needsClusterIP(new) {
            if (new.spec.clusterIP ?? "").isEmpty { new.spec.clusterIP = old.spec.clusterIP }
            if (new.spec.clusterIPs ?? []).isEmpty, !(old.spec.clusterIPs ?? []).isEmpty {
                new.spec.clusterIPs = old.spec.clusterIPs
            }
        }
        if needsNodePort(old) && needsNodePort(new), var newPorts = new.spec.ports {
            let used = Set(old.ports.compactMap(\.nodePort)).intersection(newPorts.compactMap(\.nodePort))
            var byName: [String: Int] = [:]
            for p in old.ports { byName[p.name ?? ""] = p.nodePort ?? 0 }
            for i in newPorts.indices where (newPorts[i].nodePort ?? 0) == 0 {
                let oldValue = byName[newPorts[i].name ?? ""] ?? 0
                if oldValue != 0 && !used.contains(oldValue) { newPorts[i].nodePort = oldValue }
            }
            new.spec.ports = newPorts
        }
        if Validation.needsHealthCheck(old) && Validation.needsHealthCheck(new), (new.spec.healthCheckNodePort ?? 0) == 0 {
            new.spec.healthCheckNodePort = old.spec.healthCheckNodePort
        }
        if new.spec.ipFamilyPolicy == nil, needsClusterIP(new) { new.spec.ipFamilyPolicy = old.spec.ipFamilyPolicy }
    }
}
