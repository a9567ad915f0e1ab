import CompressNIO
import NIOCore

/// Raw deflate for record payloads: JSON of a cluster compresses about tenfold, which is what
/// keeps an hour of 100 services within a few megabytes.
enum Deflate {
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var buffer = ByteBuffer(bytes: bytes)
        let best = ZlibConfiguration(windowSize: 15, compressionLevel: 9, memoryLevel: 9)
        guard let out = try? buffer.compress(with: .deflate(configuration: best)) else { return nil }
        return Array(out.readableBytesView)
    }

    static func decompress(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let out = try? buffer.decompress(with: .deflate(), maxSize: RecordFrame.maxPayload * 16) else { return nil }
        return Array(out.readableBytesView)
    }
}

extension RecordFrame {
    /// Set when the payload is deflated.
    public static let deflatedFlag: UInt8 = 2

    /// A frame whose payload is deflated when that makes it smaller.
    static func compressed(kind: RecordKind, flags: UInt8 = 0, time: Double, payload: [UInt8]) -> RecordFrame {
        if payload.count > 64, let small = Deflate.compress(payload), small.count < payload.count {
            return RecordFrame(kind: kind, flags: flags | deflatedFlag, time: time, payload: small)
        }
        return RecordFrame(kind: kind, flags: flags, time: time, payload: payload)
    }

    /// The payload of a whole record as written before compression; nil if it does not inflate.
    static func payload(_ bytes: [UInt8], offset: Int, length: Int, flags: UInt8) -> [UInt8]? {
        let raw = bytes[offset..<offset + length]
        return flags & deflatedFlag != 0 ? Deflate.decompress(raw) : Array(raw)
    }
}
