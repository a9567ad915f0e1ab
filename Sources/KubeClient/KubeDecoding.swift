import ClusterModel
import Foundation

/// Decodes API server JSON into ClusterModel's types. The Go types serialize some empty lists as
/// `null` (an EndpointSlice with no endpoints sends `"endpoints":null`) where our model expects
/// an array; such objects take a slower path that repairs the tree first, so a real cluster's
/// objects decode as well as Switchboard's own.
enum KubeDecoding {
    struct ListBody<T: Decodable>: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
        var items: [T]?
    }

    static func list<T: KubeObject>(_ type: T.Type, from data: Data) throws -> (items: [T], resourceVersion: String) {
        let decoder = JSONDecoder()
        if let fast = try? decoder.decode(ListBody<T>.self, from: data) {
            return (fast.items ?? [], fast.metadata?.resourceVersion ?? "")
        }
        let slow = try decoder.decode(ListBody<JSONValue>.self, from: data)
        return (try (slow.items ?? []).map { try object(T.self, tree: $0) }, slow.metadata?.resourceVersion ?? "")
    }

    static func object<T: KubeObject>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        do { return try decoder.decode(T.self, from: data) } catch {
            guard let tree = try? decoder.decode(JSONValue.self, from: data) else { throw error }
            return try object(T.self, tree: tree)
        }
    }

    static func object<T: KubeObject>(_ type: T.Type, tree: JSONValue) throws -> T {
        let repaired = repair(tree, kind: T.resource)
        return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(repaired))
    }

    /// Required arrays the API server may send as null, per kind.
    static func repair(_ tree: JSONValue, kind: ResourceKind) -> JSONValue {
        guard case .object(var o) = tree else { return tree }
        switch kind {
        case .endpointSlices:
            if o["endpoints"] == nil || o["endpoints"] == .null { o["endpoints"] = .array([]) }
        case .pods:
            if case .object(var spec)? = o["spec"], spec["containers"] == nil || spec["containers"] == .null {
                spec["containers"] = .array([])
                o["spec"] = .object(spec)
            }
        case .events:
            if o["involvedObject"] == nil || o["involvedObject"] == .null { o["involvedObject"] = .object([:]) }
        default: break
        }
        return .object(o)
    }
}
