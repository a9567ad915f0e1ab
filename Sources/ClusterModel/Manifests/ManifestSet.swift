import Foundation

/// Everything read from the files given on a command line, checked as one set: two files may not
/// both define the same object, as `kubectl apply -f a.yaml -f b.yaml` would silently let the
/// second overwrite the first.
public struct ManifestSet: Sendable {
    /// The files read, directories expanded, in the order read.
    public var files: [String]
    /// Objects that decoded without errors, in file and document order, duplicates left out.
    public var documents: [ManifestDocument]
    /// Every error and warning, grouped by file in the order read.
    public var issues: [ManifestIssue]

    public init(files: [String] = [], documents: [ManifestDocument] = [], issues: [ManifestIssue] = []) {
        self.files = files
        self.documents = documents
        self.issues = issues
    }

    public var errors: [ManifestIssue] { issues.filter { !$0.isWarning } }
    public var warnings: [ManifestIssue] { issues.filter(\.isWarning) }
    public var hasErrors: Bool { issues.contains { !$0.isWarning } }
    public var objects: [APIObject] { documents.map(\.object) }
}

extension ManifestDecoder {
    /// Extensions read when a directory is given, as `kubectl apply -f DIR` does (not recursive).
    public static let manifestExtensions: Set<String> = ["yaml", "yml", "json"]

    /// Reads files and directories (`*.yaml`, `*.yml`, `*.json` directly inside; sorted by name);
    /// `-` reads standard input. Files over `maxFileSize` are refused without being read.
    public static func load(paths: [String], defaultNamespace: String = "default") -> ManifestSet {
        var set = ManifestSet()
        for path in paths {
            for file in expand(path, into: &set) {
                set.files.append(file)
                switch read(file) {
                case .failure(let issue):
                    set.issues.append(issue)
                case .success(let data):
                    let result = decode(data, file: file, defaultNamespace: defaultNamespace)
                    set.documents += result.documents
                    set.issues += result.issues
                }
            }
        }
        rejectDuplicates(&set)
        let order = Dictionary(set.files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        set.issues = set.issues.enumerated().sorted {
            let a = (order[$0.element.file] ?? -1, $0.element.document ?? 0, $0.offset)
            let b = (order[$1.element.file] ?? -1, $1.element.document ?? 0, $1.offset)
            return a < b
        }.map(\.element)
        return set
    }

    private static func expand(_ path: String, into set: inout ManifestSet) -> [String] {
        guard path != "-" else { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            set.issues.append(ManifestIssue(file: path, message: "no such file or directory"))
            return []
        }
        guard isDirectory.boolValue else { return [path] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let files = entries
            .filter { manifestExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
        if files.isEmpty {
            set.issues.append(ManifestIssue(file: path, message: "directory holds no .yaml, .yml or .json files",
                                            isWarning: true))
        }
        return files
    }

    private static func read(_ file: String) -> Result<Data, ManifestIssue> {
        if file == "-" {
            let data = (try? FileHandle.standardInput.read(upToCount: maxFileSize + 1)) ?? Data()
            return data.count > maxFileSize
                ? .failure(ManifestIssue(file: file, message: "standard input is larger than the "
                    + "\(maxFileSize / (1024 * 1024)) MiB limit"))
                : .success(data)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        if size > maxFileSize {
            return .failure(ManifestIssue(file: file, message: sizeMessage(size)))
        }
        do {
            return .success(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            return .failure(ManifestIssue(file: file, message: "cannot read: \(error.localizedDescription)"))
        }
    }

    /// Same kind, namespace and name twice: the later one is an error naming the first place.
    private static func rejectDuplicates(_ set: inout ManifestSet) {
        var first: [String: ManifestDocument] = [:]
        var kept: [ManifestDocument] = []
        for document in set.documents {
            let id = "\(document.object.resource.rawValue)|\(document.object.key)"
            guard let original = first[id] else {
                first[id] = document
                kept.append(document)
                continue
            }
            var place = "\(original.source.file) document \(original.source.document)"
            if let line = original.source.line { place += " (line \(line))" }
            set.issues.append(ManifestIssue(
                file: document.source.file, document: document.source.document, objectName: document.objectName,
                fieldPath: "metadata.name", position: document.fieldLocation("metadata.name"),
                message: "Duplicate value: \(document.objectName) is also defined in \(place)"))
        }
        set.documents = kept
    }
}
