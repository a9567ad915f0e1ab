import ClusterModel

/// Renders objects in the format a request negotiated: the object or a `<Kind>List`, a
/// server-side printed `Table` (kubectl's human-readable `get`), or `PartialObjectMetadata`.
struct Rendering: Sendable {
    var now: Double
    var serverVersion: String
    /// `includeObject` of a Table request: `Metadata` (default), `Object` (for `--sort-by`) or `None`.
    var includeObject: String = "Metadata"

    func single(_ object: APIObject, format: OutputFormat) -> JSONValue {
        switch format {
        case .object: return JSONText.value(object)
        case .table(let v): return table([object], kind: object.resource, resourceVersion: nil, version: v, headers: true)
        case .partialMetadata(let v): return partial(object, version: v)
        }
    }

    func list(_ objects: [APIObject], kind: ResourceKind, resourceVersion: Int, format: OutputFormat) -> JSONValue {
        let rv = String(resourceVersion)
        switch format {
        case .object:
            return .object(["kind": .string("\(kind.kind)List"), "apiVersion": .string(kind.apiVersion),
                            "metadata": .object(["resourceVersion": .string(rv)]),
                            "items": .array(objects.map { JSONText.value($0) })])
        case .table(let v):
            return table(objects, kind: kind, resourceVersion: rv, version: v, headers: true)
        case .partialMetadata(let v):
            return .object(["kind": .string("PartialObjectMetadataList"), "apiVersion": .string("meta.k8s.io/\(v)"),
                            "metadata": .object(["resourceVersion": .string(rv)]),
                            "items": .array(objects.map { partial($0, version: v) })])
        }
    }

    func partial(_ object: APIObject, version: String = "v1") -> JSONValue {
        .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/\(version)"),
                 "metadata": JSONText.value(object.metadata)])
    }

    /// A Table; `headers: false` leaves out the column definitions, as the API server does for
    /// every watch event after the first.
    func table(_ objects: [APIObject], kind: ResourceKind, resourceVersion: String?, version: String, headers: Bool) -> JSONValue {
        var meta: [String: JSONValue] = [:]
        if let resourceVersion { meta["resourceVersion"] = .string(resourceVersion) }
        let rows: [JSONValue] = objects.map { object in
            var row: [String: JSONValue] = ["cells": .array(TableCells.cells(object, now: now, version: serverVersion))]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = JSONText.value(object)
            default: row["object"] = partial(object)
            }
            return .object(row)
        }
        return .object([
            "kind": .string("Table"), "apiVersion": .string("meta.k8s.io/\(version)"), "metadata": .object(meta),
            "columnDefinitions": headers ? .array(TableColumn.of(kind).map(\.json)) : .null,
            "rows": .array(rows),
        ])
    }
}
