import Foundation
import SwitchboardTestSupport
import Testing

/// The README as a new user follows it: every command in it is run here (or by `.ci/run`), with
/// the built binary standing in for `swift run switchboard` (a nested `swift run` would wait on
/// the build directory `swift test` holds). The demo runs on the default address plan — the only
/// test that uses it — because the README names those addresses.
@Suite("README, followed as written", .serialized)
struct ReadmeTests {
    /// What the tour's commands must print, by a fragment of the command.
    static let tourExpectations: [(command: String, output: [String])] = [
        ("get svc kubia$", ["ClusterIP", "127."]),
        ("curl -s http://$KUBIA/hostname; echo", ["kubia-"]),
        ("--retry 10", ["kubia-"]),
        ("for i in 1 2 3; do curl -s http://$KUBIA", ["kubia-"]),
        ("get endpoints kubia", ["8080"]),
        ("describe svc kubia", ["TargetPort:", "http/TCP", "Session Affinity:", "ClientIP"]),
        ("logs env-before", ["KUBERNETES_SERVICE_HOST="]),
        ("logs env-after", ["KUBIA_SERVICE_HOST=", "BACKEND_DATABASE_SERVICE_PORT=5432"]),
        ("dig +short @127.96.0.10 backend-database", ["127."]),
        ("SRV _postgres", ["5432 backend-database.default.svc.cluster.local."]),
        ("+domain=default.svc.cluster.local kubia", ["127."]),
        ("logs deploy/kubia-client", ["GET http://kubia/hostname"]),
        ("curl -s http://$LEGACY/version", ["\"gitVersion\""]),
        ("external-api.default", ["api.example.com."]),
        ("127.0.10.$n:30080", ["kubia-"]),
        ("http://$LB/clientip", ["127.0.10."]),
        ("--interface 127.5.5.5", ["127.5.5.5:"]),
        ("$HC/healthz", ["200", "503"]),
        ("http://kubia.example.com/hostname", ["kubia-"]),
        ("https://api.example.com/hostname", ["whoami-"]),
        ("echo?msg=hi", ["hi"]),
        ("-b /tmp/sb-jar", ["kubia-"]),
        ("openssl s_client", ["kubia.example.com"]),
        ("http://$ING/hostname", ["whoami-"]),
        ("get svc,ep,pods -o wide", ["SELECTOR", "kubia-client-"]),
        ("scale deployment kubia", ["scaled"]),
        ("switchboard top --server http://127.0.0.1:6443", ["NAMESPACE", "kubia", "ClusterIP"]),
    ]

    /// `key` found in the command; a trailing `$` anchors it at the end.
    static func matches(_ line: String, _ key: String) -> Bool {
        key.hasSuffix("$") ? line.hasSuffix(String(key.dropLast())) : line.contains(key)
    }

    /// Commands that run to completion on their own (no demo needed), run by `oneShotCommandsWork`.
    static func isOneShot(_ line: String) -> Bool {
        line.hasPrefix("swift run switchboard check ") || line.hasPrefix("swift run switchboard up --once")
    }

    @Test func everyCommandIsRunByThisTestOrByCI() throws {
        let readme = try Readme.load()
        var uncovered: [String] = []
        for (section, line) in readme.commands {
            if line == "bash .ci/run" { continue }  // CI runs it; it runs this test
            if Readme.demoSections.contains(section) { continue }  // theDemoTourWorksAsWritten
            if line == "swift run switchboard up" || Self.isOneShot(line)
                || line.hasPrefix("swift run switchboard up --headless") { continue }
            if section == Readme.recordingSection { continue }  // recordingCommandsWorkAsWritten
            uncovered.append(line)
        }
        #expect(uncovered == [], "README commands no test runs")
        #expect(readme.commands.contains { $0.line == "bash .ci/run" })
        #expect(readme.commands.contains { $0.line.hasPrefix("swift run switchboard up") })
        // Every tour command has its expectation, and every expectation still has its command.
        let tour = readme.commands.filter { Readme.demoSections.contains($0.section) }.map(\.line)
        for e in Self.tourExpectations {
            #expect(tour.contains { Self.matches($0, e.command) }, "no README command contains \(e.command)")
        }
    }

    @Test func oneShotCommandsWork() throws {
        let readme = try Readme.load()
        let oneShots = readme.commands.map(\.line).filter(Self.isOneShot)
        #expect(oneShots.count >= 3)
        for line in oneShots {
            let run = try Shell.run(Readme.binaryLine(line), timeout: 60)
            #expect(run.status == 0, "\(line): \(run.output)")
            #expect(!run.output.isEmpty, "\(line) printed nothing")
        }
    }

    @Test func headlessPrintsTheStateAndEndsOnSIGTERM() async throws {
        let readme = try Readme.load()
        let line = try #require(readme.commands.map(\.line).first { $0.hasPrefix("swift run switchboard up --headless") })
        let args = Array(Readme.strip(line).split(separator: " ").dropFirst(3).map(String.init))
        let up = try HeadlessSwitchboard(arguments: args)
        defer { up.stop() }
        let services = try up.waitForSection("SERVICES", until: "ENDPOINTS")
        #expect(services.contains { $0.count > 1 && $0[1] == "kubia" })
        #expect(up.terminate() == 0)
    }

    /// The two first-run commands' second half and the whole tour: the demo in a terminal, then
    /// every tour command against it, then the dashboard showing what they did.
    @Test func theDemoTourWorksAsWritten() throws {
        let readme = try Readme.load()
        #expect(readme.commands.contains { $0.line == "swift run switchboard up" })
        let t = try Tmux(width: 160, height: 45, command: ["up"])
        defer { t.kill() }
        let first = try t.waitFor(timeout: 30) { $0.contains("Services [") && $0.contains(" kubia ") }
        #expect(first.contains("whoami-local") && first.contains("legacy-api"))
        let tour = readme.commands.filter { Readme.demoSections.contains($0.section) }.map(\.line)
        // One bash runs the tour in order (its variables carry over), marking where each begins.
        var script = "set -u\n"
        for (i, line) in tour.enumerated() { script += "echo '@@\(i)'\n\(Readme.binaryLine(line))\n" }
        let run = try Shell.run(script, timeout: 120)
        let outputs = Readme.split(run.output, count: tour.count)
        for e in Self.tourExpectations {
            guard let i = tour.firstIndex(where: { Self.matches($0, e.command) }) else { continue }
            for fragment in e.output {
                #expect(outputs[i].contains(fragment), "`\(tour[i])` printed:\n\(outputs[i])")
            }
        }
        // Affinity: the three answers are one pod; the cookie keeps one pod too.
        for key in ["for i in 1 2 3; do curl -s http://$KUBIA", "-b /tmp/sb-jar"] {
            if let i = tour.firstIndex(where: { $0.contains(key) }) {
                let names = outputs[i].split(separator: "\n").filter { $0.hasPrefix("kubia-") }
                #expect(names.count == 3 && Set(names).count == 1, "\(key): \(names)")
            }
        }
        // The dashboard saw it: four kubia replicas after the scale, traffic on kubia.
        t.send(":pods", "Enter")
        let pods = try t.waitFor(timeout: 10) { s in s.split(separator: "\n").filter { $0.contains(" kubia-") && !$0.contains("kubia-client") }.count == 4 }
        #expect(pods.contains("Running"))
        t.send("q")
        _ = try t.waitFor("EXITED 0")
        try? FileManager.default.removeItem(atPath: "/tmp/sb-jar")
    }
}

extension ReadmeTests {
    /// The recording section: the scripted commands in one bash, then the two that want a
    /// terminal (the replay dashboard and asciinema's player) in tmux.
    @Test func recordingCommandsWorkAsWritten() throws {
        let lines = try Readme.load().commands.filter { $0.section == Readme.recordingSection }.map(\.line)
        let interactive = lines.filter { $0.hasPrefix("asciinema play") || ($0.contains(" replay ") && !$0.contains("--once")) }
        let scripted = lines.filter { !interactive.contains($0) }
        #expect(scripted.count == 3 && interactive.count == 2, "\(lines)")
        var script = "set -u\n"
        for (i, line) in scripted.enumerated() { script += "echo '@@\(i)'\n\(Readme.binaryLine(line))\n" }
        let run = try Shell.run(script, timeout: 60)
        let out = Readme.split(run.output, count: scripted.count)
        #expect(out[0].contains("PINNED") && out[0].contains("kubia-"), "\(out[0])")
        #expect(out[2].split(separator: "\n").first?.hasPrefix("{") == true, "\(out[2])")
        let cast = try String(contentsOfFile: "/tmp/pod-failure.cast", encoding: .utf8)
        #expect(cast.hasPrefix("{") && cast.contains("\"version\":2"))
        // The replay dashboard: its timeline, then q.
        let replay = try #require(interactive.first { $0.contains(" replay ") })
        let t = try Tmux(width: 120, height: 36, shellLine: Readme.binaryLine(replay))
        defer { t.kill() }
        let screen = try t.waitFor(timeout: 20) { $0.contains("Services [") && $0.contains(" kubia ") }
        #expect(screen.contains("pod-failure"), "the timeline names the recording")
        t.send(" ")
        t.send("q")
        _ = try t.waitFor("EXITED 0")
        // asciinema plays the exported movie to its end.
        let play = try #require(interactive.first { $0.hasPrefix("asciinema play") })
        let player = try Tmux(width: 120, height: 40, shellLine: play)  // the 36-row movie, then EXITED
        defer { player.kill() }
        let played = try player.waitFor(timeout: 30) { $0.contains("EXITED") }
        #expect(played.contains("EXITED 0"), "\(played)")
        #expect(played.contains("Switchboard"), "the movie drew the dashboard")
    }
}

/// README.md's shell commands, by the section they sit in.
struct Readme {
    static let tourSection = "The demo, concept by concept"
    static let recordingSection = "Recording and replay"
    /// Sections whose commands run against the running demo, in README order.
    static let demoSections: Set<String> = [tourSection, "The API beyond loopback, and attaching a dashboard"]
    var commands: [(section: String, line: String)]

    static func load() throws -> Readme {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [(String, String)] = []
        var section = ""
        var inShell = false, inFence = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("```") {
                if inFence { inFence = false; inShell = false } else { inFence = true; inShell = line == "```sh" }
                continue
            }
            if !inFence, line.hasPrefix("## ") { section = String(line.dropFirst(3)) }
            guard inShell else { continue }
            let command = line.trimmingCharacters(in: .whitespaces)
            if command.isEmpty || command.hasPrefix("#") { continue }
            commands.append((section, strip(command)))
        }
        return Readme(commands: commands)
    }

    /// The command without its trailing `# comment` (two spaces or more before the `#`).
    static func strip(_ line: String) -> String {
        guard let r = line.range(of: #"\s{2,}#\s.*$"#, options: .regularExpression) else { return line }
        return String(line[..<r.lowerBound])
    }

    /// The line with the built binary for `swift run switchboard`.
    static func binaryLine(_ line: String) -> String {
        let binary = SwitchboardBinary.url?.path ?? "switchboard"
        return line.replacingOccurrences(of: "swift run switchboard", with: "'\(binary)'")
    }

    /// Splits marked output (`@@N` lines) into one string per command.
    static func split(_ output: String, count: Int) -> [String] {
        var parts = [String](repeating: "", count: count)
        var current: Int?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@"), let i = Int(line.dropFirst(2)), i < count { current = i; continue }
            if let current { parts[current] += line + "\n" }
        }
        return parts
    }
}

/// `bash -c`, in the repository root, stdout and stderr together, bounded in time: `timeout`
/// ends the whole process group, so a hung client inside the script cannot hold the pipe open.
enum Shell {
    struct Run { var status: Int32; var output: String }

    static func run(_ script: String, timeout: TimeInterval) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["-k", "5", "\(Int(timeout))", "/bin/bash", "-c", script]
        p.currentDirectoryURL = Repository.root
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
