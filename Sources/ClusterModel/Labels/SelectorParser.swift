/// A port of apimachinery's label-selector parser (`labels.Parser`): the input is lexed in full,
/// then parsed by recursive descent with one token of lookahead. `in`/`notin` tokens count as
/// operators only where an operator is expected; everywhere else (keys and values) they are
/// plain identifiers, so `notin=in` and `a in (in,notin)` parse.
struct SelectorParser {
    /// Parse-time failure at a byte offset; converted to `SelectorParseError` at the API edge.
    struct Failure: Error {
        var message: String
        var utf8Offset: Int
        var fieldErrors: [FieldError] = []
    }

    enum Context { case keyAndOperator, values }

    private let items: [SelectorToken]
    private var position = 0

    init(_ input: String) {
        items = SelectorLexer.tokens(input)
    }

    /// Parses `input` into requirements in source order (the caller sorts them by key).
    static func parse(_ input: String) throws(SelectorParseError) -> [Requirement] {
        var parser = SelectorParser(input)
        do {
            return try parser.parse()
        } catch {
            let bytes = Array(input.utf8)
            let cut = min(max(error.utf8Offset, 0), bytes.count)
            let offset = String(decoding: bytes[..<cut], as: UTF8.self).count
            throw SelectorParseError(message: error.message, offset: offset, utf8Offset: cut,
                                     fieldErrors: error.fieldErrors)
        }
    }

    private static func adjusted(_ t: SelectorToken, _ context: Context) -> SelectorToken {
        guard context == .values, t.kind == .in || t.kind == .notIn else { return t }
        var t = t
        t.kind = .identifier
        return t
    }

    private func lookahead(_ context: Context) -> SelectorToken {
        Self.adjusted(items[min(position, items.count - 1)], context)
    }

    private mutating func consume(_ context: Context) -> SelectorToken {
        let t = lookahead(context)
        position += 1
        return t
    }

    private mutating func parse() throws(Failure) -> [Requirement] {
        var requirements: [Requirement] = []
        while true {
            let t = lookahead(.values)
            switch t.kind {
            case .identifier, .doesNotExist:
                do {
                    requirements.append(try parseRequirement())
                } catch {
                    throw Failure(message: "unable to parse requirement: \(error.message)",
                                  utf8Offset: error.utf8Offset, fieldErrors: error.fieldErrors)
                }
                let next = consume(.values)
                switch next.kind {
                case .endOfString:
                    return requirements
                case .comma:
                    let after = lookahead(.values)
                    if after.kind != .identifier && after.kind != .doesNotExist {
                        throw Failure(message: "found '\(after.literal)', expected: identifier after ','",
                                      utf8Offset: after.utf8Offset)
                    }
                default:
                    throw Failure(message: "found '\(next.literal)', expected: ',' or 'end of string'",
                                  utf8Offset: next.utf8Offset)
                }
            case .endOfString:
                return requirements
            default:
                throw Failure(message: "found '\(t.literal)', expected: !, identifier, or 'end of string'",
                              utf8Offset: t.utf8Offset)
            }
        }
    }

    private mutating func parseRequirement() throws(Failure) -> Requirement {
        let (key, keyToken, inferred) = try parseKeyAndInferOperator()
        if let inferred, inferred == .exists || inferred == .doesNotExist {
            return try newRequirement(key, keyToken, inferred, [], operatorOffset: keyToken.utf8Offset)
        }
        let opToken = lookahead(.keyAndOperator)
        let op = try parseOperator()
        let values: [(String, Int)]
        switch op {
        case .in, .notIn:
            values = try parseValues()
        default:
            values = try parseExactValue()
        }
        return try newRequirement(key, keyToken, op, values, operatorOffset: opToken.utf8Offset)
    }

    /// `NewRequirement` on the parsed pieces (values as the sorted set Go passes), pointing a
    /// validation failure at the key or value token responsible.
    private func newRequirement(_ key: String, _ keyToken: SelectorToken, _ op: SelectionOperator,
                                _ values: [(String, Int)], operatorOffset: Int) throws(Failure) -> Requirement {
        let set = Requirement.normalized(values.map(\.0))
        let errs = Requirement.validate(key: key, operator: op.rawValue, values: set)
        guard let first = errs.first else { return Requirement(unchecked: key, op, set) }
        var offset = operatorOffset
        if first.field == "key" {
            offset = keyToken.utf8Offset
        } else if first.field.hasPrefix("values["),
                  let close = first.field.firstIndex(of: "]"),
                  let i = Int(first.field[first.field.index(first.field.startIndex, offsetBy: 7)..<close]),
                  i < set.count,
                  let hit = values.first(where: { Requirement.sameBytes($0.0, set[i]) }) {
            offset = hit.1
        }
        throw Failure(message: RequirementError(errors: errs).description, utf8Offset: offset, fieldErrors: errs)
    }

    /// Reads `[!]KEY`; infers `exists` (or keeps `!`) when the key ends the requirement.
    private mutating func parseKeyAndInferOperator() throws(Failure) -> (String, SelectorToken, SelectionOperator?) {
        var op: SelectionOperator?
        var t = consume(.values)
        if t.kind == .doesNotExist {
            op = .doesNotExist
            t = consume(.values)
        }
        guard t.kind == .identifier else {
            throw Failure(message: "found '\(t.literal)', expected: identifier", utf8Offset: t.utf8Offset)
        }
        let keyErrs = Names.qualifiedName(t.literal)
        if !keyErrs.isEmpty {
            let err = FieldError.invalid("key", t.literal, keyErrs.joined(separator: "; "))
            throw Failure(message: err.description, utf8Offset: t.utf8Offset, fieldErrors: [err])
        }
        let next = lookahead(.values).kind
        if (next == .endOfString || next == .comma) && op != .doesNotExist {
            op = .exists
        }
        return (t.literal, t, op)
    }

    private mutating func parseOperator() throws(Failure) -> SelectionOperator {
        let t = consume(.keyAndOperator)
        switch t.kind {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default:
            let expected = SelectionOperator.binaryOperators.map(\.rawValue).joined(separator: ", ")
            throw Failure(message: "found '\(t.literal)', expected: \(expected)", utf8Offset: t.utf8Offset)
        }
    }

    /// `( [v] (, [v])* )`; empty elements mean the value "". Values carry their byte offsets.
    private mutating func parseValues() throws(Failure) -> [(String, Int)] {
        let open = consume(.values)
        guard open.kind == .openPar else {
            throw Failure(message: "found '\(open.literal)' expected: '('", utf8Offset: open.utf8Offset)
        }
        let t = lookahead(.values)
        switch t.kind {
        case .identifier, .comma:
            let list = try parseIdentifiersList()
            let close = consume(.values)
            guard close.kind == .closedPar else {
                throw Failure(message: "found '\(t.literal)', expected: ')'", utf8Offset: close.utf8Offset)
            }
            return list
        case .closedPar:
            _ = consume(.values)
            return [("", t.utf8Offset)]
        default:
            throw Failure(message: "found '\(t.literal)', expected: ',', ')' or identifier", utf8Offset: t.utf8Offset)
        }
    }

    private mutating func parseIdentifiersList() throws(Failure) -> [(String, Int)] {
        var list: [(String, Int)] = []
        while true {
            let t = consume(.values)
            switch t.kind {
            case .identifier:
                list.append((t.literal, t.utf8Offset))
                let next = lookahead(.values)
                switch next.kind {
                case .comma: continue
                case .closedPar: return list
                default:
                    throw Failure(message: "found '\(next.literal)', expected: ',' or ')'", utf8Offset: next.utf8Offset)
                }
            case .comma:
                // An empty element before this comma ("(," or ",,") or after it (",)") is "".
                if list.isEmpty { list.append(("", t.utf8Offset)) }
                let next = lookahead(.values)
                if next.kind == .closedPar {
                    list.append(("", next.utf8Offset))
                    return list
                }
                if next.kind == .comma { list.append(("", next.utf8Offset)) }
            default:
                throw Failure(message: "found '\(t.literal)', expected: ',', or identifier", utf8Offset: t.utf8Offset)
            }
        }
    }

    /// The single value after `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end means "".
    private mutating func parseExactValue() throws(Failure) -> [(String, Int)] {
        let t = lookahead(.values)
        if t.kind == .endOfString || t.kind == .comma {
            return [("", t.utf8Offset)]
        }
        _ = consume(.values)
        guard t.kind == .identifier else {
            throw Failure(message: "found '\(t.literal)', expected: identifier", utf8Offset: t.utf8Offset)
        }
        return [(t.literal, t.utf8Offset)]
    }
}
