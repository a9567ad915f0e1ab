/// One object read from a manifest, with where it came from, so that anything said about it later
/// (validation, the control loop's events) can point at the line the user wrote.
public struct ManifestDocument: Sendable {
    public var object: APIObject
    public var source: SourceLocation
    /// Warnings about this object (unknown or duplicate fields). They also appear in the
    /// enclosing result's `issues`.
    public var warnings: [ManifestIssue]
    let positions: PositionTree

    init(object: APIObject, source: SourceLocation, warnings: [ManifestIssue], positions: PositionTree) {
        self.object = object
        self.source = source
        self.warnings = warnings
        self.positions = positions
    }

    /// `Service default/kubia`.
    public var objectName: String { object.displayName }

    /// Where a field path such as `spec.ports[1].name` (a `FieldError.field`) is written. A path
    /// that does not exist in the source (a missing required field, a defaulted one) maps to the
    /// nearest enclosing node that does.
    public func fieldLocation(_ path: String) -> SourcePosition {
        positions.position(of: PathSegment.parse(path))
    }

    /// A validation error of this object, placed in the source.
    public func issue(for error: FieldError, isWarning: Bool = false) -> ManifestIssue {
        let message = String(error.description.dropFirst(error.field.count + 2))
        return ManifestIssue(file: source.file, document: source.document, objectName: objectName,
                             fieldPath: error.field, position: fieldLocation(error.field),
                             message: message, isWarning: isWarning)
    }
}

/// The outcome of decoding one file: the objects that decoded, and every problem found (errors
/// and warnings, including each document's warnings) in file order. Content problems never throw:
/// a user fixing a manifest wants all of them at once.
public struct ManifestResult: Sendable {
    public var file: String
    public var documents: [ManifestDocument]
    public var issues: [ManifestIssue]

    public init(file: String, documents: [ManifestDocument] = [], issues: [ManifestIssue] = []) {
        self.file = file
        self.documents = documents
        self.issues = issues
    }

    public var errors: [ManifestIssue] { issues.filter { !$0.isWarning } }
    public var warnings: [ManifestIssue] { issues.filter(\.isWarning) }
    public var hasErrors: Bool { issues.contains { !$0.isWarning } }

    /// Position of `path` within `documents[index]`; nil for an index out of range.
    public func fieldLocation(document index: Int, path: String) -> SourcePosition? {
        documents.indices.contains(index) ? documents[index].fieldLocation(path) : nil
    }
}
