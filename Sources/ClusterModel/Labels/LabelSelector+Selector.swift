extension Selector {
    /// `metav1.LabelSelectorAsSelector`: the structured selector of Deployments, ReplicaSets and
    /// the like. nil selects nothing (a workload without a selector owns no pods); an empty
    /// `LabelSelector{}` selects everything. `matchLabels` pairs become `=` requirements and
    /// `matchExpressions` use `In`, `NotIn`, `Exists`, `DoesNotExist`, validated as `NewRequirement`.
    public static func from(_ ls: LabelSelector?) throws(RequirementError) -> Selector {
        guard let ls else { return .nothing }
        let matchLabels = ls.matchLabels ?? [:]
        let expressions = ls.matchExpressions ?? []
        if matchLabels.isEmpty && expressions.isEmpty { return .everything }
        var requirements: [Requirement] = []
        for (key, value) in matchLabels.sorted(by: { Requirement.byteOrder($0.key, $1.key) }) {
            requirements.append(try Requirement(key: key, operator: .equals, values: [value]))
        }
        for expr in expressions {
            guard let op = labelSelectorOperators[expr.operator] else {
                throw RequirementError(errors: [.notSupported("operator", expr.operator,
                                                              ["DoesNotExist", "Exists", "In", "NotIn"])])
            }
            requirements.append(try Requirement(key: expr.key, operator: op, values: expr.values ?? []))
        }
        return Selector(requirements: requirements)
    }

    /// `metav1.LabelSelectorOperator` spellings; `Gt`/`Lt` exist only in the string form.
    static let labelSelectorOperators: [String: SelectionOperator] = [
        "In": .in, "NotIn": .notIn, "Exists": .exists, "DoesNotExist": .doesNotExist,
    ]
}
