import Foundation
import Synchronization
import Telemetry

/// The live side of recording: passes another source's snapshots through and appends each to
/// the recording in progress, so what is recorded is exactly what the dashboard was given.
/// `R` starts and stops it (`SessionCommand.toggleRecording`), `m` adds a marker.
public final class LiveRecorder: DetailedSnapshotSource, SessionControl {
    struct State {
        var writer: RecordingWriter?
        var lastTime: Double?
        var markers = 0
        var failure: String?
    }

    public let source: any SnapshotSource
    public let interval: Double
    public let title: String
    /// Where `R` writes a new recording (called once per start).
    private let nextPath: @Sendable () -> String
    private let state: Mutex<State>

    /// - Parameter path: record from the first sample on (`up --record FILE`); nil waits for `R`.
    public init(source: any SnapshotSource, path: String? = nil, interval: Double = 1, title: String = "",
                nextPath: @escaping @Sendable () -> String = LiveRecorder.timestampedPath) throws {
        self.source = source
        self.interval = interval
        self.title = title
        self.nextPath = nextPath
        let writer = try path.map { try RecordingWriter(path: $0, interval: interval, title: title) }
        state = Mutex(State(writer: writer))
    }

    /// `switchboard-YYYYmmdd-HHMMSS.swrec` in the working directory.
    public static let timestampedPath: @Sendable () -> String = {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        return "switchboard-\(f.string(from: Date())).swrec"
    }

    public var isRecording: Bool { state.withLock { $0.writer != nil } }

    public func snapshot() async -> Snapshot {
        let s = await source.snapshot()
        record(s)
        return s
    }

    /// Passes the open pod screens' interest through to a source that can fill pod details, so
    /// recording never hides them (and they are recorded too, as the dashboard saw them).
    public func snapshot(podDetails: Set<ObjectRef>) async -> Snapshot {
        guard !podDetails.isEmpty, let detailed = source as? any DetailedSnapshotSource else { return await snapshot() }
        let s = await detailed.snapshot(podDetails: podDetails)
        record(s)
        return s
    }

    /// Appends one sample to the recording in progress (the headless loop calls this directly).
    public func record(_ s: Snapshot) {
        state.withLock { st in
            st.lastTime = s.time
            guard let w = st.writer else { return }
            do { try w.append(s) } catch {
                st.failure = "\(error)"
                try? w.close()
                st.writer = nil
            }
        }
    }

    public func perform(_ command: SessionCommand) async -> String? {
        state.withLock { st -> String? in
            switch command {
            case .toggleRecording:
                if let w = st.writer {
                    try? w.close()
                    st.writer = nil
                    return "recording saved to \(w.path) (\(w.sampleCount) samples); replay: switchboard replay \(w.path)"
                }
                let path = nextPath()
                do {
                    st.writer = try RecordingWriter(path: path, interval: interval, title: title)
                    st.markers = 0
                    return "recording to \(path): R stops, m adds a marker"
                } catch {
                    return "cannot record: \(error)"
                }
            case .addMarker:
                guard let w = st.writer, let t = st.lastTime else { return "not recording: R starts a recording" }
                st.markers += 1
                do {
                    try w.mark("marker \(st.markers)", at: t)
                    return "marker \(st.markers) added"
                } catch {
                    return "cannot add a marker: \(error)"
                }
            default:
                return nil
            }
        }
    }

    public func timeline() async -> SessionTimeline? {
        state.withLock { st in
            guard let w = st.writer else { return nil }
            let end = st.lastTime ?? w.header.created
            return SessionTimeline(start: w.header.created, end: end, position: end, playing: true, recording: true,
                                   label: w.path)
        }
    }

    /// Closes the recording in progress (writes its index). Call before exiting.
    public func close() {
        state.withLock { st in
            try? st.writer?.close()
            st.writer = nil
        }
    }
}
