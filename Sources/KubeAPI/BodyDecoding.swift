import ClusterModel
import ControlPlane
import Foundation
import Yams

/// Request bodies to typed objects. Decoding goes through the project's `ManifestDecoder`, so a
/// body is judged exactly as `switchboard check` judges a file: the same type errors, the same
/// unknown-field detection (which `fieldValidation=Strict` turns into a 400, as the API server's
/// strict decoding does).
enum BodyDecoding {
    enum FieldValidation: String {
        case strict = "Strict", warn = "Warn", ignore = "Ignore"

        init(query: String?) {
            self = query.flatMap { FieldValidation(rawValue: $0) } ?? .warn
        }
    }

    /// Parses a JSON or YAML body into a tree (YAML for `application/yaml` and apply patches).
    static func tree(_ body: [UInt8], yaml: Bool) throws(APIError) -> JSONValue {
        if body.isEmpty { throw APIError.badRequest("the request body is empty") }
        if !yaml || body.first == UInt8(ascii: "{") || body.first == UInt8(ascii: "[") {
            do { return try JSONText.parse(body) } catch {
                if !yaml { throw APIError.badRequest("the request body is not valid JSON: \(error.description)") }
            }
        }
        guard let text = String(bytes: body, encoding: .utf8) else {
            throw APIError.badRequest("the request body is not UTF-8 text")
        }
        do {
            guard let any = try Yams.load(yaml: text) else { throw APIError.badRequest("the request body is empty") }
            guard let value = convert(any) else { throw APIError.badRequest("the request body holds a YAML value JSON cannot represent") }
            return value
        } catch let e as APIError {
            throw e
        } catch {
            throw APIError.badRequest("the request body is not valid YAML: \(error)")
        }
    }

    private static func convert(_ any: Any) -> JSONValue? {
        switch any {
        case is NSNull: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(i)
        case let d as Double: return .double(d)
        case let s as String: return .string(s)
        case let a as [Any]:
            var out: [JSONValue] = []
            for e in a { guard let v = convert(e) else { return nil }; out.append(v) }
            return .array(out)
        case let m as [AnyHashable: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in m {
                guard let key = k.base as? String, let value = convert(v) else { return nil }
                out[key] = value
            }
            return .object(out)
        case let d as Date: return .string(Timestamp.rfc3339(d.timeIntervalSince1970))
        default: return nil
        }
    }

    /// Decodes one object of `expected` kind. `warnings` receives unknown fields when they are
    /// not an error (`fieldValidation=Warn`).
    static func object(_ tree: JSONValue, expected: ResourceKind, namespace: String?, validation: FieldValidation,
                       warnings: inout [String]) throws(APIError) -> APIObject {
        guard case .object(var fields) = tree else {
            throw APIError.badRequest("the request body must be a JSON object, got \(tree.typeName)")
        }
        let kindName = fields["kind"]?.stringValue ?? ""
        let apiVersion = fields["apiVersion"]?.stringValue ?? ""
        if kindName.isEmpty || apiVersion.isEmpty {
            throw APIError.badRequest("Object 'Kind' is missing in '\(JSONText.string(tree).prefix(200))'")
        }
        guard apiVersion == expected.apiVersion, kindName == expected.kind else {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(expected.apiVersion))"
                + (kindName == expected.kind ? "" : ", or the kind \(kindName) is not \(expected.kind)"))
        }
        var meta = fields["metadata"]?.objectValue ?? [:]
        let name = meta["name"]?.stringValue ?? ""
        let generated = name.isEmpty && !(meta["generateName"]?.stringValue ?? "").isEmpty
        if name.isEmpty && !generated {
            throw APIError.invalid(expected, "", [.required("metadata.name", "name or generateName is required")])
        }
        if generated { meta["name"] = .string("generated-name-placeholder") }
        fields["metadata"] = .object(meta)

        let result = ManifestDecoder.decode(Data(JSONText.bytes(.object(fields))), file: "request body",
                                            defaultNamespace: namespace ?? "default")
        let prefix = "\(expected.kind) in version \"\(expected.version)\" cannot be handled as a \(expected.kind): "
        if let error = result.errors.first {
            throw APIError.badRequest(prefix + [error.fieldPath, error.message].compactMap { $0 }.joined(separator: ": "))
        }
        let unknown = result.warnings.map(\.message)
        if !unknown.isEmpty {
            switch validation {
            case .strict: throw APIError.badRequest(prefix + "strict decoding error: " + unknown.joined(separator: ", "))
            case .warn: warnings += unknown
            case .ignore: break
            }
        }
        guard result.documents.count == 1, var object = result.documents.first?.object.base else {
            throw APIError.badRequest(prefix + "expected exactly one object")
        }
        if generated { object.metadata.name = nil }
        return APIObject(object)
    }
}
