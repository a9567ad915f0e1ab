import ClusterModel
import ControlPlane
import Foundation
import Telemetry

/// `up --write-back`: an applied change is written into the manifest the object came from, as a
/// line edit at the field's position (found by the manifest decoder), so comments, key order and
/// the other documents stay as they were. Yams cannot re-emit a document with its comments, so
/// whatever a line edit cannot express (pods and nodes, which are not in the manifests; flow
/// collections spanning lines) is reported, never rewritten wholesale.
public final class ManifestWriteBack: @unchecked Sendable {
    private var documents: [ManifestDocument]
    private let lock = NSLock()
    public let defaultNamespace: String

    public init(_ set: ManifestSet, defaultNamespace: String = "default") {
        documents = set.documents
        self.defaultNamespace = defaultNamespace
    }

    /// Writes `action` back; returns what happened, for the footer.
    public func apply(_ action: ClusterAction, store: ObjectStore) -> String {
        lock.lock()
        defer { lock.unlock() }
        let edit: (ResourceKind, ObjectRef, String, Value)
        switch action {
        case let .setServiceSelector(ref, selector): edit = (.services, ref, "spec.selector", .map(selector))
        case let .scaleDeployment(ref, replicas): edit = (.deployments, ref, "spec.replicas", .plain(String(replicas)))
        case let .setSessionAffinity(ref, clientIP):
            edit = (.services, ref, "spec.sessionAffinity", .plain(clientIP ? "ClientIP" : "None"))
        case let .setExternalTrafficPolicy(ref, local):
            edit = (.services, ref, "spec.externalTrafficPolicy", .plain(local ? "Local" : "Cluster"))
        case let .setPodLabels(ref, labels): edit = (.pods, ref, "metadata.labels", .map(labels))
        default:
            return "not written back: \(action.summary) changes no manifest (pods and nodes are the cluster's)"
        }
        let (kind, ref, field, value) = edit
        guard let doc = documents.first(where: {
            $0.object.resource == kind && $0.object.key == ObjectKey(namespace: ref.namespace, name: ref.name)
        }) else {
            return "not written back: \(kind.kind) \(ref) is not in the manifests"
        }
        do {
            let file = doc.source.file
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = try Self.edit(text, document: doc, field: field, value: value)
            if field == "spec.sessionAffinity", case .plain("None") = value,
               Self.exists(doc, "spec.sessionAffinityConfig") {
                // ClientIP's timeout block would make None invalid: drop it too.
                let reread = ManifestDecoder.decode(Data(text.utf8), file: file, defaultNamespace: defaultNamespace)
                if let d = reread.documents.first(where: { $0.source.document == doc.source.document }) {
                    text = try Self.edit(text, document: d, field: "spec.sessionAffinityConfig", value: .remove)
                }
            }
            let check = ManifestDecoder.decode(Data(text.utf8), file: file, defaultNamespace: defaultNamespace)
            if let problem = check.issues.first(where: { !$0.isWarning }) {
                return "cannot write back to \(file): the edit would not parse (\(problem.message)); file unchanged"
            }
            try StateDirectory.writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: file))
            documents.removeAll { $0.source.file == file }
            documents += check.documents
            return "written to \(file)"
        } catch {
            return "cannot write back: \(error)"
        }
    }

    enum Value: Equatable {
        case plain(String)
        case map([String: String])
        case remove
    }

    struct CannotEdit: Error, CustomStringConvertible {
        var description: String
    }

    static func exists(_ doc: ManifestDocument, _ field: String) -> Bool {
        let parent = field.split(separator: ".").dropLast().joined(separator: ".")
        return doc.fieldLocation(field) != doc.fieldLocation(parent)
    }

    /// A YAML scalar for a label key or value: plain when YAML would read it back as the same
    /// string, else double-quoted.
    static func scalar(_ s: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
        let plain = !s.isEmpty && s.first!.isLetter && !reserved.contains(s.lowercased())
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }
        if plain { return s }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }

    static func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// The line edit: replace the value at `field`'s key (1-based line and column), or insert
    /// the key under its parent when the manifest did not have it.
    static func edit(_ text: String, document doc: ManifestDocument, field: String, value: Value) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let parentPath = field.split(separator: ".").dropLast().joined(separator: ".")
        let key = String(field.split(separator: ".").last!)
        func rendered(at indent: Int) -> [Substring] {
            let pad = String(repeating: " ", count: indent)
            switch value {
            case .plain(let v): return [Substring(pad + key + ": " + v)]
            case .map(let m) where m.isEmpty: return [Substring(pad + key + ": {}")]
            case .map(let m):
                return [Substring(pad + key + ":")]
                    + m.keys.sorted().map { Substring(pad + "  " + scalar($0) + ": " + scalar(m[$0]!)) }
            case .remove: return []
            }
        }
        if exists(doc, field) {
            let pos = doc.fieldLocation(field)
            let l = pos.line - 1
            guard lines.indices.contains(l) else { throw CannotEdit(description: "\(field) is beyond the file's end") }
            let keyIndent = pos.column - 1
            guard indent(lines[l]) == keyIndent else {
                throw CannotEdit(description: "\(field) is inside a flow collection; edit it by hand")
            }
            // The key's block: its line and every following more-indented (or blank-then-more-
            // indented) line.
            var end = l + 1
            while end < lines.count {
                let line = lines[end]
                if line.trimmingCharacters(in: .whitespaces).isEmpty {
                    let next = lines[(end + 1)...].first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                    if let next, indent(next) > keyIndent { end += 1; continue }
                    break
                }
                if indent(line) > keyIndent { end += 1; continue }
                break
            }
            var replacement = rendered(at: keyIndent)
            if case .plain = value, let hash = lines[l].range(of: " #") {
                replacement[0] += " " + lines[l][hash.lowerBound...].drop { $0 == " " }  // keep its comment
            }
            lines.replaceSubrange(l..<end, with: replacement)
        } else {
            guard case .remove = value else {
                let parent = doc.fieldLocation(parentPath)
                let pl = parent.line - 1
                guard lines.indices.contains(pl), exists(doc, parentPath) || parentPath.isEmpty else {
                    throw CannotEdit(description: "the manifest has no \(parentPath) to add \(key) to")
                }
                let parentIndent = parent.column - 1
                let child = lines[(pl + 1)...].first { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
                let childIndent = child.map { indent($0) > parentIndent ? indent($0) : parentIndent + 2 } ?? parentIndent + 2
                lines.insert(contentsOf: rendered(at: childIndent), at: pl + 1)
                return lines.joined(separator: "\n")
            }
        }
        return lines.joined(separator: "\n")
    }
}
