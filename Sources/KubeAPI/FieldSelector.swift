import ClusterModel

/// A field selector (`metadata.name=x,involvedObject.kind=Service,status.phase!=Running`) over
/// the fields each kind supports, as the API server's per-kind `GetAttrs` expose them. kubectl
/// relies on them for `describe` (events by involvedObject), `delete`'s wait (metadata.name) and
/// users for `get pods --field-selector spec.nodeName=…`.
struct FieldSelector: Sendable {
    struct Term: Sendable {
        var field: String
        var value: String
        var equal: Bool
    }

    var terms: [Term]

    static let everything = FieldSelector(terms: [])

    static func parse(_ text: String?, for kind: ResourceKind) throws(APIError) -> FieldSelector {
        guard let text, !text.isEmpty else { return .everything }
        var terms: [Term] = []
        for part in text.split(separator: ",") {
            let s = String(part)
            let term: Term
            if let r = s.range(of: "!=") {
                term = Term(field: String(s[..<r.lowerBound]), value: String(s[r.upperBound...]), equal: false)
            } else if let r = s.range(of: "==") {
                term = Term(field: String(s[..<r.lowerBound]), value: String(s[r.upperBound...]), equal: true)
            } else if let r = s.range(of: "=") {
                term = Term(field: String(s[..<r.lowerBound]), value: String(s[r.upperBound...]), equal: true)
            } else {
                throw APIError.badRequest("invalid field selector: \"\(s)\": expected an operator (=, ==, !=)")
            }
            let supported = fields(of: kind)
            guard supported.contains(term.field) else {
                throw APIError.badRequest("field label not supported: \(term.field)")
            }
            terms.append(term)
        }
        return FieldSelector(terms: terms)
    }

    func matches(_ object: APIObject) -> Bool {
        terms.allSatisfy { term in
            let actual = Self.value(of: term.field, in: object) ?? ""
            return (actual == term.value) == term.equal
        }
    }

    /// Fields a kind can be selected by (k/k `pkg/registry/*/strategy.go` `…ToSelectableFields`).
    static func fields(of kind: ResourceKind) -> Set<String> {
        var f: Set<String> = ["metadata.name", "metadata.namespace"]
        switch kind {
        case .pods:
            f.formUnion(["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                         "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"])
        case .events:
            f.formUnion(["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                         "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                         "reason", "reportingComponent", "source", "type"])
        case .secrets: f.insert("type")
        case .nodes: f.insert("spec.unschedulable")
        case .namespaces: f.insert("status.phase")
        default: break
        }
        return f
    }

    static func value(of field: String, in object: APIObject) -> String? {
        let meta = object.metadata
        switch field {
        case "metadata.name": return meta.name
        case "metadata.namespace": return object.resource.namespaced ? meta.namespace : ""
        default: break
        }
        switch object {
        case .pod(let p):
            switch field {
            case "spec.nodeName": return p.spec.nodeName
            case "spec.restartPolicy": return p.spec.restartPolicy
            case "spec.schedulerName": return "default-scheduler"
            case "spec.serviceAccountName": return p.spec.serviceAccountName
            case "spec.hostNetwork": return String(p.spec.hostNetwork ?? false)
            case "status.phase": return p.status?.phase
            case "status.podIP": return p.status?.podIP
            default: return nil
            }
        case .event(let e):
            let o = e.involvedObject
            switch field {
            case "involvedObject.kind": return o.kind
            case "involvedObject.namespace": return o.namespace
            case "involvedObject.name": return o.name
            case "involvedObject.uid": return o.uid
            case "involvedObject.apiVersion": return o.apiVersion
            case "involvedObject.resourceVersion": return o.resourceVersion
            case "involvedObject.fieldPath": return o.fieldPath
            case "reason": return e.reason
            case "reportingComponent": return e.reportingComponent
            case "source": return e.source?.component
            case "type": return e.type
            default: return nil
            }
        case .secret(let s): return field == "type" ? s.type : nil
        case .node(let n): return field == "spec.unschedulable" ? String(n.spec?.unschedulable ?? false) : nil
        case .namespace(let n): return field == "status.phase" ? n.status?.phase : nil
        default: return nil
        }
    }
}

/// What a list or watch selects: kind, namespace (nil = all), labels, fields.
struct ObjectFilter: Sendable {
    var kind: ResourceKind
    var namespace: String?
    var labels: Selector
    var fields: FieldSelector

    func matches(_ object: APIObject) -> Bool {
        guard object.resource == kind else { return false }
        if let namespace, object.key.namespace != namespace { return false }
        return labels.matches(object.metadata.labels ?? [:]) && fields.matches(object)
    }
}
