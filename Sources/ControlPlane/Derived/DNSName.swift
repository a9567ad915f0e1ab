/// Name and address helpers for cluster DNS. Kept free of Foundation/networking: the record set
/// must be usable from the control loop, which only models objects.
public enum DNSName {
    /// Lower-cased, without trailing dot: the key form used for case-insensitive comparison
    /// (spec §2.1: all comparisons are case-insensitive).
    public static func key(_ name: String) -> String {
        var s = name.lowercased()
        while s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// Absolute form with exactly one trailing dot (`"."` for the root).
    public static func absolute(_ name: String) -> String {
        var s = name
        while s.hasSuffix(".") { s.removeLast() }
        return s + "."
    }

    /// True when `name` (key form) is `zone` or below it.
    public static func isWithin(_ name: String, zone: String) -> Bool {
        zone.isEmpty || name == zone || name.hasSuffix("." + zone)
    }

    /// Proper ancestors of `name` strictly below `zone` (key forms), nearest first.
    static func ancestors(of name: String, zone: String) -> [String] {
        var result: [String] = []
        var current = Substring(name)
        while let dot = current.firstIndex(of: ".") {
            current = current[current.index(after: dot)...]
            if current.count <= zone.count { break }
            result.append(String(current))
        }
        return result
    }

    /// The reverse-lookup owner of an address (`d.c.b.a.in-addr.arpa.` or the 32-nibble
    /// `ip6.arpa.` form), nil when `ip` is not an address.
    public static func reverseName(of ip: String) -> String? {
        guard let address = IPAddress(ip) else { return nil }
        switch address {
        case .v4(let b):
            return "\(b[3]).\(b[2]).\(b[1]).\(b[0]).in-addr.arpa."
        case .v6(let b):
            let hex = Array("0123456789abcdef")
            var labels: [String] = []
            for byte in b.reversed() {
                labels.append(String(hex[Int(byte & 0xf)]))
                labels.append(String(hex[Int(byte >> 4)]))
            }
            return labels.joined(separator: ".") + ".ip6.arpa."
        }
    }

    /// The label CoreDNS gives an endpoint without a `hostname` (`endpointHostname`): the IP with
    /// `.`/`:` replaced by `-`, a trailing `-` completed with `0` so it stays a valid label.
    public static func dashed(_ ip: String) -> String {
        let text = IPAddress(ip)?.description ?? ip
        if text.contains(".") { return String(text.map { $0 == "." ? "-" : $0 }) }
        let dashed = String(text.map { $0 == ":" ? "-" : $0 })
        return dashed.hasSuffix("-") ? dashed + "0" : dashed
    }
}

/// A parsed IPv4/IPv6 address, for canonical formatting and reverse names.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    public init?(_ text: String) {
        if text.contains(":") {
            guard let bytes = Self.parseV6(text) else { return nil }
            self = .v6(bytes)
        } else {
            guard let bytes = Self.parseV4(Substring(text)) else { return nil }
            self = .v4(bytes)
        }
    }

    public var isV6: Bool { if case .v6 = self { true } else { false } }

    private static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let v = UInt8(part) else { return nil }
            bytes.append(v)
        }
        return bytes
    }

    private static func parseV6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowV4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if allowV4Tail, i == pieces.count - 1, piece.contains(".") {
                    guard let b = parseV4(piece) else { return nil }
                    result.append(UInt16(b[0]) << 8 | UInt16(b[1]))
                    result.append(UInt16(b[2]) << 8 | UInt16(b[3]))
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let v = UInt16(piece, radix: 16) else { return nil }
                    result.append(v)
                }
            }
            return result
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowV4Tail: false),
                  let tail = groups(halves[1], allowV4Tail: true), head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(halves[0], allowV4Tail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// Dotted quad, or RFC 5952 text for IPv6 (lower case, longest zero run of ≥2 groups as `::`).
    public var description: String {
        switch self {
        case .v4(let b):
            return b.map(String.init).joined(separator: ".")
        case .v6(let b):
            let groups = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if groups[i] == 0 {
                    var j = i
                    while j < 8 && groups[j] == 0 { j += 1 }
                    if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                    i = j
                } else {
                    i += 1
                }
            }
            func hex(_ range: Range<Int>) -> String {
                range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
            }
            if bestStart < 0 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
        }
    }
}

extension Substring {
    /// Splits at `::` (at most one is valid in an IPv6 address; more yields >2 parts).
    fileprivate func components(separatedByDoubleColon _: Void) -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":" && next < endIndex && self[next] == ":" {
                parts.append(self[start..<i])
                i = index(after: next)
                start = i
            } else {
                i = next
            }
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}
