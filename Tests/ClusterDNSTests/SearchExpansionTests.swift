import ClusterDNS
import ClusterModel
import ControlPlane
import SwitchboardTestSupport
import Testing

/// One `dns.json` searchExpansion case.
struct SearchExpansionVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Conf: Decodable, Sendable { var search: [String]; var ndots: Int }
    var id: String
    var clientNamespace: String
    var query: String
    var candidateOrder: [String]
    var resolvesTo: String?
    var resolvConf: Conf
    var testDescription: String { id }
}

/// Short names as a pod's stub resolver expands them (search list, ndots:5), each candidate
/// asked of the real server by FQDN with dig — dig cannot take a custom resolv.conf, so the
/// resolver's walk is done here and every question it asks goes over the wire.
@Suite("searchExpansion through dig", .enabled(if: Dig.shouldRun, "dig not installed (and not CI)"))
struct SearchExpansionTests {
    static let cases = Vectors.decode([SearchExpansionVector].self, "dns.json", at: "searchExpansion")

    @Test("resolver walk", arguments: cases)
    func walk(_ v: SearchExpansionVector) async throws {
        let c = try DNSTestCluster(block: 90)
        // Every service some case resolves to, in its namespace (from `<name>.<ns>.svc.<zone>.`).
        var objects: [APIObject] = []
        for target in Self.cases.compactMap(\.resolvesTo) {
            let labels = target.split(separator: ".")
            objects.append(Objects.service(String(labels[0]), selector: ["app": String(labels[0])], namespace: String(labels[1])))
        }
        #expect(c.apply(objects).isEmpty)
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }

        let conf = ResolvConf(searches: v.resolvConf.search, options: ["ndots:\(v.resolvConf.ndots)"])
        var tried: [String] = []
        var answered: String?
        for candidate in conf.searchCandidates(for: v.query) {
            tried.append(candidate)
            let r = try await c.dig(candidate)
            if r.status == "NOERROR", r.answers.contains(where: { $0.type == "A" }) {
                answered = candidate
                break
            }
        }
        #expect(tried == v.candidateOrder)
        #expect(answered == v.resolvesTo)
    }
}
