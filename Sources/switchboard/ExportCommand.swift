import ArgumentParser
import Dashboard
import Foundation
import Recording
import Telemetry

/// `switchboard export FILE --format asciicast|json`: a recording as a movie anyone can play
/// (`asciinema play`), rendered from the same pure dashboard frames a replay shows, or as JSON
/// lines of snapshots, events and markers for scripts.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a recording as an asciicast v2 movie or as JSON lines.",
        discussion: """
            asciicast: one frame per recorded sample, drawn by the dashboard at --width x --height \
            with the timeline; markers become asciicast markers. json: one object per line, \
            {"type":"snapshot"|"event"|"marker","t":seconds since the start,…}, in time order.
            """
    )

    @Argument(help: "A recording.")
    var file: String

    @Option(help: "asciicast or json.")
    var format: String

    @Option(name: [.customShort("o"), .long], help: "Where to write (default: standard output).")
    var output: String?

    @Option(help: "Terminal columns of the asciicast.")
    var width = 120

    @Option(help: "Terminal rows of the asciicast.")
    var height = 36

    @Option(help: "The pane the movie shows: svc, ep, ing, flow, pods, nodes, events.")
    var view = "svc"

    @Option(help: "Speed of the movie (times are divided by it).")
    var speed: Double = 1

    func run() async throws {
        guard format == "asciicast" || format == "json" else { throw ValidationError("--format must be asciicast or json") }
        guard width >= 20, height >= 6 else { throw ValidationError("--width must be at least 20 and --height at least 6") }
        guard speed > 0 else { throw ValidationError("--speed must be positive") }
        guard let pane = PaneKind.parse(view), pane != .details else {
            throw ValidationError("--view must be one of svc, ep, ing, flow, pods, nodes, events")
        }
        let reader = try Replay.open(file)
        let lines = format == "json" ? try Self.jsonLines(reader) : try Self.asciicast(reader, width: width, height: height,
                                                                                     pane: pane, speed: speed)
        let text = lines.joined(separator: "\n") + "\n"
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                FileHandle.standardError.write(Data("switchboard: cannot write \(output)\n".utf8))
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func asciicast(_ reader: RecordingReader, width: Int, height: Int, pane: PaneKind, speed: Double) throws -> [String] {
        let start = reader.index.start ?? 0
        let header: [String: Any] = [
            "version": 2, "width": width, "height": height, "timestamp": Int(reader.header.created),
            "title": "switchboard replay \((reader.path as NSString).lastPathComponent)",
            "env": ["TERM": "xterm-256color", "SHELL": "/bin/sh"],
        ]
        var lines = [String(decoding: try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]), as: UTF8.self)]
        var config = DashboardConfig()
        config.initialPane = pane
        var loop = DashboardLoop(config: config, glyphs: .unicode)
        let theme = Theme.dark.resolved(for: .ansi256)
        var events: [(Double, String, String)] = []
        var first = true
        var cursor: RecordingReader.Cursor?
        for i in reader.index.samples.indices {
            guard let c = reader.cursor(at: i, from: cursor), c.sample == i else { continue }
            cursor = c
            let snapshot = try reader.snapshot(c)
            loop.receive(snapshot)
            loop.timeline = SessionTimeline(start: start, end: reader.index.end ?? start, position: snapshot.time, playing: true,
                                            speed: speed, markers: reader.index.markers.map(\.t),
                                            events: reader.index.events.map(\.t),
                                            label: (reader.path as NSString).lastPathComponent)
            let frame = ANSIFrame.render(loop.frame(width: width, height: height), theme: theme)
            events.append(((snapshot.time - start) / speed, "o", (first ? "\u{1B}[2J" : "") + frame))
            first = false
        }
        for m in reader.index.markers { events.append(((m.t - start) / speed, "m", m.label)) }
        events.sort { $0.0 < $1.0 }
        for (t, code, data) in events {
            let encoded = try JSONSerialization.data(withJSONObject: [data], options: [])
            let str = String(decoding: encoded, as: UTF8.self).dropFirst().dropLast()
            lines.append("[\(String(format: "%.6f", max(0, t))), \"\(code)\", \(str)]")
        }
        return lines
    }

    static func jsonLines(_ reader: RecordingReader) throws -> [String] {
        let start = reader.index.start ?? 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [(Double, Int, String)] = []
        var seen: Set<EventSummary>?
        var cursor: RecordingReader.Cursor?
        func t(_ v: Double) -> String { String(format: "%.3f", v - start) }
        for i in reader.index.samples.indices {
            guard let c = reader.cursor(at: i, from: cursor), c.sample == i else { continue }
            cursor = c
            let s = try reader.snapshot(c)
            let events = s.cluster?.events ?? []
            if let seen {
                for e in events where !seen.contains(e) {
                    lines.append((s.time, 0, #"{"event":\#(String(decoding: try encoder.encode(e), as: UTF8.self)),"t":\#(t(s.time)),"type":"event"}"#))
                }
            }
            seen = Set(events)
            lines.append((s.time, 1, #"{"snapshot":\#(String(decoding: try encoder.encode(s), as: UTF8.self)),"t":\#(t(s.time)),"type":"snapshot"}"#))
        }
        for m in reader.index.markers {
            let label = String(decoding: try encoder.encode([m.label]), as: UTF8.self).dropFirst().dropLast()
            lines.append((m.t, 2, #"{"label":\#(label),"t":\#(t(m.t)),"type":"marker"}"#))
        }
        return lines.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}
