import Foundation
import Testing
@testable import ClusterModel

/// Hostile or broken input fails fast with a clear, located message.
@Suite struct ManifestLimitTests {
    /// The classic "billion laughs": nine levels of ten aliases each, 10^9 strings once expanded.
    static let billionLaughs: String = {
        var lines = ["apiVersion: v1", "kind: Service", "metadata:", "  name: lol", "  annotations:",
                     "    lol0: &lol0 \"lol\""]
        for i in 1...9 {
            lines.append("    lol\(i): &lol\(i) [" + Array(repeating: "*lol\(i - 1)", count: 10).joined(separator: ",") + "]")
        }
        lines.append("spec: {ports: [{port: 80}]}")
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func aliasBombFailsWithAClearMessage() throws {
        let result = ManifestFixture.decode(Self.billionLaughs, file: "bomb.yaml")
        #expect(result.documents.isEmpty)
        let error = try #require(result.errors.first)
        #expect(result.issues.count == 1)
        #expect(error.message.contains("YAML aliases expand to more than 100000 nodes"))
        #expect(error.message.contains("alias bomb"))
        #expect(error.document == 1)
        #expect(error.fieldPath?.hasPrefix("metadata.annotations.lol") == true)
        #expect(error.line != nil)
    }

    @Test func aliasBombInAKeyIsRefusedBeforeComposing() throws {
        let anchors = Self.billionLaughs.split(separator: "\n")[5...14]
            .map { $0.dropFirst(4) }.joined(separator: "\n")
        let text = anchors + "\n? *lol9\n: 1\n"
        let error = try #require(ManifestFixture.decode(text).errors.first)
        #expect(error.message.contains("alias *lol9 of a collection is used as a mapping key"))
        #expect(error.line == 11)
    }

    @Test func ordinaryAnchorsAndAliasesStillWork() {
        var text = "apiVersion: v1\nkind: List\nitems:\n"
        text += "- &svc {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {ports: [{port: 80}]}}\n"
        for i in 0..<50 {
            text += "- {<<: *svc, metadata: {name: s\(i)}}\n"
        }
        let result = ManifestFixture.decode(text)
        #expect(result.issues.isEmpty)
        #expect(result.documents.count == 51)
    }

    @Test func fileOverTheSizeLimitIsNotRead() throws {
        let dir = ManifestFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.yaml")
        _ = FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 100_000_000)  // sparse: nothing is written
        try handle.close()
        let set = ManifestDecoder.load(paths: [big.path])
        #expect(set.issues.map(\.description) == ["\(big.path): file is 100.0 MB, larger than the 32 MiB limit"])
        #expect(set.files == [big.path])

        let inMemory = ManifestDecoder.decode(Data(count: ManifestDecoder.maxFileSize + 1), file: "mem.yaml")
        #expect(inMemory.errors.map(\.message) == ["file is 33.6 MB, larger than the 32 MiB limit"])
    }

    @Test func binaryInputIsNamedAsSuch() throws {
        let elf = Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00])
        let error = try #require(ManifestDecoder.decode(elf, file: "a.out").errors.first)
        #expect(error.message == "file is binary (NUL byte at offset 7), not YAML or JSON")
        #expect(error.document == nil)
        #expect(error.byteOffset == 7)
    }

    @Test func nonUTF8TextIsLocated() throws {
        var data = Data("apiVersion: v1\nkind: Service\nmetadata:\n  name: caf".utf8)
        data.append(0xE9)  // Latin-1 é
        data.append(Data("\n".utf8))
        let error = try #require(ManifestDecoder.decode(data, file: "latin1.yaml").errors.first)
        #expect(error.message == "file is not UTF-8 text (invalid byte 0xE9)")
        #expect((error.line, error.column, error.byteOffset) == (4, 12, 50))
    }

    @Test func utf16IsRefusedClearly() {
        var data = Data([0xFF, 0xFE])
        data.append("apiVersion: v1".data(using: .utf16LittleEndian)!)
        #expect(ManifestDecoder.decode(data, file: "u16.yaml").errors.map(\.message)
            == ["file is UTF-16 encoded; manifests must be UTF-8"])
    }

    @Test func controlCharactersAreRejectedByTheYAMLReader() throws {
        let error = try #require(ManifestFixture.decode("apiVersion: v1\nkind: \u{7}Service\n").errors.first)
        #expect(error.message.hasPrefix("invalid YAML: control characters are not allowed"))
        #expect(error.line == 2)
        #expect(error.column == 7)
    }

    @Test func deepNestingIsBounded() throws {
        let deep = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\nstatus: "
            + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"
        let error = try #require(ManifestFixture.decode(deep).errors.first)
        #expect(error.message == "nesting is deeper than 100 levels")
        #expect(error.fieldPath == "status[0][0][0][0][0][0][0]")
        #expect(error.line == 5)

        let deeper = "a: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let parserError = try #require(ManifestFixture.decode(deeper).errors.first)
        #expect(parserError.message == "invalid YAML: nesting is deeper than 1000 levels")
        #expect(parserError.line == 1)
    }
}
