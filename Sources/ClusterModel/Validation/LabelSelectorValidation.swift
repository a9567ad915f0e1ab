/// metav1 `ValidateLabelSelector`. Matching is the Selector's job; this checks only shape.
extension Validation {
    /// metav1 `ValidateLabelSelector`: operators In/NotIn need values, Exists/DoesNotExist must
    /// have none; keys and values follow the label grammars.
    public static func validateLabelSelector(_ selector: LabelSelector?, at path: FieldPath) -> [FieldError] {
        guard let selector else { return [] }
        var errs = labels(selector.matchLabels, path.child("matchLabels"))
        for (i, req) in (selector.matchExpressions ?? []).enumerated() {
            errs += validateLabelSelectorRequirement(req, at: path.child("matchExpressions").index(i))
        }
        return errs
    }

    static func validateLabelSelectorRequirement(_ req: LabelSelectorRequirement, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        let values = req.values ?? []
        switch req.operator {
        case "In", "NotIn":
            if values.isEmpty {
                errs.append(.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
            }
        case "Exists", "DoesNotExist":
            if !values.isEmpty {
                errs.append(.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
            }
        default:
            errs.append(.invalid(path.child("operator"), req.operator, "not a valid selector operator"))
        }
        errs += Names.qualifiedName(req.key).map { .invalid(path.child("key"), req.key, $0) }
        // Values are label values (AllowInvalidLabelValueInSelector is false for new objects).
        for (i, v) in values.enumerated() {
            errs += Names.labelValue(v).map { .invalid(path.child("values").index(i), v, $0) }
        }
        return errs
    }
}
