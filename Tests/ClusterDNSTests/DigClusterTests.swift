import ClusterDNS
import ClusterModel
import ControlPlane
import Testing

/// The server answering the real `dig` for a cluster the control loop computed.
@Suite("Cluster DNS through dig", .enabled(if: Dig.shouldRun, "dig not installed (and not CI)"))
struct DigClusterTests {
    static let zone = "default.svc.cluster.local."

    @Test func clusterIPServiceAnswersA_SRV_PTR_caseInsensitively() async throws {
        let c = try DNSTestCluster(block: 84)
        c.apply([Objects.deployment("db", replicas: 2, labels: ["app": "db"]),
                 Objects.service("backend-database", selector: ["app": "db"], ports: [ServicePort(name: "postgres", port: 5432)])])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let ip = try #require(c.service("backend-database")?.spec.clusterIP)
        let fqdn = "backend-database.\(Self.zone)"

        let a = try await c.dig(fqdn)
        #expect(a.status == "NOERROR")
        #expect(a.flags.contains("aa"))
        #expect(a.answers == [.init(name: fqdn, ttl: 5, type: "A", data: ip)])

        let srv = try await c.dig("_postgres._tcp.\(fqdn)", "SRV")
        #expect(srv.status == "NOERROR")
        #expect(srv.answers.count == 1)
        #expect(srv.answers.first?.data.hasSuffix("5432 \(fqdn)") == true, "\(srv)")
        #expect(srv.additional.contains { $0.type == "A" && $0.data == ip }, "SRV target's address in additional")

        let ptr = try await c.dig(DNSName.reverseName(of: ip)!, "PTR")
        #expect(ptr.answers.map(\.data) == [fqdn])
        #expect(ptr.flags.contains("aa"))

        let mixed = "BACKEND-Database.DEFAULT.svc.Cluster.Local."
        let m = try await c.dig(mixed)
        #expect(m.answers.map(\.name) == [mixed], "the owner name echoes the question as asked")
        #expect(m.answers.map(\.data) == [ip])
    }

    @Test func negativeAnswersCarryTheZoneSOA() async throws {
        let c = try DNSTestCluster(block: 84)
        c.apply([Objects.service("api", selector: ["app": "api"])])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }

        let nodata = try await c.dig("api.\(Self.zone)", "AAAA")
        #expect(nodata.status == "NOERROR")
        #expect(nodata.answers.isEmpty)
        let soa = try #require(nodata.authority.first, "\(nodata)")
        #expect(soa.type == "SOA" && soa.name == "cluster.local." && soa.ttl == 5)
        #expect(soa.data.hasPrefix("ns.dns.cluster.local. hostmaster.cluster.local. "))
        #expect(soa.data.hasSuffix(" 7200 1800 86400 5"))

        let nx = try await c.dig("nope.\(Self.zone)")
        #expect(nx.status == "NXDOMAIN")
        #expect(nx.flags.contains("aa"))
        #expect(nx.authority.map(\.type) == ["SOA"])

        // Empty non-terminal (namespace) exists: NODATA, not NXDOMAIN.
        #expect(try await c.dig(Self.zone).status == "NOERROR")
        #expect(try await c.dig("nosuchns.svc.cluster.local.").status == "NXDOMAIN")

        let apexSOA = try await c.dig("cluster.local.", "SOA")
        #expect(apexSOA.answers.map(\.type) == ["SOA"])
        let ns = try await c.dig("cluster.local.", "NS")
        #expect(ns.answers.map(\.data) == ["ns.dns.cluster.local."])
        #expect(try await c.dig("ns.dns.cluster.local.").answers.map(\.data) == ["127.84.0.10"])
        #expect(try await c.dig("dns-version.cluster.local.", "TXT").answers.map(\.data) == ["1.1.0"])
    }

    @Test func headlessAnswersFollowReadyEndpointsLive() async throws {
        let c = try DNSTestCluster(block: 85)
        c.apply([Objects.deployment("web", replicas: 3, labels: ["app": "web"]),
                 Objects.service("web", selector: ["app": "web"], clusterIP: "None")])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let name = "web.\(Self.zone)"
        let ips = Set(c.pods(["app": "web"]).compactMap(\.status?.podIP))
        #expect(ips.count == 3)
        #expect(Set(try await c.dig(name).answers.map(\.data)) == ips)
        for pod in c.pods(["app": "web"]) { try c.loop.registry.setPodReady(pod.key, false) }
        c.settle()
        let none = try await c.dig(name)
        #expect(none.status == "NXDOMAIN", "headless with no ready endpoints")
        #expect(none.authority.map(\.type) == ["SOA"])

        // A service created now answers at once.
        c.apply([Objects.service("late", selector: ["app": "web"])])
        let late = try #require(c.service("late")?.spec.clusterIP)
        #expect(try await c.dig("late.\(Self.zone)").answers.map(\.data) == [late])
    }

    @Test func externalNameIsACNAMEChasedUpstream() async throws {
        let stub = StubUpstream(table: ["api.example.com": ["A": ["192.0.2.7"]]])
        let upstream = try await stub.start(host: "127.86.0.53")
        defer { Task { await stub.stop() } }
        let c = try DNSTestCluster(block: 86, forwarding: .upstreams([upstream]))
        c.apply([Objects.service("ext", selector: nil, ports: [], type: "ExternalName", externalName: "api.example.com")])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let r = try await c.dig("ext.\(Self.zone)")
        #expect(r.status == "NOERROR")
        #expect(r.answerLines == ["api.example.com. A 192.0.2.7", "ext.\(Self.zone) CNAME api.example.com."], "\(r)")

        let cname = try await c.dig("ext.\(Self.zone)", "CNAME")
        #expect(cname.answerLines == ["ext.\(Self.zone) CNAME api.example.com."])

        // Forwarding: names outside the zone go to the upstream, its answer relayed with RA.
        let fwd = try await c.dig("api.example.com.")
        #expect(fwd.answers.map(\.data) == ["192.0.2.7"])
        #expect(fwd.flags.contains("ra") && !fwd.flags.contains("aa"))
        #expect(try await c.dig("missing.example.com.").status == "NXDOMAIN")
        #expect(stub.asked.withLock { $0 }.contains("api.example.com. A"))
        #expect(c.server.stats().forwarded >= 3)
    }

    @Test func withoutForwardingOutsideNamesAreRefusedAndExternalNameIsTheCNAMEAlone() async throws {
        let c = try DNSTestCluster(block: 86, forwarding: .refuse)
        c.apply([Objects.service("ext", selector: nil, ports: [], type: "ExternalName", externalName: "api.example.com")])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let refused = try await c.dig("example.com.")
        #expect(refused.status == "REFUSED")
        let r = try await c.dig("ext.\(Self.zone)")
        #expect(r.status == "NOERROR")
        #expect(r.answerLines == ["ext.\(Self.zone) CNAME api.example.com."])
        // A reverse name we hold nothing for is not ours either.
        #expect(try await c.dig("9.9.9.9.in-addr.arpa.", "PTR").status == "REFUSED")
    }

    @Test func aSilentUpstreamGivesSERVFAILNotAHang() async throws {
        let stub = StubUpstream(table: [:], silent: true)
        let upstream = try await stub.start(host: "127.86.0.54")
        defer { Task { await stub.stop() } }
        let c = try DNSTestCluster(block: 86, forwarding: .upstreams([upstream])) { $0.forwardTimeout = .milliseconds(300) }
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let clock = ContinuousClock()
        let start = clock.now
        let r = try await c.dig("example.org.")
        #expect(r.status == "SERVFAIL")
        // SERVFAIL at all means the server answered instead of leaving dig to time out; the
        // bound only catches a hang, with room for a loaded parallel run (300 ms when alone).
        #expect(clock.now - start < .seconds(10))
        #expect(c.server.stats().forwardFailures == 1)
    }

    @Test func largeAnswersTruncateOnUDPAndCompleteOverTCP() async throws {
        let c = try DNSTestCluster(block: 87)
        c.apply([Objects.deployment("big", replicas: 40, labels: ["app": "big"]),
                 Objects.service("big", selector: ["app": "big"], clusterIP: "None")])
        try await c.start()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let name = "big.\(Self.zone)"
        let udp = try await c.dig(name, "A", ["+notcp", "+noedns", "+ignore"])
        #expect(udp.flags.contains("tc"), "\(udp)")
        #expect(udp.answers.count < 40)
        let tcp = try await c.dig(name, "A", ["+tcp"])
        #expect(!tcp.flags.contains("tc"))
        #expect(tcp.answers.count == 40)
        // EDNS0: the client's payload size is honoured and the OPT record echoed.
        let small = try await c.dig(name, "A", ["+notcp", "+bufsize=512", "+ignore"])
        #expect(small.flags.contains("tc") && small.hasOPT)
        let edns = try await c.dig(name, "A", ["+notcp", "+bufsize=1232", "+ignore"])
        #expect(!edns.flags.contains("tc"))
        #expect(edns.answers.count == 40)
        #expect(edns.hasOPT && edns.ednsUDPSize == 1232)
        // Without +ignore dig itself falls back to TCP on TC and gets everything.
        #expect(try await c.dig(name, "A", ["+noedns"]).answers.count == 40)
        #expect(c.server.stats().truncated >= 2)
    }
}
