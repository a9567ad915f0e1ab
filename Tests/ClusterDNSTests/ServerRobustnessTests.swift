import ClusterDNS
import ClusterModel
import ControlPlane
import Testing

/// Bad input over real sockets: nothing crashes, the server keeps answering, TCP clients that
/// stall are cut off.
@Suite("Cluster DNS server robustness")
struct ServerRobustnessTests {
    static func query(_ name: String, _ type: DNSRecordType = .a, id: UInt16 = 0x1234) -> [UInt8] {
        var header = DNSHeader(id: id)
        header.recursionDesired = true
        return DNSMessageWriter.serialize(DNSMessage(header: header, questions: [DNSQuestion(name: DNSWireName(name), type: type)]))
    }

    static func cluster() async throws -> (DNSTestCluster, String) {
        let c = try DNSTestCluster(block: 91) { $0.tcpIdleTimeout = .milliseconds(300) }
        c.apply([Objects.service("svc", selector: ["app": "svc"])])
        try await c.start()
        return (c, try #require(c.service("svc")?.spec.clusterIP))
    }

    @Test func garbageDatagramsAreDroppedOrFORMERRAndServiceContinues() async throws {
        let (c, ip) = try await Self.cluster()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let s = RawSocket(udp: true)
        defer { s.close() }
        #expect(s.connect(c.address, c.port))
        let valid = Self.query("svc.default.svc.cluster.local.")
        // A compression pointer to itself, and one pointing forward.
        var loop = Array(valid.prefix(12)); loop += [0xC0, 12, 0, 1, 0, 1]
        var forward = Array(valid.prefix(12)); forward += [0xC0, 20, 0, 1, 0, 1]
        var response = valid; response[2] |= 0x80
        var rng = SystemRandomNumberGenerator()
        let garbage: [[UInt8]] = [
            [], [0x12], Array(valid.prefix(11)), Array(valid.prefix(20)), loop, forward, response,
            [UInt8](repeating: 0xff, count: 9000), (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) },
            Array(valid.prefix(12)) + [63] + [UInt8](repeating: 0x61, count: 10),
        ]
        for g in garbage { s.send(g) }
        // Header-valid, body-broken: FORMERR with the ID; everything else: silence.
        s.send(loop)
        var formErrs = 0
        while let reply = s.receive(), reply.count >= 12 {
            if reply[0] == 0x12 && reply[1] == 0x34 && reply[3] & 0xf == 1 { formErrs += 1 }
        }
        #expect(formErrs >= 1)
        let r = try await Dig.query(c.address, port: c.port, "svc.default.svc.cluster.local.")
        #expect(r.answers.map(\.data) == [ip], "still answering after garbage")
        let stats = c.server.stats()
        #expect(stats.dropped >= 5)
        #expect(stats.byRcode["FORMERR", default: 0] >= 1)
    }

    @Test func tcpCarriesSeveralQueriesAndIdleClientsAreClosed() async throws {
        let (c, ip) = try await Self.cluster()
        defer { Task { [server = c.server] in await server.shutdown() } }
        let s = RawSocket(udp: false)
        defer { s.close() }
        #expect(s.connect(c.address, c.port))
        for id in [UInt16(1), 2, 3] {
            let q = Self.query("svc.default.svc.cluster.local.", id: id)
            s.send([UInt8(q.count >> 8), UInt8(q.count & 0xff)] + q)
            let length = try #require(s.receiveExactly(2))
            let body = try #require(s.receiveExactly(Int(length[0]) << 8 | Int(length[1])))
            let m = try DNSMessageParser.parse(body)
            #expect(m.header.id == id)
            #expect(m.answers.map(\.data) == [.a(IPAddress(ip).map { if case .v4(let b) = $0 { b } else { [] } } ?? [])])
        }
        // Now say nothing: the server closes the connection after its idle timeout.
        #expect(s.receive() == [], "closed by the server (EOF), not left open")
        #expect(c.server.stats().tcpIdleTimeouts == 1)

        // A client that connects and never sends is closed too.
        let silent = RawSocket(udp: false)
        defer { silent.close() }
        #expect(silent.connect(c.address, c.port))
        #expect(silent.receive() == [])
    }

    @Test func aPrivilegedPortFailsWithTheFixOrIsRemappedOnRequest() async throws {
        var config = ClusterDNSConfig(address: "127.92.0.10", port: 53)
        config.unprivilegedPortStart = 1024
        config.forwarding = .refuse
        let refused = ClusterDNSServer(config: config, records: { DNSRecordSet() }, group: .singletonMultiThreadedEventLoopGroup)
        let error = await #expect(throws: ClusterDNSError.self) { try await refused.start() }
        #expect(error?.description.contains("port 53 is privileged") == true)
        #expect(error?.description.contains("setcap cap_net_bind_service") == true)

        // Opt-in remap: 53 + offset, a free high port found by binding port 0 first.
        let probe = ClusterDNSServer(config: ClusterDNSConfig(address: "127.92.0.10", port: 0), records: { DNSRecordSet() },
                                     group: .singletonMultiThreadedEventLoopGroup)
        try await probe.start()
        let free = try #require(probe.port)
        await probe.shutdown()
        config.privilegedPortRemap = free - 53
        let remapped = ClusterDNSServer(config: config, records: { DNSRecordSet() }, group: .singletonMultiThreadedEventLoopGroup)
        try await remapped.start()
        #expect(remapped.port == free)
        await remapped.shutdown()
    }
}
