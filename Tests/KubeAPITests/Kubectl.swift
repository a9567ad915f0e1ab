import Foundation
import Testing

/// The real kubectl, run as a user would with nothing but `--server`: HOME and KUBECONFIG point
/// into a scratch directory (no kubeconfig at all) and the discovery cache is private to the run.
/// A missing binary fails the test under CI (CI=true) and is reported otherwise.
struct Kubectl: Sendable {
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
        /// stdout split into rows of whitespace-separated cells (for table output).
        var rows: [[String]] {
            stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        }
    }

    let binary: String
    let server: String
    let scratch: URL
    /// Extra environment (e.g. `KUBE_EDITOR` for `kubectl edit`).
    var environment: [String: String] = [:]
    /// A kubeconfig to use instead of `--server` (servers with TLS and a token).
    var kubeconfig: String?

    static let defaultBinary = "/usr/bin/kubectl"

    /// The versioned binaries beside /usr/bin/kubectl (gcloud SDK: kubectl.1.27 … kubectl.1.33).
    static func versioned(_ minor: Int) -> String {
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: defaultBinary))
            .map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: "/usr/bin/")).standardizedFileURL.path }
            ?? defaultBinary
        return URL(fileURLWithPath: real).deletingLastPathComponent().appendingPathComponent("kubectl.1.\(minor)").path
    }

    /// nil (and a recorded issue under CI) when the binary is absent.
    static func make(server: String, binary: String = defaultBinary) -> Kubectl? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            if underCI { Issue.record("\(binary) is missing; CI must provide kubectl") }
            else { print("note: \(binary) not installed; kubectl checks not run") }
            return nil
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kubeapi-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        return Kubectl(binary: binary, server: server, scratch: scratch)
    }

    func file(_ name: String, _ contents: String) -> String {
        let url = scratch.appendingPathComponent(name)
        try? contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func process(_ args: [String]) -> (Process, URL, URL) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = (kubeconfig == nil ? ["--server", server] : []) + ["--cache-dir", scratch.appendingPathComponent("cache").path] + args
        p.environment = [
            "HOME": scratch.path, "TMPDIR": scratch.path, "KUBECONFIG": kubeconfig ?? scratch.appendingPathComponent("no-kubeconfig").path,
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
        ].merging(environment) { $1 }
        let id = UUID().uuidString
        let out = scratch.appendingPathComponent("\(id).out"), err = scratch.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try? FileHandle(forWritingTo: out)
        p.standardError = try? FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        return (p, out, err)
    }

    /// Runs to completion (killed after `timeout` seconds).
    func run(_ args: String..., timeout: Double = 20) async throws -> Result {
        try await run(args, timeout: timeout)
    }

    func run(_ args: [String], timeout: Double = 20) async throws -> Result {
        let (p, out, err) = process(args)
        let done = AsyncStream<Void>.makeStream()
        p.terminationHandler = { _ in done.continuation.yield(); done.continuation.finish() }
        try p.run()
        let killer = Task {
            try await Task.sleep(for: .seconds(timeout))
            if p.isRunning { p.terminate() }
        }
        for await _ in done.stream { break }
        killer.cancel()
        return Result(status: p.terminationStatus, stdout: read(out), stderr: read(err))
    }

    /// Starts a long-running command (`get -w`), waits until its output satisfies `until` or
    /// `timeout` passes, then stops it. Returns what it printed.
    func stream(_ args: [String], timeout: Double = 10, during: @Sendable () async throws -> Void = {},
                until: @Sendable (String) -> Bool) async throws -> Result {
        let (p, out, err) = process(args)
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        try await during()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline, p.isRunning, !until(read(out)) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let running = p.isRunning
        if running { p.terminate() }
        p.waitUntilExit()
        return Result(status: running ? -1 : p.terminationStatus, stdout: read(out), stderr: read(err))
    }

    private func read(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}
