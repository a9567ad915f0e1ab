/// A validation error in apimachinery's `field.Error` shape, so messages read exactly as the API
/// server's: `spec.ports[1].name: Required value`.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case required = "Required value"
        case invalid = "Invalid value"
        case duplicate = "Duplicate value"
        case notSupported = "Unsupported value"
        case forbidden = "Forbidden"
        case tooLong = "Too long"
        case tooMany = "Too many"
        case notFound = "Not found"
        case `internal` = "Internal error"
    }

    public var kind: Kind
    /// Dotted path with indices: `spec.ports[0].targetPort`.
    public var field: String
    /// The offending value rendered as Go's `%#v` would for strings and numbers; nil when none is shown.
    public var badValue: String?
    public var detail: String

    public init(_ kind: Kind, _ field: FieldPath, _ badValue: String? = nil, _ detail: String = "") {
        self.kind = kind
        self.field = field.description
        self.badValue = badValue
        self.detail = detail
    }

    public static func required(_ f: FieldPath, _ detail: String = "") -> FieldError { .init(.required, f, nil, detail) }
    public static func invalid(_ f: FieldPath, _ value: String, _ detail: String) -> FieldError {
        .init(.invalid, f, quote(value), detail)
    }
    public static func invalid(_ f: FieldPath, _ value: Int, _ detail: String) -> FieldError {
        .init(.invalid, f, String(value), detail)
    }
    public static func duplicate(_ f: FieldPath, _ value: String) -> FieldError { .init(.duplicate, f, quote(value)) }
    public static func forbidden(_ f: FieldPath, _ detail: String) -> FieldError { .init(.forbidden, f, nil, detail) }
    public static func notSupported(_ f: FieldPath, _ value: String, _ supported: [String]) -> FieldError {
        .init(.notSupported, f, quote(value), "supported values: " + supported.map(quote).joined(separator: ", "))
    }
    public static func tooLong(_ f: FieldPath, _ max: Int) -> FieldError {
        .init(.tooLong, f, nil, "may not be more than \(max) bytes")
    }
    public static func tooMany(_ f: FieldPath, _ actual: Int, _ max: Int) -> FieldError {
        .init(.tooMany, f, nil, "must have at most \(max) items")
    }
    public static func notFound(_ f: FieldPath, _ value: String) -> FieldError { .init(.notFound, f, quote(value)) }

    /// Go `%q`-style quoting used by the API server in messages.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    public var description: String {
        var s = "\(field): \(kind.rawValue)"
        if let badValue, kind != .required, kind != .forbidden, kind != .tooLong, kind != .tooMany {
            s += ": \(badValue)"
        }
        if !detail.isEmpty { s += ": \(detail)" }
        return s
    }
}

/// A path into an object, built as validation descends: `FieldPath("spec").child("ports").index(1)`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    private var text: String

    public init(_ root: String) { text = root }
    public init(stringLiteral value: String) { text = value }

    public func child(_ name: String) -> FieldPath { FieldPath(text.isEmpty ? name : "\(text).\(name)") }
    public func index(_ i: Int) -> FieldPath { FieldPath("\(text)[\(i)]") }
    /// Map keys render as `metadata.labels[app]`, as apimachinery's `Key` does.
    public func key(_ k: String) -> FieldPath { FieldPath("\(text)[\(k)]") }
    public var description: String { text }
}
