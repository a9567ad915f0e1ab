/// apimachinery `ValidateObjectMeta` / `ValidateObjectMetaUpdate` and the per-kind name rules.
extension Validation {
    /// A name grammar as the API server applies it: `prefix` is true for `generateName`, whose
    /// trailing dash is allowed because a random suffix follows.
    public typealias NameValidator = @Sendable (_ name: String, _ prefix: Bool) -> [String]

    /// `NameIsDNSSubdomain`: Pods, Secrets, Ingresses, Deployments, Endpoints, EndpointSlices, Nodes.
    public static let nameIsDNSSubdomain: NameValidator = { name, prefix in
        Names.dns1123Subdomain(prefix ? maskTrailingDash(name) : name)
    }

    /// `NameIsDNSLabel`: Namespaces.
    public static let nameIsDNSLabel: NameValidator = { name, prefix in
        Names.dns1123Label(prefix ? maskTrailingDash(name) : name)
    }

    /// `NameIsDNS1035Label`: Services, whose names become DNS labels and env var prefixes.
    public static let nameIsDNS1035Label: NameValidator = { name, prefix in
        Names.dns1035Label(prefix ? maskTrailingDash(name) : name)
    }

    /// A generated name gets a suffix, so a trailing '-' in the prefix is fine.
    static func maskTrailingDash(_ name: String) -> String {
        guard name.utf8.count > 1, name.hasSuffix("-") else { return name }
        return String(name.dropLast(2)) + "a"
    }

    /// The name grammar the API server uses for each of our kinds.
    public static func nameValidator(for resource: ResourceKind) -> NameValidator {
        switch resource {
        case .services: nameIsDNS1035Label
        case .namespaces: nameIsDNSLabel
        default: nameIsDNSSubdomain
        }
    }

    /// `ValidateObjectMeta`. An empty namespace on a namespaced kind is an error here, as in the
    /// API server; the manifest loader fills in "default" before objects get this far.
    public static func validateObjectMeta(_ meta: ObjectMeta, namespaced: Bool, name nameFn: NameValidator,
                                          at path: FieldPath = "metadata") -> [FieldError] {
        var errs: [FieldError] = []
        if let gen = meta.generateName, !gen.isEmpty {
            errs += nameFn(gen, true).map { .invalid(path.child("generateName"), gen, $0) }
        }
        let name = meta.name ?? ""
        if name.isEmpty {
            errs.append(.required(path.child("name"), "name or generateName is required"))
        } else {
            errs += nameFn(name, false).map { .invalid(path.child("name"), name, $0) }
        }
        let ns = meta.namespace ?? ""
        if namespaced {
            if ns.isEmpty {
                errs.append(.required(path.child("namespace")))
            } else {
                errs += nameIsDNSLabel(ns, false).map { .invalid(path.child("namespace"), ns, $0) }
            }
        } else if !ns.isEmpty {
            errs.append(.forbidden(path.child("namespace"), "not allowed on this type"))
        }
        if let g = meta.generation { errs += nonnegative(g, path.child("generation")) }
        errs += labels(meta.labels, path.child("labels"))
        errs += annotations(meta.annotations, path.child("annotations"))
        errs += ownerReferences(meta.ownerReferences, path.child("ownerReferences"))
        errs += finalizers(meta.finalizers, path.child("finalizers"))
        return errs
    }

    static func ownerReferences(_ refs: [OwnerReference]?, _ path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        var controllers: [String] = []
        for ref in refs ?? [] {
            if ref.apiVersion.isEmpty { errs.append(.invalid(path.child("apiVersion"), ref.apiVersion, "version must not be empty")) }
            if ref.kind.isEmpty { errs.append(.invalid(path.child("kind"), ref.kind, "kind must not be empty")) }
            if ref.name.isEmpty { errs.append(.invalid(path.child("name"), ref.name, "name must not be empty")) }
            if ref.uid.isEmpty { errs.append(.invalid(path.child("uid"), ref.uid, "uid must not be empty")) }
            if ref.controller == true { controllers.append(ref.name) }
        }
        if controllers.count > 1 {
            errs.append(.invalid(path, "", "Only one reference can have Controller set to true. Found \"true\" in references for \(controllers.joined(separator: " and "))"))
        }
        return errs
    }

    static func finalizers(_ finalizers: [String]?, _ path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        for f in finalizers ?? [] {
            errs += Names.qualifiedName(f).map { .invalid(path, f, $0) }
        }
        return errs
    }

    /// `ValidateObjectMetaUpdate`. The system fields `uid`, `creationTimestamp` and `generation`
    /// are compared only when the new object carries them: the registry copies them from the
    /// stored object before validating (`rest.BeforeUpdate`). `resourceVersion` preconditions
    /// are the store's concern.
    public static func validateObjectMetaUpdate(new: ObjectMeta, old: ObjectMeta,
                                                at path: FieldPath = "metadata") -> [FieldError] {
        var errs: [FieldError] = []
        errs += immutable(new.name ?? "", old.name ?? "", path.child("name"))
        errs += immutable(new.namespace ?? "", old.namespace ?? "", path.child("namespace"))
        if let uid = new.uid, !uid.isEmpty { errs += immutable(uid, old.uid ?? "", path.child("uid")) }
        if let ts = new.creationTimestamp, !ts.isEmpty, let oldTS = old.creationTimestamp, !oldTS.isEmpty {
            errs += immutable(ts, oldTS, path.child("creationTimestamp"))
        }
        if let g = new.generation, let og = old.generation, g < og {
            errs.append(.invalid(path.child("generation"), g, "must not be decremented"))
        }
        if let oldDel = old.deletionTimestamp, let newDel = new.deletionTimestamp, oldDel != newDel {
            errs += immutable(newDel, oldDel, path.child("deletionTimestamp"))
        }
        return errs
    }
}
