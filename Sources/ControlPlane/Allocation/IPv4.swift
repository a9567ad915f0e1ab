/// An IPv4 address as a number, so ranges and offsets are arithmetic.
public struct IPv4: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var value: UInt32
    public init(_ value: UInt32) { self.value = value }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let o = UInt8(p),
                  !(p.count > 1 && p.first == "0") else { return nil }
            v = v << 8 | UInt32(o)
        }
        value = v
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    public static func < (a: IPv4, b: IPv4) -> Bool { a.value < b.value }
    public static func + (a: IPv4, b: UInt32) -> IPv4 { IPv4(a.value &+ b) }

    /// Loopback (127.0.0.0/8) is where everything Switchboard owns listens.
    public var isLoopback: Bool { value >> 24 == 127 }
}

/// An IPv4 CIDR block such as `127.96.0.0/12`.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public var base: IPv4
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let ip = IPv4(String(parts[0])), let p = Int(parts[1]), (0...32).contains(p) else {
            return nil
        }
        prefix = p
        base = IPv4(p == 0 ? 0 : ip.value & ~UInt32((UInt64(1) << (32 - p)) - 1))
    }

    public init(base: IPv4, prefix: Int) {
        self.base = base
        self.prefix = prefix
    }

    public var size: UInt64 { UInt64(1) << (32 - prefix) }
    public func contains(_ ip: IPv4) -> Bool { ip.value >= base.value && UInt64(ip.value - base.value) < size }
    public func address(at offset: UInt32) -> IPv4 { base + offset }
    public var description: String { "\(base)/\(prefix)" }

    /// The `index`-th sub-block of length `prefix` (e.g. the per-node /24s of a /16 pod CIDR).
    public func subnet(_ index: Int, prefix sub: Int) -> CIDR? {
        guard sub >= prefix, UInt64(index) < (UInt64(1) << (sub - prefix)) else { return nil }
        return CIDR(base: base + UInt32(UInt64(index) << (32 - sub)), prefix: sub)
    }
}
