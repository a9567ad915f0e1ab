import ClusterDNS
import ClusterModel
import ControlPlane
import Testing

@Suite("Zone responder rules")
struct ZoneResponderTests {
    let responder = ZoneResponder(nameserverAddress: "127.84.0.10", recursionAvailable: false)

    func query(_ name: String, _ type: DNSRecordType = .a, edns: EDNS? = nil, opcode: UInt8 = 0,
               qclass: UInt16 = DNSQuestion.classIN) -> DNSMessage {
        var header = DNSHeader(id: 7)
        header.opcode = opcode
        header.recursionDesired = true
        return DNSMessage(header: header, questions: [DNSQuestion(name: DNSWireName(name), type: type, qclass: qclass)], edns: edns)
    }

    func answer(_ q: DNSMessage, _ records: DNSRecordSet = DNSRecordSet()) throws -> DNSMessage {
        guard case .answer(let m) = responder.respond(to: q, records: records) else {
            Issue.record("expected an answer")
            throw CancellationError()
        }
        return m
    }

    @Test func messageLevelErrors() throws {
        var two = query("a.cluster.local.")
        two.questions.append(two.questions[0])
        #expect(try answer(two).rcode == .formErr)
        #expect(try answer(query("a.cluster.local.", opcode: 2)).rcode == .notImp)
        var v1 = EDNS(udpPayloadSize: 1232)
        v1.version = 1
        let badVers = try answer(query("a.cluster.local.", edns: v1))
        #expect(badVers.rcode == .badVers && badVers.edns?.extendedRcode == 1)
        #expect(try answer(query("version.bind.", .txt, qclass: 3)).rcode == .refused)
        #expect(try answer(query("cluster.local.", DNSRecordType(rawValue: 252))).rcode == .refused, "no zone transfers")
        var response = query("a.cluster.local.")
        response.header.isResponse = true
        #expect(responder.respond(to: response, records: DNSRecordSet()) == .drop)
    }

    @Test func apexAndNegativeAnswers() throws {
        let soa = try answer(query("Cluster.Local.", .soa))
        #expect(soa.header.authoritative)
        #expect(soa.answers.first?.name == DNSWireName("Cluster.Local."))
        guard case .soa(let data)? = soa.answers.first?.data else { Issue.record("no SOA"); return }
        #expect(data.mname == DNSWireName("ns.dns.cluster.local.") && data.rname == DNSWireName("hostmaster.cluster.local."))
        #expect(data.minimum == 5)
        let nx = try answer(query("nothing.default.svc.cluster.local."))
        #expect(nx.rcode == .nxDomain && nx.authority.map(\.type) == [.soa] && nx.authority[0].ttl == 5)
        let nodata = try answer(query("cluster.local.", .a))
        #expect(nodata.rcode == .noError && nodata.answers.isEmpty && nodata.authority.map(\.type) == [.soa])
        #expect(try answer(query("ns.dns.cluster.local.")).answers.first?.data == .a([127, 84, 0, 10]))
    }

    @Test func outsideTheZoneIsForwardedAndExternalNameChased() {
        var records = DNSRecordSet()
        var spec = ServiceSpec(type: "ExternalName", selector: nil, ports: [])
        spec.externalName = "api.example.com"
        records.update(service: Service(metadata: ObjectMeta(name: "ext", namespace: "default"), spec: spec), slices: [])
        let q = query("example.com.")
        #expect(responder.respond(to: q, records: records) == .forward(q.questions[0]))
        guard case let .chase(partial, target, type) = responder.respond(to: query("ext.default.svc.cluster.local."), records: records) else {
            Issue.record("ExternalName must be chased")
            return
        }
        #expect(target == DNSWireName("api.example.com.") && type == .a)
        #expect(partial.answers.map(\.type) == [.cname] && partial.header.authoritative)
    }

    @Test func udpLimitHonoursEDNSWithinOurMaximum() {
        #expect(responder.udpLimit(for: query("a.")) == 512)
        #expect(responder.udpLimit(for: query("a.", edns: EDNS(udpPayloadSize: 100))) == 512)
        #expect(responder.udpLimit(for: query("a.", edns: EDNS(udpPayloadSize: 900))) == 900)
        #expect(responder.udpLimit(for: query("a.", edns: EDNS(udpPayloadSize: 4096))) == 1232)
    }

    @Test func latencyHistogramQuantiles() {
        var h = LatencyHistogram()
        for us in [10, 20, 30, 40, 60, 70, 80, 90, 200, 5_000] { h.record(microseconds: us) }
        #expect(h.count == 10)
        #expect(h.quantileMicroseconds(0.5) == 100)
        #expect(h.quantileMicroseconds(0.99) == 5_000)
    }
}
