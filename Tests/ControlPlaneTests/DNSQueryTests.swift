import ClusterModel
@testable import ControlPlane
import Testing

@Suite("Cluster DNS records (dns.json queries)")
struct DNSQueryTests {
    @Test("query answers", arguments: DNSVectors.queries)
    func query(_ c: DNSQueryCase) throws {
        let set = DNSVectors.recordSet(for: c)
        let type = try #require(DNSRecordType(name: c.question.type))
        var answer = set.lookup(name: c.question.name, type: type)
        #expect(answer.isAuthoritative)
        if let target = answer.upstreamTarget {
            // The DNS server resolves out-of-zone CNAME targets upstream; emulate with the fixture.
            let upstream = c.fixture.upstream?[DNSName.key(target)]?[c.question.type] ?? []
            answer.answers += upstream.map { ip in
                DNSRecord(name: target, ttl: 0, data: type == .aaaa ? .aaaa(ip) : .a(ip))
            }
        }
        #expect(answer.rcode.rawValue == c.rcode)
        let actual = answer.answers.map { DNSVectors.normalized(name: $0.name, type: $0.type.description, data: $0.data.description) }
        let expected = c.answers.map { DNSVectors.normalized(name: $0.name, type: $0.type, data: $0.data) }
        #expect(actual.sorted() == expected.sorted())
    }
}
