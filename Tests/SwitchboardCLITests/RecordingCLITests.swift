import Foundation
import SwitchboardTestSupport
import Testing

/// Recording and replay through the real binary: `up --record`, `replay`, `export`.
@Suite("switchboard record / replay / export", .serialized)
struct RecordingCLITests {
    static let flags = ["--service-cidr", "127.252.0.0/18", "--pod-cidr", "127.252.64.0/18",
                        "--node-cidr", "127.252.200.0/24", "--load-balancer-pool", "127.252.250.0/24",
                        "--cluster-dns", "127.252.0.10", "--no-dns-forward", "--interval", "0.5",
                        "--api-server", "127.252.200.254:6443"]
    static let demo = "demo-data/recordings/pod-failure.swrec"

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// What the live dashboard showed (every view, from the two samples `--once` takes) is what
    /// the replay shows at the same time, row for row.
    @Test func whatLiveShowedIsWhatTheReplayShows() throws {
        let file = Self.temporary("once.swrec")
        defer { try? FileManager.default.removeItem(atPath: file) }
        for view in ["svc", "ep", "pods"] {
            let live = try SwitchboardBinary.run(["up", "--once", "--view", view, "--record", file, "demo-data/"] + Self.flags)
            #expect(live.status == 0, "\(live.stderr)")
            let replayed = try SwitchboardBinary.run(["replay", "--once", "--view", view, file])
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(replayed.stdout == live.stdout, "\(view)")
            #expect(replayed.stdout.contains("kubia"))
            #expect(replayed.stderr.isEmpty, "a cleanly closed file has nothing to report: \(replayed.stderr)")
        }
    }

    /// A recorder killed with -9 leaves a file without its index that replays every whole second.
    @Test func aRecordingKilledWithSigkillReplaysUpToItsLastSecond() throws {
        let file = Self.temporary("killed.swrec")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let flags = Self.flags.map { $0.replacingOccurrences(of: "127.252.", with: "127.253.") }
        let up = try HeadlessSwitchboard(arguments: ["up", "--headless", "--record", file, "demo-data/"] + flags)
        defer { up.stop() }
        _ = try up.waitForSection("SERVICES", until: "ENDPOINTS")
        Thread.sleep(forTimeInterval: 2.5)  // a keyframe and a few deltas at --interval 0.5
        kill(up.process.processIdentifier, SIGKILL)
        up.process.waitUntilExit()
        let r = try SwitchboardBinary.run(["replay", "--once", "--view", "svc", file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no index"), "\(r.stderr)")
        #expect(r.stdout.contains("kubia"))
        let json = try SwitchboardBinary.run(["export", file, "--format", "json"])
        #expect(json.lines.filter { $0.contains(#""type":"snapshot""#) }.count >= 2)
    }

    @Test func damagedAndNewerFilesAreExplained() throws {
        let data = try #require(FileManager.default.contents(atPath: Repository.root.appendingPathComponent(Self.demo).path))
        var bytes = [UInt8](data)
        let cut = Self.temporary("cut.swrec"), newer = Self.temporary("newer.swrec")
        defer { for p in [cut, newer] { try? FileManager.default.removeItem(atPath: p) } }
        FileManager.default.createFile(atPath: cut, contents: Data(bytes[0..<(bytes.count * 2 / 3)]))
        let r = try SwitchboardBinary.run(["replay", "--once", "--view", "svc", cut])
        #expect(r.status == 0)
        #expect(r.stderr.contains("no index") && r.stderr.contains("cut short"), "\(r.stderr)")
        #expect(r.stdout.contains("kubia"))
        bytes[8] = 9
        FileManager.default.createFile(atPath: newer, contents: Data(bytes))
        let n = try SwitchboardBinary.run(["replay", "--once", newer])
        #expect(n.status == 1)
        #expect(n.stderr.contains("format version 9.0, newer than this switchboard reads"), "\(n.stderr)")
    }

    /// The exported movie is accepted by asciinema itself.
    @Test func exportedAsciicastPlaysInAsciinema() throws {
        let cast = Self.temporary("demo.cast")
        defer { try? FileManager.default.removeItem(atPath: cast) }
        let e = try SwitchboardBinary.run(["export", Self.demo, "--format", "asciicast", "-o", cast, "--width", "100", "--height", "30"])
        #expect(e.status == 0, "\(e.stderr)")
        let text = try String(contentsOfFile: cast, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 100 && header["height"] as? Int == 30)
        #expect(lines.count > 10)
        #expect(lines[1].hasPrefix("[0.000000, \"o\", ") && text.contains("kubia"))
        let asciinema = "/usr/bin/asciinema"
        guard FileManager.default.isExecutableFile(atPath: asciinema) else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "asciinema is not installed")
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: asciinema)
        p.arguments = ["play", "-i", "0.01", "-s", "50", cast]
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let played = out.fileHandleForReading.readDataToEndOfFile()
        let complaint = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "asciinema play: \(complaint)")
        #expect(String(decoding: played, as: UTF8.self).contains("Switchboard"))
    }

    @Test func jsonExportIsLinesOfSnapshotsEventsAndMarkers() throws {
        let e = try SwitchboardBinary.run(["export", "demo-data/recordings/selector-edit.swrec", "--format", "json"])
        #expect(e.status == 0, "\(e.stderr)")
        let objects = e.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == e.lines.count)
        #expect(objects.filter { $0["type"] as? String == "snapshot" }.count >= 10)
        let events = objects.filter { $0["type"] as? String == "event" }
        #expect(events.contains { (($0["event"] as? [String: Any])?["object"] as? String)?.contains("kubia") == true })
    }

    /// A demo recording in a real terminal: pause, seek, jump to the next event, quit.
    @Test func replayInATerminalPausesSeeksJumpsAndQuits() throws {
        let t = try Tmux(width: 120, height: 36, command: ["replay", "--paused", Self.demo])
        defer { t.kill() }
        let first = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") && $0.contains("0:00 / 0:") }
        #expect(first.contains("pod-failure.swrec"))
        t.send("Right")
        _ = try t.waitFor("0:05 / 0:")
        t.send("Space")
        _ = try t.waitFor { $0.contains("playing at 1×") }
        t.send("Space")
        let paused = try t.waitFor { $0.contains("⏸") && $0.contains("paused") }
        let at = try #require(Self.position(paused))
        t.send("]")
        let jumped = try t.waitFor { s in Self.position(s).map { $0 > at } == true && s.contains("/default/") }
        #expect(jumped.contains("⏸"), "still paused after the jump")
        t.send("d")  // actions are refused, navigation works: details of the selected service
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }

    /// Live: R starts a recording (the bar shows REC), m adds a marker, R again saves it, and the
    /// file replays with its marker.
    @Test func liveCapitalRRecordsAndMAddsAMarker() throws {
        let flags = Self.flags.map { $0.replacingOccurrences(of: "127.252.", with: "127.254.") }
        let t = try Tmux(width: 120, height: 36, command: ["up", "demo-data/"] + flags)
        defer { t.kill() }
        _ = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        t.send("R")
        _ = try t.waitFor { $0.contains("● REC") }
        Thread.sleep(forTimeInterval: 1.5)
        t.send("m")
        _ = try t.waitFor("marker 1 added")
        Thread.sleep(forTimeInterval: 1.2)
        t.send("R")
        let saved = try t.waitFor("recording saved to ")
        let name = try #require(saved.split(separator: " ").first { $0.hasPrefix("switchboard-") && $0.hasSuffix(".swrec") })
        let path = Repository.root.appendingPathComponent(String(name)).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!saved.contains("● REC"))
        t.send("q")
        _ = try t.waitFor("EXITED 0")
        let json = try SwitchboardBinary.run(["export", path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr.isEmpty, "closed cleanly: \(json.stderr)")
        #expect(json.lines.contains { $0.contains(#""label":"marker 1""#) })
        #expect(json.lines.filter { $0.contains(#""type":"snapshot""#) }.count >= 2)
    }

    /// Seconds into the recording the timeline shows (`m:ss / m:ss`).
    static func position(_ screen: String) -> Int? {
        guard let line = screen.split(separator: "\n").last(where: { $0.contains(" / ") && $0.contains("swrec") }),
              let slash = line.range(of: " / ") else { return nil }
        let before = line[..<slash.lowerBound].split(separator: " ").last ?? ""
        let parts = before.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return parts[0] * 60 + parts[1]
    }
}
