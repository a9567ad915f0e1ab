/// k/k `ValidateServiceClusterIPsRelatedFields` and the update-time rules for cluster IPs and IP
/// families (`validateUpgradeDowngradeClusterIPs` / `...IPFamilies`). Switchboard allocates IPv4
/// only, but the dual-stack fields are validated as the API server does so that manifests
/// written for dual-stack clusters get the same verdicts.
extension Validation {
    static let supportedIPFamilies = ["IPv4", "IPv6"]
    static let supportedIPFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"]

    /// `clusterIP`/`clusterIPs`/`ipFamilies`/`ipFamilyPolicy` must agree with each other before
    /// an allocator looks at them; exported for the IP allocator, as upstream.
    public static func validateServiceClusterIPsRelatedFields(_ service: Service) -> [FieldError] {
        let spec = service.spec
        if spec.type == ServiceType.externalName { return [] }  // all must be unset; checked by validateService
        var errs: [FieldError] = []
        var hasInvalidIPs = false
        let clusterIPsPath = FieldPath("spec").child("clusterIPs")
        let ipFamiliesPath = FieldPath("spec").child("ipFamilies")
        let clusterIP = spec.clusterIP ?? ""
        let clusterIPs = spec.clusterIPs ?? []
        let families = spec.ipFamilies ?? []

        // clusterIP and clusterIPs must agree.
        if !clusterIP.isEmpty {
            if clusterIPs.isEmpty {
                errs.append(.required(clusterIPsPath))
            } else if clusterIPs[0] != clusterIP {
                errs.append(FieldError(.invalid, clusterIPsPath, GoValue.stringSlice(spec.clusterIPs), "first value must match `clusterIP`"))
            }
        } else if !clusterIPs.isEmpty {
            errs.append(FieldError(.invalid, clusterIPsPath, GoValue.stringSlice(spec.clusterIPs),
                                   "must be empty when `clusterIP` is not specified"))
        }

        var seen = Set<String>()
        for (i, family) in families.enumerated() {
            if !supportedIPFamilies.contains(family) {
                errs.append(.notSupported(ipFamiliesPath.index(i), family, supportedIPFamilies))
            }
            if !seen.insert(family).inserted { errs.append(.duplicate(ipFamiliesPath.index(i), family)) }
        }

        if let policy = spec.ipFamilyPolicy, !supportedIPFamilyPolicies.contains(policy) {
            errs.append(.notSupported(FieldPath("spec").child("ipFamilyPolicy"), policy, supportedIPFamilyPolicies))
        }

        for (i, ip) in clusterIPs.enumerated() {
            if i == 0 && ip == "None" {
                if clusterIPs.count > 1 {
                    hasInvalidIPs = true
                    errs.append(FieldError(.invalid, clusterIPsPath, GoValue.stringSlice(clusterIPs),
                                           "'None' must be the first and only value"))
                }
                continue
            }
            let ipErrs = validIP(ip, clusterIPsPath.index(i))
            hasInvalidIPs = hasInvalidIPs || !ipErrs.isEmpty
            errs += ipErrs
        }
        if clusterIPs.count > 2 {
            errs.append(FieldError(.invalid, clusterIPsPath, GoValue.stringSlice(clusterIPs), "may only hold up to 2 values"))
        }
        // Further checks would only restate a bad or misplaced IP.
        if hasInvalidIPs { return errs }

        if clusterIPs.count > 1 {
            let parsed = clusterIPs.compactMap(IPAddress.parse)
            let dualStack = parsed.contains(where: \.isIPv4) && parsed.contains(where: \.isIPv6)
            if !dualStack {
                errs.append(FieldError(.invalid, clusterIPsPath, GoValue.stringSlice(clusterIPs),
                                       "may specify no more than one IP for each IP family"))
            }
        }

        if !isHeadless(service) && !clusterIPs.isEmpty && !families.isEmpty {
            for (i, ip) in clusterIPs.enumerated() where i < families.count {
                let isV6 = IPAddress.parse(ip)?.isIPv6 ?? false
                if families[i] == "IPv4" && isV6 {
                    errs.append(.invalid(clusterIPsPath.index(i), ip, "expected an IPv4 value as indicated by `ipFamilies[\(i)]`"))
                }
                if families[i] == "IPv6" && !isV6 {
                    errs.append(.invalid(clusterIPsPath.index(i), ip, "expected an IPv6 value as indicated by `ipFamilies[\(i)]`"))
                }
            }
        }
        return errs
    }

    /// `ValidateServiceUpdate`: the primary cluster IP and family are immutable (except to/from
    /// ExternalName and headless), the healthCheckNodePort stays while LB+Local, loadBalancerClass
    /// stays while LoadBalancer; then the new object is validated as on create.
    public static func validateServiceUpdate(new: Service, old: Service) -> [FieldError] {
        var errs = validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
        errs += validateUpgradeDowngradeClusterIPs(old: old, new: new)
        errs += validateUpgradeDowngradeIPFamilies(old: old, new: new)
        errs += validateLoadBalancerClassField(old: old, new: new)
        if needsHealthCheck(old) && needsHealthCheck(new),
           (new.spec.healthCheckNodePort ?? 0) != (old.spec.healthCheckNodePort ?? 0) {
            errs.append(.forbidden(FieldPath("spec").child("healthCheckNodePort"), fieldImmutableErrorMsg))
        }
        return errs + validateService(new)
    }

    static func validateUpgradeDowngradeClusterIPs(old: Service, new: Service) -> [FieldError] {
        if new.spec.type == ServiceType.externalName || old.spec.type == ServiceType.externalName { return [] }
        if isHeadless(old) && isHeadless(new) { return [] }
        var errs: [FieldError] = []
        let path = FieldPath("spec").child("clusterIPs")
        let oldIPs = old.spec.clusterIPs ?? [], newIPs = new.spec.clusterIPs ?? []
        let rendered = GoValue.stringSlice(new.spec.clusterIPs)
        if oldIPs.count == newIPs.count {
            for (i, ip) in oldIPs.enumerated() where ip != newIPs[i] {
                errs.append(FieldError(.invalid, path.index(i), rendered, "may not change once set"))
            }
        } else if oldIPs.count > newIPs.count {
            if newIPs.isEmpty {
                errs.append(FieldError(.invalid, path.index(0), rendered, "primary clusterIP can not be unset"))
            }
            if !oldIPs.isEmpty, !newIPs.isEmpty, newIPs[0] != oldIPs[0] {
                errs.append(FieldError(.invalid, path.index(0), rendered, "may not change once set"))
            }
            if newIPs.count == 1 && new.spec.ipFamilyPolicy != "SingleStack" {
                errs.append(FieldError(.invalid, FieldPath("spec").child("ipFamilyPolicy"), GoValue.optionalString(new.spec.ipFamilyPolicy),
                                       "must be set to 'SingleStack' when releasing the secondary clusterIP"))
            }
        } else if !oldIPs.isEmpty, newIPs[0] != oldIPs[0] {
            errs.append(FieldError(.invalid, path.index(0), rendered, "may not change once set"))
        }
        return errs
    }

    static func validateUpgradeDowngradeIPFamilies(old: Service, new: Service) -> [FieldError] {
        if new.spec.type == ServiceType.externalName || old.spec.type == ServiceType.externalName { return [] }
        // Changing to or from headless, or staying headless, may change families.
        if isHeadless(old) || isHeadless(new) { return [] }
        var errs: [FieldError] = []
        let path = FieldPath("spec").child("ipFamilies").index(0)
        let oldF = old.spec.ipFamilies ?? [], newF = new.spec.ipFamilies ?? []
        if oldF.count == newF.count {
            for (i, f) in oldF.enumerated() where f != newF[i] {
                errs.append(FieldError(.invalid, path, GoValue.stringSlice(new.spec.ipFamilies, type: "[]core.IPFamily"), "may not change once set"))
            }
        } else if oldF.count > newF.count {
            if (new.spec.clusterIPs ?? []).isEmpty {
                errs.append(FieldError(.invalid, path, GoValue.stringSlice(new.spec.ipFamilies, type: "[]core.IPFamily"), "primary ipFamily can not be unset"))
            }
            if !newF.isEmpty, newF[0] != oldF[0] {
                errs.append(FieldError(.invalid, path, GoValue.stringSlice(new.spec.clusterIPs), "may not change once set"))
            }
            if newF.count == 1 && new.spec.ipFamilyPolicy != "SingleStack" {
                errs.append(FieldError(.invalid, FieldPath("spec").child("ipFamilyPolicy"), GoValue.optionalString(new.spec.ipFamilyPolicy),
                                       "must be set to 'SingleStack' when releasing the secondary ipFamily"))
            }
        } else if !oldF.isEmpty, !newF.isEmpty, newF[0] != oldF[0] {
            errs.append(FieldError(.invalid, path, GoValue.stringSlice(new.spec.clusterIPs), "may not change once set"))
        }
        return errs
    }
}
