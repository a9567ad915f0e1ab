/// k/k `pkg/apis/networking/validation/validation.go`: Ingress and IngressClass.
extension Validation {
    static let supportedPathTypes = ["Exact", "ImplementationSpecific", "Prefix"]
    static let invalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"]
    static let invalidPathSuffixes = ["/..", "/."]
    static let annotationIngressClass = "kubernetes.io/ingress.class"
    static let maxLenIngressClassController = 250

    /// Relaxations the API server grants on update so that objects stored under older rules
    /// stay writable (`IngressValidationOptions`).
    struct IngressValidationOptions {
        var allowInvalidSecretName = false
        var allowInvalidWildcardHostRule = false
    }

    /// `ValidateIngressCreate`: object meta, spec, and the deprecated class annotation agreeing
    /// with `ingressClassName`.
    public static func validateIngress(_ ingress: Ingress) -> [FieldError] {
        var errs = validateIngress(ingress, IngressValidationOptions())
        if let annotation = ingress.metadata.annotations?[annotationIngressClass],
           let className = ingress.spec?.ingressClassName, annotation != className {
            // Upstream builds this path without "metadata." and with a dotted key.
            errs.append(.invalid(FieldPath("annotations").child(annotationIngressClass), annotation,
                                 "must match `ingressClassName` when both are specified"))
        }
        return errs
    }

    /// `ValidateIngressUpdate`: like create, but tolerating invalid TLS secret names and invalid
    /// wildcard-host rules that the stored object already had.
    public static func validateIngressUpdate(new: Ingress, old: Ingress) -> [FieldError] {
        var opts = IngressValidationOptions()
        opts.allowInvalidSecretName = (old.spec?.tls ?? []).contains { !tlsSecretNameErrors($0.secretName).isEmpty }
        opts.allowInvalidWildcardHostRule = (old.spec?.rules ?? []).contains { rule in
            (rule.host ?? "").contains("*") && !validateIngressRuleValue(rule.http, "", IngressValidationOptions()).isEmpty
        }
        return validateObjectMetaUpdate(new: new.metadata, old: old.metadata) + validateIngress(new, opts)
    }

    static func validateIngress(_ ingress: Ingress, _ opts: IngressValidationOptions) -> [FieldError] {
        validateObjectMeta(ingress.metadata, namespaced: true, name: nameIsDNSSubdomain)
            + validateIngressSpec(ingress.spec ?? IngressSpec(), at: "spec", opts)
    }

    static func validateIngressSpec(_ spec: IngressSpec, at path: FieldPath, _ opts: IngressValidationOptions) -> [FieldError] {
        var errs: [FieldError] = []
        let rules = spec.rules ?? []
        if rules.isEmpty && spec.defaultBackend == nil {
            errs.append(FieldError(.invalid, path, spec.rules == nil ? "[]networking.IngressRule(nil)" : "[]networking.IngressRule{}",
                                   "either `defaultBackend` or `rules` must be specified"))
        }
        if let backend = spec.defaultBackend { errs += validateIngressBackend(backend, at: path.child("defaultBackend")) }
        if !rules.isEmpty { errs += validateIngressRules(rules, at: path.child("rules"), opts) }
        for (t, tls) in (spec.tls ?? []).enumerated() {
            for (i, host) in (tls.hosts ?? []).enumerated() {
                let hostPath = path.child("tls").index(t).child("hosts").index(i)
                let msgs = host.contains("*") ? Names.wildcardDNS1123Subdomain(host) : Names.dns1123Subdomain(host)
                errs += msgs.map { .invalid(hostPath, host, $0) }
            }
            if !opts.allowInvalidSecretName {
                errs += tlsSecretNameErrors(tls.secretName).map {
                    .invalid(path.child("tls").index(t).child("secretName"), tls.secretName ?? "", $0)
                }
            }
        }
        if let className = spec.ingressClassName {
            errs += nameIsDNSSubdomain(className, false).map { .invalid(path.child("ingressClassName"), className, $0) }
        }
        return errs
    }

    static func tlsSecretNameErrors(_ name: String?) -> [String] {
        guard let name, !name.isEmpty else { return [] }
        return nameIsDNSSubdomain(name, false)
    }

    static func validateIngressRules(_ rules: [IngressRule], at path: FieldPath, _ opts: IngressValidationOptions) -> [FieldError] {
        var errs: [FieldError] = []
        for (i, rule) in rules.enumerated() {
            var wildcard = false
            let host = rule.host ?? ""
            let hostPath = path.index(i).child("host")
            if !host.isEmpty {
                if IPAddress.parse(host) != nil {
                    errs.append(.invalid(hostPath, host, "must be a DNS name, not an IP address"))
                }
                if host.contains("*") {
                    errs += Names.wildcardDNS1123Subdomain(host).map { .invalid(hostPath, host, $0) }
                    wildcard = true
                } else {
                    errs += Names.dns1123Subdomain(host).map { .invalid(hostPath, host, $0) }
                }
            }
            if !wildcard || !opts.allowInvalidWildcardHostRule {
                errs += validateIngressRuleValue(rule.http, path.index(i), opts)
            }
        }
        return errs
    }

    static func validateIngressRuleValue(_ http: HTTPIngressRuleValue?, _ path: FieldPath,
                                         _ opts: IngressValidationOptions) -> [FieldError] {
        guard let http else { return [] }
        let pathsPath = path.child("http").child("paths")
        var errs: [FieldError] = http.paths.isEmpty ? [.required(pathsPath)] : []
        for (i, p) in http.paths.enumerated() { errs += validateIngressPath(p, at: pathsPath.index(i)) }
        return errs
    }

    /// `validateHTTPIngressPath`: Exact and Prefix paths must be clean absolute paths;
    /// ImplementationSpecific paths (often regexes) need only start with '/' when set.
    public static func validateIngressPath(_ path: HTTPIngressPath, at fieldPath: FieldPath) -> [FieldError] {
        guard let pathType = path.pathType else {
            return [.required(fieldPath.child("pathType"), "pathType must be specified")]
        }
        var errs: [FieldError] = []
        let value = path.path ?? ""
        let valuePath = fieldPath.child("path")
        switch pathType {
        case "Exact", "Prefix":
            if !value.hasPrefix("/") { errs.append(.invalid(valuePath, value, "must be an absolute path")) }
            if !value.isEmpty {
                for seq in invalidPathSequences where value.contains(seq) {
                    errs.append(.invalid(valuePath, value, "must not contain '\(seq)'"))
                }
                for suffix in invalidPathSuffixes where value.hasSuffix(suffix) {
                    errs.append(.invalid(valuePath, value, "cannot end with '\(suffix)'"))
                }
            }
        case "ImplementationSpecific":
            if !value.isEmpty && !value.hasPrefix("/") {
                errs.append(.invalid(valuePath, value, "must be an absolute path"))
            }
        default:
            errs.append(.notSupported(fieldPath.child("pathType"), pathType, supportedPathTypes))
        }
        return errs + validateIngressBackend(path.backend, at: fieldPath.child("backend"))
    }

    /// `validateIngressBackend`: exactly one of service or resource; a service backend names a
    /// DNS-1035 service and exactly one of port name (IANA) or number.
    public static func validateIngressBackend(_ backend: IngressBackend, at path: FieldPath) -> [FieldError] {
        switch (backend.service, backend.resource) {
        case (.some, .some):
            return [.invalid(path, "", "cannot set both resource and service backends")]
        case (nil, .some(let resource)):
            return validateTypedLocalObjectReference(resource, at: path.child("resource"))
        case (.some(let service), nil):
            var errs: [FieldError] = []
            let namePath = path.child("service").child("name")
            if service.name.isEmpty {
                errs.append(.required(namePath))
            } else {
                errs += nameIsDNS1035Label(service.name, false).map { .invalid(namePath, service.name, $0) }
            }
            let portName = service.port?.name ?? "", portNumber = service.port?.number ?? 0
            let portPath = path.child("service").child("port")
            if !portName.isEmpty && portNumber != 0 {
                errs.append(.invalid(path, "", "cannot set both port name & port number"))
            } else if !portName.isEmpty {
                errs += Names.portName(portName).map { .invalid(portPath.child("name"), portName, $0) }
            } else if portNumber != 0 {
                errs += Names.portNumber(portNumber).map { .invalid(portPath.child("number"), portNumber, $0) }
            } else {
                errs.append(.required(path, "port name or number is required"))
            }
            return errs
        case (nil, nil):
            return [.invalid(path, "", "resource or service backend is required")]
        }
    }

    static func validateTypedLocalObjectReference(_ ref: TypedLocalObjectReference, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        if let group = ref.apiGroup { errs += dns1123Subdomain(group, path.child("apiGroup")) }
        for (field, value) in [("kind", ref.kind), ("name", ref.name)] {
            if value.isEmpty {
                errs.append(.required(path.child(field)))
            } else {
                errs += pathSegmentNameErrors(value).map { .invalid(path.child(field), value, $0) }
            }
        }
        return errs
    }

    /// `IsPathSegmentName`: the value ends up in a URL path.
    static func pathSegmentNameErrors(_ name: String) -> [String] {
        if name == "." || name == ".." { return ["may not be '\(name)'"] }
        var errs: [String] = []
        for illegal in ["/", "%"] where name.contains(illegal) { errs.append("may not contain '\(illegal)'") }
        return errs
    }

    /// `ValidateIngressClass`: cluster-scoped, DNS-1123 subdomain name, controller required and
    /// a domain-prefixed path.
    public static func validateIngressClass(_ ingressClass: IngressClass) -> [FieldError] {
        var errs = validateObjectMeta(ingressClass.metadata, namespaced: false, name: nameIsDNSSubdomain)
        let path = FieldPath("spec").child("controller")
        let controller = ingressClass.spec?.controller ?? ""
        if controller.isEmpty {
            errs.append(.required(path))
        } else {
            if controller.utf8.count > maxLenIngressClassController { errs.append(.tooLong(path, maxLenIngressClassController)) }
            errs += domainPrefixedPath(controller, path)
        }
        return errs
    }

    /// `IsDomainPrefixedPath`: `example.com/path`.
    static func domainPrefixedPath(_ value: String, _ path: FieldPath) -> [FieldError] {
        guard let slash = value.firstIndex(of: "/"), slash != value.startIndex,
              value.index(after: slash) != value.endIndex else {
            return [.invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")")]
        }
        let host = String(value[..<slash]), rest = String(value[value.index(after: slash)...])
        var errs = dns1123Subdomain(host, path)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~%!$&'()*+,;=:")
        if !rest.allSatisfy(allowed.contains) {
            errs.append(.invalid(path, rest, "must be a valid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"))
        }
        return errs
    }

    /// A class's controller is immutable: Ingresses bound to it must not change hands silently.
    public static func validateIngressClassUpdate(new: IngressClass, old: IngressClass) -> [FieldError] {
        validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
            + immutable(new.spec?.controller ?? "", old.spec?.controller ?? "", FieldPath("spec").child("controller"))
            + validateIngressClass(new)
    }
}
