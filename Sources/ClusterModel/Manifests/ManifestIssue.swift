/// One problem found in a manifest, located as precisely as the input allows, so that a user can
/// jump straight to it: `bad.yaml: document 2 (Service default/web): spec.ports[1].name: Required
/// value (line 14, column 9)`. Warnings (unknown fields, as kubectl's field validation in `Warn`
/// mode reports them) do not make an object invalid unless the caller is strict.
public struct ManifestIssue: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based YAML document number; nil for problems with the file as a whole.
    public var document: Int?
    /// `Service default/kubia`, when kind and name were readable.
    public var objectName: String?
    /// Path inside the object (`spec.ports[0].port`); nil when the problem is not about a field.
    public var fieldPath: String?
    public var position: SourcePosition?
    public var message: String
    public var isWarning: Bool

    public init(file: String, document: Int? = nil, objectName: String? = nil, fieldPath: String? = nil,
                position: SourcePosition? = nil, message: String, isWarning: Bool = false) {
        self.file = file
        self.document = document
        self.objectName = objectName
        self.fieldPath = fieldPath
        self.position = position
        self.message = message
        self.isWarning = isWarning
    }

    public var line: Int? { position?.line }
    public var column: Int? { position?.column }
    public var byteOffset: Int? { position?.byteOffset }

    public var description: String {
        var s = isWarning ? "warning: \(file)" : file
        if let document {
            s += ": document \(document)"
            if let objectName { s += " (\(objectName))" }
        }
        s += ": "
        // `unknown field "spec.foo"` already names its path, as kubectl's warning does.
        if let fieldPath, !fieldPath.isEmpty, !message.contains("\"\(fieldPath)\"") { s += "\(fieldPath): " }
        s += message
        if let position { s += " (\(position))" }
        return s
    }
}
