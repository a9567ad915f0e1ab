import ClusterModel
import ControlPlane

/// A failed request as the API server reports it: an HTTP code plus a `Status` object whose
/// `reason` and `details` kubectl turns into its messages ("Error from server (NotFound): …",
/// "The Service "x" is invalid: * spec.ports[0].port: …").
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?

    init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    var status: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Failure"),
            "message": .string(message), "reason": .string(reason), "code": .int(code),
        ]
        if let details { fields["details"] = details }
        return .object(fields)
    }

    /// `details` for 404/409: the plural resource, as kubectl's messages name it.
    static func resourceDetails(_ kind: ResourceKind, _ name: String) -> JSONValue {
        var d: [String: JSONValue] = ["name": .string(name), "kind": .string(kind.plural)]
        if !kind.group.isEmpty { d["group"] = .string(kind.group) }
        return .object(d)
    }

    /// `services` or `ingresses.networking.k8s.io`: how the API server qualifies a resource.
    static func qualified(_ kind: ResourceKind) -> String {
        kind.group.isEmpty ? kind.plural : "\(kind.plural).\(kind.group)"
    }

    static func notFound(_ kind: ResourceKind, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(qualified(kind)) \"\(name)\" not found",
                 details: resourceDetails(kind, name))
    }

    static let pathNotFound = APIError(code: 404, reason: "NotFound",
                                       message: "the server could not find the requested resource")

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed",
                 message: "the server does not allow this method on the requested resource")
    }

    static func unsupportedMediaType(_ given: String, accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                     + accepted.joined(separator: ", ") + (given.isEmpty ? "" : " (got \"\(given)\")"))
    }

    static func tooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge",
                 message: "the request body is larger than the server's limit of \(limit) bytes")
    }

    static func invalid(_ kind: ResourceKind, _ name: String, _ errors: [FieldError]) -> APIError {
        let causes: [JSONValue] = errors.map { e in
            let full = e.description
            let prefix = e.field + ": "
            let message = full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
            return .object(["reason": .string(causeReason(e.kind)), "message": .string(message), "field": .string(e.field)])
        }
        var details: [String: JSONValue] = ["name": .string(name), "kind": .string(kind.kind), "causes": .array(causes)]
        if !kind.group.isEmpty { details["group"] = .string(kind.group) }
        let list = errors.map(\.description)
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return APIError(code: 422, reason: "Invalid", message: "\(kind.kind) \"\(name)\" is invalid: \(summary)",
                        details: .object(details))
    }

    /// apimachinery's `metav1.CauseType` for each `field.ErrorType`.
    static func causeReason(_ kind: FieldError.Kind) -> String {
        switch kind {
        case .required: "FieldValueRequired"
        case .invalid: "FieldValueInvalid"
        case .duplicate: "FieldValueDuplicate"
        case .notSupported: "FieldValueNotSupported"
        case .forbidden: "FieldValueForbidden"
        case .tooLong: "FieldValueTooLong"
        case .tooMany: "FieldValueTooMany"
        case .notFound: "FieldValueNotFound"
        case .internal: "InternalError"
        }
    }

    static func from(_ error: StoreError) -> APIError {
        switch error {
        case .notFound(let kind, let key): notFound(kind, key.name)
        case .alreadyExists(let kind, let key):
            APIError(code: 409, reason: "AlreadyExists", message: "\(qualified(kind)) \"\(key.name)\" already exists",
                     details: resourceDetails(kind, key.name))
        case .conflict(let kind, let key):
            APIError(code: 409, reason: "Conflict",
                     message: "Operation cannot be fulfilled on \(qualified(kind)) \"\(key.name)\": the object has been modified; please apply your changes to the latest version and try again",
                     details: resourceDetails(kind, key.name))
        case .invalid(let kind, let key, let errors): invalid(kind, key.name, errors)
        case .tooOld(let requested, let oldest): expired(requested, oldest)
        }
    }

    static func expired(_ requested: Int, _ oldest: Int) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }
}
