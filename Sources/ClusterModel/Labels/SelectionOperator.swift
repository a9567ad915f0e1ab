/// The relation a `Requirement` imposes between a label key and its values. Raw values are
/// apimachinery's `selection.Operator` spellings, so requirements round-trip with Go tooling and
/// the conformance vectors without a translation table.
public enum SelectionOperator: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case equals = "="
    case doubleEquals = "=="
    case notEquals = "!="
    case `in` = "in"
    case notIn = "notin"
    case exists = "exists"
    case doesNotExist = "!"
    case greaterThan = "gt"
    case lessThan = "lt"

    /// The order apimachinery lists valid operators in its "Unsupported value" message
    /// (binary operators first, then unary), so our message reads the same.
    static let validRequirementOperators: [SelectionOperator] = [
        .in, .notIn, .equals, .doubleEquals, .notEquals, .greaterThan, .lessThan, .exists, .doesNotExist,
    ]

    /// The binary operators as the parser names them when it expected one.
    static let binaryOperators: [SelectionOperator] = [
        .in, .notIn, .equals, .doubleEquals, .notEquals, .greaterThan, .lessThan,
    ]

    public var description: String { rawValue }
}
