/// k/k `ValidatePodCreate` / `ValidatePodSpec`, limited to the fields Switchboard models.
/// Input is post-defaulting (restartPolicy, dnsPolicy, imagePullPolicy, protocols are set).
extension Validation {
    static let maxDNSNameservers = 3
    static let maxDNSSearchPaths = 32
    static let maxDNSSearchListChars = 2048

    /// `ValidatePodCreate` for the modelled fields: a Pod whose ports or names are invalid would
    /// break named targetPort resolution and DNS, so it is rejected up front.
    public static func validatePod(_ pod: Pod) -> [FieldError] {
        validateObjectMeta(pod.metadata, namespaced: true, name: nameIsDNSSubdomain)
            + validatePodSpec(pod.spec, at: "spec")
    }

    /// `ValidatePodSpec`: containers and the pod-level fields that affect networking and DNS.
    public static func validatePodSpec(_ spec: PodSpec, at path: FieldPath) -> [FieldError] {
        var errs = validateContainers(spec.containers, at: path.child("containers"))
        errs += validateInitContainers(spec.initContainers ?? [], others: spec.containers, at: path.child("initContainers"))
        var hostPorts = Set<String>()
        errs += accumulateUniqueHostPorts(spec.containers, &hostPorts, path.child("containers"))
        errs += accumulateUniqueHostPorts(spec.initContainers ?? [], &hostPorts, path.child("initContainers"))

        errs += validateRestartPolicy(spec.restartPolicy ?? "", path.child("restartPolicy"))
        errs += validateDNSPolicy(spec.dnsPolicy ?? "", path.child("dnsPolicy"))
        errs += validatePodDNSConfig(spec.dnsConfig, dnsPolicy: spec.dnsPolicy ?? "", at: path.child("dnsConfig"))
        errs += labels(spec.nodeSelector, path.child("nodeSelector"))
        if let nodeName = spec.nodeName, !nodeName.isEmpty {
            errs += nameIsDNSSubdomain(nodeName, false).map { .invalid(path.child("nodeName"), nodeName, $0) }
        }
        if let sa = spec.serviceAccountName, !sa.isEmpty {
            errs += nameIsDNSSubdomain(sa, false).map { .invalid(path.child("serviceAccountName"), sa, $0) }
        }
        if let hostname = spec.hostname, !hostname.isEmpty { errs += dns1123Label(hostname, path.child("hostname")) }
        if let subdomain = spec.subdomain, !subdomain.isEmpty { errs += dns1123Label(subdomain, path.child("subdomain")) }
        return errs
    }

    static func validateRestartPolicy(_ policy: String, _ path: FieldPath) -> [FieldError] {
        switch policy {
        case "Always", "OnFailure", "Never": []
        case "": [.required(path)]
        default: [.notSupported(path, policy, ["Always", "OnFailure", "Never"])]
        }
    }

    static func validateDNSPolicy(_ policy: String, _ path: FieldPath) -> [FieldError] {
        let valid = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
        if policy.isEmpty { return [.required(path)] }
        return valid.contains(policy) ? [] : [.notSupported(path, policy, valid)]
    }

    /// `validatePodDNSConfig`: `dnsPolicy: None` needs at least one nameserver; resolver limits
    /// (3 nameservers, 32 search paths, 2048 characters) are enforced as the kubelet needs them.
    static func validatePodDNSConfig(_ config: PodDNSConfig?, dnsPolicy: String, at path: FieldPath) -> [FieldError] {
        if dnsPolicy == "None" {
            guard let config else { return [.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")] }
            if (config.nameservers ?? []).isEmpty {
                return [.required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")]
            }
        }
        guard let config else { return [] }
        var errs: [FieldError] = []
        let nameservers = config.nameservers ?? [], searches = config.searches ?? []
        if nameservers.count > maxDNSNameservers {
            errs.append(FieldError(.invalid, path.child("nameservers"), GoValue.stringSlice(nameservers),
                                   "must not have more than \(maxDNSNameservers) nameservers"))
        }
        for (i, ns) in nameservers.enumerated() { errs += validIP(ns, path.child("nameservers").index(i)) }
        if searches.count > maxDNSSearchPaths {
            errs.append(FieldError(.invalid, path.child("searches"), GoValue.stringSlice(searches),
                                   "must not have more than \(maxDNSSearchPaths) search paths"))
        }
        if searches.joined(separator: " ").utf8.count > maxDNSSearchListChars {
            errs.append(FieldError(.invalid, path.child("searches"), GoValue.stringSlice(searches),
                                   "must not have more than \(maxDNSSearchListChars) characters (including spaces) in the search list"))
        }
        for (i, search) in searches.enumerated() {
            // A trailing dot (fully qualified) is fine.
            errs += dns1123Subdomain(search.hasSuffix(".") ? String(search.dropLast()) : search, path.child("searches").index(i))
        }
        for (i, option) in (config.options ?? []).enumerated() where (option.name ?? "").isEmpty {
            errs.append(.required(path.child("options").index(i), "Option.Name must not be empty"))
        }
        return errs
    }

    /// `AccumulateUniqueHostPorts`: a (protocol, hostIP, hostPort) can be bound once per pod.
    static func accumulateUniqueHostPorts(_ containers: [Container], _ seen: inout Set<String>,
                                          _ path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        for (ci, c) in containers.enumerated() {
            for (pi, p) in (c.ports ?? []).enumerated() {
                guard let hp = p.hostPort, hp != 0 else { continue }
                let key = "\(p.protocol ?? "")/\(p.hostIP ?? "")/\(hp)"
                if !seen.insert(key).inserted {
                    errs.append(.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key))
                }
            }
        }
        return errs
    }

    /// `ValidatePodUpdate`, reduced to our fields: only images may change, and `nodeName` may be
    /// set once (what the binding subresource does for the scheduler).
    public static func validatePodUpdate(new: Pod, old: Pod) -> [FieldError] {
        var errs = validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
        var masked = old.spec
        if masked.containers.count == new.spec.containers.count {
            for i in masked.containers.indices { masked.containers[i].image = new.spec.containers[i].image }
        }
        if var inits = masked.initContainers, inits.count == (new.spec.initContainers ?? []).count {
            for i in inits.indices { inits[i].image = new.spec.initContainers?[i].image }
            masked.initContainers = inits
        }
        if (masked.nodeName ?? "").isEmpty { masked.nodeName = new.spec.nodeName }
        if masked != new.spec {
            errs.append(.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"))
        }
        return errs + validatePod(new)
    }
}
