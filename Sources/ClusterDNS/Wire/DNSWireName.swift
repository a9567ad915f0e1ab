/// A domain name as it travels on the wire: raw labels, exactly as the client spelled them.
/// Kept separate from the record set's text names because a question must be echoed byte for
/// byte (case included), and labels may hold bytes (`.`, control characters) that text cannot
/// carry without escaping.
public struct DNSWireName: Hashable, Sendable, CustomStringConvertible {
    public var labels: [[UInt8]]

    public static let root = DNSWireName(labels: [])
    /// RFC 1035 limits: 63 bytes a label, 255 bytes the whole encoded name.
    public static let maxLabelLength = 63
    public static let maxEncodedLength = 255

    public init(labels: [[UInt8]]) { self.labels = labels }

    /// From presentation text of the simple kind the record set produces (`a.b.c.`, no escapes).
    /// Empty labels are dropped so `"."` is the root.
    public init(_ text: String) {
        labels = text.split(separator: ".", omittingEmptySubsequences: true).map { Array($0.utf8) }
    }

    /// Bytes the name takes uncompressed (labels + length bytes + the root byte).
    public var encodedLength: Int { labels.reduce(1) { $0 + $1.count + 1 } }

    /// Whether the name fits the protocol's limits (the parser guarantees it for input; text built
    /// names are checked before they are written).
    public var isValid: Bool {
        encodedLength <= Self.maxEncodedLength && labels.allSatisfy { !$0.isEmpty && $0.count <= Self.maxLabelLength }
    }

    /// Presentation text with a trailing dot; bytes that would be ambiguous (`.`, `\`, spaces,
    /// non-printable) are escaped as `\DDD`, so a name with odd bytes never collides with a
    /// cluster name when looked up.
    public var description: String {
        if labels.isEmpty { return "." }
        var out = ""
        for label in labels {
            for b in label {
                if b > 0x20 && b < 0x7f && b != UInt8(ascii: ".") && b != UInt8(ascii: "\\") {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                } else {
                    let digits = String(b)
                    out += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            out += "."
        }
        return out
    }

    /// ASCII case-insensitive comparison (RFC 4343): what "the same name" means in DNS.
    public func equalsIgnoringCase(_ other: DNSWireName) -> Bool {
        guard labels.count == other.labels.count else { return false }
        for (a, b) in zip(labels, other.labels) {
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where Self.lower(x) != Self.lower(y) { return false }
        }
        return true
    }

    static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
}
