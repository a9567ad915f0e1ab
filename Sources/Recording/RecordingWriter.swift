import Foundation
import Synchronization
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// Appends a session to a file: a keyframe (the whole Snapshot) every `keyframeSeconds`, a delta
/// (only what changed) for every sample in between, markers, and on `close()` an index. Every
/// record goes to the kernel as soon as it is made (one `write` per sample, so a process killed
/// with -9 leaves every second it sampled), and the file is synced to disk at each keyframe and
/// on close. Safe to call from any task.
public final class RecordingWriter: Sendable {
    struct State {
        var fd: Int32
        var offset: Int
        var cache = SnapshotTreeCache()
        var started = false
        var lastKeyframe = -Double.infinity
        var lastTime = -Double.infinity
        var seenEvents: Set<EventSummary> = []
        var index = RecordingIndex()
        var closed = false
        var bytesWritten: Int { offset }
    }

    private let state: Mutex<State>
    public let path: String
    public let header: RecordingHeader

    /// Creates (or truncates) `path` and writes the header.
    public init(path: String, header: RecordingHeader) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.path = path
        self.header = header
        var preamble = RecordingFormat.magic
        preamble.append(contentsOf: le(UInt16(header.major)))
        preamble.append(contentsOf: le(UInt16(header.minor)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let h = RecordFrame(kind: .header, time: header.created, payload: Array(try encoder.encode(header)))
        preamble.append(contentsOf: h.encoded())
        try Self.writeAll(fd, preamble)
        state = Mutex(State(fd: fd, offset: preamble.count))
    }

    public convenience init(path: String, interval: Double = 1, keyframeSeconds: Double = 120, title: String = "",
                            now: Double = Date().timeIntervalSince1970) throws {
        try self.init(path: path, header: RecordingHeader(created: now, interval: interval,
                                                          keyframeSeconds: keyframeSeconds, title: title))
    }

    /// Bytes in the file so far.
    public var size: Int { state.withLock { $0.offset } }
    public var sampleCount: Int { state.withLock { $0.index.samples.count } }

    /// Records one sample. Samples closer than 0.9 × the interval to the previous one are left
    /// out, so a dashboard sampling faster than the recording interval does not bloat the file.
    /// Returns whether it was recorded.
    @discardableResult
    public func append(_ snapshot: Snapshot) throws -> Bool {
        try state.withLock { s in
            guard !s.closed, snapshot.time >= s.lastTime + header.interval * 0.9 else { return false }
            let (tree, patch, first) = try s.cache.next(snapshot)
            var out: [UInt8] = []
            let entryOffset = s.offset
            let keyframe = first || snapshot.time - s.lastKeyframe >= header.keyframeSeconds
            let quiet = !first && JSONDelta.isQuiet(patch)
            let flags = quiet ? RecordFrame.quietFlag : 0
            if keyframe {
                out = RecordFrame.compressed(kind: .keyframe, flags: flags, time: snapshot.time, payload: tree.serialized()).encoded()
                s.lastKeyframe = snapshot.time
            } else {
                out = RecordFrame.compressed(kind: .delta, flags: flags, time: snapshot.time,
                                             payload: (patch ?? .object([:])).serialized()).encoded()
            }
            let events = snapshot.cluster?.events ?? []
            let fresh = events.filter { !s.seenEvents.contains($0) }
            if !fresh.isEmpty, s.started {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                out.append(contentsOf: RecordFrame.compressed(kind: .events, time: snapshot.time,
                                                   payload: Array(try encoder.encode(fresh))).encoded())
                for e in fresh { s.index.events.append(.init(t: snapshot.time, label: "\(e.reason) \(e.object)")) }
            }
            s.seenEvents = Set(events)
            try Self.writeAll(s.fd, out)
            s.offset += out.count
            s.started = true
            s.lastTime = snapshot.time
            s.index.samples.append(.init(t: snapshot.time, o: entryOffset, k: keyframe, q: quiet))
            if keyframe { fsync(s.fd) }
            return true
        }
    }

    /// Adds a marker at `time` (the replay's `[` / `]` stop there).
    public func mark(_ label: String, at time: Double) throws {
        try state.withLock { s in
            guard !s.closed else { return }
            let payload = Array(#"{"label":"#.utf8) + JSONTree.string(label).serialized() + [UInt8(ascii: "}")]
            let out = RecordFrame(kind: .marker, time: time, payload: payload).encoded()
            try Self.writeAll(s.fd, out)
            s.offset += out.count
            s.index.markers.append(.init(t: time, label: label))
        }
    }

    /// Appends the index and the tail, syncs and closes. Idempotent.
    public func close() throws {
        try state.withLock { s in
            guard !s.closed else { return }
            s.closed = true
            defer { Glibc.close(s.fd) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var out = RecordFrame.compressed(kind: .index, time: s.lastTime.isFinite ? s.lastTime : header.created,
                                  payload: Array(try encoder.encode(s.index))).encoded()
            out.append(contentsOf: le(UInt64(s.offset)))
            out.append(contentsOf: RecordFormatTail.magic)
            try Self.writeAll(s.fd, out)
            s.offset += out.count
            fsync(s.fd)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        try bytes.withUnsafeBytes { p in
            while done < p.count {
                let n = write(fd, p.baseAddress! + done, p.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw RecordingError.io("cannot write the recording: \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
    }
}

enum RecordFormatTail {
    static let magic = RecordingFormat.tailMagic
}
