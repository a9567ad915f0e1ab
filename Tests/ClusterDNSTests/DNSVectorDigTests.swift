import ClusterDNS
import ClusterModel
import ControlPlane
import SwitchboardTestSupport
import Testing

/// One `dns.json` query case (only the fields these tests read).
struct DNSQueryVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Fixture: Decodable, Sendable {
        struct Service: Decodable, Sendable {
            struct Port: Decodable, Sendable {
                var name: String?
                var port: Int
                var `protocol`: String?
            }
            var name: String
            var namespace: String?
            var clusterIP: String?
            var type: String?
            var externalName: String?
            var selector: [String: String]?
            var publishNotReadyAddresses: Bool?
            var ports: [Port]?
        }
        struct EndpointSpec: Decodable, Sendable {
            var ip: String
            var hostname: String?
        }
        struct PodSpecVector: Decodable, Sendable {
            var name: String
            var namespace: String
            var labels: [String: String]?
            var hostname: String?
            var subdomain: String?
            var ip: String
            var ready: Bool
        }
        var services: [Service]?
        var readyEndpoints: [EndpointSpec]?
        var notReadyEndpoints: [EndpointSpec]?
        var pods: [PodSpecVector]?
        var upstream: [String: [String: [String]]]?
    }
    struct Question: Decodable, Sendable { var name: String; var type: String }
    struct Answer: Decodable, Sendable { var name: String; var type: String; var data: String }
    var id: String
    var zone: String
    var fixture: Fixture
    var question: Question
    var rcode: String
    var answers: [Answer]
    var testDescription: String { id }

    /// Our service CIDR is IPv4: a fixture service with an IPv6 cluster IP cannot be created.
    var needsIPv6ClusterIP: Bool { (fixture.services ?? []).contains { $0.clusterIP?.contains(":") == true } }
}

enum DNSQueryVectors {
    static let all = Vectors.decode([DNSQueryVector].self, "dns.json", at: "queries")
    static let runnable = all.filter { !$0.needsIPv6ClusterIP }
    /// Cases excluded, by reason: IPv6 cluster IPs (IPv4-only emulator). In this sample: spec-2.3.1-aaaa.
    static let excluded = all.filter(\.needsIPv6ClusterIP)
}

@Suite("dns.json queries through dig", .enabled(if: Dig.shouldRun, "dig not installed (and not CI)"))
struct DNSVectorDigTests {
    @Test func exclusionsAreStated() {
        #expect(DNSQueryVectors.excluded.map(\.id) == ["spec-2.3.1-aaaa"], "only IPv6-clusterIP cases are excluded")
        #expect(DNSQueryVectors.runnable.count + DNSQueryVectors.excluded.count == DNSQueryVectors.all.count)
    }

    @Test("query answered as the spec says", arguments: DNSQueryVectors.runnable)
    func query(_ v: DNSQueryVector) async throws {
        let stub = StubUpstream(table: v.fixture.upstream ?? [:])
        var forwarding = ClusterDNSConfig.Forwarding.refuse
        if v.fixture.upstream != nil {
            forwarding = .upstreams([try await stub.start(host: "127.89.0.53")])
        }
        defer { Task { await stub.stop() } }
        let c = try DNSTestCluster(block: 88, forwarding: forwarding)
        let ipMap = try build(v, into: c)
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }

        let r = try await c.dig(Self.translate(v.question.name, ipMap), v.question.type)
        #expect(r.status == v.rcode, "\(r)")
        let expected = v.answers.map { a in
            Self.normalized(Self.translate(a.name, ipMap), a.type, a.type == "A" || a.type == "AAAA" ? ipMap[a.data] ?? a.data : a.data)
        }
        #expect(r.answers.map { Self.normalized($0.name, $0.type, $0.data) }.sorted() == expected.sorted(), "\(r)")
        if r.answers.isEmpty { #expect(r.authority.map(\.type) == ["SOA"], "negative answers carry the zone SOA") }
        #expect(r.flags.contains("aa"))
    }

    /// Creates the fixture's objects through the registry and the control loop; returns how the
    /// fixture's addresses map to the ones this cluster allocated.
    func build(_ v: DNSQueryVector, into c: DNSTestCluster) throws -> [String: String] {
        var ipMap: [String: String] = [:]
        var objects: [APIObject] = []
        let services = v.fixture.services ?? []
        for s in services where c.service(s.name, namespace: s.namespace ?? "default") == nil {
            var spec = ServiceSpec(type: s.type, selector: s.selector,
                                   ports: (s.ports ?? []).map { ServicePort(name: $0.name, protocol: $0.protocol, port: $0.port) })
            if s.clusterIP == "None" { spec.clusterIP = "None" }
            spec.externalName = s.externalName
            spec.publishNotReadyAddresses = s.publishNotReadyAddresses
            objects.append(.service(Service(metadata: ObjectMeta(name: s.name, namespace: s.namespace ?? "default"), spec: spec)))
        }
        let listed = (v.fixture.readyEndpoints ?? []).map { ($0, true) } + (v.fixture.notReadyEndpoints ?? []).map { ($0, false) }
        if !listed.isEmpty || v.fixture.readyEndpoints != nil {
            let owners = services.filter { $0.type != "ExternalName" }
            try #require(owners.count == 1, "explicit endpoints need exactly one owning service")
            let owner = owners[0]
            let ready = listed.filter(\.1).map { EndpointAddress(ip: $0.0.ip, hostname: $0.0.hostname) }
            let notReady = listed.filter { !$0.1 }.map { EndpointAddress(ip: $0.0.ip, hostname: $0.0.hostname) }
            let ports = (owner.ports ?? []).map { EndpointPort(name: $0.name, port: $0.port, protocol: $0.protocol ?? "TCP") }
            objects.append(.endpoints(Endpoints(metadata: ObjectMeta(name: owner.name, namespace: owner.namespace ?? "default"),
                                                subsets: [EndpointSubset(addresses: ready.isEmpty ? nil : ready,
                                                                         notReadyAddresses: notReady.isEmpty ? nil : notReady,
                                                                         ports: ports)])))
        }
        for p in v.fixture.pods ?? [] {
            var spec = PodSpec(containers: [Container(name: "c", image: "registry.k8s.io/e2e-test-images/agnhost:2.53")])
            spec.hostname = p.hostname
            spec.subdomain = p.subdomain
            objects.append(.pod(Pod(metadata: ObjectMeta(name: p.name, namespace: p.namespace, labels: p.labels), spec: spec)))
        }
        let errors = c.apply(objects)
        try #require(errors.isEmpty, "\(errors)")
        for p in v.fixture.pods ?? [] {
            let pod = try #require(c.loop.store.get(Pod.self, namespace: p.namespace, name: p.name))
            ipMap[p.ip] = try #require(pod.status?.podIP)
            if !p.ready { try c.loop.registry.setPodReady(pod.key, false) }
        }
        c.settle()
        for s in services {
            if let fixtureIP = s.clusterIP, fixtureIP != "None", !fixtureIP.isEmpty,
               let actual = c.service(s.name, namespace: s.namespace ?? "default")?.spec.clusterIP {
                ipMap[fixtureIP] = actual
            }
        }
        return ipMap
    }

    /// Rewrites fixture addresses inside names: reverse names and dashed endpoint/pod labels.
    static func translate(_ name: String, _ ipMap: [String: String]) -> String {
        let lower = name.lowercased()
        for (from, to) in ipMap {
            if let reverse = DNSName.reverseName(of: from), lower == reverse { return DNSName.reverseName(of: to)! }
            let dashed = DNSName.dashed(from) + "."
            if lower.hasPrefix(dashed) { return DNSName.dashed(to) + "." + name.dropFirst(dashed.count) }
        }
        return name
    }

    /// SRV priority/weight and TTLs are the spec's examples, not requirements.
    static func normalized(_ name: String, _ type: String, _ data: String) -> String {
        var data = data
        if type == "SRV" { data = data.split(separator: " ").suffix(2).joined(separator: " ") }
        return "\(name) \(type) \(data)"
    }
}
