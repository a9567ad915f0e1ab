import Foundation
import Telemetry

/// Opens a session file for replay: checks the version, takes the index from the tail (or
/// rebuilds it by a scan when the file was not closed cleanly), and rebuilds the Snapshot at any
/// sample from the nearest keyframe at or before it plus the deltas after it.
///
/// Damage never stops a replay: a torn tail ends it at the last whole sample, a damaged record
/// is skipped (with the deltas that depended on it, up to the next keyframe), and each is listed
/// in `problems` as a sentence a person can act on.
public struct RecordingReader: Sendable {
    public let path: String
    public let header: RecordingHeader
    public private(set) var index: RecordingIndex
    /// What was wrong with the file, in order; empty for a clean file.
    public private(set) var problems: [String] = []
    /// Whether the index came from the tail (a clean close) or a scan.
    public let indexFromTail: Bool
    let bytes: [UInt8]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError.io("cannot read \(path)")
        }
        try self.init(bytes: Array(data), path: path)
    }

    public init(bytes: [UInt8], path: String = "recording") throws {
        self.path = path
        self.bytes = bytes
        guard bytes.count >= RecordingFormat.preambleSize, Array(bytes[0..<8]) == RecordingFormat.magic else {
            throw RecordingError.notARecording(path)
        }
        let major = Int(bytes[8]) | Int(bytes[9]) << 8
        let minor = Int(bytes[10]) | Int(bytes[11]) << 8
        guard major <= RecordingFormat.majorVersion else {
            throw RecordingError.newerVersion(path: path, major: major, minor: minor)
        }
        let first = bytes.withUnsafeBytes { RecordFrame.read($0, at: RecordingFormat.preambleSize) }
        guard case let .whole(kind, _, _, po, len) = first, kind == RecordKind.header.rawValue,
              let h = try? JSONDecoder().decode(RecordingHeader.self, from: Data(bytes[po..<po + len])) else {
            throw RecordingError.notARecording(path)
        }
        header = h
        let dataStart = po + len
        if let tailIndex = Self.tailIndex(bytes), Self.allWhole(bytes, tailIndex) {
            index = tailIndex
            indexFromTail = true
        } else {
            index = RecordingIndex()
            indexFromTail = false
            if Self.tailIndex(bytes) == nil {
                problems.append("the file has no index (it was not closed cleanly): rebuilt it by a scan")
            }
            scan(from: dataStart)
        }
        guard !index.samples.isEmpty else { throw RecordingError.noSamples(path) }
    }

    /// The index a clean close left, if its record is whole and ends right before the tail.
    static func tailIndex(_ bytes: [UInt8]) -> RecordingIndex? {
        let n = bytes.count
        guard n >= RecordingFormat.preambleSize + RecordingFormat.tailSize,
              Array(bytes[(n - 4)...]) == RecordingFormat.tailMagic else { return nil }
        return bytes.withUnsafeBytes { p -> RecordingIndex? in
            let offset = Int(u64(p, n - 12))
            guard offset >= RecordingFormat.preambleSize, offset < n - 12,
                  case let .whole(kind, flags, _, po, len) = RecordFrame.read(p, at: offset),
                  kind == RecordKind.index.rawValue, po + len == n - 12,
                  let payload = RecordFrame.payload(bytes, offset: po, length: len, flags: flags) else { return nil }
            return try? JSONDecoder().decode(RecordingIndex.self, from: Data(payload))
        }
    }

    /// Whether every sample the index names is still a whole record (one checksum pass, so bit
    /// rot after a clean close is found and the damage reported by a scan).
    static func allWhole(_ bytes: [UInt8], _ index: RecordingIndex) -> Bool {
        bytes.withUnsafeBytes { p in
            index.samples.allSatisfy { s in
                if case .whole = RecordFrame.read(p, at: s.o) { return true }
                return false
            }
        }
    }

    /// Walks every record once, keeping the samples a replay can rebuild.
    mutating func scan(from start: Int) {
        var offset = start
        var chainBroken = false
        var skipped: [Double] = []
        var lastEvents: [RecordingIndex.Mark] = []
        func flushSkipped(_ problems: inout [String]) {
            guard let a = skipped.first, let b = skipped.last else { return }
            problems.append("skipped \(skipped.count) sample(s) from \(Self.clock(a)) to \(Self.clock(b)) that depended on the damaged record (replay resumes at the next keyframe)")
            skipped = []
        }
        bytes.withUnsafeBytes { p in
            while offset < p.count {
                if offset == p.count - RecordingFormat.tailSize,
                   Array(bytes[(p.count - 4)...]) == RecordingFormat.tailMagic { break }  // the tail after an index
                switch RecordFrame.read(p, at: offset) {
                case let .whole(kind, flags, time, po, len):
                    switch RecordKind(rawValue: kind) {
                    case .keyframe:
                        if chainBroken { flushSkipped(&problems) }
                        chainBroken = false
                        index.samples.append(.init(t: time, o: offset, k: true, q: flags & RecordFrame.quietFlag != 0))
                    case .delta:
                        if chainBroken || index.samples.isEmpty {
                            skipped.append(time)
                        } else {
                            index.samples.append(.init(t: time, o: offset, k: false, q: flags & RecordFrame.quietFlag != 0))
                        }
                    case .marker:
                        if let raw = RecordFrame.payload(bytes, offset: po, length: len, flags: flags),
                           let m = try? JSONDecoder().decode([String: String].self, from: Data(raw)) {
                            index.markers.append(.init(t: time, label: m["label"] ?? ""))
                        }
                    case .events:
                        if let raw = RecordFrame.payload(bytes, offset: po, length: len, flags: flags),
                           let es = try? JSONDecoder().decode([EventSummary].self, from: Data(raw)) {
                            lastEvents = es.map { .init(t: time, label: "\($0.reason) \($0.object)") }
                            index.events.append(contentsOf: lastEvents)
                        }
                    case .header, .index, nil:
                        break  // an index without its tail, or a kind from a newer minor version
                    }
                    offset = po + len
                case .torn:
                    let at = index.end.map { " after \(Self.clock($0))" } ?? ""
                    if Array(bytes[offset...]).allSatisfy({ $0 == 0 }) {
                        problems.append("the file ends in \(p.count - offset) zero bytes at byte \(offset) (not closed cleanly): replaying up to its last whole sample\(at)")
                    } else {
                        problems.append("the file ends inside a record at byte \(offset) (cut short, not closed cleanly): replaying up to its last whole sample\(at)")
                    }
                    offset = p.count
                case .damaged:
                    let at = index.end.map { " (after \(Self.clock($0)))" } ?? ""
                    if Array(bytes[offset...]).allSatisfy({ $0 == 0 }) {
                        problems.append("the file ends in \(p.count - offset) zero bytes at byte \(offset) (not closed cleanly): replaying up to its last whole sample")
                        offset = p.count
                        break
                    }
                    problems.append("the record at byte \(offset)\(at) is damaged (checksum mismatch): skipped")
                    chainBroken = true
                    offset = Self.nextWhole(p, after: offset) ?? p.count
                }
            }
        }
        if chainBroken { flushSkipped(&problems) }
    }

    /// The offset of the next whole record after damage (found by its sync word and checksum).
    static func nextWhole(_ p: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var i = offset + 1
        while i + RecordFrame.headerSize <= p.count {
            if p[i] == RecordFrame.sync[0], p[i + 1] == RecordFrame.sync[1], p[i + 2] == RecordFrame.sync[2],
               p[i + 3] == RecordFrame.sync[3], case .whole = RecordFrame.read(p, at: i) {
                return i
            }
            i += 1
        }
        return nil
    }

    static func clock(_ t: Double) -> String {
        var tm = tm()
        var secs = time_t(t)
        gmtime_r(&secs, &tm)
        return String(format: "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec)
    }

    // MARK: rebuilding samples

    /// A decoded position in the file: the tree of sample `sample`.
    public struct Cursor: Sendable {
        public var sample: Int
        var tree: JSONTree
    }

    /// The tree of sample `i`, from `cursor` when it is earlier in the same keyframe run (playing
    /// forward costs one delta per sample), else from the keyframe at or before `i`. A record that
    /// no longer decodes ends the walk at the last sample that did.
    public func cursor(at i: Int, from cursor: Cursor? = nil) -> Cursor? {
        guard index.samples.indices.contains(i) else { return nil }
        var start: Cursor?
        if let c = cursor, c.sample <= i, !(index.samples[(c.sample + 1)..<(i + 1)].contains { $0.k }) {
            start = c
        } else {
            var k = index.keyframeIndex(forSample: i)
            while let kf = k {
                if let tree = payloadTree(index.samples[kf].o, expecting: .keyframe) {
                    start = Cursor(sample: kf, tree: tree)
                    break
                }
                k = kf > 0 ? index.keyframeIndex(forSample: kf - 1) : nil
            }
        }
        guard var c = start else { return nil }
        while c.sample < i {
            let next = index.samples[c.sample + 1]
            if next.k {
                guard let tree = payloadTree(next.o, expecting: .keyframe) else { break }
                c = Cursor(sample: c.sample + 1, tree: tree)
                continue
            }
            guard let patch = payloadTree(next.o, expecting: .delta),
                  let tree = try? JSONDelta.apply(patch, to: c.tree) else { break }
            c = Cursor(sample: c.sample + 1, tree: tree)
        }
        return c
    }

    func payloadTree(_ offset: Int, expecting kind: RecordKind) -> JSONTree? {
        bytes.withUnsafeBytes { p -> JSONTree? in
            guard case let .whole(k, flags, _, po, len) = RecordFrame.read(p, at: offset), k == kind.rawValue,
                  let payload = RecordFrame.payload(bytes, offset: po, length: len, flags: flags) else { return nil }
            return try? JSONTree.parse(payload)
        }
    }

    public func snapshot(_ cursor: Cursor) throws -> Snapshot {
        try cursor.tree.decode(Snapshot.self)
    }

    /// The Snapshot shown at `t`: the last sample at or before it.
    public func snapshot(at t: Double) throws -> Snapshot {
        guard let i = index.sampleIndex(atOrBefore: t), let c = cursor(at: i) else { throw RecordingError.noSamples(path) }
        return try snapshot(c)
    }

    /// Every sample in order, for export and tests.
    public func allSnapshots() throws -> [Snapshot] {
        var out: [Snapshot] = []
        var c: Cursor?
        for i in index.samples.indices {
            guard let next = cursor(at: i, from: c), next.sample == i else { continue }
            out.append(try snapshot(next))
            c = next
        }
        return out
    }
}
