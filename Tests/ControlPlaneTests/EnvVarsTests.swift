import ClusterModel
@testable import ControlPlane
import Testing

@Suite("Service environment variables (envvars.json)")
struct EnvVarsTests {
    @Test("FromServices: exact ordered output for all input services")
    func fromServices() {
        let vector = EnvVectors.fromServices
        let actual = ServiceEnvironment.variables(for: vector.services.map(\.model))
        #expect(actual.map { "\($0.name)=\($0.value ?? "")" } == vector.expected.map(\.description))
    }

    @Test("FromServices per service: exact order", arguments: EnvVectors.perService)
    func perService(_ c: PerServiceCase) {
        let actual = ServiceEnvironment.variables(for: c.service.model)
        #expect(actual.map { "\($0.name)=\($0.value ?? "")" } == c.expected.map(\.description))
    }

    @Test("makeEnvVariableName", arguments: EnvVectors.naming)
    func naming(_ c: NamingCase) {
        #expect(ServiceEnvironment.makeEnvVariableName(c.in) == c.out)
    }

    @Test("kubelet selection and precedence (compared as a set)", arguments: EnvVectors.kubelet.cases)
    func kubeletSelection(_ c: KubeletSelectionVector.Case) {
        let vector = EnvVectors.kubelet
        #expect(vector.masterServiceNames == Array(ServiceEnvironment.masterServiceNames))
        let (pod, container) = EnvVectors.pod(namespace: c.podNamespace, enableServiceLinks: c.enableServiceLinks,
                                              env: c.containerEnv)
        let env = ServiceEnvironment.forPod(pod, container: container, services: vector.clusterServices.map(\.model),
                                            masterServiceNamespace: vector.masterServiceNamespace)
        #expect(Set(env.map(\.name)).count == env.count, "no duplicate names")
        #expect(Set(env.map { "\($0.name)=\($0.value ?? "")" }) == Set(c.expectedEnv.map(\.description)))
    }

    @Test("$(VAR) expansion against declared and service variables",
          arguments: EnvVectors.expansion.expectedValues.keys.sorted())
    func expansion(_ name: String) {
        let vector = EnvVectors.expansion
        let (pod, container) = EnvVectors.pod(namespace: "test1", enableServiceLinks: true, env: vector.containerEnv)
        let env = ServiceEnvironment.forPod(pod, container: container,
                                            services: EnvVectors.kubelet.clusterServices.map(\.model))
        let value = env.first(where: { $0.name == name })?.value
        #expect(value == vector.expectedValues[name])
    }

    @Test("links disabled: master service still injected, same-namespace services not")
    func linksDisabled() {
        let (pod, container) = EnvVectors.pod(namespace: "test2", enableServiceLinks: false, env: [])
        let env = ServiceEnvironment.forPod(pod, container: container,
                                            services: EnvVectors.kubelet.clusterServices.map(\.model))
        let map = Dictionary(uniqueKeysWithValues: env.map { ($0.name, $0.value ?? "") })
        #expect(map["KUBERNETES_SERVICE_HOST"] == "1.2.3.1")
        #expect(map["TEST_SERVICE_HOST"] == nil)
    }

    @Test("headless and ExternalName services produce nothing")
    func noAddressNoVariables() {
        var external = Service(metadata: ObjectMeta(name: "ext", namespace: "a"),
                               spec: ServiceSpec(type: "ExternalName", ports: [ServicePort(port: 80)]))
        external.spec.externalName = "example.com"
        var headless = Service(metadata: ObjectMeta(name: "hl", namespace: "a"),
                               spec: ServiceSpec(ports: [ServicePort(port: 80)]))
        headless.spec.clusterIP = "None"
        #expect(ServiceEnvironment.variables(for: [external, headless]).isEmpty)
    }
}

@Suite("Kubernetes $(VAR) expansion")
struct EnvExpansionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var expected: String
        var testDescription: String { input }
    }

    static let mapping = ["VAR_A": "A", "VAR_B": "B", "EMPTY": ""]

    @Test(arguments: [
        Case(input: "$(VAR_A)", expected: "A"),
        Case(input: "___$(VAR_A)___", expected: "___A___"),
        Case(input: "$(VAR_A)-$(VAR_B)", expected: "A-B"),
        Case(input: "$(UNDEFINED)", expected: "$(UNDEFINED)"),
        Case(input: "$$(VAR_A)", expected: "$(VAR_A)"),
        Case(input: "$$$(VAR_A)", expected: "$A"),
        Case(input: "$$", expected: "$"),
        Case(input: "$VAR_A", expected: "$VAR_A"),
        Case(input: "$(VAR_A", expected: "$(VAR_A"),
        Case(input: "foo$", expected: "foo$"),
        Case(input: "$()", expected: "$()"),
        Case(input: "x$(EMPTY)y", expected: "xy"),
        Case(input: "ünï$(VAR_A)cødé", expected: "ünïAcødé"),
    ])
    func expand(_ c: Case) {
        #expect(EnvExpansion.expand(c.input, using: [Self.mapping]) == c.expected)
    }
}
