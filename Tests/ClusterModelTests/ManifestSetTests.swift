import Foundation
import Testing
@testable import ClusterModel

/// Loading several files and directories as one set of objects.
@Suite struct ManifestSetTests {
    static func service(_ name: String, namespace: String? = nil) -> String {
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(name)\n"
            + (namespace.map { "  namespace: \($0)\n" } ?? "") + "spec:\n  ports:\n  - port: 80\n"
    }

    @Test func duplicateObjectsAcrossFilesNameBothPlaces() throws {
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.yaml"), b = dir.appendingPathComponent("b.yaml")
        try (Self.service("web") + "---\n" + Self.service("api")).write(to: a, atomically: true, encoding: .utf8)
        try (Self.service("other") + "---\n" + Self.service("web", namespace: "default"))
            .write(to: b, atomically: true, encoding: .utf8)
        let set = ManifestDecoder.load(paths: [a.path, b.path])
        #expect(set.documents.map(\.objectName) == ["Service default/web", "Service default/api", "Service default/other"])
        let error = try #require(set.errors.first)
        #expect(set.errors.count == 1)
        #expect(error.file == b.path)
        #expect(error.document == 2)
        #expect(error.fieldPath == "metadata.name")
        #expect(error.line == 12)
        #expect(error.message == "Duplicate value: Service default/web is also defined in \(a.path) document 1 (line 1)")
    }

    @Test func sameNameIsFineAcrossKindsAndNamespaces() throws {
        let text = Self.service("web") + "---\n" + Self.service("web", namespace: "prod")
            + "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n"
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let set = ManifestDecoder.load(paths: [file.path])
        #expect(set.issues.isEmpty)
        #expect(set.objects.count == 3)
    }

    @Test func directoriesExpandToManifestFilesInNameOrder() throws {
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.service("b").write(to: dir.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        try Self.service("a").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"c"},"spec":{"ports":[{"port":1}]}}"#
            .write(to: dir.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        try "not a manifest".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let set = ManifestDecoder.load(paths: [dir.path])
        #expect(set.issues.isEmpty)
        #expect(set.files.map { ($0 as NSString).lastPathComponent } == ["a.yaml", "b.yml", "c.json"])
        #expect(set.objects.map(\.key.name) == ["a", "b", "c"])
    }

    @Test func missingPathsAndEmptyDirectories() throws {
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = ManifestDecoder.load(paths: ["/nonexistent/x.yaml", dir.path])
        #expect(set.errors.map(\.description) == ["/nonexistent/x.yaml: no such file or directory"])
        #expect(set.warnings.map(\.message) == ["directory holds no .yaml, .yml or .json files"])
    }

    @Test func issuesAreOrderedByFileThenDocument() throws {
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.yaml"), b = dir.appendingPathComponent("b.yaml")
        try ("apiVersion: v1\nkind: Nope\nmetadata: {name: x}\n---\n" + Self.service("dup"))
            .write(to: a, atomically: true, encoding: .utf8)
        try (Self.service("dup") + "---\napiVersion: v1\nkind: Nope\nmetadata: {name: y}\n")
            .write(to: b, atomically: true, encoding: .utf8)
        let set = ManifestDecoder.load(paths: [a.path, b.path])
        #expect(set.errors.map { "\(($0.file as NSString).lastPathComponent)#\($0.document ?? 0)" }
            == ["a.yaml#1", "b.yaml#1", "b.yaml#2"])
    }
}
