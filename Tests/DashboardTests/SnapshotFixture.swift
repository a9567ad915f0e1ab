import Foundation
import SwitchboardTestSupport
import Testing

/// Text fixtures under Tests/DashboardTests/Fixtures. A missing fixture is written and the test
/// fails (so a new screen is reviewed once); `SWITCHBOARD_RECORD=1` rewrites them all.
enum SnapshotFixture {
    static var directory: URL {
        Repository.root.appendingPathComponent("Tests/DashboardTests/Fixtures")
    }

    static func assertMatches(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        let record = ProcessInfo.processInfo.environment["SWITCHBOARD_RECORD"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            if !record {
                Issue.record("fixture \(name) was missing; written to \(url.path), review it",
                             sourceLocation: sourceLocation)
            }
            return
        }
        if expected != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            let got = first < a.count ? String(a[first]) : "<end>"
            let want = first < e.count ? String(e[first]) : "<end>"
            Issue.record("\(name) differs at line \(first + 1):\n got: \(got)\nwant: \(want)",
                         sourceLocation: sourceLocation)
        }
    }
}
