import ClusterModel
@testable import ControlPlane
import Foundation
import SwitchboardTestSupport
import Testing

struct CategorizeCase: Decodable, Sendable, CustomTestStringConvertible {
    struct ServiceVector: Decodable, Sendable {
        var internalPolicyLocal: Bool
        var externalPolicyLocal: Bool
        var externallyAccessible: Bool
    }
    struct EndpointVector: Decodable, Sendable {
        var endpoint: String
        var ready: Bool
        var serving: Bool
        var terminating: Bool
        var isLocal: Bool
    }
    struct Expected: Decodable, Sendable {
        var clusterEndpoints: [String]?
        var localEndpoints: [String]?
        var allReachableEndpoints: [String]
        var hasAnyEndpoints: Bool
    }
    var name: String
    var service: ServiceVector
    var endpoints: [EndpointVector]
    var expected: Expected
    var testDescription: String { name }

    var policy: ServiceTrafficPolicy {
        ServiceTrafficPolicy(internalPolicyLocal: service.internalPolicyLocal,
                             externalPolicyLocal: service.externalPolicyLocal,
                             externallyAccessible: service.externallyAccessible)
    }
    var proxyEndpoints: [ProxyEndpoint] {
        endpoints.map { ProxyEndpoint(endpoint: $0.endpoint, isReady: $0.ready, isServing: $0.serving,
                                      isTerminating: $0.terminating, isLocal: $0.isLocal) }
    }
}

struct HealthCheckCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Body: Decodable, Sendable, Equatable {
        struct Name: Decodable, Sendable, Equatable {
            var namespace: String
            var name: String
        }
        var service: Name
        var localEndpoints: Int
        var serviceProxyHealthy: Bool
    }
    var localReadyEndpoints: Int
    var proxyHealthy: Bool
    var status: Int
    var body: Body
    var testDescription: String { "\(localReadyEndpoints) local, healthy=\(proxyHealthy)" }
}

struct DataplaneRule: Decodable, Sendable, CustomTestStringConvertible {
    var condition: String
    var internalTraffic: String?
    var externalTraffic: String?
    var action: String?
    var testDescription: String { condition }
}

@Suite("kube-proxy traffic policy (traffic-policy.json)")
struct TrafficPolicyTests {
    static let categorizeCases = Vectors.decode([CategorizeCase].self, "traffic-policy.json", at: "categorizeEndpoints")
    static let healthCases = Vectors.decode([HealthCheckCase].self, "traffic-policy.json", at: "healthCheck.cases")
    static let headers = Vectors.decode([String: String].self, "traffic-policy.json", at: "healthCheck.headers")
    static let rules = Vectors.decode([DataplaneRule].self, "traffic-policy.json", at: "dataplaneActions.rules")

    @Test("CategorizeEndpoints", arguments: categorizeCases)
    func categorize(_ c: CategorizeCase) {
        let result = TrafficPolicy.categorize(c.proxyEndpoints, policy: c.policy)
        #expect(result.clusterEndpoints.map { Set($0.map(\.endpoint)) } == c.expected.clusterEndpoints.map(Set.init))
        #expect(result.localEndpoints.map { Set($0.map(\.endpoint)) } == c.expected.localEndpoints.map(Set.init))
        #expect(Set(result.allReachableEndpoints.map(\.endpoint)) == Set(c.expected.allReachableEndpoints))
        #expect(result.allReachableEndpoints.count == Set(result.allReachableEndpoints).count)
        #expect(result.hasAnyEndpoints == c.expected.hasAnyEndpoints)
    }

    @Test("healthCheckNodePort responder", arguments: healthCases)
    func healthCheck(_ c: HealthCheckCase) throws {
        let response = HealthCheckResponse(namespace: c.body.service.namespace, name: c.body.service.name,
                                           localEndpoints: c.localReadyEndpoints, proxyHealthy: c.proxyHealthy)
        #expect(response.status == c.status)
        let body = try JSONDecoder().decode(HealthCheckCase.Body.self, from: Data(response.body.utf8))
        #expect(body == c.body)
        #expect(response.body.hasPrefix("{\n\t\"service\": {\n\t\t\"namespace\": \"ns\""))
        #expect(Dictionary(uniqueKeysWithValues: response.headers) == Self.headers)
    }

    /// A concrete situation for each documented rule; the rule's expected targets/actions are then
    /// checked against `dataplaneAction`.
    static func scenario(for condition: String) -> (ServiceTrafficPolicy, [ProxyEndpoint], ServiceTrafficSource)? {
        let remote = ProxyEndpoint(endpoint: "10.0.0.1:80", isReady: true, isServing: true, isTerminating: false, isLocal: false)
        let local = ProxyEndpoint(endpoint: "10.0.0.2:80", isReady: true, isServing: true, isTerminating: false, isLocal: true)
        let notReady = ProxyEndpoint(endpoint: "10.0.0.3:80", isReady: false, isServing: false, isTerminating: false, isLocal: true)
        let etpLocal = ServiceTrafficPolicy(internalPolicyLocal: false, externalPolicyLocal: true, externallyAccessible: true)
        let etpCluster = ServiceTrafficPolicy(internalPolicyLocal: false, externalPolicyLocal: false, externallyAccessible: true)
        switch condition {
        case let c where c.hasPrefix("hasAnyEndpoints == false"): return (etpCluster, [notReady], .clusterIP)
        case let c where c.hasPrefix("internal (clusterIP) traffic"):
            return (ServiceTrafficPolicy(internalPolicyLocal: true, externalPolicyLocal: false, externallyAccessible: false),
                    [remote], .clusterIP)
        case let c where c.hasPrefix("external traffic (nodePort"): return (etpLocal, [remote], .externalFromOutside)
        case let c where c.contains("originating from a local pod"): return (etpLocal, [remote], .externalFromLocalPod)
        case let c where c.contains("originating from the node itself"): return (etpLocal, [remote], .externalFromNode)
        case let c where c.hasPrefix("eTP=Cluster"): return (etpCluster, [remote, local], .externalFromOutside)
        case let c where c.contains("with local endpoints"): return (etpLocal, [remote, local], .externalFromOutside)
        default: return nil
        }
    }

    @Test("REJECT vs DROP vs forward", arguments: rules)
    func dataplane(_ rule: DataplaneRule) throws {
        let (policy, endpoints, source) = try #require(Self.scenario(for: rule.condition), "no scenario for rule")
        let categorization = TrafficPolicy.categorize(endpoints, policy: policy)
        let action = TrafficPolicy.dataplaneAction(categorization, policy: policy, source: source)
        func name(_ a: DataplaneAction<ProxyEndpoint>) -> String {
            switch a {
            case .reject: "REJECT"
            case .drop: "DROP"
            case .forward: "FORWARD"
            }
        }
        if let expected = rule.internalTraffic {
            #expect(name(TrafficPolicy.dataplaneAction(categorization, policy: policy, source: .clusterIP)) == expected)
        }
        if let expected = rule.externalTraffic {
            let external = TrafficPolicy.dataplaneAction(categorization, policy: policy, source: .externalFromOutside)
            #expect(name(external) == expected)
        }
        if let text = rule.action {
            guard case let .forward(targets, masquerade) = action else {
                Issue.record("expected forwarding, got \(action)")
                return
            }
            #expect(masquerade == (text.contains("masquerade") && !text.contains("no SNAT")))
            if text.contains("Cluster endpoint") {
                #expect(targets == categorization.clusterEndpoints)
            } else {
                #expect(targets == categorization.localEndpoints)
            }
        }
    }

    @Test("service-derived policy ignores ETP when not externally accessible")
    func fromService() {
        var svc = Service(metadata: ObjectMeta(name: "s", namespace: "a"), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
        svc.spec.externalTrafficPolicy = "Local"
        #expect(!ServiceTrafficPolicy(service: svc).externalPolicyLocal)
        svc.spec.type = "NodePort"
        #expect(ServiceTrafficPolicy(service: svc).externalPolicyLocal)
    }
}
