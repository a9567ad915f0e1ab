import Foundation
import Synchronization
import Telemetry

/// A recording played back as a `SnapshotSource`, so the dashboard replays through the same code
/// path it runs live. `snapshot()` waits until the clock reaches the next sample (or a seek moves
/// it) and returns that sample; after a seek it first returns the sample before the target so
/// rates are computed over one interval, as they were live.
public final class ReplaySource: SnapshotSource, SessionControl {
    struct State {
        var clock: ReplayClock
        var cursor: RecordingReader.Cursor?
        /// The sample last handed out.
        var delivered: Int?
        /// Set by a seek: hand out this sample (the one before the target) first.
        var lead: Int?
        var lastSnapshot: Snapshot?
    }

    public let reader: RecordingReader
    /// Quiet stretches (nothing but the clock changed) longer than this are skipped; nil keeps
    /// every second.
    public let idleTimeLimit: Double?
    private let now: @Sendable () -> Double
    private let state: Mutex<State>
    /// How often `snapshot()` looks at the clock while waiting.
    private let pollInterval: Duration

    public init(reader: RecordingReader, speed: Double = 1, at position: Double? = nil, playing: Bool = true,
                idleTimeLimit: Double? = nil, pollInterval: Duration = .milliseconds(20),
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.reader = reader
        self.idleTimeLimit = idleTimeLimit
        self.now = now
        self.pollInterval = pollInterval
        let idx = reader.index
        state = Mutex(State(clock: ReplayClock(start: idx.start ?? 0, end: idx.end ?? 0, at: position, speed: speed,
                                               playing: playing, now: now())))
    }

    public var clock: ReplayClock { state.withLock { $0.clock } }

    /// The next sample to show, or nil when the one on screen is still current.
    func due() -> Snapshot? {
        let t = now()
        return state.withLock { s -> Snapshot? in
            var position = s.clock.position(at: t)
            if s.clock.playing, position >= s.clock.end { s.clock.pause(now: t) }
            if let limit = idleTimeLimit, s.clock.playing, let skip = skipIdle(position, limit: limit) {
                s.clock.seek(to: skip, now: t)
                position = skip
            }
            guard var i = reader.index.sampleIndex(atOrBefore: position) else { return nil }
            if let lead = s.lead {
                s.lead = nil
                i = lead
            } else if i == s.delivered {
                return nil
            }
            guard let c = reader.cursor(at: i, from: s.cursor) else { return nil }
            s.cursor = c
            s.delivered = i
            guard let snap = try? reader.snapshot(c) else { return nil }
            s.lastSnapshot = snap
            return snap
        }
    }

    /// Where to jump when `position` sits in a quiet run longer than `limit`: the next sample
    /// that changed something.
    func skipIdle(_ position: Double, limit: Double) -> Double? {
        let samples = reader.index.samples
        guard let i = reader.index.sampleIndex(atOrBefore: position) else { return nil }
        var a = i
        while a > 0, samples[a].q { a -= 1 }
        guard position - samples[a].t > limit else { return nil }
        var j = i + 1
        while j < samples.count, samples[j].q { j += 1 }
        return j < samples.count ? samples[j].t : nil
    }

    public func snapshot() async -> Snapshot {
        while true {
            if let s = due() { return s }
            if Task.isCancelled { break }
            try? await Task.sleep(for: pollInterval)
        }
        return state.withLock { $0.lastSnapshot } ?? Snapshot(time: reader.index.start ?? 0)
    }

    /// The Snapshot at `t` without touching the clock (for `--once` and export).
    public func snapshot(at t: Double) throws -> Snapshot { try reader.snapshot(at: t) }

    public func perform(_ command: SessionCommand) async -> String? {
        let t = now()
        return state.withLock { s -> String? in
            let position = s.clock.position(at: t)
            switch command {
            case .togglePause:
                s.clock.togglePause(now: t)
                return s.clock.playing ? "playing at \(Self.speedText(s.clock.speed))" : "paused"
            case let .seek(by):
                seek(&s, to: position + by, now: t)
            case let .seekFraction(f):
                seek(&s, to: position + f * (s.clock.end - s.clock.start), now: t)
            case .nextMark, .previousMark:
                let marks = (reader.index.markers + reader.index.events).map(\.t).sorted()
                let next = command == .nextMark ? marks.first { $0 > position + 0.001 } : marks.last { $0 < position - 0.5 }
                guard let m = next else { return command == .nextMark ? "no later event or marker" : "no earlier event or marker" }
                seek(&s, to: m, now: t)
                let label = (reader.index.markers + reader.index.events).first { $0.t == m }?.label ?? ""
                return label
            case .faster, .slower:
                s.clock.changeSpeed(faster: command == .faster, now: t)
                return "speed \(Self.speedText(s.clock.speed))"
            case .toggleRecording, .addMarker:
                return "a recording cannot be changed"
            }
            return nil
        }
    }

    private func seek(_ s: inout State, to target: Double, now t: Double) {
        s.clock.seek(to: target, now: t)
        if let i = reader.index.sampleIndex(atOrBefore: s.clock.position(at: t)) {
            s.lead = i > 0 ? i - 1 : nil
            s.delivered = nil
        }
    }

    public func timeline() async -> SessionTimeline? { timelineNow() }

    public func timelineNow() -> SessionTimeline {
        let t = now()
        return state.withLock { s in
            SessionTimeline(start: s.clock.start, end: s.clock.end, position: s.clock.position(at: t),
                            playing: s.clock.playing, speed: s.clock.speed, markers: reader.index.markers.map(\.t),
                            events: reader.index.events.map(\.t), label: (reader.path as NSString).lastPathComponent)
        }
    }

    static func speedText(_ v: Double) -> String {
        v == v.rounded() ? "\(Int(v))×" : "\(v)×"
    }
}
