import ClusterModel
@testable import ControlPlane
import SwitchboardTestSupport
import Testing

/// One `dns.json` query case; `fixture` lists the objects the answer depends on.
struct DNSQueryCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Fixture: Decodable, Sendable {
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
        var services: [VectorService]?
        var readyEndpoints: [EndpointSpec]?
        var notReadyEndpoints: [EndpointSpec]?
        var pods: [PodSpecVector]?
        var upstream: [String: [String: [String]]]?
    }
    struct Question: Decodable, Sendable {
        var name: String
        var type: String
    }
    struct Answer: Decodable, Sendable {
        var name: String
        var type: String
        var data: String
    }
    var id: String
    var zone: String
    var fixture: Fixture
    var question: Question
    var rcode: String
    var answers: [Answer]
    var testDescription: String { id }
}

enum DNSVectors {
    static let queries = Vectors.decode([DNSQueryCase].self, "dns.json", at: "queries")

    /// The record set a case's fixture describes. Explicit endpoint lists belong to the fixture's one
    /// service that can have endpoints; pods become EndpointSlice endpoints of the services whose
    /// selector matches them, with the hostname rule and readiness the endpoint controller applies
    /// (endpoints.json `podToEndpoint`), and also feed the pod records.
    static func recordSet(for c: DNSQueryCase) -> DNSRecordSet {
        var set = DNSRecordSet(zone: c.zone)
        let services = (c.fixture.services ?? []).map(\.model)
        let pods = (c.fixture.pods ?? []).map(pod(from:))
        var slices: [String: [EndpointSlice]] = [:]
        let listed = (c.fixture.readyEndpoints ?? []).map { ($0, true) } + (c.fixture.notReadyEndpoints ?? []).map { ($0, false) }
        if c.fixture.readyEndpoints != nil || c.fixture.notReadyEndpoints != nil {
            let owners = services.filter { !$0.isExternalName }
            #expect(owners.count == 1, "explicit endpoints need exactly one owning service")
            if let owner = owners.first {
                slices[owner.metadata.name!] = makeSlices(for: owner, endpoints: listed.map { spec, ready in
                    Endpoint(addresses: [spec.ip], conditions: EndpointConditions(ready: ready, serving: ready, terminating: false),
                             hostname: spec.hostname)
                })
            }
        }
        for service in services {
            guard let selector = service.spec.selector, !pods.isEmpty else { continue }
            let selected = pods.filter { pod in
                pod.metadata.namespace == service.metadata.namespace
                    && selector.allSatisfy { pod.metadata.labels?[$0.key] == $0.value }
            }
            let pnra = service.spec.publishNotReadyAddresses == true
            slices[service.metadata.name!, default: []] += makeSlices(for: service, endpoints: selected.map { pod in
                let hostname = (pod.spec.hostname?.isEmpty == false && pod.spec.subdomain == service.metadata.name)
                    ? pod.spec.hostname : nil
                return Endpoint(addresses: pod.ips,
                                conditions: EndpointConditions(ready: pnra || pod.isReady, serving: pod.isReady, terminating: false),
                                hostname: hostname, nodeName: "node-1")
            })
        }
        for service in services {
            set.update(service: service, slices: slices[service.metadata.name!] ?? [])
        }
        for pod in pods { set.update(pod: pod) }
        return set
    }

    static func pod(from p: DNSQueryCase.Fixture.PodSpecVector) -> Pod {
        var spec = PodSpec(containers: [Container(name: "c")])
        spec.hostname = p.hostname
        spec.subdomain = p.subdomain
        var status = PodStatus(phase: "Running")
        status.podIP = p.ip
        status.conditions = [Condition(type: "Ready", status: p.ready ? "True" : "False")]
        return Pod(metadata: ObjectMeta(name: p.name, namespace: p.namespace, labels: p.labels), spec: spec, status: status)
    }

    /// One slice per address family, labelled for the service, ports named like the service's.
    static func makeSlices(for service: Service, endpoints: [Endpoint]) -> [EndpointSlice] {
        let ports = service.ports.map { EndpointSlicePort(name: $0.name ?? "", port: $0.port, protocol: $0.protocol) }
        let byFamily = Dictionary(grouping: endpoints) { $0.addresses.first?.contains(":") == true ? "IPv6" : "IPv4" }
        return byFamily.keys.sorted().map { family in
            EndpointSlice(metadata: ObjectMeta(name: "\(service.metadata.name!)-\(family.lowercased())",
                                               namespace: service.metadata.namespace,
                                               labels: [EndpointSliceLabel.serviceName: service.metadata.name!]),
                          addressType: family, endpoints: byFamily[family]!, ports: ports)
        }
    }

    /// Comparable form of a record: SRV priority/weight and all TTLs are informational only.
    static func normalized(name: String, type: String, data: String) -> String {
        var data = data
        if type == "SRV" { data = data.split(separator: " ").suffix(2).joined(separator: " ") }
        return "\(name) \(type) \(data)"
    }
}
