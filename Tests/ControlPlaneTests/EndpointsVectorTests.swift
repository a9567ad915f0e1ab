import ClusterModel
import ControlPlane
import SwitchboardTestSupport
import Testing

/// Every case of `endpoints.json`, decoded from the file and run one by one.
@Suite("Endpoints vectors")
struct EndpointsVectorTests {
    typealias D = EndpointsDerivation
    typealias F = EndpointsFixtures

    /// The compact pod shapes the vector file uses across its lists.
    struct VPod: Decodable, Sendable {
        var name: String?
        var namespace: String?
        var restartPolicy: String?
        var phase: String?
        var podIP: String?
        var podIPs: [String]?
        var ip: String?
        var deletionTimestamp: String?
        var terminating: Bool?
        var nodeName: String?
        var readyCondition: Bool?
        var ready: Bool?
        var hostname: String?
        var subdomain: String?

        var pod: Pod {
            var spec = PodSpec(containers: [Container(name: "c")])
            spec.restartPolicy = restartPolicy
            spec.nodeName = nodeName
            spec.hostname = hostname
            spec.subdomain = subdomain
            var status = PodStatus(phase: phase)
            status.podIP = podIP ?? ip ?? podIPs?.first
            status.podIPs = (podIPs ?? (podIP ?? ip).map { [$0] })?.filter { !$0.isEmpty }.map(PodIP.init)
            if let r = readyCondition ?? ready {
                status.conditions = [Condition(type: "Ready", status: r ? "True" : "False")]
            }
            var meta = ObjectMeta(name: name, namespace: namespace)
            if deletionTimestamp != nil || terminating == true { meta.deletionTimestamp = "2025-01-01T00:00:00Z" }
            return Pod(metadata: meta, spec: spec, status: status)
        }
    }

    struct VService: Decodable, Sendable {
        var name: String?
        var namespace: String?
        var publishNotReadyAddresses: Bool?
        var service: Service {
            var s = F.service(name ?? "svc", namespace: namespace ?? "", publishNotReadyAddresses: publishNotReadyAddresses)
            s.metadata.namespace = namespace
            return s
        }
    }

    // MARK: shouldPodBeInEndpoints

    struct ShouldBeInCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var pod: VPod
        var includeTerminating: Bool
        var expected: Bool
        var testDescription: String { name }
    }

    @Test(arguments: Vectors.decode([ShouldBeInCase].self, "endpoints.json", at: "shouldPodBeInEndpoints"))
    func shouldPodBeInEndpoints(_ c: ShouldBeInCase) {
        #expect(D.shouldPodBeInEndpoints(c.pod.pod, includeTerminating: c.includeTerminating) == c.expected)
    }

    // MARK: includeTerminatingByCaller

    enum BoolOrString: Decodable, Sendable, Equatable {
        case bool(Bool), string(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) } else { self = .string(try c.decode(String.self)) }
        }
    }

    struct CallerEntry: Decodable, Sendable {
        var includeTerminating: BoolOrString
    }

    @Test func includeTerminatingByCaller() {
        let callers = Vectors.decode([String: CallerEntry].self, "endpoints.json", at: "includeTerminatingByCaller")
        #expect(callers.count == 2)
        // Legacy controller: publishNotReadyAddresses decides, seen through the object it builds.
        #expect(callers["legacyEndpointsController"]?.includeTerminating == .string("service.spec.publishNotReadyAddresses"))
        let terminating = F.pod("p", ip: "10.0.0.1", terminating: true)
        for publish in [false, true] {
            let svc = F.service(publishNotReadyAddresses: publish)
            #expect(D.includeTerminating(legacyEndpointsOf: svc) == publish)
            let ips = F.addressIPs(D.legacyEndpoints(service: svc, pods: [terminating]))
            #expect((ips.ready + ips.notReady).contains("10.0.0.1") == publish)
        }
        // EndpointSlice controller: always true, so terminating pods stay (with conditions).
        #expect(callers["endpointSliceController"]?.includeTerminating == .bool(true))
        #expect(D.includeTerminatingInEndpointSlices)
        for publish in [false, true] {
            let slices = D.endpointSlices(service: F.service(publishNotReadyAddresses: publish), pods: [terminating],
                                          nodes: F.nodes)
            #expect(F.sliceIPs(slices) == ["10.0.0.1"])
            #expect(slices.first?.endpoints.first?.conditions?.terminating == true)
        }
    }

    // MARK: shouldSetHostname

    struct HostnameCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var pod: VPod
        var service: VService
        var setHostname: Bool
        var testDescription: String { name }
    }

    @Test(arguments: Vectors.decode([HostnameCase].self, "endpoints.json", at: "shouldSetHostname"))
    func shouldSetHostname(_ c: HostnameCase) {
        #expect(D.shouldSetHostname(pod: c.pod.pod, service: c.service.service) == c.setHostname)
    }

    // MARK: podToEndpoint

    struct PodToEndpointCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var pod: VPod
        var service: VService
        var addressType: String
        var nodeLabels: [String: String]?
        var expected: Endpoint
        var testDescription: String { name }
    }

    @Test(arguments: Vectors.decode([PodToEndpointCase].self, "endpoints.json", at: "podToEndpoint"))
    func podToEndpoint(_ c: PodToEndpointCase) {
        let pod = c.pod.pod
        let node = Node(metadata: ObjectMeta(name: pod.spec.nodeName, labels: c.nodeLabels))
        let got = D.podToEndpoint(pod: pod, service: c.service.service, node: node, addressType: c.addressType)
        #expect(got == c.expected)
    }

    // MARK: findPort

    struct VContainer: Decodable, Sendable {
        var ports: [ContainerPort]?
        var restartPolicy: String?
        func container(_ i: Int) -> Container {
            F.container("c\(i)", ports: ports ?? [], restartPolicy: restartPolicy)
        }
    }

    struct VServicePort: Decodable, Sendable {
        var name: String?
        var port: Int?
        var targetPort: IntOrString?
        var `protocol`: String?
        var appProtocol: String?
        var servicePort: ServicePort {
            var sp = ServicePort(name: name, protocol: `protocol`, port: port ?? 0, targetPort: targetPort)
            sp.appProtocol = appProtocol
            return sp
        }
    }

    struct FindPortCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var containers: [VContainer]
        var initContainers: [VContainer]?
        var servicePort: VServicePort
        var expectedPort: Int
        var ok: Bool
        var testDescription: String { name }
    }

    @Test(arguments: Vectors.decode([FindPortCase].self, "endpoints.json", at: "findPort"))
    func findPort(_ c: FindPortCase) {
        let pod = F.pod("p", ip: "10.0.0.1", containers: c.containers.enumerated().map { $1.container($0) },
                        initContainers: c.initContainers?.enumerated().map { $1.container($0) })
        let got = D.findPort(pod: pod, servicePort: c.servicePort.servicePort)
        #expect(got == (c.ok ? c.expectedPort : nil))
    }

    // MARK: endpointPorts

    struct EndpointPortsCase: Decodable, Sendable, CustomTestStringConvertible {
        struct VSvc: Decodable, Sendable { var ports: [VServicePort] }
        var name: String
        var service: VSvc
        var podContainers: [VContainer]
        var expectedPorts: [EndpointSlicePort]
        var testDescription: String { name }
    }

    @Test(arguments: Vectors.decode([EndpointPortsCase].self, "endpoints.json", at: "endpointPorts"))
    func endpointPorts(_ c: EndpointPortsCase) {
        let svc = F.service(ports: c.service.ports.map(\.servicePort))
        let pod = F.pod("p", ip: "10.0.0.1", containers: c.podContainers.enumerated().map { $1.container($0) })
        #expect(D.endpointPorts(service: svc, pod: pod) == c.expectedPorts)
    }
}
