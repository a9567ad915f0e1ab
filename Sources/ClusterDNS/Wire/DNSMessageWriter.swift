import ControlPlane

/// Serialises messages with name compression, fitting them into a size limit the way RFC 2181
/// §9 asks: answer or authority records that do not fit set TC and end the message (the client
/// retries over TCP); additional records that do not fit are simply left out. The OPT record is
/// always kept, because a client that sent EDNS must see it echoed.
public enum DNSMessageWriter {
    /// - Parameter limit: the largest message allowed (512 for plain UDP, the EDNS size, or 65,535 on TCP).
    public static func serialize(_ message: DNSMessage, limit: Int = DNSMessageParser.maxMessageSize) -> [UInt8] {
        var w = WireWriter()
        var header = message.header
        let optSize = message.edns.map { 11 + $0.options.reduce(0) { $0 + 4 + $1.data.count } } ?? 0
        let budget = max(limit, 12 + optSize) - optSize
        w.bytes.reserveCapacity(min(budget + optSize, 4096))
        w.u16(header.id)
        w.u16(0)  // flags, patched below
        w.u16(0); w.u16(0); w.u16(0); w.u16(0)
        var counts = [0, 0, 0, 0]
        var truncated = false

        for q in message.questions {
            let mark = w.mark()
            w.name(q.name)
            w.u16(q.type.rawValue)
            w.u16(q.qclass)
            if w.bytes.count > budget { w.rollback(to: mark); truncated = true; break }
            counts[0] += 1
        }
        let sections: [(records: [DNSWireRecord], index: Int, truncates: Bool)] = [
            (message.answers, 1, true), (message.authority, 2, true), (message.additional, 3, false),
        ]
        for section in sections where !truncated {
            for record in section.records {
                let mark = w.mark()
                w.record(record)
                if w.bytes.count > budget {
                    w.rollback(to: mark)
                    if section.truncates { truncated = true }
                    break
                }
                counts[section.index] += 1
            }
        }
        if let edns = message.edns {
            w.u8(0)
            w.u16(EDNS.optType.rawValue)
            w.u16(edns.udpPayloadSize)
            w.u32(UInt32(edns.extendedRcode) << 24 | UInt32(edns.version) << 16 | (edns.dnssecOK ? 0x8000 : 0))
            w.u16(UInt16(optSize - 11))
            for option in edns.options {
                w.u16(option.code)
                w.u16(UInt16(option.data.count))
                w.bytes += option.data
            }
            counts[3] += 1
        }
        header.truncated = header.truncated || truncated
        w.patch(at: 2, flags(header))
        for (i, c) in counts.enumerated() { w.patch(at: 4 + 2 * i, UInt16(c)) }
        return w.bytes
    }

    static func flags(_ h: DNSHeader) -> UInt16 {
        var f = UInt16(h.opcode & 0xf) << 11 | UInt16(h.rcode & 0xf)
        if h.isResponse { f |= 0x8000 }
        if h.authoritative { f |= 0x0400 }
        if h.truncated { f |= 0x0200 }
        if h.recursionDesired { f |= 0x0100 }
        if h.recursionAvailable { f |= 0x0080 }
        if h.authenticData { f |= 0x0020 }
        if h.checkingDisabled { f |= 0x0010 }
        return f
    }
}

/// Output buffer with a compression table keyed by the exact wire form of each name suffix
/// already written. Exact (not case-folded) keys keep every name spelled as it was given, so a
/// question asked in mixed case is echoed in that case.
struct WireWriter {
    var bytes: [UInt8] = []
    var table: [[UInt8]: Int] = [:]
    var added: [[UInt8]] = []

    struct Mark {
        let size: Int
        let added: Int
    }

    func mark() -> Mark { Mark(size: bytes.count, added: added.count) }

    mutating func rollback(to m: Mark) {
        bytes.removeSubrange(m.size...)
        for key in added[m.added...] { table[key] = nil }
        added.removeSubrange(m.added...)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xff)) }
    mutating func u32(_ v: UInt32) { u16(UInt16(v >> 16)); u16(UInt16(v & 0xffff)) }

    mutating func patch(at offset: Int, _ v: UInt16) {
        bytes[offset] = UInt8(v >> 8)
        bytes[offset + 1] = UInt8(v & 0xff)
    }

    /// Writes a name, pointing at the longest suffix already present.
    mutating func name(_ name: DNSWireName, compress: Bool = true) {
        let labels = name.labels
        for i in labels.indices {
            var key: [UInt8] = []
            if compress {
                for label in labels[i...] { key.append(UInt8(label.count)); key += label }
                if let offset = table[key] {
                    u16(0xC000 | UInt16(offset))
                    return
                }
                if bytes.count < 0x4000 {
                    table[key] = bytes.count
                    added.append(key)
                }
            }
            let label = labels[i].prefix(DNSWireName.maxLabelLength)
            u8(UInt8(label.count))
            bytes += label
        }
        u8(0)
    }

    mutating func record(_ r: DNSWireRecord) {
        name(r.name)
        u16(r.type.rawValue)
        u16(r.rclass)
        u32(r.ttl)
        let lengthAt = bytes.count
        u16(0)
        switch r.data {
        case .a(let b), .aaaa(let b), .raw(let b): bytes += b
        case .cname(let n), .ptr(let n), .ns(let n): name(n)
        case let .mx(preference, exchange):
            u16(preference)
            name(exchange)
        case let .srv(priority, weight, port, target):
            u16(priority); u16(weight); u16(port)
            name(target, compress: false)  // RFC 2782: no compression in SRV targets
        case .txt(let strings):
            for s in strings {
                let chunk = s.prefix(255)
                u8(UInt8(chunk.count))
                bytes += chunk
            }
        case .soa(let soa):
            name(soa.mname)
            name(soa.rname)
            u32(soa.serial); u32(soa.refresh); u32(soa.retry); u32(soa.expire); u32(soa.minimum)
        }
        patch(at: lengthAt, UInt16(min(bytes.count - lengthAt - 2, 0xffff)))
    }
}
