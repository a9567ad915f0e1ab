/// A label selector (apimachinery `labels.Selector`): requirements ANDed together. It is a value:
/// equal selectors print the same canonical string, so it can key caches and be compared in tests.
///
/// Two selectors match no requirement at all and must not be confused: `everything` (the empty
/// selector, `""`, an empty `LabelSelector{}`) selects every object, while `nothing` (a nil
/// `*LabelSelector`) selects none — a Deployment without a selector must not adopt every pod.
public struct Selector: Hashable, Sendable, CustomStringConvertible {
    private enum Storage: Hashable, Sendable {
        case requirements([Requirement])
        case nothing
    }

    private let storage: Storage

    /// Selects every object; `isEmpty` is true.
    public static let everything = Selector(storage: .requirements([]))
    /// Selects no object; prints as `""` like `everything` but is not empty and never matches.
    public static let nothing = Selector(storage: .nothing)

    private init(storage: Storage) { self.storage = storage }

    /// A selector from already-validated requirements, ordered by key as apimachinery's `Add`
    /// does (keeping the given order among equal keys), so the canonical string is deterministic.
    public init(requirements: [Requirement]) {
        let ordered = requirements.enumerated().sorted { a, b in
            if Requirement.sameBytes(a.element.key, b.element.key) { return a.offset < b.offset }
            return Requirement.byteOrder(a.element.key, b.element.key)
        }
        storage = .requirements(ordered.map(\.element))
    }

    /// `labels.Parse`: the full string grammar (`k=v`, `k==v`, `k!=v`, `k in (…)`, `k notin (…)`,
    /// `k`, `!k`, `k>n`, `k<n`, comma-separated). The error carries apimachinery's message and
    /// the position of the offending token.
    public static func parse(_ s: String) throws(SelectorParseError) -> Selector {
        Selector(requirements: try SelectorParser.parse(s))
    }

    /// `SelectorFromSet`: equality on every pair, without validation (as for a Service's
    /// `spec.selector`, which validation has already checked). An empty map selects everything.
    public init(matchLabels: [String: String]) {
        self.init(requirements: matchLabels.map { Requirement(unchecked: $0.key, .equals, [$0.value]) })
    }

    /// `ValidatedSelectorFromSet`: like `init(matchLabels:)` but rejects invalid keys and values,
    /// for input that has not been through object validation.
    public init(validatingMatchLabels matchLabels: [String: String]) throws(RequirementError) {
        var requirements: [Requirement] = []
        for (key, value) in matchLabels.sorted(by: { Requirement.byteOrder($0.key, $1.key) }) {
            requirements.append(try Requirement(key: key, operator: .equals, values: [value]))
        }
        self.init(requirements: requirements)
    }

    /// The requirements, sorted by key; empty for both `everything` and `nothing`.
    public var requirements: [Requirement] {
        if case .requirements(let r) = storage { return r }
        return []
    }

    /// True when the selector restricts nothing (`labels.Selector.Empty`); false for `nothing`.
    public var isEmpty: Bool {
        if case .requirements(let r) = storage { return r.isEmpty }
        return false
    }

    /// True for `Selector.nothing`, which `requirements` alone cannot tell from `everything`.
    public var matchesNothing: Bool { storage == .nothing }

    /// Whether every requirement holds for an object's labels (pass `[:]` for an unlabelled one).
    public func matches(_ labels: [String: String]) -> Bool {
        switch storage {
        case .nothing: return false
        case .requirements(let r): return r.allSatisfy { $0.matches(labels) }
        }
    }

    /// This selector with more requirements ANDed in (`Selector.Add`); `nothing` stays `nothing`.
    public func adding(_ more: [Requirement]) -> Selector {
        switch storage {
        case .nothing: return self
        case .requirements(let r): return Selector(requirements: r + more)
        }
    }

    /// `RequiresExactMatch`: the single value the selector pins `label` to, if its (first)
    /// requirement on that key is `=`, `==` or a one-value `in`.
    public func requiresExactMatch(_ label: String) -> String? {
        guard let r = requirements.first(where: { $0.key == label }) else { return nil }
        switch r.operator {
        case .equals, .doubleEquals, .in: return r.values.count == 1 ? r.values[0] : nil
        default: return nil
        }
    }

    /// The key→value pairs an object must carry (from `=`, `==` and one-value `in`), so an index
    /// can look candidates up by one pair instead of scanning; candidates still need `matches`.
    /// As in `requiresExactMatch`, only the first requirement on each key is considered.
    public var equalityRequirements: [String: String] {
        var out: [String: String] = [:]
        for r in requirements where out[r.key] == nil {
            if let value = requiresExactMatch(r.key) { out[r.key] = value }
        }
        return out
    }

    /// The canonical string (`Selector.String()`): requirements by key, values sorted, no
    /// spaces except around `in`/`notin`. `""` for both `everything` and `nothing`.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }
}
