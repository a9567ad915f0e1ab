import Foundation
import Testing

/// The real `dig`, run as a child process, its output parsed into sections. Missing `dig` is a
/// test failure under CI (CI=true) and a stated skip elsewhere.
struct DigResult: CustomStringConvertible {
    struct Record: Hashable, CustomStringConvertible {
        var name: String
        var ttl: UInt32
        var type: String
        var data: String
        var description: String { "\(name) \(ttl) \(type) \(data)" }
    }
    var status = ""
    var flags: Set<String> = []
    var answers: [Record] = []
    var authority: [Record] = []
    var additional: [Record] = []
    var hasOPT = false
    var ednsUDPSize: Int?
    var raw = ""

    var description: String { raw }

    /// `name type data` of the answers, sorted: order of records in a set is not significant.
    var answerLines: [String] { answers.map { "\($0.name) \($0.type) \($0.data)" }.sorted() }

    static func parse(_ text: String) -> DigResult {
        var r = DigResult(raw: text)
        var section = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(";; ->>HEADER<<-"), let range = line.range(of: "status: ") {
                r.status = String(line[range.upperBound...].prefix { $0 != "," })
            } else if line.hasPrefix(";; flags:") {
                let body = line.dropFirst(";; flags:".count).prefix { $0 != ";" }
                r.flags = Set(body.split(separator: " ").map(String.init))
            } else if line.hasPrefix("; EDNS:") {
                r.hasOPT = true
                if let range = line.range(of: "udp: ") { r.ednsUDPSize = Int(line[range.upperBound...].prefix { $0.isNumber }) }
            } else if line.hasPrefix(";; ") && line.hasSuffix("SECTION:") {
                section = line
            } else if !line.hasPrefix(";"), !line.isEmpty {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard f.count >= 4, let ttl = UInt32(f[1]) else { continue }
                var data = f.dropFirst(4).joined(separator: " ")
                if f[3] == "TXT" { data = data.replacingOccurrences(of: "\"", with: "") }
                let record = Record(name: f[0], ttl: ttl, type: f[3], data: data)
                if section.contains("ANSWER") { r.answers.append(record) }
                else if section.contains("AUTHORITY") { r.authority.append(record) }
                else if section.contains("ADDITIONAL") { r.additional.append(record) }
            }
        }
        return r
    }
}

enum Dig {
    static let path = ["/usr/bin/dig", "/bin/dig", "/usr/local/bin/dig"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    /// Tests that need dig run when it exists, and under CI also when it does not (to fail there).
    static var shouldRun: Bool { path != nil || isCI }

    /// `dig @server -p port name type <options>`; one try, short timeout, so a server that does not
    /// answer fails the test quickly instead of hanging it.
    static func query(_ server: String, port: Int, _ name: String, _ type: String = "A", _ options: [String] = []) async throws -> DigResult {
        let dig = try #require(path, "dig (dnsutils) is not installed; .ci/run installs it")
        let args = ["@\(server)", "-p", "\(port)", name, type, "+tries=1", "+time=3", "+nocookie"] + options
        let text = try await run(dig, args)
        return DigResult.parse(text)
    }

    static func run(_ executable: String, _ args: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { _ in
                let data = out.fileHandleForReading.readDataToEndOfFile()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}
