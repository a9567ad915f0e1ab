import Foundation

/// k/k `ValidateService` and its helpers (`pkg/apis/core/validation/validation.go`). Input is
/// the post-defaulting object, so missing `type`, `sessionAffinity` or `protocol` are errors here.
extension Validation {
    static let supportedSessionAffinityTypes = ["ClientIP", "None"]
    static let supportedServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    static let supportedInternalTrafficPolicies = ["Cluster", "Local"]
    static let supportedExternalTrafficPolicies = ["Cluster", "Local"]
    /// Only PreferClose at the upstream commit the vectors were taken from.
    static let supportedTrafficDistributions = ["PreferClose"]
    static let maxClientIPServiceAffinitySeconds = 86400

    static let annotationTopologyMode = "service.kubernetes.io/topology-mode"
    static let deprecatedAnnotationTopologyAwareHints = "service.kubernetes.io/topology-aware-hints"
    static let annotationLoadBalancerSourceRanges = "service.beta.kubernetes.io/load-balancer-source-ranges"

    /// `isHeadlessService`: exactly one clusterIP and it is "None" (checked on `clusterIPs`,
    /// which defaulting keeps in sync with `clusterIP`).
    static func isHeadless(_ svc: Service) -> Bool {
        svc.spec.clusterIPs?.count == 1 && svc.spec.clusterIPs?.first == "None"
    }

    /// `apiservice.ExternallyAccessible`, on the raw type (no defaulting of an empty type).
    static func externallyAccessible(_ svc: Service) -> Bool {
        let t = svc.spec.type ?? ""
        return t == ServiceType.loadBalancer || t == ServiceType.nodePort
            || (t == ServiceType.clusterIP && !(svc.spec.externalIPs ?? []).isEmpty)
    }

    /// `apiservice.NeedsHealthCheck`: LoadBalancer with externalTrafficPolicy Local.
    static func needsHealthCheck(_ svc: Service) -> Bool {
        svc.spec.type == ServiceType.loadBalancer && svc.spec.externalTrafficPolicy == "Local"
    }

    /// `ValidateService` (= `ValidateServiceCreate`): every rule of the API server, in its order.
    public static func validateService(_ service: Service) -> [FieldError] {
        let spec = service.spec
        let metaPath: FieldPath = "metadata"
        var errs = validateObjectMeta(service.metadata, namespaced: true, name: nameIsDNS1035Label, at: metaPath)

        let annotations = service.metadata.annotations ?? [:]
        if let mode = annotations[annotationTopologyMode], let hints = annotations[deprecatedAnnotationTopologyAwareHints],
           mode != hints {
            errs.append(.invalid(metaPath.child("annotations").key(annotationTopologyMode), mode,
                                 "must match annotations[\(deprecatedAnnotationTopologyAwareHints)] when both are specified"))
        }

        let specPath: FieldPath = "spec"
        let type = spec.type ?? ""
        let ports = spec.ports ?? []
        let headless = isHeadless(service)
        if ports.isEmpty && !headless && type != ServiceType.externalName {
            errs.append(.required(specPath.child("ports")))
        }
        switch type {
        case ServiceType.loadBalancer, ServiceType.nodePort:
            if headless {
                errs.append(.invalid(specPath.child("clusterIPs").index(0), "None",
                                     "may not be set to 'None' for \(type) services"))
            }
        case ServiceType.externalName:
            if !(spec.clusterIPs ?? []).isEmpty {
                errs.append(.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"))
            }
            if !(spec.ipFamilies ?? []).isEmpty {
                errs.append(.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"))
            }
            if spec.ipFamilyPolicy != nil {
                errs.append(.forbidden(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"))
            }
            // The value (a CNAME) may have a trailing dot to denote it as fully qualified.
            var cname = spec.externalName ?? ""
            if cname.hasSuffix(".") { cname.removeLast() }
            if cname.isEmpty {
                errs.append(.required(specPath.child("externalName")))
            } else {
                errs += dns1123Subdomain(cname, specPath.child("externalName"))
            }
        default: break
        }

        var allPortNames = Set<String>()
        for (i, port) in ports.enumerated() {
            errs += validateServicePort(port, requireName: ports.count > 1, allNames: &allPortNames,
                                        at: specPath.child("ports").index(i))
        }

        if let selector = spec.selector { errs += labels(selector, specPath.child("selector")) }

        let affinity = spec.sessionAffinity ?? ""
        if affinity.isEmpty {
            errs.append(.required(specPath.child("sessionAffinity")))
        } else if !supportedSessionAffinityTypes.contains(affinity) {
            errs.append(.notSupported(specPath.child("sessionAffinity"), affinity, supportedSessionAffinityTypes))
        }
        if affinity == "ClientIP" {
            errs += validateClientIPAffinityConfig(spec.sessionAffinityConfig, at: specPath.child("sessionAffinityConfig"))
        } else if affinity == "None", spec.sessionAffinityConfig != nil {
            errs.append(.forbidden(specPath.child("sessionAffinityConfig"), "must not be set when session affinity is None"))
        }

        errs += validateServiceClusterIPsRelatedFields(service)

        for (i, ip) in (spec.externalIPs ?? []).enumerated() {
            let p = specPath.child("externalIPs").index(i)
            let ipErrs = validIP(ip, p)
            errs += ipErrs.isEmpty ? nonSpecialIP(ip, p) : ipErrs
        }

        if type.isEmpty {
            errs.append(.required(specPath.child("type")))
        } else if !supportedServiceTypes.contains(type) {
            errs.append(.notSupported(specPath.child("type"), type, supportedServiceTypes))
        }

        if type == ServiceType.clusterIP {
            for (i, port) in ports.enumerated() where (port.nodePort ?? 0) != 0 {
                errs.append(.forbidden(specPath.child("ports").index(i).child("nodePort"),
                                       "may not be used when `type` is 'ClusterIP'"))
            }
        }

        // Duplicate nodePorts, considering (protocol, nodePort) pairs.
        var nodePorts = Set<String>()
        for (i, port) in ports.enumerated() {
            guard let np = port.nodePort, np != 0 else { continue }
            if !nodePorts.insert("\(port.protocol ?? "")/\(np)").inserted {
                errs.append(FieldError(.duplicate, specPath.child("ports").index(i).child("nodePort"), String(np)))
            }
        }
        // Duplicate ports, considering (protocol, port) pairs.
        var seenPorts = Set<String>()
        for (i, port) in ports.enumerated() where !seenPorts.insert("\(port.protocol ?? "")/\(port.port)").inserted {
            let key = "core.ServicePort{Name:\"\", Protocol:\(FieldError.quote(port.protocol ?? "")), AppProtocol:(*string)(nil), Port:\(port.port), TargetPort:\(GoValue.intOrString(.int(0))), NodePort:0}"
            errs.append(FieldError(.duplicate, specPath.child("ports").index(i), key))
        }

        errs += validateLoadBalancerSourceRanges(service)

        if spec.allocateLoadBalancerNodePorts != nil && type != ServiceType.loadBalancer {
            errs.append(.forbidden(specPath.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
        }
        if type == ServiceType.loadBalancer && spec.allocateLoadBalancerNodePorts == nil {
            // Upstream reports this on a root path, without "spec.".
            errs.append(.required("allocateLoadBalancerNodePorts"))
        }

        errs += validateLoadBalancerClassField(old: nil, new: service)
        errs += validateServiceExternalTrafficPolicy(service)
        errs += validateServiceInternalTrafficPolicy(service)
        errs += validateServiceTrafficDistribution(service)
        return errs
    }

    /// `validateServicePort`. Service port names are DNS-1123 labels (not IANA names), required
    /// on every port of a multi-port service. targetPort on headless services is tolerated.
    static func validateServicePort(_ port: ServicePort, requireName: Bool, allNames: inout Set<String>,
                                    at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        let name = port.name ?? ""
        if requireName && name.isEmpty {
            errs.append(.required(path.child("name")))
        } else if !name.isEmpty {
            errs += dns1123Label(name, path.child("name"))
            if !allNames.insert(name).inserted { errs.append(.duplicate(path.child("name"), name)) }
        }
        errs += Names.portNumber(port.port).map { .invalid(path.child("port"), port.port, $0) }
        errs += portProtocol(port.protocol, path.child("protocol"))
        errs += portNumOrName(port.targetPort, path.child("targetPort"))
        if let app = port.appProtocol { errs += qualifiedName(app, path.child("appProtocol")) }
        return errs
    }

    /// `validateClientIPAffinityConfig`: with ClientIP affinity the timeout must be present and
    /// within 1..86400 seconds.
    public static func validateClientIPAffinityConfig(_ config: SessionAffinityConfig?,
                                                      at path: FieldPath = "spec.sessionAffinityConfig") -> [FieldError] {
        let detail = "when session affinity type is ClientIP"
        guard let config else { return [.required(path, detail)] }
        guard let clientIP = config.clientIP else { return [.required(path.child("clientIP"), detail)] }
        let tPath = path.child("clientIP").child("timeoutSeconds")
        guard let timeout = clientIP.timeoutSeconds else { return [.required(tPath, detail)] }
        if timeout <= 0 || timeout > maxClientIPServiceAffinitySeconds {
            return [.invalid(tPath, timeout, "must be greater than 0 and less than \(maxClientIPServiceAffinitySeconds)")]
        }
        return []
    }

    /// `validateServiceExternalTrafficPolicy`: the policy only applies to externally accessible
    /// services (and is then required); healthCheckNodePort only to LoadBalancer + Local.
    public static func validateServiceExternalTrafficPolicy(_ service: Service) -> [FieldError] {
        var errs: [FieldError] = []
        let path: FieldPath = "spec"
        let etp = service.spec.externalTrafficPolicy ?? ""
        if !externallyAccessible(service) {
            if !etp.isEmpty {
                errs.append(.invalid(path.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"))
            }
        } else if etp.isEmpty {
            errs.append(.required(path.child("externalTrafficPolicy")))
        } else if !supportedExternalTrafficPolicies.contains(etp) {
            errs.append(.notSupported(path.child("externalTrafficPolicy"), etp, supportedExternalTrafficPolicies))
        }
        let hcnp = service.spec.healthCheckNodePort ?? 0
        if !needsHealthCheck(service) {
            if hcnp != 0 {
                errs.append(.invalid(path.child("healthCheckNodePort"), hcnp,
                                     "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
            }
        } else if hcnp == 0 {
            errs.append(.required(path.child("healthCheckNodePort")))
        } else {
            errs += Names.portNumber(hcnp).map { .invalid(path.child("healthCheckNodePort"), hcnp, $0) }
        }
        return errs
    }

    /// `validateServiceInternalTrafficFieldsValue`. Not forbidden on ExternalName for
    /// historical reasons, but required on the proxied types.
    public static func validateServiceInternalTrafficPolicy(_ service: Service) -> [FieldError] {
        let path = FieldPath("spec").child("internalTrafficPolicy")
        guard let itp = service.spec.internalTrafficPolicy else {
            let t = service.spec.type ?? ""
            return [ServiceType.nodePort, ServiceType.loadBalancer, ServiceType.clusterIP].contains(t) ? [.required(path)] : []
        }
        return supportedInternalTrafficPolicies.contains(itp) ? [] : [.notSupported(path, itp, supportedInternalTrafficPolicies)]
    }

    static func validateServiceTrafficDistribution(_ service: Service) -> [FieldError] {
        guard let td = service.spec.trafficDistribution else { return [] }
        return supportedTrafficDistributions.contains(td)
            ? [] : [.notSupported(FieldPath("spec").child("trafficDistribution"), td, supportedTrafficDistributions)]
    }

    /// The field wins over the legacy annotation; values may be space-padded (a historical accident).
    static func validateLoadBalancerSourceRanges(_ service: Service) -> [FieldError] {
        var errs: [FieldError] = []
        let isLB = service.spec.type == ServiceType.loadBalancer
        if let ranges = service.spec.loadBalancerSourceRanges, !ranges.isEmpty {
            // Upstream spells this path with a capital L.
            let path = FieldPath("spec").child("LoadBalancerSourceRanges")
            if !isLB { errs.append(.forbidden(path, "may only be used when `type` is 'LoadBalancer'")) }
            for (i, value) in ranges.enumerated() {
                errs += validCIDR(value.trimmingCharacters(in: .whitespacesAndNewlines), path.index(i))
            }
        } else if let value = service.metadata.annotations?[annotationLoadBalancerSourceRanges] {
            let path = FieldPath("metadata").child("annotations").key(annotationLoadBalancerSourceRanges)
            if !isLB { errs.append(.forbidden(path, "may only be used when `type` is 'LoadBalancer'")) }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty {
                for cidr in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                    errs += validCIDR(cidr.trimmingCharacters(in: .whitespacesAndNewlines), path)
                }
            }
        }
        return errs
    }

    /// `validateLoadBalancerClassField`: LoadBalancer only, label-key syntax, immutable while
    /// the service stays a LoadBalancer.
    static func validateLoadBalancerClassField(old: Service?, new: Service) -> [FieldError] {
        var errs: [FieldError] = []
        let path = FieldPath("spec").child("loadBalancerClass")
        let newIsLB = new.spec.type == ServiceType.loadBalancer
        if let old, old.spec.type == ServiceType.loadBalancer, newIsLB,
           old.spec.loadBalancerClass != new.spec.loadBalancerClass {
            errs.append(FieldError(.invalid, path, GoValue.optionalString(new.spec.loadBalancerClass), "may not change once set"))
        }
        if let lbc = new.spec.loadBalancerClass {
            errs += newIsLB ? qualifiedName(lbc, path) : [.forbidden(path, "may only be used when `type` is 'LoadBalancer'")]
        }
        return errs
    }
}
