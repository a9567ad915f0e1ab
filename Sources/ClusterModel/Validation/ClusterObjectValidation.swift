/// Node, Namespace and Event: object meta plus the few spec rules Switchboard's objects have.
extension Validation {
    /// `ValidateNode`: DNS-1123 subdomain name, cluster-scoped; podCIDRs one per IP family.
    public static func validateNode(_ node: Node) -> [FieldError] {
        var errs = validateObjectMeta(node.metadata, namespaced: false, name: nameIsDNSSubdomain)
        let cidrs = node.spec?.podCIDRs ?? []
        let path = FieldPath("spec").child("podCIDRs")
        for (i, cidr) in cidrs.enumerated() { errs += validCIDR(cidr, path.index(i)) }
        if cidrs.count > 1 {
            let parsed = cidrs.compactMap { IPAddress.parseCIDR($0)?.ip }
            let dual = parsed.count == cidrs.count && parsed.contains(where: \.isIPv4) && parsed.contains(where: \.isIPv6)
            if !dual || cidrs.count > 2 {
                errs.append(FieldError(.invalid, path, GoValue.stringSlice(cidrs), "may specify no more than one CIDR for each IP family"))
            }
            var seen = Set<String>()
            for (i, cidr) in cidrs.enumerated() where !seen.insert(cidr).inserted {
                errs.append(.duplicate(path.index(i), cidr))
            }
        }
        return errs
    }

    /// `ValidateNamespace`: the name is a DNS-1123 label because it becomes part of DNS names.
    public static func validateNamespace(_ namespace: Namespace) -> [FieldError] {
        validateObjectMeta(namespace.metadata, namespaced: false, name: nameIsDNSLabel)
    }

    /// Event: object meta, and a namespaced involved object must live in the event's namespace.
    public static func validateEvent(_ event: Event) -> [FieldError] {
        var errs = validateObjectMeta(event.metadata, namespaced: true, name: nameIsDNSSubdomain)
        if let ns = event.involvedObject.namespace, !ns.isEmpty, ns != event.namespace {
            errs.append(.invalid(FieldPath("involvedObject").child("namespace"), ns, "does not match event.namespace"))
        }
        return errs
    }
}
