/// One ANDed term of a label selector (apimachinery `labels.Requirement`): a key, an operator and
/// a value set. Values are held sorted (byte order, as Go's `sort.Strings`) and de-duplicated, so
/// two requirements that select the same thing compare and hash equal and print identically.
public struct Requirement: Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let `operator`: SelectionOperator
    /// Sorted, de-duplicated; empty for `exists` / `!`, one element for `=`, `==`, `!=`, `gt`, `lt`.
    public let values: [String]

    /// `NewRequirement`: validates the key as a label key, the value count for the operator, `gt`/`lt`
    /// values as int64 and every value as a label value; throws all problems at once, each naming
    /// its field (`key`, `values`, `values[i]`, `values[i][key]`) as the API server would.
    public init(key: String, operator op: SelectionOperator, values: [String] = []) throws(RequirementError) {
        let errs = Self.validate(key: key, operator: op.rawValue, values: values)
        guard errs.isEmpty else { throw RequirementError(errors: errs) }
        self.init(unchecked: key, op, values)
    }

    /// `NewRequirement` for an operator spelled as text (from a vector, a CLI flag or JSON): an
    /// unknown spelling is an `operator: Unsupported value` error alongside any other problems.
    public init(key: String, operator op: String, values: [String] = []) throws(RequirementError) {
        let errs = Self.validate(key: key, operator: op, values: values)
        guard errs.isEmpty, let parsed = SelectionOperator(rawValue: op) else { throw RequirementError(errors: errs) }
        self.init(unchecked: key, parsed, values)
    }

    /// No validation: `SelectorFromSet` builds requirements this way, trusting its caller.
    init(unchecked key: String, _ op: SelectionOperator, _ values: [String]) {
        self.key = key
        self.operator = op
        self.values = Self.normalized(values)
    }

    static func normalized(_ values: [String]) -> [String] {
        var out: [String] = []
        for v in values.sorted(by: Self.byteOrder) where out.last.map({ !Self.sameBytes($0, v) }) ?? true {
            out.append(v)
        }
        return out
    }

    /// Go compares strings as bytes; Swift's `<` uses Unicode ordering, which differs off ASCII.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
    static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// The checks of apimachinery's `NewRequirement`, in its order.
    static func validate(key: String, operator op: String, values: [String]) -> [FieldError] {
        var errs: [FieldError] = []
        let keyErrs = Names.qualifiedName(key)
        if !keyErrs.isEmpty { errs.append(.invalid("key", key, keyErrs.joined(separator: "; "))) }
        let valuesPath = FieldPath("values")
        let shown = goStringSlice(values)
        switch SelectionOperator(rawValue: op) {
        case .in?, .notIn?:
            if values.isEmpty {
                errs.append(FieldError(.invalid, valuesPath, shown, "for 'in', 'notin' operators, values set can't be empty"))
            }
        case .equals?, .doubleEquals?, .notEquals?:
            if values.count != 1 {
                errs.append(FieldError(.invalid, valuesPath, shown, "exact-match compatibility requires one single value"))
            }
        case .exists?, .doesNotExist?:
            if !values.isEmpty {
                errs.append(FieldError(.invalid, valuesPath, shown, "values set must be empty for exists and does not exist"))
            }
        case .greaterThan?, .lessThan?:
            if values.count != 1 {
                errs.append(FieldError(.invalid, valuesPath, shown, "for 'Gt', 'Lt' operators, exactly one value is required"))
            }
            for (i, v) in values.enumerated() where Int64(v) == nil {
                errs.append(.invalid(valuesPath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"))
            }
        case nil:
            errs.append(.notSupported("operator", op, SelectionOperator.validRequirementOperators.map(\.rawValue)))
        }
        for (i, v) in values.enumerated() {
            let valueErrs = Names.labelValue(v)
            if !valueErrs.isEmpty {
                errs.append(.invalid(valuesPath.index(i).key(key), v, valueErrs.joined(separator: "; ")))
            }
        }
        return errs
    }

    /// Go's `%#v` of a `[]string`, the way `field.Invalid` shows a whole value list.
    static func goStringSlice(_ values: [String]) -> String {
        "[]string{" + values.map(FieldError.quote).joined(separator: ", ") + "}"
    }

    /// apimachinery `Requirement.Matches`. Note the negative operators: `!=` and `notin` match an
    /// object that lacks the key altogether, which is what makes `env!=prod` select unlabelled pods.
    public func matches(_ labels: [String: String]) -> Bool {
        switch self.operator {
        case .in, .equals, .doubleEquals:
            guard let v = labels[key] else { return false }
            return values.contains(v)
        case .notIn, .notEquals:
            guard let v = labels[key] else { return true }
            return !values.contains(v)
        case .exists:
            return labels[key] != nil
        case .doesNotExist:
            return labels[key] == nil
        case .greaterThan, .lessThan:
            guard let raw = labels[key], let have = Int64(raw) else { return false }
            guard values.count == 1, let want = Int64(values[0]) else { return false }
            return self.operator == .greaterThan ? have > want : have < want
        }
    }

    /// apimachinery `Requirement.String()`: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
    /// `k notin (a,b)`, `k>n`, `k<n`. Parsing it back yields an equal requirement.
    public var description: String {
        switch self.operator {
        case .exists: return key
        case .doesNotExist: return "!" + key
        case .equals: return key + "=" + values.joined(separator: ",")
        case .doubleEquals: return key + "==" + values.joined(separator: ",")
        case .notEquals: return key + "!=" + values.joined(separator: ",")
        case .greaterThan: return key + ">" + values.joined(separator: ",")
        case .lessThan: return key + "<" + values.joined(separator: ",")
        case .in: return key + " in (" + values.joined(separator: ",") + ")"
        case .notIn: return key + " notin (" + values.joined(separator: ",") + ")"
        }
    }
}

/// Every problem `NewRequirement` found, as apimachinery's aggregated `field.ErrorList`.
public struct RequirementError: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(errors: [FieldError]) { self.errors = errors }

    /// Go's aggregate rendering: one error alone, several as `[a, b]`.
    public var description: String {
        errors.count == 1 ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
    }
}
