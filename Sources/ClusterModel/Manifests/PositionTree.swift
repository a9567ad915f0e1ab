/// Source positions of a document's nodes, shaped like its JSON tree, so any field path found
/// later (a decode error, an unknown field, a validation `FieldError`) can be mapped to a line.
indirect enum PositionTree: Hashable, Sendable {
    case scalar(SourcePosition)
    /// A mapping: its own position, and per key the key's position and the value's tree.
    case object(SourcePosition, [String: Member])
    case array(SourcePosition, [PositionTree])

    struct Member: Hashable, Sendable {
        var key: SourcePosition
        var value: PositionTree
    }

    var position: SourcePosition {
        switch self {
        case .scalar(let p), .object(let p, _), .array(let p, _): p
        }
    }

    /// The subtree at a path, or nil when the path leaves the tree.
    func subtree(_ path: [PathSegment]) -> PositionTree? {
        var node = self
        for segment in path {
            guard let next = node.child(segment)?.1 else { return nil }
            node = next
        }
        return node
    }

    /// Position of the deepest node along `path` that exists: the key of a mapping member (where
    /// `name:` is written), the element of a sequence. A field that is missing (a `Required
    /// value`) is thereby placed at the object that should hold it.
    func position(of path: [PathSegment]) -> SourcePosition {
        var node = self
        var position = self.position
        for segment in path {
            guard let (pos, next) = node.child(segment) else { break }
            position = pos
            node = next
        }
        return position
    }

    private func child(_ segment: PathSegment) -> (SourcePosition, PositionTree)? {
        switch (self, segment) {
        case (.object(_, let members), .key(let k)):
            return members[k].map { ($0.key, $0.value) }
        case (.array(_, let items), .index(let i)):
            return items.indices.contains(i) ? (items[i].position, items[i]) : nil
        case (.object(_, let members), .index(let i)):
            return members[String(i)].map { ($0.key, $0.value) }
        default:
            return nil
        }
    }
}

/// One step of a field path: `spec`, `[0]`, or a map key such as `[app.kubernetes.io/name]`.
public enum PathSegment: Hashable, Sendable, ExpressibleByStringLiteral {
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }

    /// Renders segments the way apimachinery's `field.Path` does: dotted names, `[i]` for list
    /// indices, `[key]` for keys that are not plain identifiers (label keys, annotations).
    public static func render(_ path: [PathSegment]) -> String {
        var out = ""
        for segment in path {
            switch segment {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                if isIdentifier(k) {
                    out += out.isEmpty ? k : ".\(k)"
                } else {
                    out += "[\(k)]"
                }
            }
        }
        return out
    }

    /// Parses `spec.ports[1].name` or `metadata.labels[app.kubernetes.io/name]` back into segments.
    /// A bracketed integer becomes an index; the lookup treats it as a key when it meets a mapping.
    public static func parse(_ text: String) -> [PathSegment] {
        var segments: [PathSegment] = []
        var current = ""
        var chars = Substring(text)
        while let ch = chars.first {
            chars = chars.dropFirst()
            switch ch {
            case ".":
                if !current.isEmpty { segments.append(.key(current)) }
                current = ""
            case "[":
                if !current.isEmpty { segments.append(.key(current)) }
                current = ""
                let inner = chars.prefix { $0 != "]" }
                chars = chars.dropFirst(inner.count + 1)
                if let i = Int(inner) { segments.append(.index(i)) } else { segments.append(.key(String(inner))) }
            default:
                current.append(ch)
            }
        }
        if !current.isEmpty { segments.append(.key(current)) }
        return segments
    }

    private static func isIdentifier(_ k: String) -> Bool {
        guard let first = k.unicodeScalars.first, first.properties.isAlphabetic || first == "_" || first == "$"
        else { return false }
        return k.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "$") }
    }
}
