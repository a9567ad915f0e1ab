import Testing
import SwitchboardTestSupport
@testable import ClusterModel

/// `validation.json` → `ingressPaths` and `ingress`.
@Suite("Validation: Ingress")
struct ValidationIngressTests {
    struct PathCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var pathType: String
        var path: String
        var valid: Bool
        var expectedErrors: [String]
        var testDescription: String { name }
    }

    struct ExpectedError: Decodable, Sendable {
        var field: String
        var detail: String?
    }

    struct IngressCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var ingress: Ingress
        var valid: Bool
        var expectedErrorFields: [String]?
        var expectedErrors: [ExpectedError]?
        var testDescription: String { name }
    }

    static let pathCases = Vectors.decode([PathCase].self, "validation.json", at: "ingressPaths")
    static let ingressCases = Vectors.decode([IngressCase].self, "validation.json", at: "ingress")

    static let backend = IngressBackend(service: IngressServiceBackend(name: "svc", port: ServiceBackendPort(name: nil, number: 80)))

    @Test(arguments: pathCases)
    func ingressPath(_ c: PathCase) {
        let p = HTTPIngressPath(path: c.path, pathType: c.pathType, backend: Self.backend)
        let errs = Validation.validateIngressPath(p, at: "spec.rules[0].http.paths[0]")
        #expect(errs.map(\.detail) == c.expectedErrors)
        #expect(errs.isEmpty == c.valid)
        #expect(errs.allSatisfy { $0.field == "spec.rules[0].http.paths[0].path" })
    }

    @Test(arguments: ingressCases)
    func ingress(_ c: IngressCase) {
        let errs = Validation.validate(.ingress(c.ingress))
        #expect(errs.isEmpty == c.valid, "\(errs.map(\.description))")
        if let fields = c.expectedErrorFields {
            #expect(errs.map(\.field).sorted() == fields.sorted(), "\(errs.map(\.description))")
        }
        if let expected = c.expectedErrors {
            #expect(errs.map(\.field) == expected.map(\.field), "\(errs.map(\.description))")
            for (e, x) in zip(errs, expected) where x.detail != nil {
                #expect(e.detail == x.detail)
            }
        }
    }

    @Test func ingressRulesBeyondTheVectors() {
        func ingress(_ spec: IngressSpec, annotations: [String: String]? = nil) -> Ingress {
            Ingress(metadata: ObjectMeta(name: "web", namespace: "default", annotations: annotations), spec: spec)
        }
        // Missing pathType.
        let noType = HTTPIngressPath(path: "/", pathType: nil, backend: Self.backend)
        #expect(Validation.validateIngressPath(noType, at: "p").map(\.description) == ["p.pathType: Required value: pathType must be specified"])
        // Class annotation must match ingressClassName on create.
        let mismatch = ingress(IngressSpec(ingressClassName: "nginx", defaultBackend: Self.backend),
                               annotations: ["kubernetes.io/ingress.class": "traefik"])
        #expect(Validation.validate(.ingress(mismatch)).map(\.description)
                == ["annotations.kubernetes.io/ingress.class: Invalid value: \"traefik\": must match `ingressClassName` when both are specified"])
        // Host with a port, named port too long, both port kinds.
        let bad = IngressBackend(service: IngressServiceBackend(name: "svc", port: ServiceBackendPort(name: "http", number: 80)))
        let rule = IngressRule(host: "foo.com:80", http: HTTPIngressRuleValue(paths: [
            HTTPIngressPath(path: "/a", pathType: "Prefix", backend: bad),
        ]))
        let errs = Validation.validate(.ingress(ingress(IngressSpec(rules: [rule]))))
        #expect(errs.map(\.field) == ["spec.rules[0].host", "spec.rules[0].http.paths[0].backend"])
        #expect(errs.last?.detail == "cannot set both port name & port number")
        // TLS hosts and secret name.
        let tls = IngressSpec(defaultBackend: Self.backend, tls: [IngressTLS(hosts: ["*.ok.com", "Bad.com"], secretName: "Bad_Name")])
        #expect(Validation.validate(.ingress(ingress(tls))).map(\.field) == ["spec.tls[0].hosts[1]", "spec.tls[0].secretName"])
    }

    @Test func ingressClass() {
        let ok = IngressClass(metadata: ObjectMeta(name: "switchboard"), spec: IngressClassSpec(controller: "switchboard.dev/ingress"))
        #expect(Validation.validate(.ingressClass(ok)).isEmpty)
        let noController = IngressClass(metadata: ObjectMeta(name: "x", namespace: "default"), spec: IngressClassSpec(controller: nil))
        #expect(Validation.validate(.ingressClass(noController)).map(\.description)
                == ["metadata.namespace: Forbidden: not allowed on this type", "spec.controller: Required value"])
        let badController = IngressClass(metadata: ObjectMeta(name: "x"), spec: IngressClassSpec(controller: "nginx"))
        #expect(Validation.validate(.ingressClass(badController)).map(\.field) == ["spec.controller"])
        var changed = ok
        changed.spec?.controller = "other.dev/ingress"
        #expect(Validation.validateUpdate(old: .ingressClass(ok), new: .ingressClass(changed)).map(\.description)
                == ["spec.controller: Invalid value: \"other.dev/ingress\": field is immutable"])
    }
}
