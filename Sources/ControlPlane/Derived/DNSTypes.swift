/// A DNS RR type by its wire code, so the DNS server can pass through any question type it decodes
/// (unknown types still get the right NOERROR/NXDOMAIN decision) while the record set names the
/// ones Kubernetes DNS actually serves.
public struct DNSRecordType: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let srv = DNSRecordType(rawValue: 33)
    /// QTYPE `*`: every record at the name.
    public static let any = DNSRecordType(rawValue: 255)

    private static let names: [(DNSRecordType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.mx, "MX"),
        (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"), (.any, "ANY"),
    ]

    /// Parses a mnemonic such as `"AAAA"` (case-insensitive) or `"TYPE65"`.
    public init?(name: String) {
        let upper = name.uppercased()
        if let found = Self.names.first(where: { $0.1 == upper }) {
            self = found.0
        } else if upper.hasPrefix("TYPE"), let code = UInt16(upper.dropFirst(4)) {
            self.init(rawValue: code)
        } else {
            return nil
        }
    }

    public var description: String {
        Self.names.first(where: { $0.0 == self })?.1 ?? "TYPE\(rawValue)"
    }

    public static func < (l: DNSRecordType, r: DNSRecordType) -> Bool { l.rawValue < r.rawValue }
}

/// Record data in the forms cluster DNS produces. Addresses are kept in canonical text form
/// (RFC 5952 for IPv6) because that is what `dig` prints and what tests compare.
public enum DNSRecordData: Hashable, Sendable, CustomStringConvertible {
    case a(String)
    case aaaa(String)
    /// Absolute target name with trailing dot.
    case cname(String)
    case ptr(String)
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
    case txt([String])

    public var type: DNSRecordType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .cname: .cname
        case .ptr: .ptr
        case .srv: .srv
        case .txt: .txt
        }
    }

    /// Zone-file presentation without quotes for TXT (`1.1.0`), as the vectors write it.
    public var description: String {
        switch self {
        case .a(let ip), .aaaa(let ip): ip
        case .cname(let name), .ptr(let name): name
        case let .srv(priority, weight, port, target): "\(priority) \(weight) \(port) \(target)"
        case .txt(let strings): strings.joined(separator: " ")
        }
    }
}

/// One resource record. `name` is absolute with a trailing dot.
public struct DNSRecord: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.ttl = ttl
        self.data = data
    }

    public var type: DNSRecordType { data.type }

    public var description: String { "\(name) \(ttl) IN \(type) \(data)" }
}

/// The RCODEs a lookup can decide. SERVFAIL/REFUSED are the server's business, not the data's.
public enum DNSResponseCode: String, Hashable, Sendable {
    case noError = "NOERROR"
    case nxDomain = "NXDOMAIN"
}

/// The authoritative answer for one question, or a note that the name is not ours.
public struct DNSAnswer: Hashable, Sendable {
    /// Meaningful only when `isAuthoritative`; a name that exists with other types is `.noError`
    /// with no answers (NODATA), which resolvers treat differently from NXDOMAIN.
    public var rcode: DNSResponseCode
    /// False for names outside the cluster zone (and reverse names we hold nothing for): the server
    /// forwards those upstream instead of answering.
    public var isAuthoritative: Bool
    public var answers: [DNSRecord]
    /// Optional extra records (A/AAAA of SRV targets), as the spec allows.
    public var additional: [DNSRecord]
    /// Set when the answer ends in a CNAME whose target is outside the zone: the server must
    /// resolve this name upstream (same question type) and append the result, as the spec's
    /// ExternalName example shows.
    public var upstreamTarget: String?

    public init(rcode: DNSResponseCode, isAuthoritative: Bool = true, answers: [DNSRecord] = [],
                additional: [DNSRecord] = [], upstreamTarget: String? = nil) {
        self.rcode = rcode
        self.isAuthoritative = isAuthoritative
        self.answers = answers
        self.additional = additional
        self.upstreamTarget = upstreamTarget
    }

    /// Not ours: forward upstream.
    public static let notAuthoritative = DNSAnswer(rcode: .noError, isAuthoritative: false)
}

/// TTLs of the records the record set produces. Kubernetes does not prescribe them (the spec's
/// examples use A 4, SRV 30, PTR 14, CNAME 10). Defaults follow CoreDNS' `kubernetes` plugin (5 s
/// for everything derived from API objects), because endpoints churn and a client caching a dead
/// pod IP for long is exactly the failure Services exist to avoid; the schema TXT never changes.
public struct DNSTTLs: Hashable, Sendable {
    public var service: UInt32 = 5
    public var endpoint: UInt32 = 5
    public var srv: UInt32 = 5
    public var ptr: UInt32 = 5
    public var cname: UInt32 = 5
    public var pod: UInt32 = 5
    public var schemaVersion: UInt32 = 28800
    public init() {}
}
