/// Token kinds of apimachinery's label-selector lexer (`labels.Token`); raw values are the Go
/// names without the `Token` suffix, as the conformance vectors spell them.
public enum SelectorTokenKind: String, Hashable, Sendable {
    case error = "Error"
    case endOfString = "EndOfString"
    case closedPar = "ClosedPar"
    case comma = "Comma"
    case doesNotExist = "DoesNotExist"
    case doubleEquals = "DoubleEquals"
    case equals = "Equals"
    case greaterThan = "GreaterThan"
    case identifier = "Identifier"
    case `in` = "In"
    case lessThan = "LessThan"
    case notEquals = "NotEquals"
    case notIn = "NotIn"
    case openPar = "OpenPar"
}

/// One scanned token. `utf8Offset` is where it starts in the input, so parse errors (and a
/// selector editor's highlighting) can point at the exact spot.
public struct SelectorToken: Hashable, Sendable {
    public var kind: SelectorTokenKind
    /// The token's text; for `.error` the lexer's message, for `.endOfString` empty.
    public var literal: String
    public var utf8Offset: Int

    public init(kind: SelectorTokenKind, literal: String, utf8Offset: Int) {
        self.kind = kind
        self.literal = literal
        self.utf8Offset = utf8Offset
    }
}

/// The label-selector lexer, byte for byte as apimachinery's `labels.Lexer`: whitespace is space,
/// tab, `\r`, `\n`; `= ! ( ) , > <` are special and the longest known operator wins; every other
/// maximal run of bytes is an identifier, or the keyword `in`/`notin` (the parser decides by
/// position whether a keyword is really an operator). Like Go, a NUL byte reads as end of input.
public struct SelectorLexer: Sendable {
    private let bytes: [UInt8]
    private var pos = 0

    public init(_ input: String) {
        bytes = Array(input.utf8)
    }

    /// Literal tokens (everything but identifiers, end of string and errors).
    static let string2token: [String: SelectorTokenKind] = [
        ")": .closedPar, ",": .comma, "!": .doesNotExist, "==": .doubleEquals, "=": .equals,
        ">": .greaterThan, "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn, "(": .openPar,
    ]

    static func isWhitespace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }

    static func isSpecialSymbol(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    /// Go's `read`: the next byte, or 0 past the end (position still advances only in range).
    private mutating func read() -> UInt8 {
        guard pos < bytes.count else { return 0 }
        defer { pos += 1 }
        return bytes[pos]
    }

    private mutating func unread() { pos -= 1 }

    /// The next token. After `.endOfString` it keeps returning `.endOfString`.
    public mutating func lex() -> SelectorToken {
        var ch = read()
        while Self.isWhitespace(ch) { ch = read() }
        if ch == 0 { return SelectorToken(kind: .endOfString, literal: "", utf8Offset: min(pos, bytes.count)) }
        unread()
        return Self.isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIDOrKeyword()
    }

    /// Every token up to and including the first `.endOfString`.
    public static func tokens(_ input: String) -> [SelectorToken] {
        var lexer = SelectorLexer(input)
        var out: [SelectorToken] = []
        while true {
            let t = lexer.lex()
            out.append(t)
            if t.kind == .endOfString { return out }
        }
    }

    private mutating func scanIDOrKeyword() -> SelectorToken {
        let start = pos
        var buffer: [UInt8] = []
        while true {
            let ch = read()
            if ch == 0 { break }
            if Self.isSpecialSymbol(ch) || Self.isWhitespace(ch) {
                unread()
                break
            }
            buffer.append(ch)
        }
        let s = String(decoding: buffer, as: UTF8.self)
        return SelectorToken(kind: Self.string2token[s] ?? .identifier, literal: s, utf8Offset: start)
    }

    private mutating func scanSpecialSymbol() -> SelectorToken {
        let start = pos
        var buffer: [UInt8] = []
        var last: (SelectorTokenKind, String)?
        while true {
            let ch = read()
            if ch == 0 { break }
            guard Self.isSpecialSymbol(ch) else {
                unread()
                break
            }
            buffer.append(ch)
            let s = String(decoding: buffer, as: UTF8.self)
            if let kind = Self.string2token[s] {
                last = (kind, s)
            } else if last != nil {
                unread()
                break
            }
        }
        guard let (kind, literal) = last else {
            let found = String(decoding: buffer, as: UTF8.self)
            return SelectorToken(kind: .error, literal: "error expected: keyword found '\(found)'", utf8Offset: start)
        }
        return SelectorToken(kind: kind, literal: literal, utf8Offset: start)
    }
}
