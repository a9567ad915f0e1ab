import Foundation
import Yams

/// Reads Kubernetes manifests — multi-document YAML, JSON, `kind: List` — into typed objects,
/// reading YAML as kubectl does (sigs.k8s.io/yaml) so that real manifests load unchanged, and
/// bounded so that a hostile or broken file fails fast with a located message instead of
/// hanging or exhausting memory.
public enum ManifestDecoder {
    /// Largest file accepted. Real manifests are kilobytes; anything this big is a mistake.
    public static let maxFileSize = 32 * 1024 * 1024

    /// Decodes every object in one file's bytes. Never throws: problems are in `issues`.
    /// - Parameter defaultNamespace: given to namespaced objects that name none, as
    ///   `kubectl apply -n` does.
    public static func decode(_ data: Data, file: String, defaultNamespace: String = "default") -> ManifestResult {
        var result = ManifestResult(file: file)
        func fail(_ message: String, _ position: SourcePosition? = nil, document: Int? = nil) -> ManifestResult {
            result.issues.append(ManifestIssue(file: file, document: document, position: position, message: message))
            return result
        }

        guard data.count <= maxFileSize else { return fail(sizeMessage(data.count)) }
        var bytes = [UInt8](data)
        var base = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            base = 3
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return fail("file is UTF-16 encoded; manifests must be UTF-8")
        }
        let lines = LineIndex(bytes, base: base)
        if let nul = firstNUL(bytes) {
            return fail("file is binary (NUL byte at offset \(nul + base)), not YAML or JSON", lines.position(byteOffset: nul))
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            let bad = firstInvalidUTF8(bytes)
            let hex = String(bytes[bad], radix: 16, uppercase: true)
            return fail("file is not UTF-8 text (invalid byte 0x\(hex.count == 1 ? "0" + hex : hex))",
                        lines.position(byteOffset: bad))
        }

        do {
            try YAMLPrecheck.check(text)
        } catch {
            return fail(error.message, lines.position(byteOffset: error.byteOffset))
        }
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, encoding: .utf8)
        } catch {
            return fail(yamlMessage(error), yamlPosition(error, text: text, lines: lines), document: 1)
        }

        var conversion = YAMLConversion(lines: lines)
        var number = 0
        while true {
            number += 1
            let root: Yams.Node
            do {
                guard let next = try parser.nextRoot() else { break }
                root = next
            } catch {
                return fail(yamlMessage(error), yamlPosition(error, text: text, lines: lines), document: number)
            }
            if case .scalar(let s) = root, s.style == .plain, YAMLScalar.resolve(s.string, tag: s.tag.description, plain: true) == .value(.null) {
                continue  // an empty document, e.g. a trailing `---`
            }
            let value: JSONValue
            let tree: PositionTree
            do {
                (value, tree) = try conversion.convert(root)
            } catch {
                result.issues.append(ManifestIssue(
                    file: file, document: number, fieldPath: error.path.isEmpty ? nil : PathSegment.render(error.path),
                    position: error.position, message: error.message))
                if error.stopsFile { return result }
                continue
            }
            let yamlWarnings = conversion.warnings.map {
                ManifestIssue(file: file, document: number, fieldPath: PathSegment.render($0.path),
                              position: $0.position, message: $0.message, isWarning: true)
            }
            decodeDocument(value, tree, number: number, yamlWarnings: yamlWarnings,
                           defaultNamespace: defaultNamespace, into: &result)
        }
        return result
    }

    private static func decodeDocument(_ value: JSONValue, _ tree: PositionTree, number: Int,
                                       yamlWarnings: [ManifestIssue], defaultNamespace: String,
                                       into result: inout ManifestResult) {
        let decoding = ObjectDecoding(file: result.file, document: number, defaultNamespace: defaultNamespace)
        var units: [(JSONValue, PositionTree, ObjectDecoding)] = [(value, tree, decoding)]
        if isList(value), case .object(_, let members) = tree {
            guard case .array(let items)? = value["items"], case .array(_, let itemTrees)? = members["items"]?.value
            else {
                result.issues.append(ManifestIssue(file: result.file, document: number, fieldPath: "items",
                                                   position: tree.position(of: [.key("items")]),
                                                   message: "expected array, got \(value["items"]?.typeName ?? "nothing")"))
                return
            }
            units = zip(items.indices, zip(items, itemTrees)).map { i, pair in
                var item = decoding
                item.itemPath = [.key("items"), .index(i)]
                return (pair.0, pair.1, item)
            }
        }
        result.issues += yamlWarnings
        for (unit, unitTree, decoding) in units {
            let outcome = decoding.decode(unit, positions: unitTree)
            result.issues += outcome.issues
            if let object = outcome.object {
                result.documents.append(ManifestDocument(
                    object: object,
                    source: SourceLocation(file: result.file, document: number, position: unitTree.position),
                    warnings: outcome.issues.filter(\.isWarning), positions: unitTree))
            }
        }
    }

    /// `kind: List` (v1), and `ServiceList`-style lists of the kinds we serve, as kubectl accepts.
    private static func isList(_ value: JSONValue) -> Bool {
        guard let kind = value["kind"]?.stringValue, let apiVersion = value["apiVersion"]?.stringValue,
              kind.hasSuffix("List") else { return false }
        if kind == "List" { return apiVersion == "v1" }
        return ResourceKind(apiVersion: apiVersion, kind: String(kind.dropLast(4))) != nil
    }

    static func sizeMessage(_ size: Int) -> String {
        String(format: "file is %.1f MB, larger than the %d MiB limit", Double(size) / 1_000_000,
               maxFileSize / (1024 * 1024))
    }

    private static func firstNUL(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { buf -> Int? in
            guard let base = buf.baseAddress, let hit = memchr(base, 0, buf.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var offset = 0
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return max(0, bytes.count - 1)
            }
        }
    }

    // MARK: - Yams errors

    static func yamlMessage(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "invalid YAML: \(error)" }
        func withContext(_ problem: String, _ context: YamlError.Context?) -> String {
            if problem.hasPrefix("Maximum nesting level reached") {
                return "invalid YAML: nesting is deeper than 1000 levels"
            }
            guard let context, !context.text.isEmpty else { return "invalid YAML: \(problem)" }
            return "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return withContext(problem, context)
        case .reader(let problem, _, let value, _):
            return value >= 0 ? "invalid YAML: \(problem) (#x\(String(value, radix: 16, uppercase: true)))"
                : "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "invalid YAML: duplicate key " + duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
                + " in a mapping"
        default:
            return "invalid YAML: \(error)"
        }
    }

    static func yamlPosition(_ error: any Error, text: String, lines: LineIndex) -> SourcePosition? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return lines.position(line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return lines.position(line: context.mark.line, column: context.mark.column)
        case .reader(_, let offset?, _, _):
            guard let index = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) else { return nil }
            return lines.position(byteOffset: text.utf8.distance(from: text.startIndex, to: index))
        default:
            return nil
        }
    }
}
