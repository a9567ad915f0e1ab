/// apps `ValidateDeployment` / `ValidateDeploymentUpdate`.
extension Validation {
    /// A Deployment whose selector does not select its own template would create pods it can
    /// never count, so the API server rejects it; so do we.
    public static func validateDeployment(_ deployment: Deployment) -> [FieldError] {
        validateObjectMeta(deployment.metadata, namespaced: true, name: nameIsDNSSubdomain)
            + validateDeploymentSpec(deployment.spec, at: "spec")
    }

    static func validateDeploymentSpec(_ spec: DeploymentSpec, at path: FieldPath) -> [FieldError] {
        var errs = nonnegative(spec.replicas ?? 0, path.child("replicas"))
        let selectorPath = path.child("selector")
        if let selector = spec.selector {
            errs += validateLabelSelector(selector, at: selectorPath)
            if (selector.matchLabels ?? [:]).isEmpty && (selector.matchExpressions ?? []).isEmpty {
                errs.append(FieldError(.invalid, selectorPath, GoValue.labelSelector(selector), "empty selector is invalid for deployment"))
            }
        } else {
            errs.append(.required(selectorPath))
        }
        errs += validatePodTemplateSpecForReplicaSet(spec.template, selector: spec.selector, at: path.child("template"))
        errs += validateDeploymentStrategy(spec.strategy, at: path.child("strategy"))
        errs += nonnegative(spec.minReadySeconds ?? 0, path.child("minReadySeconds"))
        if let limit = spec.revisionHistoryLimit { errs += nonnegative(limit, path.child("revisionHistoryLimit")) }
        if let deadline = spec.progressDeadlineSeconds {
            errs += nonnegative(deadline, path.child("progressDeadlineSeconds"))
            if deadline <= spec.minReadySeconds ?? 0 {
                errs.append(.invalid(path.child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"))
            }
        }
        return errs
    }

    /// `ValidatePodTemplateSpecForReplicaSet`. The selector must select the template's labels.
    /// Only `matchLabels` is checked here: evaluating `matchExpressions` needs the label
    /// Selector engine, which another part of ClusterModel owns.
    static func validatePodTemplateSpecForReplicaSet(_ template: PodTemplateSpec, selector: LabelSelector?,
                                                    at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        let templateLabels = template.metadata?.labels ?? [:]
        let matchLabels = selector?.matchLabels ?? [:]
        if !matchLabels.isEmpty && !matchLabels.allSatisfy({ templateLabels[$0.key] == $0.value }) {
            errs.append(FieldError(.invalid, path.child("metadata").child("labels"), GoValue.stringMap(template.metadata?.labels),
                                   "`selector` does not match template `labels`"))
        }
        errs += labels(template.metadata?.labels, path.child("metadata").child("labels"))
        errs += annotations(template.metadata?.annotations, path.child("metadata").child("annotations"))
        errs += validatePodSpec(template.spec, at: path.child("spec"))
        let rp = template.spec.restartPolicy ?? ""
        if rp != "Always" {
            errs.append(.notSupported(path.child("spec").child("restartPolicy"), rp, ["Always"]))
        }
        return errs
    }

    /// `ValidateDeploymentStrategy` on the untyped strategy object.
    static func validateDeploymentStrategy(_ strategy: JSONValue?, at path: FieldPath) -> [FieldError] {
        guard let strategy else { return [] }
        let type = strategy["type"]?.stringValue ?? ""
        let rolling = strategy["rollingUpdate"].flatMap { $0 == .null ? nil : $0 }
        switch type {
        case "Recreate":
            return rolling == nil ? [] : [.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")]
        case "RollingUpdate":
            guard let rolling else { return [.required(path.child("rollingUpdate"), "this should be defaulted and never be nil")] }
            let rp = path.child("rollingUpdate")
            var errs = intOrPercent(rolling["maxUnavailable"], rp.child("maxUnavailable"))
                + intOrPercent(rolling["maxSurge"], rp.child("maxSurge"))
            if intOrPercentValue(rolling["maxUnavailable"]) == 0 && intOrPercentValue(rolling["maxSurge"]) == 0 {
                errs.append(FieldError(.invalid, rp.child("maxUnavailable"), render(rolling["maxUnavailable"]),
                                       "may not be 0 when `maxSurge` is 0"))
            }
            if case .string(let s) = rolling["maxUnavailable"], s.hasSuffix("%"), let n = Int(s.dropLast()), n > 100 {
                errs.append(.invalid(rp.child("maxUnavailable"), s, "must not be greater than 100%"))
            }
            return errs
        default:
            return [.notSupported(path, type, ["Recreate", "RollingUpdate"])]
        }
    }

    private static func render(_ v: JSONValue?) -> String {
        switch v {
        case .int(let i): String(i)
        case .string(let s): FieldError.quote(s)
        default: "null"
        }
    }

    private static func intOrPercentValue(_ v: JSONValue?) -> Int? {
        switch v {
        case .int(let i): i
        case .string(let s) where s.hasSuffix("%"): Int(s.dropLast())
        default: nil
        }
    }

    /// `ValidatePositiveIntOrPercent`.
    private static func intOrPercent(_ v: JSONValue?, _ path: FieldPath) -> [FieldError] {
        switch v {
        case .int(let i): return nonnegative(i, path)
        case .string(let s):
            let digits = s.dropLast()
            if !(s.hasSuffix("%") && !digits.isEmpty && digits.allSatisfy(\.isNumber)) {
                return [.invalid(path, s, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
            }
            return []
        default: return []
        }
    }

    /// `ValidateDeploymentUpdate`: in apps/v1 the selector is immutable.
    public static func validateDeploymentUpdate(new: Deployment, old: Deployment) -> [FieldError] {
        var errs = validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
        if new.spec.selector != old.spec.selector {
            errs.append(FieldError(.invalid, FieldPath("spec").child("selector"), GoValue.labelSelector(new.spec.selector),
                                   fieldImmutableErrorMsg))
        }
        return errs + validateDeployment(new)
    }
}
