import ClusterModel
@testable import ControlPlane
import SwitchboardTestSupport
import Testing

struct ResolvConfCase: Decodable, Sendable, CustomTestStringConvertible {
    struct PodVector: Decodable, Sendable {
        var namespace: String
        var dnsPolicy: String?
        var dnsConfig: PodDNSConfig?
        var hostNetwork: Bool?
    }
    struct ClusterVector: Decodable, Sendable {
        var clusterDomain: String
        var clusterDNS: [String]
        var nodeSearch: [String]
    }
    struct Expected: Decodable, Sendable {
        var nameservers: [String]
        var search: [String]
        var options: [String]
    }
    var id: String
    var pod: PodVector
    var cluster: ClusterVector
    var expectedResolvConf: Expected
    var testDescription: String { id }
}

struct SearchExpansionCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Conf: Decodable, Sendable {
        var search: [String]
        var ndots: Int
    }
    var id: String
    var clientNamespace: String
    var query: String
    var candidateOrder: [String]
    var resolvesTo: String?
    var resolvConf: Conf
    var note: String
    var testDescription: String { id }
}

@Suite("Pod resolv.conf and resolver search (dns.json)")
struct ResolvConfTests {
    static let resolvCases = Vectors.decode([ResolvConfCase].self, "dns.json", at: "resolvConf")
    static let searchCases = Vectors.decode([SearchExpansionCase].self, "dns.json", at: "searchExpansion")

    static func pod(namespace: String, policy: String?, config: PodDNSConfig? = nil, hostNetwork: Bool? = nil) -> Pod {
        var spec = PodSpec(containers: [Container(name: "c")])
        spec.dnsPolicy = policy
        spec.dnsConfig = config
        spec.hostNetwork = hostNetwork
        return Pod(metadata: ObjectMeta(name: "p", namespace: namespace), spec: spec)
    }

    @Test("resolv.conf per dnsPolicy", arguments: resolvCases)
    func resolvConf(_ c: ResolvConfCase) {
        let pod = Self.pod(namespace: c.pod.namespace, policy: c.pod.dnsPolicy, config: c.pod.dnsConfig,
                           hostNetwork: c.pod.hostNetwork)
        let cluster = ClusterDNSSettings(clusterDomain: c.cluster.clusterDomain, clusterDNS: c.cluster.clusterDNS,
                                         nodeResolvConf: ResolvConf(nameservers: ["192.168.1.1"], searches: c.cluster.nodeSearch))
        let conf = ResolvConf.forPod(pod, cluster: cluster)
        #expect(conf.nameservers == c.expectedResolvConf.nameservers)
        #expect(conf.searches == c.expectedResolvConf.search)
        #expect(conf.options == c.expectedResolvConf.options)
    }

    /// The cluster the notes describe ("services: data in namespace prod (clusterIP 10.96.5.5)",
    /// "service my-service in my-ns"), parsed so the fixture comes from the vectors file.
    static func cluster(from note: String) -> [Service] {
        let pattern = /services?:? ([a-z0-9-]+) in (?:namespace )?([a-z0-9-]+)(?: \(clusterIP ([0-9.]+)\))?/
        return note.matches(of: pattern).enumerated().map { index, m in
            var spec = ServiceSpec(ports: [ServicePort(name: "http", port: 80)])
            spec.clusterIP = m.output.3.map(String.init) ?? "10.96.7.\(index + 1)"
            return Service(metadata: ObjectMeta(name: String(m.output.1), namespace: String(m.output.2)), spec: spec)
        }
    }

    @Test("resolver search order and which name answers", arguments: searchCases)
    func searchExpansion(_ c: SearchExpansionCase) {
        let services = Self.cluster(from: c.note)
        #expect(!services.isEmpty, "note names the services of the fixture")
        var set = DNSRecordSet()
        for s in services { set.update(service: s, slices: []) }
        let candidates = ResolvConf.searchCandidates(for: c.query, searches: c.resolvConf.search, ndots: c.resolvConf.ndots)
        var tried: [String] = []
        var resolved: String? = nil
        for name in candidates {
            tried.append(name)
            let answer = set.lookup(name: name, type: .a)
            // Not authoritative = forwarded upstream, which knows nothing about these names.
            if answer.isAuthoritative, answer.rcode == .noError, !answer.answers.isEmpty {
                resolved = name
                break
            }
        }
        #expect(tried == c.candidateOrder)
        #expect(resolved == c.resolvesTo)
    }

    @Test("rendered file text")
    func rendered() {
        let conf = ResolvConf(nameservers: ["10.96.0.10"], searches: ["a.svc.cluster.local", "svc.cluster.local"],
                              options: ["ndots:5"])
        #expect(conf.rendered == "search a.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")
        #expect(ResolvConf.parse(conf.rendered) == conf)
        #expect(conf.ndots == 5)
    }

    @Test("hostNetwork ClusterFirst falls back to Default; ClusterFirstWithHostNet does not")
    func hostNetwork() {
        let node = ResolvConf(nameservers: ["192.168.1.1"], searches: ["lan"], options: ["edns0"])
        let cluster = ClusterDNSSettings(clusterDNS: ["10.96.0.10"], nodeResolvConf: node)
        #expect(ResolvConf.forPod(Self.pod(namespace: "a", policy: "ClusterFirst", hostNetwork: true), cluster: cluster) == node)
        #expect(ResolvConf.forPod(Self.pod(namespace: "a", policy: "Default"), cluster: cluster) == node)
        let withHostNet = ResolvConf.forPod(Self.pod(namespace: "a", policy: "ClusterFirstWithHostNet", hostNetwork: true),
                                            cluster: cluster)
        #expect(withHostNet.nameservers == ["10.96.0.10"])
        #expect(withHostNet.searches == ["a.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan"])
        let noNode = ClusterDNSSettings(clusterDNS: [], nodeResolvConf: nil)
        #expect(ResolvConf.forPod(Self.pod(namespace: "a", policy: nil), cluster: noNode)
            == ResolvConf(nameservers: ["127.0.0.1"], searches: ["."]))
    }

    @Test("limits: 3 nameservers, 32 search paths, options merged by name")
    func limits() {
        let config = PodDNSConfig(nameservers: ["1.1.1.1", "2.2.2.2", "3.3.3.3"],
                                  searches: (1...40).map { "d\($0).example" },
                                  options: [PodDNSConfigOption(name: "ndots", value: "1"), PodDNSConfigOption(name: "rotate")])
        let conf = ResolvConf.forPod(Self.pod(namespace: "a", policy: "ClusterFirst", config: config),
                                     cluster: ClusterDNSSettings(clusterDNS: ["10.96.0.10"]))
        #expect(conf.nameservers == ["10.96.0.10", "1.1.1.1", "2.2.2.2"])
        #expect(conf.searches.count == 32)
        #expect(conf.searches.first == "a.svc.cluster.local")
        #expect(conf.options == ["ndots:1", "rotate"])
        #expect(ResolvConf.fitSearchLimits([String(repeating: "a", count: 254), "ok"]) == ["ok"])
        let long = (1...20).map { "\($0)" + String(repeating: "x", count: 120) }
        #expect(ResolvConf.fitSearchLimits(long).joined(separator: " ").count <= 2048)
    }

    @Test("search candidates: ndots and absolute names")
    func candidates() {
        let search = ["a.svc.cluster.local", "svc.cluster.local"]
        #expect(ResolvConf.searchCandidates(for: "x.", searches: search, ndots: 5) == ["x."])
        #expect(ResolvConf.searchCandidates(for: "a.b.c.d.e.f", searches: search, ndots: 5)
            == ["a.b.c.d.e.f.", "a.b.c.d.e.f.a.svc.cluster.local.", "a.b.c.d.e.f.svc.cluster.local."])
        #expect(ResolvConf.searchCandidates(for: "x.y", searches: search, ndots: 1).first == "x.y.")
    }
}
