import ArgumentParser
import Dashboard
import Foundation
import Recording
import Telemetry
import TerminalUI

/// `switchboard replay FILE`: the dashboard over a recording, with a timeline and replay keys;
/// every pane, filter and drill-down works as live, and actions are refused.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a recorded session in the dashboard (or print one view with --once).",
        discussion: """
            Keys: space pauses, ←/→ seek 5 s, Shift-←/→ or PgUp/PgDn jump 10 %, [ / ] go to the \
            previous / next Event or marker, - / + change the speed (0.25× to 16×), q quits. \
            A damaged or cut-short file replays everything whole; what was wrong is printed first.
            """
    )

    @Argument(help: "A recording (switchboard up --record FILE, or R in the dashboard).")
    var file: String

    @Option(help: "Playback speed, 0.25 to 16.")
    var speed: Double = 1

    @Option(help: "Start at this many seconds into the recording.")
    var at: Double?

    @Option(help: "Skip quiet stretches (nothing but the clock changed) longer than this many seconds.")
    var idleTimeLimit: Double?

    @OptionGroup var onceView: OnceView
    var once: Bool { onceView.once }

    @Flag(help: "Start paused.")
    var paused = false

    func run() async throws {
        let reader = try Self.open(file)
        let start = reader.index.start ?? 0
        if once {
            let t = start + (at ?? (reader.index.end ?? start) - start)
            guard let i = reader.index.sampleIndex(atOrBefore: t), let c = reader.cursor(at: i) else {
                throw ExitCode(1)
            }
            let snapshot = try reader.snapshot(c)
            let previous = i > 0 ? reader.cursor(at: i - 1).flatMap { try? reader.snapshot($0) } : nil
            print(try onceView.render(snapshot, previous: previous), terminator: "")
            return
        }
        guard (0.25...16).contains(speed) else { throw ValidationError("--speed must be between 0.25 and 16") }
        let source = ReplaySource(reader: reader, speed: speed, at: at.map { start + $0 }, playing: !paused,
                                  idleTimeLimit: idleTimeLimit)
        do {
            try await runDashboard(source: source, actions: RefusingActions(reason: "a recording cannot be changed"),
                                   interval: 0.05, session: SessionLink(control: source, keys: .replay))
        } catch let error as TerminalError {
            FileHandle.standardError.write(Data("switchboard: \(error). Run it in a terminal, or use --once (one view as text) or switchboard export.\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Opens a recording, printing what was wrong with it (damage, a cut-short tail) to stderr;
    /// a file that cannot be replayed at all exits 1 with the reason.
    static func open(_ file: String) throws -> RecordingReader {
        do {
            let reader = try RecordingReader(path: file)
            for p in reader.problems { FileHandle.standardError.write(Data("switchboard: \(file): \(p)\n".utf8)) }
            return reader
        } catch let error as RecordingError {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
