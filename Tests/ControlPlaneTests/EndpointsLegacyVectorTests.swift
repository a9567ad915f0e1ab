import ClusterModel
import ControlPlane
import SwitchboardTestSupport
import Testing

/// `endpoints.json` → `legacyEndpoints`: where a pod lands in the legacy object, and which
/// services the controllers manage at all.
@Suite("Endpoints vectors: legacy Endpoints")
struct EndpointsLegacyVectorTests {
    typealias D = EndpointsDerivation
    typealias F = EndpointsFixtures

    struct PlacementCase: Decodable, Sendable, CustomTestStringConvertible {
        struct P: Decodable, Sendable {
            var phase: String
            var ready: Bool
            var terminating: Bool
            var ip: String
        }
        var pod: P
        var publishNotReadyAddresses: Bool
        var placement: String
        var testDescription: String {
            "\(pod.phase) ready=\(pod.ready) terminating=\(pod.terminating) ip=\(pod.ip.isEmpty ? "none" : pod.ip) "
                + "publishNotReady=\(publishNotReadyAddresses) → \(placement)"
        }
    }

    @Test(arguments: Vectors.decode([PlacementCase].self, "endpoints.json", at: "legacyEndpoints.cases"))
    func placement(_ c: PlacementCase) {
        let pod = F.pod("p", ip: c.pod.ip.isEmpty ? nil : c.pod.ip, ready: c.pod.ready, phase: c.pod.phase,
                        terminating: c.pod.terminating)
        let svc = F.service(publishNotReadyAddresses: c.publishNotReadyAddresses)
        let endpoints = D.legacyEndpoints(service: svc, pods: [pod])
        let ips = F.addressIPs(endpoints)
        switch c.placement {
        case "addresses":
            #expect(ips.ready == [c.pod.ip] && ips.notReady.isEmpty)
            #expect(endpoints.subsets?.first?.ports == [EndpointPort(name: "http", port: 8080, protocol: "TCP")])
        case "notReadyAddresses":
            #expect(ips.notReady == [c.pod.ip] && ips.ready.isEmpty)
        case "omitted":
            #expect(endpoints.subsets == nil)
        default:
            Issue.record("unknown placement \(c.placement)")
        }
    }

    struct ServiceLevelCase: Decodable, Sendable, CustomTestStringConvertible {
        struct S: Decodable, Sendable {
            var type: String?
            var selector: [String: String]?
            var clusterIP: String?
            var ports: [ServicePort]?
        }
        var service: S
        var managed: Bool
        var note: String?
        var testDescription: String {
            "type=\(service.type ?? "-") selector=\(service.selector.map { "\($0)" } ?? "nil") "
                + "clusterIP=\(service.clusterIP ?? "-") ports=\(service.ports.map { "\($0.count)" } ?? "-") → managed=\(managed)"
        }
    }

    @Test(arguments: Vectors.decode([ServiceLevelCase].self, "endpoints.json", at: "legacyEndpoints.serviceLevel"))
    func serviceLevel(_ c: ServiceLevelCase) {
        let svc = F.service(clusterIP: c.service.clusterIP, ports: c.service.ports, selector: c.service.selector,
                            type: c.service.type)
        let pod = F.pod("p", ip: "10.0.0.1")
        #expect(D.managesEndpoints(of: svc) == c.managed)
        let endpoints = D.legacyEndpoints(service: svc, pods: [pod])
        let slices = D.endpointSlices(service: svc, pods: [pod], nodes: F.nodes)
        #expect(endpoints.metadata.name == "svc")
        if !c.managed {
            #expect(endpoints.subsets == nil)
            #expect(slices.isEmpty)
            return
        }
        #expect(F.sliceIPs(slices) == ["10.0.0.1"])
        if svc.isHeadless && svc.ports.isEmpty {
            // Headless without ports: the address is listed, with no ports.
            #expect(endpoints.subsets == [EndpointSubset(addresses: [
                EndpointAddress(ip: "10.0.0.1", nodeName: "node-1",
                                targetRef: ObjectReference(kind: "Pod", namespace: "default", name: "p", uid: "uid-p")),
            ])])
            #expect(slices.first?.ports == nil)
            #expect(endpoints.metadata.labels?[EndpointSliceLabel.headless] == "")
        }
    }
}
