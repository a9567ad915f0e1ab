import ClusterModel
import ControlPlane

/// The outcome of `check`: decoding problems plus what the API server would answer when the
/// objects are created in a fresh cluster — defaulting, allocation (so clashing clusterIPs or
/// nodePorts across files are caught) and validation — ordered as they appear in the files.
struct CheckReport {
    struct ObjectResult: Encodable {
        var file: String
        var document: Int
        var line: Int?
        var kind: String
        var namespace: String?
        var name: String
        var valid: Bool
    }

    struct Summary: Encodable {
        var files: Int
        var objects: Int
        var valid: Int
        var errors: Int
        var warnings: Int
    }

    struct JSON: Encodable {
        var objects: [ObjectResult]
        var issues: [ManifestIssue]
        var summary: Summary
    }

    private(set) var issues: [ManifestIssue] = []
    private(set) var objects: [ObjectResult] = []
    let fileCount: Int

    init(_ set: ManifestSet, strict: Bool) {
        fileCount = set.files.count
        var all = set.issues
        var invalidDocuments = Set<String>()
        for issue in set.issues where !issue.isWarning || strict {
            if let document = issue.document { invalidDocuments.insert("\(issue.file)#\(document)#\(issue.objectName ?? "")") }
        }
        let scratch = try? ControlLoop(config: ClusterConfig(), clock: ManualClock())
        try? scratch?.bootstrap()
        let ordered = set.documents.enumerated().sorted { ($0.element.object.resource, $0.offset) < ($1.element.object.resource, $1.offset) }
        for (_, document) in ordered {
            let object = document.object
            let problems = Self.dryRunCreate(object, in: scratch).map { document.issue(for: $0) }
            all += problems
            let id = "\(document.source.file)#\(document.source.document)#\(document.objectName)"
            objects.append(ObjectResult(
                file: document.source.file, document: document.source.document, line: document.source.line,
                kind: object.resource.kind, namespace: object.resource.namespaced ? object.key.namespace : nil,
                name: object.key.name, valid: problems.isEmpty && !invalidDocuments.contains(id)))
        }
        if strict {
            all = all.map { var i = $0; i.isWarning = false; return i }
        }
        let order = Dictionary(set.files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        issues = all.enumerated().sorted {
            let a = (order[$0.element.file] ?? -1, $0.element.document ?? 0, $0.element.line ?? 0, $0.offset)
            let b = (order[$1.element.file] ?? -1, $1.element.document ?? 0, $1.element.line ?? 0, $1.offset)
            return a < b
        }.map(\.element)
    }

    /// Creates the object in the scratch cluster as `kubectl create` would and returns the field
    /// errors the API server would give (namespaces named by manifests are created first).
    static func dryRunCreate(_ object: APIObject, in scratch: ControlLoop?) -> [FieldError] {
        guard let scratch else {
            var o = object
            Defaulting.apply(&o)
            return Validation.validate(o)
        }
        if object.resource.namespaced, let ns = object.metadata.namespace, !ns.isEmpty,
           scratch.store.get(Namespace.self, name: ns) == nil {
            _ = try? scratch.registry.create(.namespace(Namespace(metadata: ObjectMeta(name: ns))))
        }
        do {
            try scratch.registry.create(object)
            return []
        } catch {
            switch error {
            case .invalid(_, _, let errors): return errors
            default: return [FieldError(.invalid, "metadata.name", FieldError.quote(object.key.name), error.description)]
            }
        }
    }

    var errorCount: Int { issues.count { !$0.isWarning } }
    var warningCount: Int { issues.count(where: \.isWarning) }

    var summaryCounts: Summary {
        Summary(files: fileCount, objects: objects.count, valid: objects.count(where: \.valid),
                errors: errorCount, warnings: warningCount)
    }

    /// `checked 9 objects in 7 files: 9 valid, 0 errors, 1 warning`.
    var summary: String {
        let s = summaryCounts
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "checked \(plural(s.objects, "object")) in \(plural(s.files, "file")): \(s.valid) valid, "
            + "\(plural(s.errors, "error")), \(plural(s.warnings, "warning"))"
    }

    var json: JSON { JSON(objects: objects, issues: issues, summary: summaryCounts) }
}
