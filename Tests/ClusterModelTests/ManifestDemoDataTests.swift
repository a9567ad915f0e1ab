import Foundation
import SwitchboardTestSupport
import Testing
@testable import ClusterModel

/// Every file in demo-data/ decodes cleanly into the objects it is meant to hold.
@Suite struct ManifestDemoDataTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var objects: [String]
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        .init(file: "kubia.yaml", objects: ["Deployment default/kubia", "Service default/kubia"]),
        .init(file: "backend-database.yaml",
              objects: ["Deployment default/backend-database", "Service default/backend-database"]),
        .init(file: "external-service.yaml", objects: ["Service default/legacy-api", "Endpoints default/legacy-api"]),
        .init(file: "externalname.yaml", objects: ["Service default/external-api"]),
        .init(file: "nodeport.yaml", objects: ["Service default/kubia-nodeport"]),
        .init(file: "loadbalancer.yaml", objects: ["Service default/kubia-lb"]),
        .init(file: "whoami.yaml", objects: ["Deployment default/whoami", "Service default/whoami", "Service default/whoami-local"]),
        .init(file: "loadgen.yaml", objects: ["Deployment default/kubia-client", "Pod default/whoami-client",
                                              "Pod default/ingress-client"]),
        .init(file: "00-env-before.yaml", objects: ["Pod default/env-before"]),
        .init(file: "zz-env-after.yaml", objects: ["Pod default/env-after"]),
        .init(file: "ingress.yaml", objects: ["IngressClass switchboard", "Secret default/kubia-tls", "Ingress default/kubia"]),
    ]

    static func load(_ file: String) -> ManifestResult {
        let url = Repository.root.appendingPathComponent("demo-data").appendingPathComponent(file)
        let data = (try? Data(contentsOf: url)) ?? Data()
        return ManifestDecoder.decode(data, file: "demo-data/\(file)")
    }

    @Test(arguments: expectations)
    func decodesWithoutIssues(_ expectation: Expectation) {
        let result = Self.load(expectation.file)
        #expect(result.issues.map(\.description) == [])
        #expect(result.documents.map(\.objectName) == expectation.objects)
        #expect(result.documents.map(\.source.document) == Array(1...expectation.objects.count))
    }

    @Test func everyDemoFileIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Repository.root.appendingPathComponent("demo-data").path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Self.expectations.map(\.file)))
    }

    @Test func kubiaDeploymentAndService() throws {
        let docs = Self.load("kubia.yaml").documents
        let deployment = try #require(docs.first?.object.deployment)
        #expect(deployment.spec.replicas == 3)
        let container = try #require(deployment.spec.template.spec.containers.first)
        #expect(container.image == "registry.k8s.io/e2e-test-images/agnhost:2.53")
        #expect(container.args == ["netexec", "--http-port=8080"])
        #expect(container.ports?.map(\.name) == ["http", "https"])
        let service = try #require(docs.last?.object.service)
        #expect(service.spec.sessionAffinity == "ClientIP")
        #expect(service.ports.map(\.name) == ["http", "https"])
        #expect(service.ports.map(\.targetPort) == [.string("http"), .int(8443)])
    }

    @Test func externalEndpointsAndExternalName() throws {
        let docs = Self.load("external-service.yaml").documents
        #expect(docs.first?.object.service?.spec.selector == nil)
        let endpoints = try #require(docs.last?.object.endpoints)
        #expect(endpoints.subsets?.first?.addresses?.map(\.ip) == ["127.0.0.1"])
        #expect(endpoints.subsets?.first?.ports?.first?.port == 6443)
        let external = try #require(Self.load("externalname.yaml").documents.first?.object.service)
        #expect(external.type == ServiceType.externalName)
        #expect(external.spec.externalName == "api.example.com")
    }

    @Test func nodePortAndLoadBalancers() throws {
        let nodePort = try #require(Self.load("nodeport.yaml").documents.first?.object.service)
        #expect(nodePort.ports.first?.nodePort == 30080)
        let lbs = (Self.load("loadbalancer.yaml").documents + Self.load("whoami.yaml").documents)
            .compactMap(\.object.service).filter { $0.type == ServiceType.loadBalancer }
        #expect(lbs.map(\.metadata.name) == ["kubia-lb", "whoami-local"])
        #expect(lbs.map(\.spec.externalTrafficPolicy) == [nil, "Local"])
    }

    @Test func ingressWithTLSSecret() throws {
        let docs = Self.load("ingress.yaml").documents
        #expect(docs.first?.object.key == ObjectKey(namespace: "", name: "switchboard"))
        #expect(docs.first?.object.metadata.annotations?["ingressclass.kubernetes.io/is-default-class"] == "true")
        let secret = try #require(docs[1].object.secret)
        #expect(secret.type == "kubernetes.io/tls")
        let cert = try #require(secret.data?["tls.crt"].flatMap { Data(base64Encoded: $0) })
        let key = try #require(secret.data?["tls.key"].flatMap { Data(base64Encoded: $0) })
        #expect(String(decoding: cert, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(String(decoding: key, as: UTF8.self).contains("PRIVATE KEY-----"))
        let ingress = try #require(docs[2].object.ingress)
        #expect(ingress.spec?.rules?.map(\.host) == ["kubia.example.com", "api.example.com"])
        #expect(ingress.spec?.tls?.first?.secretName == "kubia-tls")
        let pathTypes = ingress.spec?.rules?.flatMap { $0.http?.paths.map(\.pathType) ?? [] }
        #expect(Set(pathTypes ?? []) == ["Exact", "Prefix"])
    }
}
