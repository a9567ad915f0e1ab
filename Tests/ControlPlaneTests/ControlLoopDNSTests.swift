import ClusterModel
@testable import ControlPlane
import Testing

@Suite("Control loop keeps DNS records")
struct ControlLoopDNSTests {
    @Test func serviceNamesResolveFromAPodByFQDNAndShortName() throws {
        let (loop, _) = try Fixture.cluster(block: 72)
        loop.apply([Fixture.deployment("db", replicas: 2, labels: ["app": "db"]),
                    Fixture.service("backend-database", selector: ["app": "db"], ports: [ServicePort(name: "postgres", port: 5432)]),
                    Fixture.deployment("client", replicas: 1, labels: ["app": "client"])])
        loop.runUntilIdle()
        let ip = try #require(loop.store.get(Service.self, namespace: "default", name: "backend-database")?.spec.clusterIP)
        let client = try #require(loop.pods(["app": "client"]).first)
        let conf = try #require(loop.resolvConf(of: client.key))
        #expect(conf.nameservers == ["127.72.0.10"])
        #expect(conf.searches == ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"])
        #expect(conf.options == ["ndots:5"])
        for name in ["backend-database", "backend-database.default", "backend-database.default.svc",
                     "backend-database.default.svc.cluster.local", "backend-database.default.svc.cluster.local."] {
            #expect(loop.dns.resolve(name, resolvConf: conf)?.addresses == [ip], "\(name)")
        }
        #expect(loop.dns.resolve("backend-database.other", resolvConf: conf) == nil)
        let srv = loop.dns.lookup(name: "_postgres._tcp.backend-database.default.svc.cluster.local.", type: .srv)
        #expect(srv.answers.count == 1)
    }

    @Test func headlessRecordsFollowReadiness() throws {
        let (loop, _) = try Fixture.cluster(block: 76)
        loop.apply([Fixture.deployment("db", replicas: 2, labels: ["app": "db"]),
                    Fixture.service("db", selector: ["app": "db"], ports: [ServicePort(name: "pg", port: 5432)], clusterIP: "None")])
        loop.runUntilIdle()
        let name = "db.default.svc.cluster.local."
        let ips = Set(loop.pods(["app": "db"]).compactMap(\.status?.podIP))
        func answer() -> Set<String> {
            Set(loop.dns.lookup(name: name, type: .a).answers.compactMap { if case .a(let ip) = $0.data { ip } else { nil } })
        }
        #expect(answer() == ips)
        for p in loop.pods(["app": "db"]) { try loop.registry.setPodReady(p.key, false) }
        loop.runUntilIdle()
        #expect(loop.dns.lookup(name: name, type: .a).rcode == .nxDomain, "headless with no ready endpoints is NXDOMAIN")
        // Deleting the service removes its records.
        try loop.registry.delete(.services, ObjectKey(namespace: "default", name: "db"))
        loop.runUntilIdle()
        #expect(loop.dns.lookup(name: name, type: .a).rcode == .nxDomain)
    }
}
