import ClusterModel

/// The smallest OpenAPI v3 documents with which kubectl's `apply`, `create`, `replace` and
/// `edit` (default `--validate=strict`) work: each served kind has a PATCH operation carrying
/// its group-version-kind and the `fieldValidation` parameter, so kubectl leaves validation to
/// the server. No strategic-merge `requestBody` is declared: with one, kubectl would build its
/// patches from these empty schemas and lose the list merge keys of its compiled-in types.
enum OpenAPIStub {
    /// `api/v1`, `apis/apps/v1`, …: the keys of the root document.
    static func path(group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    /// A stable hash per document; the documents never change within a build.
    static func hash(_ path: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in path.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16, uppercase: true)
    }

    static func root() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for gv in ResourceInfo.groupVersions {
            let p = path(group: gv.group, version: gv.version)
            paths[p] = .object(["serverRelativeURL": .string("/openapi/v3/\(p)?hash=\(hash(p))")])
        }
        return .object(["paths": .object(paths)])
    }

    /// The document for one group/version, or nil when none is served there.
    static func document(_ relative: String) -> JSONValue? {
        guard let gv = ResourceInfo.groupVersions.first(where: { path(group: $0.group, version: $0.version) == relative })
        else { return nil }
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = [:]
        let prefix = gv.group.isEmpty ? "/api/\(gv.version)" : "/apis/\(gv.group)/\(gv.version)"
        for kind in ResourceInfo.resources(group: gv.group, version: gv.version) {
            let gvk = JSONValue.object(["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)])
            let parameter = JSONValue.object(["name": .string("fieldValidation"), "in": .string("query"),
                                              "schema": .object(["type": .string("string")])])
            let operation = JSONValue.object([
                "operationId": .string("patch\(kind.kind)"),
                "x-kubernetes-group-version-kind": gvk,
                "x-kubernetes-action": .string("patch"),
                "parameters": .array([parameter]),
                "responses": .object(["200": .object(["description": .string("OK")])]),
            ])
            let collection = kind.namespaced ? "\(prefix)/namespaces/{namespace}/\(kind.plural)" : "\(prefix)/\(kind.plural)"
            paths["\(collection)/{name}"] = .object(["patch": operation])
            let schemaName = "io.k8s.api.\(kind.group.isEmpty ? "core" : kind.group.split(separator: ".")[0]).\(kind.version).\(kind.kind)"
            schemas[schemaName] = .object([
                "type": .string("object"),
                "x-kubernetes-group-version-kind": .array([gvk]),
            ])
        }
        return .object([
            "openapi": .string("3.0.0"),
            "info": .object(["title": .string("Kubernetes"), "version": .string("v1.32.0")]),
            "paths": .object(paths),
            "components": .object(["schemas": .object(schemas)]),
        ])
    }
}
