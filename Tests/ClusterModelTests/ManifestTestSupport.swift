import Foundation
@testable import ClusterModel

/// Small helpers shared by the manifest tests.
enum ManifestFixture {
    static func decode(_ yaml: String, file: String = "test.yaml", namespace: String = "default") -> ManifestResult {
        ManifestDecoder.decode(Data(yaml.utf8), file: file, defaultNamespace: namespace)
    }

    /// The 1-based line and column of the first occurrence of `needle`, and its byte offset.
    static func position(of needle: String, in text: String, occurrence: Int = 1) -> SourcePosition {
        var searchStart = text.startIndex
        var found: Range<String.Index>?
        for _ in 0..<occurrence {
            guard let r = text.range(of: needle, range: searchStart..<text.endIndex) else { fatalError("\(needle) not in fixture") }
            found = r
            searchStart = r.upperBound
        }
        let range = found!
        let before = text[..<range.lowerBound]
        let line = before.split(separator: "\n", omittingEmptySubsequences: false).count
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let column = text.unicodeScalars[lineStart..<range.lowerBound].count + 1
        return SourcePosition(line: line, column: column, byteOffset: before.utf8.count)
    }

    /// A fresh temporary directory, removed by the caller's `defer`.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-manifests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension APIObject {
    var service: Service? { if case .service(let s) = self { s } else { nil } }
    var deployment: Deployment? { if case .deployment(let d) = self { d } else { nil } }
    var ingress: Ingress? { if case .ingress(let i) = self { i } else { nil } }
    var secret: Secret? { if case .secret(let s) = self { s } else { nil } }
    var endpoints: Endpoints? { if case .endpoints(let e) = self { e } else { nil } }
}
