import ControlPlane

/// Why a message could not be read. The server answers FORMERR when at least the header was
/// readable (so the client learns its ID was heard) and drops the datagram otherwise.
public enum DNSWireError: Error, Hashable, Sendable {
    case truncated
    case badLabelType
    case badPointer
    case nameTooLong
    case rdataLengthMismatch
    case badOPT
    case trailingBytes
    case tooManyRecords
}

/// Reads DNS messages from untrusted bytes. Every read is bounds-checked; compression pointers
/// must point strictly backwards (which alone rules out loops) and are capped in number; names
/// are held to 255 bytes; record counts are held to what the message could possibly contain, so
/// a 12-byte header claiming 65,535 records costs nothing.
public enum DNSMessageParser {
    /// Messages on the wire are at most 65,535 bytes (TCP length prefix); UDP ones far less.
    public static let maxMessageSize = 65_535

    public static func parse(_ bytes: [UInt8]) throws(DNSWireError) -> DNSMessage {
        guard bytes.count <= maxMessageSize else { throw .tooManyRecords }
        var r = WireReader(bytes: bytes)
        let header = try parseHeader(&r)
        let qd = Int(try r.u16()), an = Int(try r.u16()), ns = Int(try r.u16()), ar = Int(try r.u16())
        // A question takes at least 5 bytes, a record at least 11: reject impossible counts early.
        guard qd * 5 + (an + ns + ar) * 11 <= bytes.count - 12 else { throw .truncated }
        var message = DNSMessage(header: header)
        for _ in 0..<qd {
            let name = try r.name()
            let type = DNSRecordType(rawValue: try r.u16())
            message.questions.append(DNSQuestion(name: name, type: type, qclass: try r.u16()))
        }
        for _ in 0..<an { message.answers.append(try parseRecord(&r)) }
        for _ in 0..<ns { message.authority.append(try parseRecord(&r)) }
        for _ in 0..<ar {
            let start = r.offset
            let name = try r.name()
            let type = DNSRecordType(rawValue: try r.u16())
            if type == EDNS.optType {
                guard message.edns == nil, name.labels.isEmpty else { throw .badOPT }
                message.edns = try parseOPT(&r)
            } else {
                r.offset = start
                message.additional.append(try parseRecord(&r))
            }
        }
        guard r.offset == bytes.count else { throw .trailingBytes }
        return message
    }

    /// Reads only the header (for a FORMERR reply to a message whose body is broken).
    public static func parseHeaderOnly(_ bytes: [UInt8]) -> DNSHeader? {
        var r = WireReader(bytes: bytes)
        return try? parseHeader(&r)
    }

    static func parseHeader(_ r: inout WireReader) throws(DNSWireError) -> DNSHeader {
        var h = DNSHeader(id: try r.u16())
        let flags = try r.u16()
        h.isResponse = flags & 0x8000 != 0
        h.opcode = UInt8((flags >> 11) & 0xf)
        h.authoritative = flags & 0x0400 != 0
        h.truncated = flags & 0x0200 != 0
        h.recursionDesired = flags & 0x0100 != 0
        h.recursionAvailable = flags & 0x0080 != 0
        h.authenticData = flags & 0x0020 != 0
        h.checkingDisabled = flags & 0x0010 != 0
        h.rcode = UInt8(flags & 0xf)
        return h
    }

    static func parseRecord(_ r: inout WireReader) throws(DNSWireError) -> DNSWireRecord {
        let name = try r.name()
        let type = DNSRecordType(rawValue: try r.u16())
        let rclass = try r.u16()
        let ttl = try r.u32()
        let length = Int(try r.u16())
        let end = r.offset + length
        guard end <= r.bytes.count else { throw .truncated }
        let data: DNSWireData
        switch type {
        case .a where length == 4: data = .a(try r.take(4))
        case .aaaa where length == 16: data = .aaaa(try r.take(16))
        case .cname: data = .cname(try r.name())
        case .ptr: data = .ptr(try r.name())
        case .ns: data = .ns(try r.name())
        case .mx: data = .mx(preference: try r.u16(), exchange: try r.name())
        case .srv: data = .srv(priority: try r.u16(), weight: try r.u16(), port: try r.u16(), target: try r.name())
        case .soa:
            data = .soa(SOAData(mname: try r.name(), rname: try r.name(), serial: try r.u32(), refresh: try r.u32(),
                                retry: try r.u32(), expire: try r.u32(), minimum: try r.u32()))
        case .txt:
            var strings: [[UInt8]] = []
            while r.offset < end {
                let n = Int(try r.u8())
                guard r.offset + n <= end else { throw .rdataLengthMismatch }
                strings.append(try r.take(n))
            }
            data = .txt(strings)
        default: data = .raw(try r.take(length))
        }
        guard r.offset == end else { throw .rdataLengthMismatch }
        return DNSWireRecord(name: name, type: type, rclass: rclass, ttl: ttl, data: data)
    }

    static func parseOPT(_ r: inout WireReader) throws(DNSWireError) -> EDNS {
        var edns = EDNS(udpPayloadSize: try r.u16())
        let ttl = try r.u32()
        edns.extendedRcode = UInt8(ttl >> 24)
        edns.version = UInt8((ttl >> 16) & 0xff)
        edns.dnssecOK = ttl & 0x8000 != 0
        let length = Int(try r.u16())
        let end = r.offset + length
        guard end <= r.bytes.count else { throw .truncated }
        while r.offset < end {
            let code = try r.u16()
            let n = Int(try r.u16())
            guard r.offset + n <= end else { throw .badOPT }
            edns.options.append((code, try r.take(n)))
        }
        return edns
    }
}

/// A cursor over untrusted bytes; every accessor checks bounds and throws instead of trapping.
struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    /// Compression pointers followed per name: strictly-backward pointers already end any chain,
    /// this caps the work a hostile message can ask for.
    static let maxPointers = 64

    mutating func u8() throws(DNSWireError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSWireError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw .truncated }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(DNSWireError) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func take(_ n: Int) throws(DNSWireError) -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else { throw .truncated }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    mutating func name() throws(DNSWireError) -> DNSWireName {
        var labels: [[UInt8]] = []
        var position = offset
        var length = 1
        var pointers = 0
        var jumped = false
        while true {
            guard position < bytes.count else { throw .truncated }
            let b = bytes[position]
            switch b & 0xC0 {
            case 0xC0:
                guard position + 1 < bytes.count else { throw .truncated }
                let target = Int(b & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position else { throw .badPointer }
                pointers += 1
                guard pointers <= Self.maxPointers else { throw .badPointer }
                if !jumped { offset = position + 2; jumped = true }
                position = target
            case 0x00:
                let n = Int(b)
                if n == 0 {
                    if !jumped { offset = position + 1 }
                    return DNSWireName(labels: labels)
                }
                guard position + 1 + n <= bytes.count else { throw .truncated }
                length += n + 1
                guard length <= DNSWireName.maxEncodedLength else { throw .nameTooLong }
                labels.append(Array(bytes[(position + 1)...(position + n)]))
                position += 1 + n
            default:
                throw .badLabelType
            }
        }
    }
}
