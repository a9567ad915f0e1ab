/// The difference between two samples as a JSON tree, so a delta record holds only what changed.
///
/// A patch is one of:
/// - `{"=": value}`: replace;
/// - `{"o": {key: patch…}, "-": [key…]}`: an object with some members changed, added or removed;
/// - `{"i": {"index": patch…}}`: an array of the same length with some elements changed;
/// - `{"k": n, "n": m, "a": [value…]}`: a ring (flows): drop n from the front, keep the next m,
///   append these (objects sharing their keys as columns: `{"c": [key…], "r": [[value…]…]}`).
///   Rings turn over every second, so positional diffs would rewrite them whole.
public enum JSONDelta {
    /// nil when the two trees are equal.
    public static func diff(_ old: JSONTree, _ new: JSONTree) -> JSONTree? {
        if old == new { return nil }
        switch (old, new) {
        case let (.object(a), .object(b)):
            var changed: [String: JSONTree] = [:]
            for (k, v) in b {
                if let o = a[k] {
                    if let p = diff(o, v) { changed[k] = p }
                } else {
                    changed[k] = .object(["=": v])
                }
            }
            let removed = a.keys.filter { b[$0] == nil }.sorted()
            var out: [String: JSONTree] = [:]
            if !changed.isEmpty { out["o"] = .object(changed) }
            if !removed.isEmpty { out["-"] = .array(removed.map { .string($0) }) }
            return .object(out)
        case let (.array(a), .array(b)):
            if let ring = ringPatch(a, b) { return ring }
            if a.count == b.count {
                var changed: [String: JSONTree] = [:]
                for i in a.indices where a[i] != b[i] { changed[String(i)] = diff(a[i], b[i]) }
                return .object(["i": .object(changed)])
            }
            return .object(["=": new])
        default:
            return .object(["=": new])
        }
    }

    /// `new == old[k..<k+n] + appended` with most of `new` kept; nil when the arrays do not shift.
    static func ringPatch(_ a: [JSONTree], _ b: [JSONTree]) -> JSONTree? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        guard let k = a.firstIndex(of: b[0]) else { return nil }
        var n = 0
        while k + n < a.count, n < b.count, a[k + n] == b[n] { n += 1 }
        guard k + n == a.count, n * 2 >= b.count, k > 0 || n < b.count || a.count != b.count else { return nil }
        if k == 0, n == b.count, a.count == b.count { return nil }
        return .object(["k": .number(String(k)), "n": .number(String(n)), "a": columns(Array(b[n...]))])
    }

    /// Appended objects that share their keys (flow records) as `{"c": [key…], "r": [[value…]…]}`:
    /// the keys once, not once per element.
    static func columns(_ items: [JSONTree]) -> JSONTree {
        guard items.count >= 2, case let .object(first) = items[0] else { return .array(items) }
        let keys = first.keys.sorted()
        var rows: [JSONTree] = []
        for item in items {
            guard case let .object(o) = item, o.count == keys.count else { return .array(items) }
            var row: [JSONTree] = []
            for k in keys {
                guard let v = o[k] else { return .array(items) }
                row.append(v)
            }
            rows.append(.array(row))
        }
        return .object(["c": .array(keys.map { .string($0) }), "r": .array(rows)])
    }

    static func rows(_ a: JSONTree) throws -> [JSONTree] {
        switch a {
        case let .array(items): return items
        case let .object(o):
            guard case let .array(keys)? = o["c"], case let .array(rows)? = o["r"] else { throw PatchError() }
            let names = try keys.map { k -> String in
                guard case let .string(s) = k else { throw PatchError() }
                return s
            }
            return try rows.map { r in
                guard case let .array(values) = r, values.count == names.count else { throw PatchError() }
                return .object(Dictionary(uniqueKeysWithValues: zip(names, values)))
            }
        default: throw PatchError()
        }
    }

    public struct PatchError: Error, Sendable {}

    public static func apply(_ patch: JSONTree, to base: JSONTree) throws -> JSONTree {
        guard case let .object(p) = patch else { throw PatchError() }
        if let v = p["="] { return v }
        if let changed = p["o"] ?? p["-"].map({ _ in JSONTree.object([:]) }) {
            guard case var .object(o) = base, case let .object(c) = changed else { throw PatchError() }
            if case let .array(removed)? = p["-"] {
                for case let .string(k) in removed { o[k] = nil }
            }
            for (k, sub) in c {
                if case let .object(s) = sub, let v = s["="], s.count == 1 { o[k] = v; continue }
                guard let old = o[k] else { throw PatchError() }
                o[k] = try apply(sub, to: old)
            }
            return .object(o)
        }
        if case let .object(c)? = p["i"] {
            guard case var .array(a) = base else { throw PatchError() }
            for (k, sub) in c {
                guard let i = Int(k), a.indices.contains(i) else { throw PatchError() }
                a[i] = try apply(sub, to: a[i])
            }
            return .array(a)
        }
        if case let .number(ks)? = p["k"], case let .number(ns)? = p["n"], let appended = p["a"],
           let k = Int(ks), let n = Int(ns) {
            guard case let .array(a) = base, k >= 0, n >= 0, k + n <= a.count else { throw PatchError() }
            return .array(Array(a[k..<k + n]) + (try rows(appended)))
        }
        if p.isEmpty { return base }
        throw PatchError()
    }

    /// Whether a patch changes anything but the sample's clock (`time` members): a quiet second
    /// the idle-time limit may skip.
    public static func isQuiet(_ patch: JSONTree?) -> Bool {
        guard let patch else { return true }
        guard case let .object(p) = patch, p.count == 1, case let .object(changed)? = p["o"] else { return false }
        for (k, sub) in changed where k != "time" {
            if !isQuiet(sub) { return false }
        }
        return true
    }
}
