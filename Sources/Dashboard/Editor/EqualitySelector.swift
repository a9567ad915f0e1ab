import ClusterModel

/// Why the text in the editor cannot be applied, and where: the column to underline.
public struct EditorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Offset in characters of the offending token; nil when the problem is the whole text.
    public var offset: Int?

    public init(_ message: String, offset: Int?) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}

/// The string form of a Service's `spec.selector` or a Pod's `metadata.labels`: `app=kubia,tier=web`.
/// Parsed with the full label-selector grammar (so errors read and point as `kubectl -l` would),
/// then restricted to what a map can hold: `key=value` pairs, one per key. A set-based selector
/// (`tier in (web,api)`, `!canary`, `env!=prod`) parses but is refused, as the API server refuses
/// it for a Service (its selector is a map, not a LabelSelector).
public enum EqualitySelector {
    public static func parse(_ text: String, what: String = "a service's selector") -> Result<[String: String], EditorError> {
        let selector: Selector
        do { selector = try Selector.parse(text) } catch {
            return .failure(EditorError(error.message, offset: error.offset))
        }
        var pairs: [String: String] = [:]
        for r in selector.requirements {
            guard r.operator == .equals || r.operator == .doubleEquals, r.values.count == 1 else {
                return .failure(EditorError(
                    "\(what) takes key=value pairs only: '\(r)' is set-based (in, notin, !=, exists); "
                        + "the API stores a map of labels, not a LabelSelector",
                    offset: offsetOfPiece(in: text, key: r.key)))
            }
            if let old = pairs[r.key], old != r.values[0] {
                return .failure(EditorError("key \(r.key) is given twice (\(old), \(r.values[0])); a map holds one value per key",
                                            offset: offsetOfPiece(in: text, key: r.key, occurrence: 2)))
            }
            pairs[r.key] = r.values[0]
        }
        return .success(pairs)
    }

    /// The canonical string of a map, keys sorted: what the editor opens with and history holds.
    public static func format(_ pairs: [String: String]) -> String {
        pairs.keys.sorted().map { "\($0)=\(pairs[$0]!)" }.joined(separator: ",")
    }

    /// Where the `occurrence`-th top-level piece (split on commas outside parentheses) about
    /// `key` starts, skipping leading spaces and `!`.
    static func offsetOfPiece(in text: String, key: String, occurrence: Int = 1) -> Int? {
        let chars = Array(text)
        var depth = 0
        var start = 0
        var seen = 0
        for i in 0...chars.count {
            if i < chars.count {
                let c = chars[i]
                if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
                if c != "," || depth > 0 { continue }
            }
            var s = start
            while s < i, chars[s] == " " { s += 1 }
            var k = s
            if k < i, chars[k] == "!" { k += 1 }
            while k < i, chars[k] == " " { k += 1 }
            var e = k
            while e < i, !" =!<>(".contains(chars[e]) { e += 1 }
            if String(chars[k..<e]) == key {
                seen += 1
                if seen == occurrence { return s }
            }
            start = i + 1
        }
        return nil
    }
}
