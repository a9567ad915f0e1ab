import Foundation

/// Turns one JSON object of a manifest (a document, or an item of a `kind: List`) into a typed
/// `APIObject`, the way the API server's decoding and field validation would judge it.
struct ObjectDecoding {
    var file: String
    var document: Int
    var defaultNamespace: String
    /// `items[3]` for a List item: prefixes field paths while the object has no name to go by.
    var itemPath: [PathSegment] = []

    struct Outcome {
        var object: APIObject?
        var objectName: String?
        var issues: [ManifestIssue] = []
    }

    func decode(_ value: JSONValue, positions: PositionTree) -> Outcome {
        var outcome = Outcome()
        func issue(_ path: [PathSegment], _ message: String, warning: Bool = false) {
            let shown = outcome.objectName == nil ? itemPath + path : path
            outcome.issues.append(ManifestIssue(
                file: file, document: document, objectName: outcome.objectName,
                fieldPath: shown.isEmpty ? nil : PathSegment.render(shown),
                position: positions.position(of: path), message: message, isWarning: warning))
        }

        guard case .object(let fields) = value else {
            issue([], "expected a Kubernetes object (a mapping with apiVersion and kind), got \(value.typeName)")
            return outcome
        }
        guard let apiVersion = requiredString(fields, "apiVersion", issue),
              let kind = requiredString(fields, "kind", issue)
        else { return outcome }
        guard let resource = ResourceKind(apiVersion: apiVersion, kind: kind) else {
            issue(["kind"], Self.noMatch(kind: kind, apiVersion: apiVersion))
            return outcome
        }

        let rawName = fields["metadata"]?["name"]?.stringValue ?? ""
        let rawNamespace = fields["metadata"]?["namespace"]?.stringValue ?? ""
        let namespace = resource.namespaced ? (rawNamespace.isEmpty ? defaultNamespace : rawNamespace) : ""
        if !rawName.isEmpty {
            outcome.objectName = "\(kind) \(ObjectKey(namespace: namespace, name: rawName))"
        }

        let type = APIObject.swiftType(for: resource)
        let typed: any KubeObject
        do {
            typed = try Self.decodeTyped(type, from: value)
        } catch let error as DecodingError {
            let (path, message) = Self.describe(error, in: value)
            issue(path, message)
            return outcome
        } catch {
            issue([], "cannot decode \(kind): \(error)")
            return outcome
        }

        // Unknown fields: whatever the typed object does not write back was not understood.
        if let echoed = try? Self.echo(typed) {
            for path in Self.unknownFields(value, echoed, path: []) {
                issue(path, "unknown field \"\(PathSegment.render(path))\"", warning: true)
            }
        }

        if rawName.isEmpty {
            let detail = fields["metadata"]?["generateName"] != nil
                ? "name is required (generateName is not supported in manifests)"
                : "name or generateName is required"
            issue(["metadata", "name"], "Required value: \(detail)")
            return outcome
        }

        var object = typed
        object.metadata.namespace = resource.namespaced ? namespace : nil
        outcome.object = APIObject(object)
        return outcome
    }

    private func requiredString(_ fields: [String: JSONValue], _ key: String,
                                _ issue: ([PathSegment], String, Bool) -> Void) -> String? {
        switch fields[key] {
        case .string(let s) where !s.isEmpty: return s
        case nil, .null, .string: issue([.key(key)], "Required value: \(key) not set", false)
        case let other?: issue([.key(key)], "expected string, got \(Self.describe(other))", false)
        }
        return nil
    }

    // MARK: - Kinds

    /// kubectl's wording for a kind the API does not serve, plus the hint a user needs: the right
    /// apiVersion for a known kind, or the nearest supported kind for a typo.
    static func noMatch(kind: String, apiVersion: String) -> String {
        let base = "no matches for kind \"\(kind)\" in version \"\(apiVersion)\""
        if let known = ResourceKind.allCases.first(where: { $0.kind == kind }) {
            return base + ": \(kind) is served as apiVersion \"\(known.apiVersion)\""
        }
        let nearest = ResourceKind.allCases
            .map { ($0, editDistance($0.kind.lowercased(), kind.lowercased())) }
            .min { $0.1 < $1.1 }
        if let (k, d) = nearest, d <= max(2, kind.count / 4) {
            return base + ": did you mean \"\(k.kind)\" (apiVersion \"\(k.apiVersion)\")?"
        }
        return base + "; Switchboard serves "
            + ResourceKind.allCases.map(\.kind).joined(separator: ", ")
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: - Typed decoding

    private static func decodeTyped<T: KubeObject>(_ type: T.Type, from value: JSONValue) throws -> any KubeObject {
        try JSONValueDecoder().decode(T.self, from: value)
    }

    /// The object as it would be written back: every field the model understood. Read with
    /// `JSONSerialization`: only its keys matter, and it is much cheaper than a typed decode.
    static func echo(_ object: any KubeObject) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(object), options: [.fragmentsAllowed])
    }

    /// Paths present (and not null) in `input` but absent from `echoed`; only the outermost
    /// unknown key of a subtree is reported.
    static func unknownFields(_ input: JSONValue, _ echoed: Any, path: [PathSegment]) -> [[PathSegment]] {
        switch input {
        case .object(let fields):
            guard let written = echoed as? [String: Any] else { return [] }
            var found: [[PathSegment]] = []
            for key in fields.keys.sorted() {
                guard let value = fields[key], value != .null else { continue }
                if let other = written[key] {
                    found += unknownFields(value, other, path: path + [.key(key)])
                } else {
                    found.append(path + [.key(key)])
                }
            }
            return found
        case .array(let items):
            guard let written = echoed as? [Any] else { return [] }
            return zip(items.indices, zip(items, written)).flatMap { unknownFields($1.0, $1.1, path: path + [.index($0)]) }
        default:
            return []
        }
    }

    /// Translates a `DecodingError` into the field path of the input and a message in the API
    /// server's terms: `spec.ports[0].port`, `expected number, got string "eighty"`.
    static func describe(_ error: DecodingError, in input: JSONValue) -> ([PathSegment], String) {
        switch error {
        case .typeMismatch(let type, let context):
            let (path, actual) = locate(context.codingPath, in: input)
            return (path, "expected \(typeName(type)), got \(actual.map(describe) ?? "nothing")")
        case .valueNotFound(let type, let context):
            let (path, _) = locate(context.codingPath, in: input)
            return (path, "expected \(typeName(type)), got null")
        case .keyNotFound(let key, let context):
            let (path, _) = locate(context.codingPath + [key], in: input)
            return (path, "Required value")
        case .dataCorrupted(let context):
            // JSONValueDecoder words these itself ("expected integer, got number 80.5").
            return (locate(context.codingPath, in: input).0, context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    /// Follows a coding path through the input tree: indices into arrays, keys into objects.
    private static func locate(_ codingPath: [any CodingKey], in input: JSONValue) -> ([PathSegment], JSONValue?) {
        var path: [PathSegment] = []
        var node: JSONValue? = input
        for key in codingPath {
            switch node {
            case .array(let items)?:
                let i = key.intValue ?? Int(key.stringValue) ?? -1
                path.append(.index(i))
                node = items.indices.contains(i) ? items[i] : nil
            case .object(let fields)?:
                path.append(.key(key.stringValue))
                node = fields[key.stringValue]
            default:
                path.append(key.intValue.map { .index($0) } ?? .key(key.stringValue))
                node = nil
            }
        }
        return (path, node)
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "Int", "Int32", "Int64", "UInt", "Double", "Float": return "number"
        case "String": return "string"
        case "Bool": return "boolean"
        default:
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "object" }
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "array" }
            return name
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "boolean \(b)"
        case .int(let i): "number \(i)"
        case .double(let d): "number \(d)"
        case .string(let s): "string \(FieldError.quote(s))"
        case .array: "array"
        case .object: "object"
        }
    }
}
