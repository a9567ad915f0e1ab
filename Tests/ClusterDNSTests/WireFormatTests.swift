import ClusterDNS
import ControlPlane
import Testing

@Suite("DNS wire format")
struct WireFormatTests {
    static func sample() -> DNSMessage {
        var header = DNSHeader(id: 0xBEEF)
        header.isResponse = true
        header.authoritative = true
        let owner = DNSWireName("web.default.svc.cluster.local.")
        let zone = DNSWireName("cluster.local.")
        var m = DNSMessage(header: header, questions: [DNSQuestion(name: owner, type: .a)])
        m.answers = [
            DNSWireRecord(name: owner, type: .a, ttl: 5, data: .a([127, 84, 0, 7])),
            DNSWireRecord(name: owner, type: .cname, ttl: 5, data: .cname(DNSWireName("x.default.svc.cluster.local."))),
            DNSWireRecord(name: owner, type: .srv, ttl: 5, data: .srv(priority: 0, weight: 100, port: 80, target: owner)),
            DNSWireRecord(name: owner, type: .txt, ttl: 5, data: .txt([Array("1.1.0".utf8), []])),
            DNSWireRecord(name: owner, type: .aaaa, ttl: 5, data: .aaaa([0x20, 1, 0xd, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])),
            DNSWireRecord(name: owner, type: .mx, ttl: 5, data: .mx(preference: 10, exchange: zone)),
            DNSWireRecord(name: owner, type: DNSRecordType(rawValue: 65), ttl: 5, data: .raw([1, 2, 3])),
        ]
        m.authority = [DNSWireRecord(name: zone, type: .soa, ttl: 5, data: .soa(SOAData(
            mname: DNSWireName("ns.dns.cluster.local."), rname: DNSWireName("hostmaster.cluster.local."),
            serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5)))]
        m.additional = [DNSWireRecord(name: zone, type: .ns, ttl: 5, data: .ns(DNSWireName("ns.dns.cluster.local.")))]
        m.edns = EDNS(udpPayloadSize: 1232, dnssecOK: true)
        return m
    }

    @Test func roundTripsEveryRecordKind() throws {
        let m = Self.sample()
        let bytes = DNSMessageWriter.serialize(m)
        #expect(try DNSMessageParser.parse(bytes) == m)
    }

    @Test func compressesRepeatedNames() throws {
        let m = Self.sample()
        let bytes = DNSMessageWriter.serialize(m)
        let uncompressed = m.answers.count * DNSWireName("web.default.svc.cluster.local.").encodedLength
        #expect(bytes.count < 400, "names after the first are pointers (\(bytes.count) bytes, \(uncompressed) for owners alone)")
        // The first answer's owner is a pointer to the question name at offset 12.
        let questionEnd = 12 + DNSWireName("web.default.svc.cluster.local.").encodedLength + 4
        #expect(Array(bytes[questionEnd..<questionEnd + 2]) == [0xC0, 12])
    }

    @Test func truncatesAnswersWithTCAndKeepsOPT() throws {
        var m = Self.sample()
        let owner = m.questions[0].name
        m.answers = (0..<100).map { DNSWireRecord(name: owner, type: .a, ttl: 5, data: .a([10, 0, 0, UInt8($0)])) }
        let bytes = DNSMessageWriter.serialize(m, limit: 512)
        #expect(bytes.count <= 512)
        let parsed = try DNSMessageParser.parse(bytes)
        #expect(parsed.header.truncated)
        #expect(parsed.answers.count > 20 && parsed.answers.count < 100)
        #expect(parsed.authority.isEmpty && parsed.additional.isEmpty)
        #expect(parsed.edns?.udpPayloadSize == 1232)
        // Additional records that do not fit are dropped without TC.
        var extra = Self.sample()
        extra.answers = []
        extra.additional = (0..<100).map { DNSWireRecord(name: owner, type: .a, ttl: 5, data: .a([10, 0, 0, UInt8($0)])) }
        let trimmed = try DNSMessageParser.parse(DNSMessageWriter.serialize(extra, limit: 512))
        #expect(!trimmed.header.truncated)
        #expect(trimmed.additional.count < 100)
    }

    @Test func rejectsLoopsForwardPointersAndOverruns() {
        let header: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        let cases: [(String, [UInt8], DNSWireError)] = [
            ("pointer to itself", header + [0xC0, 12, 0, 1, 0, 1], .badPointer),
            ("forward pointer", header + [0xC0, 14, 0, 1, 0, 1], .badPointer),
            ("label past the end", header + [10, 0x61], .truncated),
            ("missing type", header + [0], .truncated),
            ("extended label type", header + [0x40, 0, 0, 1, 0, 1], .badLabelType),
            ("trailing bytes", header + [0, 0, 1, 0, 1, 9], .trailingBytes),
        ]
        for (what, bytes, error) in cases {
            #expect(throws: error, "\(what)") { try DNSMessageParser.parse(bytes) }
        }
        // A name longer than 255 bytes.
        let long = header + (0..<5).flatMap { _ in [63] + [UInt8](repeating: 0x61, count: 63) } + [0, 0, 1, 0, 1]
        #expect(throws: DNSWireError.nameTooLong) { try DNSMessageParser.parse(long) }
        // A header claiming 65,535 answers in 12 bytes.
        #expect(throws: DNSWireError.truncated) { try DNSMessageParser.parse([0, 1, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]) }
        // A chain of backward pointers is followed (each hop strictly earlier).
        let chained: [UInt8] = header + [1, 0x61, 0, 0, 1, 0, 1]
        #expect((try? DNSMessageParser.parse(chained))?.questions.first?.name.description == "a.")
    }

    /// Every prefix and thousands of random mutations of a valid message: the parser returns or
    /// throws, never traps, and whatever it accepts serialises and parses again.
    @Test func fuzzedInputNeverCrashes() {
        let valid = DNSMessageWriter.serialize(Self.sample())
        for n in 0..<valid.count { _ = try? DNSMessageParser.parse(Array(valid.prefix(n))) }
        var rng = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<5000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let m = try? DNSMessageParser.parse(bytes) {
                accepted += 1
                _ = try? DNSMessageParser.parse(DNSMessageWriter.serialize(m))
            }
        }
        for _ in 0..<2000 {
            let junk = (0..<Int.random(in: 0...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? DNSMessageParser.parse(junk)
        }
        #expect(accepted > 0, "some mutations (TTLs, IDs) stay valid")
    }

    @Test func namesEscapeOddBytesAndCompareCaseInsensitively() {
        let odd = DNSWireName(labels: [Array("a.b".utf8), [0x00, 0x20], Array("Svc".utf8)])
        #expect(odd.description == "a\\046b.\\000\\032.Svc.")
        #expect(DNSWireName("WEB.Default.").equalsIgnoringCase(DNSWireName("web.default.")))
        #expect(!DNSWireName("web.default.").equalsIgnoringCase(DNSWireName("web.other.")))
        #expect(DNSWireName.root.description == ".")
    }
}
