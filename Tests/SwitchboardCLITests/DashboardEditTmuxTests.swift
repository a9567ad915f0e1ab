import Foundation
import SwitchboardTestSupport
import Testing

/// Editing the live cluster from the real dashboard in a real terminal: a service's selector is
/// moved to another deployment's pods and curl follows, undo moves it back, invalid selectors
/// change nothing, and the edit survives `kill -9` and a restart on the same state directory.
@Suite("Dashboard edits in tmux", .serialized)
struct DashboardEditTmuxTests {
    static let block = 250

    static func flags(state: URL, block n: Int = block) -> [String] {
        return ["--service-cidr", "127.\(n).0.0/18", "--pod-cidr", "127.\(n).64.0/18", "--node-cidr", "127.\(n).200.0/24",
                "--load-balancer-pool", "127.\(n).250.0/24", "--cluster-dns", "127.\(n).0.10", "--no-dns-forward",
                "--api-server", "127.\(n).200.254:6443", "--state-dir", state.path]
    }

    /// A second HTTP deployment beside the demo, for kubia's selector to move to.
    static let hello = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: hello
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: hello
          template:
            metadata:
              labels:
                app: hello
            spec:
              containers:
              - name: hello
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: [netexec, --http-port=8080]
                ports:
                - name: http
                  containerPort: 8080
        """

    /// curl until the body starts with `prefix` (traffic moves within a refresh or two).
    static func hostname(_ ip: String, becomes prefix: String, timeout: TimeInterval = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? Curl.getSync("http://\(ip)/hostname")) ?? ""
            if last.hasPrefix(prefix) { return last }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(ip)/hostname never answered \(prefix)…; last: \(last)"])
    }

    static func kubiaIP(_ screen: String) throws -> String {
        let row = try #require(screen.split(separator: "\n").first { $0.contains(" kubia ") && $0.contains("ClusterIP") })
        return String(try #require(row.split(separator: " ").first { $0.hasPrefix("127.") }))
    }

    /// Selects kubia's row: a filter that only its row matches.
    static func selectKubia(_ t: Tmux) throws {
        t.send("/")
        t.sendLiteral(" kubia ClusterIP")
        t.send("Enter")
        _ = try t.waitFor { $0.contains("Services [1]") && !$0.contains("(regex, !inverse") }
    }

    @Test func selectorEditMovesTrafficUndoMovesItBackAndTheEditSurvivesKill9() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let helloFile = dir.appendingPathComponent("hello.yaml")
        try Self.hello.write(to: helloFile, atomically: true, encoding: .utf8)
        let state = dir.appendingPathComponent("state")
        let command = ["up", "demo-data/", helloFile.path] + Self.flags(state: state)

        let t = try Tmux(width: 160, height: 40, command: command)
        defer { t.killAll() }
        let first = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        t.rememberChild()
        let ip = try Self.kubiaIP(first)
        _ = try Self.hostname(ip, becomes: "kubia-")

        // Invalid selectors: the error in place, nothing sent, traffic unchanged.
        try Self.selectKubia(t)
        for bad in ["app in (", "=x", String(repeating: "k", count: 64) + "=v"] {
            t.send("e")
            _ = try t.waitFor("Edit selector of service default/kubia")
            t.send("C-u")
            t.sendLiteral(bad)
            t.send("Enter")
            let screen = try t.waitFor { $0.contains("nothing is applied until the text parses") }
            #expect(screen.contains("^ "), "error marked for \(bad)")
            #expect(screen.contains("Edit selector"), "Enter on \(bad) kept the editor open")
            t.send("Escape")
            _ = try t.waitFor("edit cancelled; nothing changed")
        }
        #expect(try Curl.getSync("http://\(ip)/hostname").hasPrefix("kubia-"))

        // Move kubia's selector onto the hello pods: the preview says so, curl follows.
        t.send("e")
        _ = try t.waitFor("Edit selector of service default/kubia")
        t.send("C-u")
        t.sendLiteral("app=hello")
        let preview = try t.waitFor { $0.contains("pods matching (2): hello-") }
        #expect(preview.contains("- kubia-"), "the kubia endpoints are listed as removed")
        t.send("Enter")
        _ = try t.waitFor("set selector of service default/kubia to app=hello (saved)")
        _ = try Self.hostname(ip, becomes: "hello-")

        // Undo: back to the kubia pods.
        t.send("u")
        _ = try t.waitFor("set selector of service default/kubia to app=kubia (saved)")
        _ = try Self.hostname(ip, becomes: "kubia-")

        // Edit again, then kill -9 once the edit has returned.
        t.send("e", "C-u")
        t.sendLiteral("app=hello")
        t.send("Enter")
        _ = try t.waitFor("set selector of service default/kubia to app=hello (saved)")
        // Every action is an Event from the dashboard.
        t.send(":")
        t.sendLiteral("events")
        t.send("Enter")
        _ = try t.waitFor {
            $0.contains("Events [") && $0.contains("SelectorChanged")
                && $0.contains("set selector of service default/kubia to app=hello")
        }
        let pid = try #require(t.childProcess(named: "switchboard"), "the dashboard's process")
        #expect(kill(pid, SIGKILL) == 0)
        // Gone once its shell has reaped it (the killed dashboard leaves the alternate screen up,
        // so the shell's EXITED line may land anywhere on it).
        let deadline = Date().addingTimeInterval(20)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "the process is gone")
        t.kill()

        // Restarted on the same state directory: the edit is there, and traffic still goes to hello.
        let again = try Tmux(width: 160, height: 40, command: command)
        defer { again.killAll() }
        let restored = try again.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        again.rememberChild()
        #expect(restored.contains("restored the edited cluster from \(state.path)"), "\(restored)")
        #expect(try Self.kubiaIP(restored) == ip, "the saved cluster keeps its cluster IPs")
        let row = try #require(restored.split(separator: "\n").first { $0.contains(" kubia ") && $0.contains("ClusterIP") })
        #expect(row.contains("app=hello"), "\(row)")
        _ = try Self.hostname(ip, becomes: "hello-")
        again.send("q")
        _ = try again.waitFor("EXITED 0")
        again.killAll()

        // --fresh starts from the manifests again.
        let fresh = try Tmux(width: 160, height: 40, command: command + ["--fresh"])
        defer { fresh.killAll() }
        let manifests = try fresh.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        fresh.rememberChild()
        #expect(!manifests.contains("restored the edited cluster"))
        let freshRow = try #require(manifests.split(separator: "\n").first { $0.contains(" kubia ") && $0.contains("ClusterIP") })
        #expect(freshRow.contains("app=kubia") && !freshRow.contains("app=hello"), "\(freshRow)")
        fresh.send("q")
        _ = try fresh.waitFor("EXITED 0")
    }

    @Test func readOnlyRefusesEveryActionAndSaysSoInTheHeader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-ro-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try Tmux(width: 140, height: 36, command: ["up", "demo-data/", "--read-only"]
                         + Self.flags(state: dir, block: Self.block + 1))
        defer { t.killAll() }
        let screen = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        t.rememberChild()
        #expect(screen.split(separator: "\n").first?.contains("READ-ONLY") == true)
        try Self.selectKubia(t)
        t.send("e")
        _ = try t.waitFor("read-only session: actions are off")
        #expect(!t.screen().contains("Edit selector"))
        #expect(!FileManager.default.fileExists(atPath: dir.path), "nothing saved")
        // :w exports the cluster (it changes nothing, so read-only sessions may): check and kubectl read it.
        let export = FileManager.default.temporaryDirectory.appendingPathComponent("sb-export-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: export) }
        t.send(":")
        t.sendLiteral("w \(export.path)")
        t.send("Enter")
        _ = try t.waitFor("objects to \(export.path)")
        let text = try String(contentsOf: export, encoding: .utf8)
        #expect(text.contains("kind: Deployment") && text.contains("name: kubia\n"), "\(text)")
        let check = try SwitchboardBinary.run(["check", export.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let kubectl = try Self.kubectl(["--server", "http://127.\(Self.block + 1).200.254:6443", "apply",
                                        "--dry-run=client", "--validate=false", "-f", export.path])
        #expect(kubectl.status == 0, "\(kubectl.output)")
        #expect(kubectl.output.contains("service/kubia") && kubectl.output.contains("deployment.apps/kubia"),
                "\(kubectl.output)")
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }
}

/// The binary under each test's tmux pane, by pid, so a failing test never leaves it running
/// (killing the tmux server does not always end it).
nonisolated(unsafe) private var children: [String: Int32] = [:]
private let childrenLock = NSLock()

extension DashboardEditTmuxTests {
    @Test func writeBackEditsTheSourceManifestKeepingItsComments() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-wb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Repository.root.appendingPathComponent("demo-data/kubia.yaml")
        let copy = dir.appendingPathComponent("kubia.yaml")
        try FileManager.default.copyItem(at: source, to: copy)
        let original = try String(contentsOf: copy, encoding: .utf8)
        let t = try Tmux(width: 140, height: 36, command: ["up", copy.path, "--write-back"]
                         + Self.flags(state: dir.appendingPathComponent("unused"), block: Self.block + 1).dropLast(2))
        defer { t.killAll() }
        _ = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        t.rememberChild()
        try Self.selectKubia(t)
        t.send("e", "End")
        t.sendLiteral(",tier=web")
        t.send("Enter")
        _ = try t.waitFor("set selector of service default/kubia to app=kubia,tier=web; written to \(copy.path)")
        let edited = try String(contentsOf: copy, encoding: .utf8)
        #expect(edited == original.replacingOccurrences(of: "  selector:\n    app: kubia\n  sessionAffinity",
                                                         with: "  selector:\n    app: kubia\n    tier: web\n  sessionAffinity"),
                "only the selector changed; comments and order kept:\n\(edited)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("unused").path))
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }

    /// The real kubectl with no kubeconfig, in a private HOME.
    static func kubectl(_ args: [String]) throws -> (status: Int32, output: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        p.arguments = ["--cache-dir", home.path] + args
        p.environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "KUBECONFIG": home.appendingPathComponent("none").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension Tmux {
    func rememberChild() {
        guard let pid = childProcess(named: "switchboard") else { return }
        childrenLock.withLock { children[socket] = pid }
    }

    /// Kills the remembered binary (if it is still that process) and the tmux server.
    func killAll() {
        if let pid = childrenLock.withLock({ children.removeValue(forKey: socket) }),
           (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("switchboard") == true {
            Foundation.kill(pid, SIGKILL)
        }
        kill()
    }

    /// Sends text as typed characters (never read as key names such as `Enter`).
    func sendLiteral(_ text: String) { _ = try? run(["send-keys", "-l", text]) }

    /// The pid of the pane's child process whose command name is `name` (the binary under the
    /// pane's shell), from /proc.
    func childProcess(named name: String) -> Int32? {
        guard let shell = Int32(((try? run(["list-panes", "-F", "#{pane_pid}"])) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let comm = stat[stat.index(after: stat.firstIndex(of: "(")!)..<close]
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if comm == name, fields.count > 1, Int32(fields[1]) == shell { return pid }
        }
        return nil
    }
}
