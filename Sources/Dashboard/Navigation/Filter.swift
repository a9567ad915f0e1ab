import Foundation
import ClusterModel

/// What `/` typed: a regular expression over the row's text (`!` in front inverts it), or a label
/// selector after `-l`, parsed with the same `Selector` the control loop uses so `/-l app in (a,b)`
/// means exactly what it means to a Service.
public enum RowFilter: Sendable, Hashable {
    case text(String, inverted: Bool)
    case labels(Selector, source: String)

    /// Parses the text typed after `/`; nil for an empty filter. Throws the selector's parse
    /// error for a bad `-l` so the prompt can show it.
    public static func parse(_ input: String) throws -> RowFilter? {
        let s = input.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        if s.hasPrefix("-l ") || s == "-l" {
            let sel = String(s.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            return .labels(try Selector.parse(sel), source: sel)
        }
        if s.hasPrefix("!") { return .text(String(s.dropFirst()), inverted: true) }
        return .text(s, inverted: false)
    }

    public var display: String {
        switch self {
        case .text(let t, let inv): (inv ? "!" : "") + t
        case .labels(_, let src): "-l " + src
        }
    }
}

/// A compiled text matcher: plain substrings (the usual case) skip the regex engine entirely,
/// which keeps filtering 10,000 rows cheap.
struct TextMatcher {
    let literal: String?
    let regex: Regex<AnyRegexOutput>?

    init(_ pattern: String) {
        let meta = Set("\\^$.|?*+()[]{}")
        if pattern.contains(where: { meta.contains($0) }), let r = try? Regex(pattern).ignoresCase() {
            literal = nil
            regex = r
        } else {
            literal = pattern.lowercased()
            regex = nil
        }
    }

    func matches(_ text: String) -> Bool {
        if let literal { return text.lowercased().contains(literal) }
        if let regex { return (try? regex.firstMatch(in: text)) != nil }
        return true
    }
}
