/// The kinds of record in a session file. Unknown kinds are skipped by readers, so a minor
/// version can add kinds.
public enum RecordKind: UInt8, Sendable, Codable {
    /// The session's header (JSON `RecordingHeader`), first.
    case header = 0x48  // H
    /// A whole Snapshot (JSON).
    case keyframe = 0x4B  // K
    /// What changed since the previous sample (a `JSONDelta` patch).
    case delta = 0x44  // D
    /// A person's marker (JSON `{"label": …}`).
    case marker = 0x4D  // M
    /// Cluster Events first seen in this sample (JSON `[EventSummary]`), for the timeline.
    case events = 0x45  // E
    /// The index, appended on a clean close.
    case index = 0x58  // X
}

/// The bytes around every record: `sync(4) kind(1) flags(1) length(4) time(8) crc32(4)` then
/// `length` bytes of payload, little-endian. The CRC covers kind, flags, length, time and payload,
/// so a torn tail, a flipped bit or a bad length is caught; the sync word lets a reader find the
/// next whole record after damage.
public struct RecordFrame: Sendable, Hashable {
    public static let sync: [UInt8] = [0x1E, 0x53, 0x42, 0x52]  // RS "SBR"
    public static let headerSize = 22
    /// Refuse absurd lengths rather than allocate them (a corrupted length field).
    public static let maxPayload = 64 << 20

    public var kind: UInt8
    public var flags: UInt8
    /// Seconds since the Unix epoch of the sample the record belongs to.
    public var time: Double
    public var payload: [UInt8]

    /// Set on a sample that changes nothing but the clock (the idle-time limit skips those).
    public static let quietFlag: UInt8 = 1

    public init(kind: RecordKind, flags: UInt8 = 0, time: Double, payload: [UInt8]) {
        self.kind = kind.rawValue
        self.flags = flags
        self.time = time
        self.payload = payload
    }

    public func encoded() -> [UInt8] {
        var out = Self.sync
        out.reserveCapacity(Self.headerSize + payload.count)
        var body: [UInt8] = [kind, flags]
        body.append(contentsOf: le(UInt32(payload.count)))
        body.append(contentsOf: le(time.bitPattern))
        let crc = CRC32.checksum(payload, initial: CRC32.checksum(body))
        out.append(contentsOf: body)
        out.append(contentsOf: le(crc))
        out.append(contentsOf: payload)
        return out
    }

    /// Reads the record at `offset`: `.whole` with its size, `.torn` when the bytes end inside
    /// it, `.damaged` when the sync word or checksum is wrong.
    public static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> ReadResult {
        guard offset + headerSize <= bytes.count else { return .torn }
        for i in 0..<4 where bytes[offset + i] != sync[i] { return .damaged }
        let kind = bytes[offset + 4], flags = bytes[offset + 5]
        let length = Int(u32(bytes, offset + 6))
        let time = Double(bitPattern: u64(bytes, offset + 10))
        let crc = u32(bytes, offset + 18)
        guard length <= maxPayload else { return .damaged }
        let start = offset + headerSize
        guard start + length <= bytes.count else { return .torn }
        let head = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 18)]))
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
        guard CRC32.checksum(payload, initial: head) == crc else { return .damaged }
        return .whole(kind: kind, flags: flags, time: time, payloadOffset: start, length: length)
    }

    public enum ReadResult: Sendable, Hashable {
        case whole(kind: UInt8, flags: UInt8, time: Double, payloadOffset: Int, length: Int)
        case torn
        case damaged
    }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.littleEndian) { Array($0) }
}

func u32(_ b: UnsafeRawBufferPointer, _ o: Int) -> UInt32 {
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(b[o + i]) << (8 * i) }
    return v
}

func u64(_ b: UnsafeRawBufferPointer, _ o: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(b[o + i]) << (8 * i) }
    return v
}
