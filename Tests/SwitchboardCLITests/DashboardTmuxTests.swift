import Foundation
import SwitchboardTestSupport
import Testing

/// The real binary's dashboard in a real terminal (tmux), driven as a user would: keys in,
/// screen text out. Each test has its own tmux server socket and its own address block.
@Suite("Dashboard in tmux", .serialized)
struct DashboardTmuxTests {
    static func flags(_ n: Int) -> [String] {
        ["--service-cidr", "127.\(n).0.0/18", "--pod-cidr", "127.\(n).64.0/18", "--node-cidr", "127.\(n).200.0/24",
         "--load-balancer-pool", "127.\(n).250.0/24", "--cluster-dns", "127.\(n).0.10", "--no-dns-forward",
         "--api-server", "127.\(n).200.254:6443"]
    }

    @Test func demoShowsLivePanesNavigatesResizesAndQuitsCleanly() throws {
        let t = try Tmux(width: 120, height: 36, command: ["up", "demo-data/"] + Self.flags(226))
        defer { t.kill() }
        let first = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        #expect(first.contains("kubia") && first.contains("NodePort"))
        // Drive traffic at kubia and watch its CONN/S column rise within two refreshes.
        let row = try #require(first.split(separator: "\n").first { $0.contains(" kubia ") })
        let ip = try #require(row.split(separator: " ").first { $0.hasPrefix("127.226.") })
        for _ in 0..<40 { _ = try? Curl.getSync("http://\(ip)/hostname") }
        let busy = try t.waitFor(timeout: 5) { screen in
            screen.split(separator: "\n").first { $0.contains(" kubia ") }.map { line in
                line.split(separator: " ").contains { Int($0).map { $0 > 0 } == true && !$0.hasPrefix("127") }
            } ?? false
        }
        #expect(busy.contains("conn/s"))
        // Navigate: pods view, then a filter.
        t.send(":pods", "Enter")
        let pods = try t.waitFor("Pods [")
        #expect(pods.contains("kubia-") && pods.contains("Running"))
        t.send("/", "backend", "Enter")
        let filtered = try t.waitFor { $0.contains("backend-database-") && !$0.contains("kubia-") }
        #expect(filtered.contains("Running"))
        // Resize: the frame follows the new size.
        t.resize(width: 80, height: 24)
        let small = try t.waitFor { $0.split(separator: "\n").first?.count ?? 0 <= 80 && $0.contains("Switchboard") }
        #expect(small.split(separator: "\n").count <= 24)
        // Help lists the keys and the concept of each pane.
        t.send("Escape", "?")
        _ = try t.waitFor { $0.lowercased().contains("help") }
        t.send("Escape", "q")
        let after = try t.waitFor("EXITED 0")
        #expect(!after.contains("Services ["), "the terminal was restored (alternate screen left)")
    }

    @Test func vt100AndCLocaleAreReadable() throws {
        let t = try Tmux(width: 100, height: 30, command: ["up", "demo-data/"] + Self.flags(228),
                         environment: ["TERM": "vt100", "LANG": "C", "LC_ALL": "C"])
        defer { t.kill() }
        let screen = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        #expect(screen.contains("kubia"))
        #expect(!screen.contains("┌") && !screen.contains("─"), "ASCII box drawing without a UTF-8 locale")
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }
}

/// A private tmux server running the binary.
final class Tmux: @unchecked Sendable {
    let socket = "sbtest-\(UUID().uuidString.prefix(8))"

    convenience init(width: Int, height: Int, command: [String], environment: [String: String] = [:]) throws {
        guard let binary = SwitchboardBinary.url?.path else { throw CocoaError(.fileNoSuchFile) }
        let env = environment.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let quoted = command.map { "'\($0)'" }.joined(separator: " ")
        try self.init(width: width, height: height, shellLine: "env \(env) '\(binary)' \(quoted)")
    }

    /// Runs a shell command line in the repository root (for commands other than switchboard).
    init(width: Int, height: Int, shellLine: String) throws {
        let shell = "cd '\(Repository.root.path)' && \(shellLine); echo EXITED $?; sleep 60"
        // Started without inheriting this process's descriptors, not through Foundation's
        // Process: the tmux server that new-session forks would hold the pipe Process uses to
        // notice its child's exit (waiting would last as long as the server), and every socket
        // a parallel test has open (their ports would stay bound after those tests end).
        let status = runWithoutInheritedDescriptors(["/usr/bin/tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d",
                                                     "-x", "\(width)", "-y", "\(height)", shell])
        guard status == 0 else { throw CocoaError(.fileNoSuchFile) }
    }

    @discardableResult
    func run(_ args: [String], capture: Bool = true) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        p.arguments = ["-L", socket, "-f", "/dev/null"] + args
        let out = Pipe()
        p.standardOutput = capture ? out : FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = capture ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func screen() -> String { (try? run(["capture-pane", "-p"])) ?? "" }
    func send(_ keys: String...) { _ = try? run(["send-keys"] + keys) }
    func resize(width: Int, height: Int) { _ = try? run(["resize-window", "-x", "\(width)", "-y", "\(height)"]) }

    func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        try waitFor(timeout: timeout) { $0.contains(text) }
    }

    func waitFor(timeout: TimeInterval = 20, _ done: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "screen never matched; last screen:\n\(last)"])
    }

    func kill() { _ = try? run(["kill-server"]) }
}

extension Curl {
    static func getSync(_ url: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-m", "2", url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
