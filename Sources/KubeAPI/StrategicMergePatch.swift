import ClusterModel

/// Strategic merge patch, the subset kubectl sends for our types (`apply`, `edit`, `patch`):
/// maps merge as in a merge patch, lists with a patch merge key (containers by name, service
/// ports by port, …) merge element by element, other lists are replaced. Directives:
/// `$patch: delete|replace`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`,
/// `$retainKeys`. Merge keys are those of the Go types' `patchMergeKey` tags.
enum StrategicMergePatch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    enum ListStrategy: Equatable {
        case replace
        case mergeKey(String)
        case mergePrimitive
    }

    static func apply(_ patch: JSONValue, to target: JSONValue, kind: ResourceKind) throws(Failure) -> JSONValue {
        guard case .object(let p) = patch else { throw Failure(description: "a strategic merge patch must be a JSON object") }
        return .object(try mergeObject(target.objectValue ?? [:], p, kind, []))
    }

    /// The list strategy of the field at `path` (object keys from the root; list positions elided).
    static func strategy(_ kind: ResourceKind, _ path: [String]) -> ListStrategy {
        guard let last = path.last else { return .replace }
        let parent = path.dropLast().last
        if parent == "metadata" {
            if last == "ownerReferences" { return .mergeKey("uid") }
            if last == "finalizers" { return .mergePrimitive }
        }
        let podSpec: [String]? = switch kind {
        case .pods: ["spec"]
        case .deployments: ["spec", "template", "spec"]
        default: nil
        }
        if let podSpec, path.starts(with: podSpec) {
            let rest = Array(path.dropFirst(podSpec.count))
            if rest.count == 1 {
                switch last {
                case "containers", "initContainers", "ephemeralContainers", "volumes", "imagePullSecrets": return .mergeKey("name")
                case "hostAliases": return .mergeKey("ip")
                default: break
                }
            }
            if rest.count == 2, ["containers", "initContainers", "ephemeralContainers"].contains(rest[0]) {
                switch last {
                case "ports": return .mergeKey("containerPort")
                case "env": return .mergeKey("name")
                case "volumeMounts": return .mergeKey("mountPath")
                case "volumeDevices": return .mergeKey("devicePath")
                default: break
                }
            }
        }
        if kind == .services, path == ["spec", "ports"] { return .mergeKey("port") }
        if path.first == "status" {
            if last == "conditions" { return .mergeKey("type") }
            if kind == .pods, last == "podIPs" { return .mergeKey("ip") }
            if kind == .nodes, last == "addresses" { return .mergeKey("type") }
        }
        return .replace
    }

    static func mergeObject(_ original: [String: JSONValue], _ patch: [String: JSONValue], _ kind: ResourceKind,
                            _ path: [String]) throws(Failure) -> [String: JSONValue] {
        var patch = patch
        let directive = patch.removeValue(forKey: "$patch")?.stringValue
        if directive == "replace" { return clean(.object(patch)).objectValue ?? [:] }
        if let directive, directive != "merge", directive != "delete" {
            throw Failure(description: "unknown patch type: \(directive) in map: \(path.joined(separator: "."))")
        }
        var result = original
        if let retain = patch.removeValue(forKey: "$retainKeys") {
            guard case .array(let keys) = retain else { throw Failure(description: "$retainKeys must be a list of strings") }
            let keep = Set(keys.compactMap(\.stringValue))
            result = result.filter { keep.contains($0.key) || patch[$0.key] != nil }
        }
        var orders: [String: [JSONValue]] = [:]
        var deletions: [String: [JSONValue]] = [:]
        for (key, value) in patch {
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = value.arrayValue ?? []
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                deletions[String(key.dropFirst("$deleteFromPrimitiveList/".count))] = value.arrayValue ?? []
                continue
            }
            if key.hasPrefix("$") { throw Failure(description: "unknown directive \(key)") }
            if value == .null {
                result[key] = nil
                continue
            }
            let sub = path + [key]
            switch (result[key], value) {
            case (.object(let o)?, .object(let p)):
                result[key] = p["$patch"]?.stringValue == "delete" ? nil : .object(try mergeObject(o, p, kind, sub))
            case (.array(let o)?, .array(let p)):
                switch strategy(kind, sub) {
                case .mergeKey(let mergeKey): result[key] = .array(try mergeList(o, p, mergeKey, kind, sub))
                case .mergePrimitive: result[key] = .array(o + p.filter { !o.contains($0) })
                case .replace: result[key] = clean(value)
                }
            case (_, .object(let p)) where p["$patch"]?.stringValue == "delete":
                result[key] = nil
            default:
                result[key] = clean(value)
            }
        }
        for (key, values) in deletions {
            if case .array(let a)? = result[key] { result[key] = .array(a.filter { !values.contains($0) }) }
        }
        for (key, order) in orders {
            guard case .array(let a)? = result[key] else { continue }
            switch strategy(kind, path + [key]) {
            case .mergeKey(let mergeKey): result[key] = .array(reorder(a, by: order.map { $0[mergeKey] }) { $0[mergeKey] })
            case .mergePrimitive: result[key] = .array(reorder(a, by: order) { $0 })
            case .replace: break
            }
        }
        return result
    }

    static func mergeList(_ original: [JSONValue], _ patch: [JSONValue], _ key: String, _ kind: ResourceKind,
                          _ path: [String]) throws(Failure) -> [JSONValue] {
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" && $0[key] == nil }) {
            return patch.filter { !($0["$patch"]?.stringValue == "replace" && $0[key] == nil) }.map(clean)
        }
        var result = original
        for item in patch {
            guard case .object(let p) = item else {
                result.append(item)
                continue
            }
            guard let value = p[key] else {
                throw Failure(description: "map: \(JSONText.string(item)) does not contain declared merge key: \(key)")
            }
            if p["$patch"]?.stringValue == "delete" {
                result.removeAll { $0[key] == value }
                continue
            }
            if let i = result.firstIndex(where: { $0[key] == value }), case .object(let o) = result[i] {
                result[i] = .object(try mergeObject(o, p, kind, path))
            } else {
                result.append(clean(item))
            }
        }
        return result
    }

    /// Elements named in `order` first, in that order; the rest after, as they were.
    static func reorder(_ items: [JSONValue], by order: [JSONValue?], key: (JSONValue) -> JSONValue?) -> [JSONValue] {
        var ordered: [JSONValue] = []
        for wanted in order {
            if let e = items.first(where: { key($0) == wanted }), !ordered.contains(e) { ordered.append(e) }
        }
        return ordered + items.filter { !ordered.contains($0) }
    }

    /// A patch value with its directives removed, for when it is stored as is.
    static func clean(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, v) in o where !k.hasPrefix("$") { out[k] = clean(v) }
            return .object(out)
        case .array(let a):
            return .array(a.filter { $0["$patch"]?.stringValue != "delete" }.map(clean))
        default:
            return value
        }
    }
}
