/// An IP address read the way the API server reads legacy IP fields (`netutils.ParseIPSloppy`,
/// i.e. Go's pre-1.17 `net.ParseIP`): IPv4 octets may carry leading zeros, IPv6 may embed a
/// dotted IPv4 tail, zones are rejected. IPv4-mapped IPv6 addresses count as IPv4, as `To4()`
/// makes them in Go.
struct IPAddress: Hashable, Sendable {
    /// 4 bytes for dotted-quad input, 16 for IPv6 input.
    let bytes: [UInt8]

    static func parse(_ s: String) -> IPAddress? {
        let b = Array(s.utf8)
        for c in b {
            if c == UInt8(ascii: ".") { return parseV4(b[...]).map { IPAddress(bytes: $0) } }
            if c == UInt8(ascii: ":") { return parseV6(b[...]).map { IPAddress(bytes: $0) } }
        }
        return nil
    }

    /// The 4-byte form when the address is IPv4 (including IPv4-mapped IPv6), else nil.
    var v4: [UInt8]? {
        if bytes.count == 4 { return bytes }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return Array(bytes[12..<16])
        }
        return nil
    }

    var isIPv4: Bool { v4 != nil }
    var isIPv6: Bool { v4 == nil }

    var isUnspecified: Bool {
        if let v4 { return v4 == [0, 0, 0, 0] }
        return bytes.allSatisfy { $0 == 0 }
    }

    var isLoopback: Bool {
        if let v4 { return v4[0] == 127 }
        return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    var isLinkLocalUnicast: Bool {
        if let v4 { return v4[0] == 169 && v4[1] == 254 }
        return bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }

    var isLinkLocalMulticast: Bool {
        if let v4 { return v4[0] == 224 && v4[1] == 0 && v4[2] == 0 }
        return bytes[0] == 0xff && bytes[1] & 0x0f == 0x02
    }

    // MARK: parsing

    private static func digit(_ c: UInt8) -> Int? {
        (48...57).contains(c) ? Int(c - 48) : nil
    }

    private static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: Int(c - 48)
        case 97...102: Int(c - 87)
        case 65...70: Int(c - 55)
        default: nil
        }
    }

    static func parseV4(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var i = s.startIndex
        for field in 0..<4 {
            if field > 0 {
                guard i < s.endIndex, s[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
            var n = 0, count = 0
            while i < s.endIndex, let d = digit(s[i]), n < 0xFFFFFF {
                n = n * 10 + d
                i += 1
                count += 1
            }
            guard count > 0, n <= 0xFF else { return nil }
            out.append(UInt8(n))
        }
        return i == s.endIndex ? out : nil
    }

    static func parseV6(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var ip = [UInt8](repeating: 0, count: 16)
        var ellipsis = -1
        var i = s.startIndex
        let colon = UInt8(ascii: ":")
        if s.count >= 2, s[i] == colon, s[i + 1] == colon {
            ellipsis = 0
            i += 2
            if i == s.endIndex { return ip }
        }
        var j = 0
        while j < 16 {
            var n = 0, count = 0
            var k = i
            while k < s.endIndex, let d = hexDigit(s[k]), n < 0xFFFFFF {
                n = n * 16 + d
                k += 1
                count += 1
            }
            guard count > 0, n <= 0xFFFF else { return nil }
            if k < s.endIndex, s[k] == UInt8(ascii: ".") {
                // Embedded IPv4 tail.
                if ellipsis < 0 && j != 12 { return nil }
                if j + 4 > 16 { return nil }
                guard let v4 = parseV4(s[i...]) else { return nil }
                ip[j] = v4[0]; ip[j + 1] = v4[1]; ip[j + 2] = v4[2]; ip[j + 3] = v4[3]
                i = s.endIndex
                j += 4
                break
            }
            ip[j] = UInt8(n >> 8)
            ip[j + 1] = UInt8(n & 0xff)
            j += 2
            i = k
            if i == s.endIndex { break }
            guard s[i] == colon, i + 1 < s.endIndex else { return nil }
            i += 1
            if s[i] == colon {
                if ellipsis >= 0 { return nil }
                ellipsis = j
                i += 1
                if i == s.endIndex { break }
            }
        }
        if i != s.endIndex { return nil }
        if j < 16 {
            guard ellipsis >= 0 else { return nil }
            let n = 16 - j
            for k in stride(from: j - 1, through: ellipsis, by: -1) { ip[k + n] = ip[k] }
            for k in stride(from: ellipsis + n - 1, through: ellipsis, by: -1) { ip[k] = 0 }
        } else if ellipsis >= 0 {
            return nil  // an ellipsis must stand for at least one group
        }
        return ip
    }

    /// Go's `ParseCIDR` (sloppy about leading zeros in the address, as `ParseCIDRSloppy` is).
    static func parseCIDR(_ s: String) -> (ip: IPAddress, prefix: Int)? {
        guard let slash = s.firstIndex(of: "/") else { return nil }
        let addr = Array(s[..<slash].utf8)
        let mask = Array(s[s.index(after: slash)...].utf8)
        var bits = 32
        var bytes = parseV4(addr[...])
        if bytes == nil {
            bits = 128
            bytes = parseV6(addr[...])
        }
        guard let bytes, !mask.isEmpty, mask.allSatisfy({ digit($0) != nil }), mask.count <= 9 else { return nil }
        let n = mask.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard n <= bits else { return nil }
        return (IPAddress(bytes: bytes), n)
    }
}
