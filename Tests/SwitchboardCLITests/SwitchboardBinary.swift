import Foundation
import SwitchboardTestSupport

/// Runs the built `switchboard` executable, as a user would.
enum SwitchboardBinary {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The executable sits in the build products directory, next to the test bundle. Where the
    /// test runner lives differs by platform (`.xctest` executable on Linux, a bundle loaded by a
    /// helper on macOS), so several places are tried; `SWITCHBOARD_BINARY` overrides them all.
    static var url: URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["SWITCHBOARD_BINARY"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("switchboard"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("switchboard"))
        if let argv0 = CommandLine.arguments.first {
            let dir = URL(fileURLWithPath: argv0).deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("switchboard"))
            candidates.append(dir.deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        candidates.append(Repository.root.appendingPathComponent(".build/debug/switchboard"))
        return candidates.first { fm.isExecutableFile(atPath: $0.path) && !isDirectory($0) }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Runs `switchboard arguments…` in the repository root (so `demo-data/…` paths read as a user
    /// types them), feeding `stdin` if given.
    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        guard let url else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "switchboard binary not built"])
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }
}
