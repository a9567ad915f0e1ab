import Testing
import SwitchboardTestSupport
@testable import ClusterModel

/// `validation.json` → `serviceCreate`, `serviceExternalTrafficPolicy`, `sessionAffinityConfig`.
@Suite("Validation: Service")
struct ValidationServiceTests {
    struct ServiceCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var service: Service
        var expectedErrors: Int
        var dualStack: Bool?
        var testDescription: String { name }
    }

    struct AffinityCase: Decodable, Sendable, CustomTestStringConvertible {
        var sessionAffinityConfig: SessionAffinityConfig
        var valid: Bool
        var testDescription: String {
            "timeout \(sessionAffinityConfig.clientIP?.timeoutSeconds.map(String.init) ?? "nil") valid=\(valid)"
        }
    }

    static let createCases = Vectors.decode([ServiceCase].self, "validation.json", at: "serviceCreate")
    static let etpCases = Vectors.decode([ServiceCase].self, "validation.json", at: "serviceExternalTrafficPolicy")
    static let affinityCases = Vectors.decode([AffinityCase].self, "validation.json", at: "sessionAffinityConfig")

    /// Dual-stack cases are not excluded: the dual-stack fields are validated exactly as upstream
    /// (IPv6 parsing included), so every case applies even though Switchboard allocates IPv4 only.
    static let excludedDualStackCases: [ServiceCase] = []

    @Test(arguments: createCases)
    func serviceCreate(_ c: ServiceCase) {
        let errs = Validation.validate(.service(c.service))
        #expect(errs.count == c.expectedErrors, "\(errs.map(\.description))")
        #expect(errs == Validation.validateService(c.service))
    }

    @Test func dualStackCasesAreAllRun() {
        #expect(Self.excludedDualStackCases.isEmpty)
        #expect(Self.createCases.filter { $0.dualStack == true }.count >= 20)
    }

    @Test(arguments: etpCases)
    func externalTrafficPolicy(_ c: ServiceCase) {
        let errs = Validation.validateServiceExternalTrafficPolicy(c.service)
        #expect(errs.count == c.expectedErrors, "\(errs.map(\.description))")
    }

    @Test(arguments: affinityCases)
    func clientIPAffinityConfig(_ c: AffinityCase) {
        let errs = Validation.validateClientIPAffinityConfig(c.sessionAffinityConfig)
        #expect(errs.isEmpty == c.valid, "\(errs.map(\.description))")
        // The same verdict through the whole Service with ClientIP affinity.
        var svc = Self.createCases.first { $0.name == "valid type - clusterIP" }!.service
        svc.spec.sessionAffinity = "ClientIP"
        svc.spec.sessionAffinityConfig = c.sessionAffinityConfig
        #expect(Validation.validateService(svc).count == (c.valid ? 0 : 1))
    }

    static func vector(_ name: String) -> Service {
        createCases.first { $0.name == name }!.service
    }

    /// Messages read like the API server's, with field paths.
    @Test func messagesNameTheFieldPath() {
        #expect(Validation.validateService(Self.vector("empty port[1] name")).map(\.description)
                == ["spec.ports[1].name: Required value"])
        #expect(Validation.validateService(Self.vector("sessionAffinityConfig can't be set when session affinity is None"))
            .map(\.description) == ["spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"])
        let long = String(repeating: "a", count: 64)
        #expect(Validation.validateService(Self.vector("too long name")).map(\.description)
                == ["metadata.name: Invalid value: \"\(long)\": must be no more than 63 characters"])
        #expect(Validation.validateService(Self.vector("invalid protocol")).map(\.description)
                == ["spec.ports[0].protocol: Unsupported value: \"INVALID\": supported values: \"SCTP\", \"TCP\", \"UDP\""])
        #expect(Validation.validateService(Self.vector("invalid publicIPs loopback")).map(\.description)
                == ["spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"])
        #expect(Validation.validateService(Self.vector("missing namespace")).map(\.description)
                == ["metadata.namespace: Required value"])
        #expect(Validation.validateService(Self.vector("invalid, same ip family (v4)")).map(\.description) == [
            "spec.clusterIPs: Invalid value: []string{\"10.0.0.1\", \"10.0.0.10\"}: may specify no more than one IP for each IP family",
            "spec.clusterIPs[1]: Invalid value: \"10.0.0.10\": expected an IPv6 value as indicated by `ipFamilies[1]`",
        ])
        var upper = Self.vector("valid type - clusterIP")
        upper.metadata.name = "Foo"
        #expect(Validation.validateService(upper).first?.description.hasPrefix(
            "metadata.name: Invalid value: \"Foo\": a DNS-1035 label must consist of lower case alphanumeric characters") == true)
    }

    @Test func serviceRulesBeyondTheVectors() {
        var svc = Self.vector("valid type - clusterIP")
        svc.spec.ports = [ServicePort(name: "a", protocol: "TCP", port: 80, targetPort: .string("http-web"), nodePort: 30080)]
        #expect(Validation.validateService(svc).map(\.description)
                == ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"])

        svc = Self.vector("valid type - clusterIP")
        svc.spec.type = "ExternalName"
        svc.spec.externalName = "Not_A_Host"
        svc.spec.internalTrafficPolicy = nil
        #expect(Validation.validateService(svc).map(\.field) == ["spec.externalName"])

        svc = Self.vector("valid type - clusterIP")
        svc.spec.ports?[0].targetPort = .string("a-very-long-port-name")
        #expect(Validation.validateService(svc).map(\.description)
                == ["spec.ports[0].targetPort: Invalid value: \"a-very-long-port-name\": must be no more than 15 characters"])

        svc = Self.vector("valid type - clusterIP")
        svc.spec.type = "LoadBalancer"
        svc.spec.allocateLoadBalancerNodePorts = true
        svc.spec.externalTrafficPolicy = "Local"
        #expect(Validation.validateService(svc).map(\.description) == ["spec.healthCheckNodePort: Required value"])
    }
}
