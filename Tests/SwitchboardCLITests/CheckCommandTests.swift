import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard check` run as a process: output lines and exit status.
@Suite struct CheckCommandTests {
    static let badService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: ok
        spec:
          ports:
          - port: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
          - name: http
            port: eighty
        """

    /// Removes the temporary directory `write` made for `path`.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// Writes `text` to a file in a fresh temporary directory; returns the file's path.
    static func write(_ text: String, name: String = "bad.yaml") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func binaryIsFound() {
        #expect(SwitchboardBinary.url != nil, "build the switchboard product first (swift build)")
    }

    @Test func demoDataChecksClean() throws {
        let demo = Repository.root.appendingPathComponent("demo-data")
        let files = try FileManager.default.contentsOfDirectory(atPath: demo.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "demo-data/\($0)" }
        #expect(files.count >= 7)
        let run = try SwitchboardBinary.run(["check"] + files)
        #expect(run.status == 0)
        #expect(run.lines.count == 1, "no problem lines expected, got: \(run.stdout)")
        let summary = try #require(run.lines.last)
        let objects = summary.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
        #expect(summary == "checked \(objects) objects in \(files.count) files: \(objects) valid, 0 errors, 0 warnings")
    }

    @Test func demoDirectoryChecksClean() throws {
        let run = try SwitchboardBinary.run(["check", "demo-data"])
        #expect(run.status == 0)
        #expect(run.lines.count == 1)
        #expect(run.lines.last?.hasSuffix(" 0 errors, 0 warnings") == true)
    }

    @Test func badFileNamesFileDocumentObjectFieldAndLine() throws {
        let path = try Self.write(Self.badService)
        defer { Self.remove(path) }
        let run = try SwitchboardBinary.run(["check", path])
        #expect(run.status == 1)
        #expect(run.lines == [
            #"\#(path): document 2 (Service default/web): spec.ports[0].port: expected number, got string "eighty" (line 16, column 5)"#,
            "checked 1 object in 1 file: 1 valid, 1 error, 0 warnings",
        ])
    }

    @Test func unknownFieldsWarnUnlessStrict() throws {
        let path = try Self.write("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  foo: 1\n  ports: [{port: 80}]\n",
                                  name: "u.yaml")
        defer { Self.remove(path) }
        let lenient = try SwitchboardBinary.run(["check", path])
        #expect(lenient.status == 0)
        #expect(lenient.lines.first == #"warning: \#(path): document 1 (Service default/web): unknown field "spec.foo" (line 5, column 3)"#)
        let strict = try SwitchboardBinary.run(["check", "--strict", path])
        #expect(strict.status == 1)
        #expect(strict.lines.first == #"\#(path): document 1 (Service default/web): unknown field "spec.foo" (line 5, column 3)"#)
        #expect(strict.lines.last == "checked 1 object in 1 file: 0 valid, 1 error, 0 warnings")
    }

    @Test func jsonOutputForScripts() throws {
        let path = try Self.write(Self.badService)
        defer { Self.remove(path) }
        let run = try SwitchboardBinary.run(["check", "--output", "json", path])
        #expect(run.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary == ["files": 1, "objects": 1, "valid": 1, "errors": 1, "warnings": 0])
        let issue = try #require((json["issues"] as? [[String: Any]])?.first)
        #expect(issue["fieldPath"] as? String == "spec.ports[0].port")
        #expect(issue["document"] as? Int == 2)
        let position = try #require(issue["position"] as? [String: Int])
        #expect(position["line"] == 16)
        #expect(position["byteOffset"] == Self.badService.utf8.count - "port: eighty".utf8.count)
    }

    @Test func standardInputAndNamespaceOption() throws {
        let run = try SwitchboardBinary.run(["check", "-n", "team", "--output", "json", "-"],
                                            stdin: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n")
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let object = try #require((json["objects"] as? [[String: Any]])?.first)
        #expect(object["namespace"] as? String == "team")
        #expect(object["file"] as? String == "-")
    }

    @Test func missingFileAndNoArguments() throws {
        let missing = try SwitchboardBinary.run(["check", "no/such/file.yaml"])
        #expect(missing.status == 1)
        #expect(missing.lines.first == "no/such/file.yaml: no such file or directory")
        let none = try SwitchboardBinary.run(["check"])
        #expect(none.status != 0)
        #expect(none.stderr.contains("Give at least one manifest file or directory."))
    }

    // MARK: - These depend on Validation.validate, which is being filled in separately.

    @Test func serviceWithTwoUnnamedPortsIsInvalid() throws {
        let path = try Self.write("""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: web}
              ports:
              - port: 80
              - port: 443
            """, name: "unnamed.yaml")
        defer { Self.remove(path) }
        let run = try SwitchboardBinary.run(["check", path])
        #expect(run.status == 1)
        #expect(run.lines.contains("\(path): document 1 (Service default/web): spec.ports[0].name: Required value (line 8, column 5)"))
        #expect(run.lines.contains("\(path): document 1 (Service default/web): spec.ports[1].name: Required value (line 9, column 5)"))
    }

    @Test func invalidServiceNameAndPortAreReportedWithLines() throws {
        let path = try Self.write("""
            apiVersion: v1
            kind: Service
            metadata:
              name: Web_1
            spec:
              ports:
              - port: 70000
            """, name: "invalid.yaml")
        defer { Self.remove(path) }
        let run = try SwitchboardBinary.run(["check", path])
        #expect(run.status == 1)
        let prefix = "\(path): document 1 (Service default/Web_1): "
        #expect(run.lines.contains { $0.hasPrefix(prefix + #"metadata.name: Invalid value: "Web_1""#) && $0.hasSuffix("(line 4, column 3)") })
        #expect(run.lines.contains { $0.hasPrefix(prefix + "spec.ports[0].port: Invalid value: 70000") && $0.hasSuffix("(line 7, column 5)") })
    }
}
