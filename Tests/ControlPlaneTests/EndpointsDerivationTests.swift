import ClusterModel
import ControlPlane
import Testing

/// Behaviour beyond the vector sample: named-port repacking, sidecars, slice sizes, labels,
/// capacity and determinism.
@Suite("Endpoints derivation")
struct EndpointsDerivationTests {
    typealias D = EndpointsDerivation
    typealias F = EndpointsFixtures

    /// Service ports `http` → named `web`, `metrics` → 9090.
    static let namedService = F.service(ports: [
        ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .string("web")),
        ServicePort(name: "metrics", protocol: "TCP", port: 9090, targetPort: .int(9090)),
    ])

    static func webPod(_ name: String, ip: String, web: Int?, ready: Bool = true) -> Pod {
        let ports = web.map { [ContainerPort(name: "web", containerPort: $0)] } ?? []
        return F.pod(name, ip: ip, ready: ready, containers: [F.container("app", ports: ports)])
    }

    @Test func podsResolvingANamedPortDifferentlyAreRepackedByPortSet() {
        let pods = [
            Self.webPod("a", ip: "10.0.0.1", web: 8080),
            Self.webPod("b", ip: "10.0.0.2", web: 8081),
            Self.webPod("c", ip: "10.0.0.3", web: nil),
            Self.webPod("d", ip: "10.0.0.4", web: 8080, ready: false),
        ]
        let endpoints = D.legacyEndpoints(service: Self.namedService, pods: pods)
        let subsets = endpoints.subsets ?? []
        // RepackSubsets groups ports served by the same (address, readiness) set.
        #expect(subsets.count == 3)
        let http8080 = EndpointPort(name: "http", port: 8080, protocol: "TCP")
        let http8081 = EndpointPort(name: "http", port: 8081, protocol: "TCP")
        let metrics = EndpointPort(name: "metrics", port: 9090, protocol: "TCP")
        #expect(subsets.map(\.ports) == [[http8080], [http8081], [metrics]])
        #expect(subsets[0].addresses?.map(\.ip) == ["10.0.0.1"])
        #expect(subsets[0].notReadyAddresses?.map(\.ip) == ["10.0.0.4"])
        #expect(subsets[1].addresses?.map(\.ip) == ["10.0.0.2"])
        #expect(subsets[1].notReadyAddresses == nil)
        #expect(subsets[2].addresses?.map(\.ip) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(subsets[2].notReadyAddresses?.map(\.ip) == ["10.0.0.4"])

        // EndpointSlices group pods by their whole port set instead.
        let slices = D.endpointSlices(service: Self.namedService, pods: pods, nodes: F.nodes)
        #expect(slices.count == 3)
        #expect(slices.map { $0.ports?.map(\.port) } == [[8080, 9090], [8081, 9090], [9090]])
        #expect(slices.map { $0.endpoints.flatMap(\.addresses) } == [["10.0.0.1", "10.0.0.4"], ["10.0.0.2"], ["10.0.0.3"]])
        #expect(slices[0].ports?.first == EndpointSlicePort(name: "http", port: 8080, protocol: "TCP"))
    }

    @Test func podsResolvingAlikeShareOneSubset() {
        let pods = [Self.webPod("b", ip: "10.0.0.2", web: 8080), Self.webPod("a", ip: "10.0.0.1", web: 8080)]
        let subsets = D.legacyEndpoints(service: Self.namedService, pods: pods).subsets ?? []
        #expect(subsets.count == 1)
        #expect(subsets.first?.addresses?.map(\.ip) == ["10.0.0.1", "10.0.0.2"])
        #expect(subsets.first?.ports?.map(\.port) == [8080, 9090])
    }

    @Test func podResolvingNoPortIsLeftOutOfLegacyButKeptInSlices() {
        let svc = F.service(ports: [ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .string("web"))])
        let pod = Self.webPod("a", ip: "10.0.0.1", web: nil)
        #expect(D.legacyEndpoints(service: svc, pods: [pod]).subsets == nil)
        let slices = D.endpointSlices(service: svc, pods: [pod], nodes: F.nodes)
        #expect(slices.count == 1 && slices[0].ports == nil && F.sliceIPs(slices) == ["10.0.0.1"])
    }

    @Test func namedPortNeedsMatchingProtocol() {
        let pod = F.pod("a", ip: "10.0.0.1", containers: [F.container("app", ports: [
            ContainerPort(name: "dns", containerPort: 5353, protocol: "TCP"),
            ContainerPort(name: "dns", containerPort: 53, protocol: "UDP"),
        ])])
        #expect(D.findPort(pod: pod, servicePort: ServicePort(protocol: "UDP", port: 53, targetPort: .string("dns"))) == 53)
        #expect(D.findPort(pod: pod, servicePort: ServicePort(protocol: "TCP", port: 53, targetPort: .string("dns"))) == 5353)
        #expect(D.findPort(pod: pod, servicePort: ServicePort(protocol: "SCTP", port: 53, targetPort: .string("dns"))) == nil)
        // Unset protocols mean TCP on both sides; an unset targetPort means the port itself.
        #expect(D.findPort(pod: pod, servicePort: ServicePort(port: 53, targetPort: .string("dns"))) == 5353)
        #expect(D.findPort(pod: pod, servicePort: ServicePort(port: 81)) == 81)
    }

    @Test func sidecarPortsResolveAfterAppContainers() {
        let sidecar = F.container("proxy", ports: [ContainerPort(name: "web", containerPort: 15001)], restartPolicy: "Always")
        let plainInit = F.container("setup", ports: [ContainerPort(name: "admin", containerPort: 9000)])
        let sp = ServicePort(protocol: "TCP", port: 80, targetPort: .string("web"))
        let onlySidecar = F.pod("a", ip: "10.0.0.1", containers: [F.container("app", ports: [])],
                                initContainers: [plainInit, sidecar])
        #expect(D.findPort(pod: onlySidecar, servicePort: sp) == 15001)
        #expect(D.findPort(pod: onlySidecar, servicePort: ServicePort(port: 80, targetPort: .string("admin"))) == nil)
        let both = F.pod("b", ip: "10.0.0.2", containers: [F.container("app", ports: [ContainerPort(name: "web", containerPort: 8080)])],
                         initContainers: [sidecar])
        #expect(D.findPort(pod: both, servicePort: sp) == 8080)
    }

    @Test func twoHundredFiftyPodsMakeThreeSlices() {
        let pods = (0..<250).map { F.pod("p\($0)", ip: "10.1.\($0 / 200).\($0 % 200)") }
        let slices = D.endpointSlices(service: F.service(), pods: pods, nodes: F.nodes)
        #expect(slices.map(\.endpoints.count) == [100, 100, 50])
        let ips = F.sliceIPs(slices)
        #expect(Set(ips).count == 250)
        #expect(ips == ips.sorted())
        for slice in slices {
            #expect(slice.metadata.name == nil && slice.metadata.generateName == "svc-")
            #expect(slice.metadata.namespace == "default" && slice.addressType == "IPv4")
            #expect(slice.ports == [EndpointSlicePort(name: "http", port: 8080, protocol: "TCP")])
            #expect(slice.metadata.ownerReferences?.first?.kind == "Service")
        }
    }

    @Test func outputIsIndependentOfPodOrder() {
        var pods = (0..<300).map { i in
            Self.webPod("p\(i)", ip: "10.2.\(i / 100).\(i % 100)", web: [8080, 8081, nil][i % 3], ready: i % 4 != 0)
        }
        let legacy = D.legacyEndpoints(service: Self.namedService, pods: pods)
        let slices = D.endpointSlices(service: Self.namedService, pods: pods, nodes: F.nodes)
        var rng = ShuffleRNG(seed: 42)
        for _ in 0..<3 {
            pods.shuffle(using: &rng)
            #expect(D.legacyEndpoints(service: Self.namedService, pods: pods) == legacy)
            #expect(D.endpointSlices(service: Self.namedService, pods: pods, nodes: F.nodes) == slices)
        }
    }

    @Test func terminatingPodsInSlices() {
        let svc = F.service()
        let pods = [F.pod("a", ip: "10.0.0.1", ready: true, terminating: true),
                    F.pod("b", ip: "10.0.0.2", ready: false, terminating: true)]
        let eps = D.endpointSlices(service: svc, pods: pods, nodes: F.nodes).flatMap(\.endpoints)
        #expect(eps.map(\.conditions) == [EndpointConditions(ready: false, serving: true, terminating: true),
                                          EndpointConditions(ready: false, serving: false, terminating: true)])
        let published = D.endpointSlices(service: F.service(publishNotReadyAddresses: true), pods: pods, nodes: F.nodes)
        #expect(published.flatMap(\.endpoints).allSatisfy { $0.conditions?.ready == true })
    }

    @Test func podOnUnknownNodeIsSkippedUnlessPublishingNotReady() {
        let pods = [F.pod("a", ip: "10.0.0.1", node: "gone"), F.pod("b", ip: "10.0.0.2", node: "node-2")]
        let slices = D.endpointSlices(service: F.service(), pods: pods, nodes: F.nodes)
        #expect(F.sliceIPs(slices) == ["10.0.0.2"])
        #expect(slices.first?.endpoints.first?.zone == "zone-b")
        let published = D.endpointSlices(service: F.service(publishNotReadyAddresses: true), pods: pods, nodes: F.nodes)
        #expect(F.sliceIPs(published) == ["10.0.0.1", "10.0.0.2"])
    }

    @Test func noPodsGivesOnePlaceholderSlice() {
        let slices = D.endpointSlices(service: F.service(), pods: [], nodes: F.nodes)
        #expect(slices.count == 1 && slices[0].endpoints.isEmpty && slices[0].ports == nil)
        #expect(D.legacyEndpoints(service: F.service(), pods: []).subsets == nil)
    }

    @Test func labels() {
        let labels = ["team": "a", EndpointSliceLabel.serviceName: "spoof", EndpointSliceLabel.headless: "x"]
        let headful = F.service(labels: labels)
        let slice = D.endpointSlices(service: headful, pods: [], nodes: [:])[0]
        #expect(slice.metadata.labels == ["team": "a", EndpointSliceLabel.serviceName: "svc",
                                          EndpointSliceLabel.managedBy: EndpointSliceLabel.controllerName])
        #expect(D.legacyEndpoints(service: headful, pods: []).metadata.labels
            == ["team": "a", EndpointSliceLabel.serviceName: "spoof"])
        let headless = F.service(clusterIP: "None", labels: ["team": "a"])
        #expect(D.endpointSlices(service: headless, pods: [], nodes: [:])[0].metadata.labels?[EndpointSliceLabel.headless] == "")
        #expect(D.legacyEndpoints(service: headless, pods: []).metadata.labels == ["team": "a", EndpointSliceLabel.headless: ""])
    }

    @Test func hostnameAndTargetRefOnLegacyAddresses() {
        let svc = F.service("web", clusterIP: "None")
        let pod = F.pod("web-0", ip: "10.0.0.1", hostname: "web-0", subdomain: "web")
        let address = D.legacyEndpoints(service: svc, pods: [pod]).subsets?.first?.addresses?.first
        #expect(address == EndpointAddress(ip: "10.0.0.1", hostname: "web-0", nodeName: "node-1",
                                           targetRef: ObjectReference(kind: "Pod", namespace: "default", name: "web-0", uid: "uid-web-0")))
    }

    @Test func legacyCapacityKeepsReadyAddressesFirst() {
        let ready = (0..<900).map { F.pod("r\($0)", ip: "10.3.\($0 / 250).\($0 % 250)") }
        let notReady = (0..<300).map { F.pod("n\($0)", ip: "10.4.\($0 / 250).\($0 % 250)", ready: false) }
        let endpoints = D.legacyEndpoints(service: F.service(), pods: ready + notReady)
        let ips = F.addressIPs(endpoints)
        #expect(ips.ready.count == 900 && ips.notReady.count == 100)
        #expect(endpoints.metadata.annotations?[D.overCapacityAnnotation] == "truncated")

        let many = (0..<1200).map { F.pod("m\($0)", ip: "10.5.\($0 / 250).\($0 % 250)") }
        let capped = D.legacyEndpoints(service: F.service(), pods: many + notReady)
        #expect(F.addressIPs(capped).ready.count == 1000 && F.addressIPs(capped).notReady.isEmpty)

        let fits = D.legacyEndpoints(service: F.service(), pods: Array(ready.prefix(1000)))
        #expect(fits.metadata.annotations == nil)
    }

    @Test func unmanagedServicesGetNothing() {
        let pod = F.pod("a", ip: "10.0.0.1")
        for svc in [F.service(selector: nil), F.service(type: "ExternalName")] {
            #expect(D.endpointSlices(service: svc, pods: [pod], nodes: F.nodes).isEmpty)
            #expect(D.legacyEndpoints(service: svc, pods: [pod]).subsets == nil)
        }
    }

    /// A seeded generator so shuffles are reproducible.
    struct ShuffleRNG: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
