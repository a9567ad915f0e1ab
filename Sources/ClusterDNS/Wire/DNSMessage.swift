import ControlPlane

/// The RCODEs the server sends (4-bit header codes plus EDNS' extended BADVERS).
public struct DNSRcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = DNSRcode(rawValue: 0)
    public static let formErr = DNSRcode(rawValue: 1)
    public static let servFail = DNSRcode(rawValue: 2)
    public static let nxDomain = DNSRcode(rawValue: 3)
    public static let notImp = DNSRcode(rawValue: 4)
    public static let refused = DNSRcode(rawValue: 5)
    public static let badVers = DNSRcode(rawValue: 16)

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 16: "BADVERS"
        default: "RCODE\(rawValue)"
        }
    }
}

/// The 12-byte header's fields (RFC 1035 §4.1.1); counts are derived from the sections.
public struct DNSHeader: Hashable, Sendable {
    public var id: UInt16 = 0
    public var isResponse = false
    public var opcode: UInt8 = 0
    public var authoritative = false
    public var truncated = false
    public var recursionDesired = false
    public var recursionAvailable = false
    public var authenticData = false
    public var checkingDisabled = false
    /// Low 4 bits only; the extended part lives in the OPT record.
    public var rcode: UInt8 = 0

    public init(id: UInt16 = 0) { self.id = id }
}

public struct DNSQuestion: Hashable, Sendable {
    public var name: DNSWireName
    public var type: DNSRecordType
    public var qclass: UInt16

    public static let classIN: UInt16 = 1

    public init(name: DNSWireName, type: DNSRecordType, qclass: UInt16 = DNSQuestion.classIN) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }
}

/// Record data by type. Types whose data hold names are decoded (their names may be compressed
/// on input and are compressed again on output); everything else stays opaque bytes, which is
/// the only safe treatment for types we do not know (RFC 3597).
public enum DNSWireData: Hashable, Sendable {
    case a([UInt8])
    case aaaa([UInt8])
    case cname(DNSWireName)
    case ptr(DNSWireName)
    case ns(DNSWireName)
    case mx(preference: UInt16, exchange: DNSWireName)
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSWireName)
    case txt([[UInt8]])
    case soa(SOAData)
    case raw([UInt8])
}

public struct SOAData: Hashable, Sendable {
    public var mname: DNSWireName
    public var rname: DNSWireName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(mname: DNSWireName, rname: DNSWireName, serial: UInt32, refresh: UInt32, retry: UInt32,
                expire: UInt32, minimum: UInt32) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

public struct DNSWireRecord: Hashable, Sendable {
    public var name: DNSWireName
    public var type: DNSRecordType
    public var rclass: UInt16
    public var ttl: UInt32
    public var data: DNSWireData

    public init(name: DNSWireName, type: DNSRecordType, rclass: UInt16 = DNSQuestion.classIN, ttl: UInt32, data: DNSWireData) {
        self.name = name
        self.type = type
        self.rclass = rclass
        self.ttl = ttl
        self.data = data
    }
}

/// EDNS(0) as carried by the OPT pseudo-record (RFC 6891).
public struct EDNS: Hashable, Sendable {
    public static let optType = DNSRecordType(rawValue: 41)
    /// The largest UDP response the sender can reassemble; values below 512 mean 512.
    public var udpPayloadSize: UInt16
    /// Upper 8 bits of the 12-bit RCODE.
    public var extendedRcode: UInt8 = 0
    public var version: UInt8 = 0
    public var dnssecOK = false
    /// Options as (code, data); kept so a parse/serialise round trip is faithful.
    public var options: [(code: UInt16, data: [UInt8])] = []

    public init(udpPayloadSize: UInt16, dnssecOK: Bool = false) {
        self.udpPayloadSize = udpPayloadSize
        self.dnssecOK = dnssecOK
    }

    public static func == (l: EDNS, r: EDNS) -> Bool {
        l.udpPayloadSize == r.udpPayloadSize && l.extendedRcode == r.extendedRcode && l.version == r.version
            && l.dnssecOK == r.dnssecOK && l.options.map(\.code) == r.options.map(\.code)
            && l.options.map(\.data) == r.options.map(\.data)
    }

    public func hash(into h: inout Hasher) {
        h.combine(udpPayloadSize)
        h.combine(version)
        h.combine(dnssecOK)
    }
}

/// A whole DNS message. The OPT record is lifted out of the additional section into `edns`, so
/// code that builds answers never has to keep it last by hand.
public struct DNSMessage: Hashable, Sendable {
    public var header: DNSHeader
    public var questions: [DNSQuestion] = []
    public var answers: [DNSWireRecord] = []
    public var authority: [DNSWireRecord] = []
    public var additional: [DNSWireRecord] = []
    public var edns: EDNS?

    public init(header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSWireRecord] = [],
                authority: [DNSWireRecord] = [], additional: [DNSWireRecord] = [], edns: EDNS? = nil) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// The full RCODE (header bits plus the OPT's extended bits).
    public var rcode: DNSRcode {
        get { DNSRcode(rawValue: UInt16(edns?.extendedRcode ?? 0) << 4 | UInt16(header.rcode)) }
        set {
            header.rcode = UInt8(newValue.rawValue & 0xf)
            edns?.extendedRcode = UInt8(truncatingIfNeeded: newValue.rawValue >> 4)
        }
    }
}
