import ClusterModel
import SwitchboardTestSupport
import Testing

/// A service as envvars.json / dns.json write it (flat, with optional extras).
struct VectorService: Decodable, Sendable {
    struct Port: Decodable, Sendable {
        var name: String?
        var port: Int
        var `protocol`: String?
    }
    var name: String
    var namespace: String?
    var clusterIP: String?
    var type: String?
    var externalName: String?
    var selector: [String: String]?
    var publishNotReadyAddresses: Bool?
    var ports: [Port]?

    var model: Service {
        var spec = ServiceSpec(type: type, selector: selector,
                               ports: ports?.map { ServicePort(name: $0.name, protocol: $0.protocol, port: $0.port) })
        spec.clusterIP = clusterIP
        spec.externalName = externalName
        spec.publishNotReadyAddresses = publishNotReadyAddresses
        return Service(metadata: ObjectMeta(name: name, namespace: namespace ?? "default"), spec: spec)
    }
}

struct VectorEnvVar: Decodable, Sendable, Hashable, CustomStringConvertible {
    var name: String
    var value: String?
    var model: EnvVar { EnvVar(name: name, value: value) }
    var description: String { "\(name)=\(value ?? "")" }
}

struct FromServicesVector: Decodable, Sendable {
    var services: [VectorService]
    var expected: [VectorEnvVar]
}

struct PerServiceCase: Decodable, Sendable, CustomTestStringConvertible {
    var service: VectorService
    var expected: [VectorEnvVar]
    var testDescription: String { service.name }
}

struct KubeletSelectionVector: Decodable, Sendable {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var podNamespace: String
        var enableServiceLinks: Bool
        var containerEnv: [VectorEnvVar]
        var expectedEnv: [VectorEnvVar]
        var testDescription: String { name }
    }
    var clusterServices: [VectorService]
    var masterServiceNamespace: String
    var masterServiceNames: [String]
    var cases: [Case]
}

struct ExpansionVector: Decodable, Sendable {
    var containerEnv: [VectorEnvVar]
    var expectedValues: [String: String]
}

struct NamingCase: Decodable, Sendable, CustomTestStringConvertible {
    var `in`: String
    var out: String
    var testDescription: String { "\(self.in) → \(out)" }
}

enum EnvVectors {
    static let fromServices = Vectors.decode(FromServicesVector.self, "envvars.json", at: "fromServices")
    static let perService = Vectors.decode([PerServiceCase].self, "envvars.json", at: "perService")
    static let kubelet = Vectors.decode(KubeletSelectionVector.self, "envvars.json", at: "kubeletSelection")
    static let expansion = Vectors.decode(ExpansionVector.self, "envvars.json", at: "expansion")
    static let naming = Vectors.decode([NamingCase].self, "envvars.json", at: "naming.cases")

    static func pod(namespace: String, enableServiceLinks: Bool?, env: [VectorEnvVar]) -> (Pod, Container) {
        var container = Container(name: "c")
        container.env = env.map(\.model)
        var spec = PodSpec(containers: [container])
        spec.enableServiceLinks = enableServiceLinks
        return (Pod(metadata: ObjectMeta(name: "p", namespace: namespace), spec: spec), container)
    }
}
