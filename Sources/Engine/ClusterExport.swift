import ClusterModel
import ControlPlane
import Foundation

/// The cluster as manifests: what a person wrote or changed (namespaces, services, deployments,
/// hand-written endpoints, ingresses, secrets, bare pods), without what the control plane derives
/// (pods of deployments, endpoint slices, events, the bootstrap objects) or server-set metadata.
/// The same objects feed the state directory (restored by `up`) and `:w FILE` (read by
/// `switchboard check` and `kubectl apply`).
public enum ClusterExport {
    static let systemNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease",
                                                "switchboard-system"]

    /// - Parameter keepAllocations: keep cluster IPs (a restart gets the same addresses); an export
    ///   for another cluster drops them, as `kubectl get -o yaml | kubectl apply` users do.
    public static func objects(in store: ObjectStore, keepAllocations: Bool) -> [APIObject] {
        var out: [APIObject] = []
        for ns in store.list(Namespace.self) where !systemNamespaces.contains(ns.name) {
            out.append(.namespace(Namespace(metadata: clean(ns.metadata))))
        }
        let hidden: Set<String> = ["kube-system", "kube-public", "kube-node-lease", "switchboard-system"]
        var selectorless: Set<ObjectKey> = []
        for var s in store.list(Service.self) where !hidden.contains(s.namespace) {
            if s.namespace == "default", s.name == "kubernetes" { continue }
            if s.spec.selector == nil { selectorless.insert(s.key) }
            s.metadata = clean(s.metadata)
            s.status = nil
            if !keepAllocations, s.spec.clusterIP != "None" {
                s.spec.clusterIP = nil
                s.spec.clusterIPs = nil
            }
            out.append(.service(s))
        }
        for var e in store.list(Endpoints.self) where selectorless.contains(e.key) {
            e.metadata = clean(e.metadata)
            out.append(.endpoints(e))
        }
        for var d in store.list(Deployment.self) where !hidden.contains(d.namespace) {
            d.metadata = clean(d.metadata)
            d.status = nil
            out.append(.deployment(d))
        }
        for var p in store.list(Pod.self) where !hidden.contains(p.namespace) && (p.metadata.ownerReferences ?? []).isEmpty
            && !p.isTerminating {
            p.metadata = clean(p.metadata)
            p.spec.nodeName = nil
            p.status = nil
            out.append(.pod(p))
        }
        for var c in store.list(IngressClass.self) {
            c.metadata = clean(c.metadata)
            out.append(.ingressClass(c))
        }
        for var i in store.list(Ingress.self) where !hidden.contains(i.namespace) {
            i.metadata = clean(i.metadata)
            i.status = nil
            out.append(.ingress(i))
        }
        for var s in store.list(Secret.self) where !hidden.contains(s.namespace) {
            s.metadata = clean(s.metadata)
            out.append(.secret(s))
        }
        return out
    }

    static func clean(_ m: ObjectMeta) -> ObjectMeta {
        var m = m
        m.uid = nil
        m.resourceVersion = nil
        m.creationTimestamp = nil
        m.generation = nil
        m.deletionTimestamp = nil
        m.deletionGracePeriodSeconds = nil
        m.ownerReferences = nil
        return m
    }

    /// One object as Kubernetes JSON (field names as the API spells them).
    static func tree(_ object: APIObject) throws -> JSONTree {
        try JSONDecoder().decode(JSONTree.self, from: JSONEncoder().encode(AnyKubeObject(base: object.base)))
    }

    /// A `kind: List` document, which `kubectl apply -f` and `switchboard check` both read.
    public static func listJSON(_ objects: [APIObject]) throws -> Data {
        struct List: Encodable {
            var apiVersion = "v1"
            var kind = "List"
            var items: [AnyKubeObject]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(List(items: objects.map { AnyKubeObject(base: $0.base) }))
    }

    /// Multi-document YAML, one object per document, keys in the API's usual order.
    public static func yaml(_ objects: [APIObject], header: String? = nil) throws -> String {
        var out = header.map { $0.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n" } ?? ""
        for (i, o) in objects.enumerated() {
            if i > 0 || header != nil { out += "---\n" }
            out += YAMLEmitter.document(try tree(o))
        }
        return out
    }
}

/// A decoded JSON tree, to re-emit as YAML.
enum JSONTree: Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONTree].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONTree].self)) }
    }
}

/// Encodes an existential KubeObject through its own Codable conformance.
struct AnyKubeObject: Encodable {
    let base: any KubeObject
    func encode(to encoder: Encoder) throws { try base.encode(to: encoder) }
}

/// A minimal block-style YAML writer for JSON trees: strings are written as JSON strings (valid
/// YAML double-quoted scalars), so nothing is ever misread as a number, bool or null.
enum YAMLEmitter {
    static let firstKeys = ["apiVersion", "kind", "metadata", "spec", "data", "stringData", "type", "subsets"]

    static func document(_ value: JSONTree) -> String {
        var out = ""
        emit(value, indent: 0, into: &out, inline: false)
        return out
    }

    static func orderedKeys(_ d: [String: JSONTree]) -> [String] {
        let first = firstKeys.filter { d[$0] != nil }
        return first + d.keys.filter { !firstKeys.contains($0) }.sorted()
    }

    static func quoted(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }

    static func scalar(_ v: JSONTree) -> String? {
        switch v {
        case .string(let s): isPlain(s) ? s : quoted(s)
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .null: "null"
        case .object(let d) where d.isEmpty: "{}"
        case .array(let a) where a.isEmpty: "[]"
        default: nil
        }
    }

    /// A string YAML reads back as the same string without quotes: starts with a letter, only
    /// letters, digits and `-_./`, and not a YAML 1.1 boolean or null.
    static func isPlain(_ s: String) -> Bool {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
        return !s.isEmpty && s.first!.isASCII && s.first!.isLetter && !reserved.contains(s.lowercased())
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }
    }

    static func key(_ k: String) -> String {
        !k.isEmpty && k.first != "-" && k.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? k : quoted(k)
    }

    /// Writes `value` at `indent`; `inline` means the first line continues a `- ` already written.
    static func emit(_ value: JSONTree, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let d) where !d.isEmpty:
            for (i, k) in orderedKeys(d).enumerated() {
                let prefix = (inline && i == 0) ? "" : pad
                let v = d[k]!
                if let s = scalar(v) {
                    out += "\(prefix)\(key(k)): \(s)\n"
                } else if case .array = v {
                    out += "\(prefix)\(key(k)):\n"
                    emit(v, indent: indent, into: &out, inline: false)
                } else {
                    out += "\(prefix)\(key(k)):\n"
                    emit(v, indent: indent + 2, into: &out, inline: false)
                }
            }
        case .array(let a) where !a.isEmpty:
            for item in a {
                if let s = scalar(item) {
                    out += "\(pad)- \(s)\n"
                } else {
                    out += "\(pad)- "
                    emit(item, indent: indent + 2, into: &out, inline: true)
                }
            }
        default:
            if let s = scalar(value) { out += "\(pad)\(s)\n" }
        }
    }
}
