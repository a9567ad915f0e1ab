import Yams

/// Turns a composed YAML document into the JSON tree Kubernetes would see, with positions.
///
/// Yams resolves aliases to shared nodes, so a "billion laughs" document is small in memory until
/// something walks it; this walk is where the expansion would happen, so it carries the budgets:
/// nodes reached through an alias, and nesting depth.
struct YAMLConversion {
    struct Failure: Error {
        var path: [PathSegment]
        var position: SourcePosition
        var message: String
        /// The per-file alias budget is spent: later documents cannot be trusted to convert either.
        var stopsFile = false
    }

    struct Warning {
        var path: [PathSegment]
        var position: SourcePosition
        var message: String
    }

    /// Most nodes reachable only through aliases, per file. Real manifests use anchors for a few
    /// shared labels or env blocks; an alias bomb needs millions.
    static let maxAliasedNodes = 100_000
    /// Deepest nesting accepted; Kubernetes objects are a few dozen levels deep at most.
    static let maxDepth = 100

    let lines: LineIndex
    private(set) var aliasedNodes = 0
    private(set) var warnings: [Warning] = []
    private var seenAnchors: Set<Int> = []

    init(lines: LineIndex) { self.lines = lines }

    mutating func convert(_ node: Yams.Node) throws(Failure) -> (JSONValue, PositionTree) {
        warnings = []
        return try convert(node, path: [], depth: 0, aliased: false)
    }

    func position(_ mark: Mark?) -> SourcePosition {
        guard let mark else { return SourcePosition(line: 1, column: 1, byteOffset: 0) }
        return lines.position(line: mark.line, column: mark.column)
    }

    private mutating func convert(_ node: Yams.Node, path: [PathSegment], depth: Int, aliased inherited: Bool)
        throws(Failure) -> (JSONValue, PositionTree)
    {
        let pos = position(node.mark)
        guard depth <= Self.maxDepth else {
            // The path itself would be a hundred segments long: name where the nesting starts.
            throw Failure(path: Array(path.prefix(8)), position: pos,
                          message: "nesting is deeper than \(Self.maxDepth) levels")
        }
        let aliased = inherited || isRepeatedAnchor(node, at: pos)
        if aliased {
            aliasedNodes += 1
            guard aliasedNodes <= Self.maxAliasedNodes else {
                throw Failure(path: path, position: pos, message: "YAML aliases expand to more than "
                    + "\(Self.maxAliasedNodes) nodes; refusing a possible alias bomb (\"billion laughs\")",
                              stopsFile: true)
            }
        }
        switch node {
        case .scalar(let scalar):
            switch YAMLScalar.resolve(scalar.string, tag: scalar.tag.description, plain: scalar.style == .plain) {
            case .value(let value): return (value, .scalar(pos))
            case .invalid(let message): throw Failure(path: path, position: pos, message: message)
            }
        case .sequence(let sequence):
            var values: [JSONValue] = []
            var trees: [PositionTree] = []
            values.reserveCapacity(sequence.count)
            for (i, item) in sequence.enumerated() {
                let (v, t) = try convert(item, path: path + [.index(i)], depth: depth + 1, aliased: aliased)
                values.append(v)
                trees.append(t)
            }
            return (.array(values), .array(pos, trees))
        case .mapping(let mapping):
            return try convertMapping(mapping, at: pos, path: path, depth: depth, aliased: aliased)
        case .alias:
            throw Failure(path: path, position: pos, message: "unresolved YAML alias")
        }
    }

    private mutating func convertMapping(_ mapping: Yams.Node.Mapping, at pos: SourcePosition, path: [PathSegment],
                                         depth: Int, aliased: Bool) throws(Failure) -> (JSONValue, PositionTree)
    {
        var object: [String: JSONValue] = [:]
        var members: [String: PositionTree.Member] = [:]
        var merges: [(JSONValue, PositionTree, SourcePosition)] = []
        for (keyNode, valueNode) in mapping {
            let keyPos = position(keyNode.mark)
            let key = try keyString(keyNode, at: keyPos, path: path)
            if key == nil {
                // `<<: *defaults` merge key, as go-yaml supports it.
                let (v, t) = try convert(valueNode, path: path, depth: depth + 1, aliased: aliased)
                merges.append((v, t, keyPos))
                continue
            }
            let name = key!
            let (v, t) = try convert(valueNode, path: path + [.key(name)], depth: depth + 1, aliased: aliased)
            if object[name] != nil {
                warnings.append(Warning(path: path + [.key(name)], position: keyPos,
                                        message: "duplicate field \"\(PathSegment.render(path + [.key(name)]))\"; the last one is used"))
            }
            object[name] = v
            members[name] = PositionTree.Member(key: keyPos, value: t)
        }
        for (value, tree, keyPos) in merges {
            let sources: [(JSONValue, PositionTree)]
            switch (value, tree) {
            case (.object, _): sources = [(value, tree)]
            case (.array(let items), .array(_, let trees)): sources = Array(zip(items, trees))
            default: sources = []
            }
            for (source, sourceTree) in sources {
                guard case .object(let fields) = source, case .object(_, let sourceMembers) = sourceTree else {
                    throw Failure(path: path, position: keyPos,
                                  message: "map merge requires a mapping or a list of mappings")
                }
                for (k, v) in fields where object[k] == nil {
                    object[k] = v
                    members[k] = sourceMembers[k]
                }
            }
        }
        return (.object(object), .object(pos, members))
    }

    /// The JSON key for a mapping key, as sigs.k8s.io/yaml renders non-string keys; nil for `<<`.
    private func keyString(_ node: Yams.Node, at pos: SourcePosition, path: [PathSegment]) throws(Failure) -> String? {
        guard case .scalar(let scalar) = node else {
            throw Failure(path: path, position: pos, message: "mapping keys must be strings, not a \(node.kindName)")
        }
        guard scalar.style == .plain else { return scalar.string }
        if scalar.string == "<<" { return nil }
        switch YAMLScalar.resolve(scalar.string, tag: "", plain: true) {
        case .value(.string(let s)): return s
        case .value(.int(let i)): return String(i)
        case .value(.double(let d)): return String(d)
        case .value(.bool(let b)): return b ? "true" : "false"
        case .value(.null): return "null"
        default: return scalar.string
        }
    }

    /// True when this node carries an anchor already met: Yams hands the same node back for
    /// every alias, so the second visit of an anchored position is an alias expansion.
    private mutating func isRepeatedAnchor(_ node: Yams.Node, at pos: SourcePosition) -> Bool {
        let hasAnchor: Bool
        let kind: Int
        switch node {
        case .scalar(let s): hasAnchor = s.anchor != nil; kind = 0
        case .sequence(let s): hasAnchor = s.anchor != nil; kind = 1
        case .mapping(let m): hasAnchor = m.anchor != nil; kind = 2
        case .alias: return false
        }
        guard hasAnchor else { return false }
        return !seenAnchors.insert(pos.byteOffset &* 4 &+ kind).inserted
    }
}

extension Yams.Node {
    var kindName: String {
        switch self {
        case .scalar: "scalar"
        case .sequence: "sequence"
        case .mapping: "mapping"
        case .alias: "alias"
        }
    }
}
