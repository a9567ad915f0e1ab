import ClusterModel

/// JSON Merge Patch (RFC 7386): objects merge recursively, `null` removes a key, anything else
/// replaces. What `kubectl label`/`annotate` and `patch --type merge` send.
enum MergePatch {
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let fields) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in fields {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}

/// JSON Patch (RFC 6902) with JSON Pointers (RFC 6901): `kubectl patch --type json`.
enum JSONPatch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// Malformed patch documents are the client's syntax error (400); operations that do not
        /// apply to this object are semantic (422), as the API server distinguishes them.
        var malformed: Bool
    }

    static func apply(_ patch: JSONValue, to target: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let operations) = patch else {
            throw Failure(description: "a JSON patch must be an array of operations", malformed: true)
        }
        var doc = target
        for op in operations {
            guard case .object(let o) = op, let name = o["op"]?.stringValue, let path = o["path"]?.stringValue else {
                throw Failure(description: "each JSON patch operation needs \"op\" and \"path\"", malformed: true)
            }
            do {
                doc = try applyOperation(name, o, path: path, to: doc)
            } catch where error.description == Self.missingMarker {
                throw Failure(description: "doc is missing path: \"\(path)\"", malformed: false)
            }
        }
        return doc
    }

    private static let missingMarker = "missing"

    private static func applyOperation(_ name: String, _ o: [String: JSONValue], path: String,
                                       to target: JSONValue) throws(Failure) -> JSONValue {
        var doc = target
        let pointer = try parsePointer(path)
        switch name {
        case "add":
            guard let value = o["value"] else { throw Failure(description: "add operation does not have a value", malformed: true) }
            doc = try add(doc, pointer, value)
        case "remove":
            doc = try remove(doc, pointer).0
        case "replace":
            guard let value = o["value"] else { throw Failure(description: "replace operation does not have a value", malformed: true) }
            _ = try get(doc, pointer)
            doc = try remove(doc, pointer).0
            doc = try add(doc, pointer, value)
        case "move", "copy":
            guard let from = o["from"]?.stringValue else { throw Failure(description: "\(name) operation does not have a from", malformed: true) }
            let source = try parsePointer(from)
            let value: JSONValue
            if name == "move" { (doc, value) = try remove(doc, source) } else { value = try get(doc, source) }
            doc = try add(doc, pointer, value)
        case "test":
            guard let expected = o["value"] else { throw Failure(description: "test operation does not have a value", malformed: true) }
            let actual = try get(doc, pointer)
            guard actual == expected else { throw Failure(description: "testing value \(path) failed", malformed: false) }
        default:
            throw Failure(description: "unexpected JSON patch operation \"\(name)\"", malformed: true)
        }
        return doc
    }

    static func parsePointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(description: "JSON pointer \"\(path)\" must start with /", malformed: true) }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func missing(_ pointer: [String]) -> Failure {
        Failure(description: missingMarker, malformed: false)
    }

    static func get(_ doc: JSONValue, _ pointer: [String]) throws(Failure) -> JSONValue {
        var node = doc
        for token in pointer {
            switch node {
            case .object(let o):
                guard let next = o[token] else { throw missing(pointer) }
                node = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { throw missing(pointer) }
                node = a[i]
            default:
                throw missing(pointer)
            }
        }
        return node
    }

    static func add(_ doc: JSONValue, _ pointer: [String], _ value: JSONValue) throws(Failure) -> JSONValue {
        guard let token = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty { o[token] = value } else {
                guard let child = o[token] else { throw missing(pointer) }
                o[token] = try add(child, rest, value)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if token == "-" { a.append(value); return .array(a) }
                guard let i = Int(token), i >= 0, i <= a.count else { throw missing(pointer) }
                a.insert(value, at: i)
            } else {
                guard let i = Int(token), a.indices.contains(i) else { throw missing(pointer) }
                a[i] = try add(a[i], rest, value)
            }
            return .array(a)
        default:
            throw missing(pointer)
        }
    }

    static func remove(_ doc: JSONValue, _ pointer: [String]) throws(Failure) -> (JSONValue, JSONValue) {
        guard let token = pointer.first else { throw Failure(description: "cannot remove the whole document", malformed: false) }
        let rest = Array(pointer.dropFirst())
        switch doc {
        case .object(var o):
            guard let child = o[token] else { throw missing(pointer) }
            if rest.isEmpty { o[token] = nil; return (.object(o), child) }
            let (updated, removed) = try remove(child, rest)
            o[token] = updated
            return (.object(o), removed)
        case .array(var a):
            guard let i = Int(token), a.indices.contains(i) else { throw missing(pointer) }
            if rest.isEmpty { let removed = a.remove(at: i); return (.array(a), removed) }
            let (updated, removed) = try remove(a[i], rest)
            a[i] = updated
            return (.array(a), removed)
        default:
            throw missing(pointer)
        }
    }
}
