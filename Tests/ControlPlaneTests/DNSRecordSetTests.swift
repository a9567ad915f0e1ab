import ClusterModel
@testable import ControlPlane
import Testing

/// Behaviour beyond the sample vectors: incremental updates, NODATA vs NXDOMAIN, SRV forms, PTR
/// precedence, pod records, CNAME chasing.
@Suite("DNSRecordSet behaviour")
struct DNSRecordSetTests {
    static func service(_ name: String, _ ns: String, clusterIP: String, ports: [ServicePort]) -> Service {
        var spec = ServiceSpec(selector: ["app": name], ports: ports)
        spec.clusterIP = clusterIP
        return Service(metadata: ObjectMeta(name: name, namespace: ns), spec: spec)
    }

    static func slice(_ service: String, _ ns: String, _ endpoints: [Endpoint], ports: [EndpointSlicePort]) -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: "\(service)-abc", namespace: ns,
                                           labels: [EndpointSliceLabel.serviceName: service]),
                      endpoints: endpoints, ports: ports)
    }

    static func ready(_ ip: String, hostname: String? = nil, ready: Bool = true) -> Endpoint {
        Endpoint(addresses: [ip], conditions: EndpointConditions(ready: ready, serving: ready, terminating: false),
                 hostname: hostname)
    }

    func data(_ answer: DNSAnswer) -> [String] { answer.answers.map(\.data.description).sorted() }

    @Test("ClusterIP SRV for named ports only; NODATA for other types; empty non-terminals")
    func clusterIPForms() {
        var set = DNSRecordSet()
        let svc = Self.service("web", "shop", clusterIP: "10.96.0.20",
                               ports: [ServicePort(name: "http", protocol: "TCP", port: 80), ServicePort(protocol: "UDP", port: 53)])
        set.update(service: svc, slices: [])
        let srv = set.lookup(name: "_http._tcp.web.shop.svc.cluster.local", type: .srv)
        #expect(srv.rcode == .noError)
        #expect(srv.answers.map(\.data) == [.srv(priority: 0, weight: 100, port: 80, target: "web.shop.svc.cluster.local.")])
        #expect(srv.additional.map(\.data) == [.a("10.96.0.20")])
        #expect(set.lookup(name: "_53._udp.web.shop.svc.cluster.local", type: .srv).rcode == .nxDomain)
        let aaaa = set.lookup(name: "web.shop.svc.cluster.local", type: .aaaa)
        #expect(aaaa.rcode == .noError && aaaa.answers.isEmpty)
        for ent in ["cluster.local", "svc.cluster.local", "shop.svc.cluster.local", "_tcp.web.shop.svc.cluster.local"] {
            let a = set.lookup(name: ent, type: .a)
            #expect(a.rcode == .noError && a.answers.isEmpty, "\(ent)")
        }
        #expect(set.lookup(name: "other.svc.cluster.local", type: .a).rcode == .nxDomain)
        #expect(set.lookup(name: "nope.shop.svc.cluster.local", type: .a).rcode == .nxDomain)
        #expect(!set.lookup(name: "example.com", type: .a).isAuthoritative)
        #expect(!set.lookup(name: "9.9.9.9.in-addr.arpa", type: .ptr).isAuthoritative)
    }

    @Test("headless: N ready × M named ports SRV, hostnames, PTR; publishNotReadyAddresses")
    func headless() {
        var set = DNSRecordSet()
        var svc = Self.service("db", "shop", clusterIP: "None", ports: [ServicePort(name: "pg", port: 5432)])
        let slice = Self.slice("db", "shop", [Self.ready("10.1.0.1", hostname: "db-0"), Self.ready("10.1.0.2"),
                                              Self.ready("10.1.0.3", ready: false)],
                               ports: [EndpointSlicePort(name: "pg", port: 15432)])
        set.update(service: svc, slices: [slice])
        #expect(data(set.lookup(name: "db.shop.svc.cluster.local", type: .a)) == ["10.1.0.1", "10.1.0.2"])
        #expect(data(set.lookup(name: "_pg._tcp.db.shop.svc.cluster.local", type: .srv))
            == ["0 100 15432 10-1-0-2.db.shop.svc.cluster.local.", "0 100 15432 db-0.db.shop.svc.cluster.local."])
        #expect(data(set.lookup(name: "1.0.1.10.in-addr.arpa", type: .ptr)) == ["db-0.db.shop.svc.cluster.local."])
        #expect(set.lookup(name: "10-1-0-3.db.shop.svc.cluster.local", type: .a).rcode == .nxDomain)
        svc.spec.publishNotReadyAddresses = true
        set.update(service: svc, slices: [slice])
        #expect(data(set.lookup(name: "db.shop.svc.cluster.local", type: .a)) == ["10.1.0.1", "10.1.0.2", "10.1.0.3"])
    }

    @Test("incremental: updates replace, removals retract names and empty non-terminals")
    func incremental() {
        var set = DNSRecordSet()
        let a = Self.service("a", "ns1", clusterIP: "10.96.0.1", ports: [ServicePort(name: "http", port: 80)])
        set.update(service: a, slices: [])
        var moved = a
        moved.spec.clusterIP = "10.96.0.2"
        set.update(service: moved, slices: [])
        #expect(data(set.lookup(name: "a.ns1.svc.cluster.local", type: .a)) == ["10.96.0.2"])
        #expect(!set.lookup(name: "1.0.96.10.in-addr.arpa", type: .ptr).isAuthoritative)
        set.removeService(namespace: "ns1", name: "a")
        #expect(set.lookup(name: "a.ns1.svc.cluster.local", type: .a).rcode == .nxDomain)
        #expect(set.lookup(name: "ns1.svc.cluster.local", type: .a).rcode == .nxDomain)
        #expect(set.lookup(name: "_tcp.a.ns1.svc.cluster.local", type: .a).rcode == .nxDomain)
        #expect(set.nameCount == 0)
        #expect(set.records.count == 1)  // only dns-version
    }

    @Test("cluster IP PTR wins over an endpoint PTR for the same address")
    func ptrPrecedence() {
        var set = DNSRecordSet()
        set.update(service: Self.service("vip", "a", clusterIP: "10.1.0.9", ports: [ServicePort(port: 80)]), slices: [])
        set.update(service: Self.service("other", "b", clusterIP: "None", ports: [ServicePort(port: 80)]),
                   slices: [Self.slice("other", "b", [Self.ready("10.1.0.9")], ports: [])])
        #expect(data(set.lookup(name: "9.0.1.10.in-addr.arpa.", type: .ptr)) == ["vip.a.svc.cluster.local."])
        set.removeService(namespace: "a", name: "vip")
        #expect(data(set.lookup(name: "9.0.1.10.in-addr.arpa.", type: .ptr)) == ["10-1-0-9.other.b.svc.cluster.local."])
    }

    @Test("IPv6 cluster IP: AAAA and ip6.arpa PTR")
    func ipv6() {
        var set = DNSRecordSet()
        set.update(service: Self.service("k", "default", clusterIP: "2001:DB8::1", ports: [ServicePort(port: 443)]), slices: [])
        #expect(data(set.lookup(name: "k.default.svc.cluster.local", type: .aaaa)) == ["2001:db8::1"])
        let reverse = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        #expect(DNSName.reverseName(of: "2001:db8::1") == reverse)
        #expect(data(set.lookup(name: reverse, type: .ptr)) == ["k.default.svc.cluster.local."])
    }

    @Test("pod records: verified by default, gone when the pod terminates; insecure mode")
    func podRecords() {
        var set = DNSRecordSet()
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default"), spec: PodSpec(containers: []))
        pod.status = PodStatus(phase: "Running")
        pod.status?.podIP = "172.17.0.3"
        set.update(pod: pod)
        #expect(data(set.lookup(name: "172-17-0-3.default.pod.cluster.local", type: .a)) == ["172.17.0.3"])
        #expect(set.lookup(name: "172-17-0-4.default.pod.cluster.local", type: .a).rcode == .nxDomain)
        #expect(set.lookup(name: "default.pod.cluster.local", type: .a).rcode == .noError)
        pod.status?.phase = "Succeeded"
        set.update(pod: pod)
        #expect(set.lookup(name: "172-17-0-3.default.pod.cluster.local", type: .a).rcode == .nxDomain)
        let insecure = DNSRecordSet(podRecords: .insecure)
        #expect(data(insecure.lookup(name: "1-2-3-4.x.pod.cluster.local", type: .a)) == ["1.2.3.4"])
    }

    @Test("ExternalName to an in-zone service is chased; CNAME question gets only the CNAME")
    func cnameChase() {
        var set = DNSRecordSet()
        set.update(service: Self.service("real", "b", clusterIP: "10.96.1.1", ports: [ServicePort(port: 80)]), slices: [])
        var alias = Service(metadata: ObjectMeta(name: "alias", namespace: "a"), spec: ServiceSpec(type: "ExternalName"))
        alias.spec.externalName = "real.b.svc.cluster.local"
        set.update(service: alias, slices: [])
        let a = set.lookup(name: "alias.a.svc.cluster.local", type: .a)
        #expect(a.answers.map(\.description) == ["alias.a.svc.cluster.local. 5 IN CNAME real.b.svc.cluster.local.",
                                                 "real.b.svc.cluster.local. 5 IN A 10.96.1.1"])
        #expect(a.upstreamTarget == nil)
        #expect(set.lookup(name: "alias.a.svc.cluster.local", type: .cname).answers.count == 1)
    }

    @Test("a thousand services update independently")
    func scale() {
        var set = DNSRecordSet()
        for i in 0..<1000 {
            set.update(service: Self.service("s\(i)", "ns\(i % 10)", clusterIP: "10.96.\(i / 250).\(i % 250 + 1)",
                                             ports: [ServicePort(name: "http", port: 80)]), slices: [])
        }
        #expect(set.nameCount == 3000)
        set.removeService(namespace: "ns7", name: "s7")
        #expect(set.nameCount == 2997)
        #expect(set.lookup(name: "ns7.svc.cluster.local", type: .a).rcode == .noError)
    }
}
