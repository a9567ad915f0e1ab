import Testing
import SwitchboardTestSupport
@testable import ClusterModel

/// `validation.json` → `names`: each grammar through `Names.*`, and through the validator that
/// applies it to a real field, so a wrong grammar choice in validation is caught too.
@Suite("Validation: name grammars")
struct ValidationNamesTests {
    struct Grammar: Decodable {
        var valid: [JSONValue]
        var invalid: [JSONValue]
    }

    struct NameCase: Sendable, CustomTestStringConvertible {
        var grammar: String
        var value: JSONValue
        var valid: Bool
        var testDescription: String {
            let v: String = switch value {
            case .string(let s): s.count > 20 ? "\(s.prefix(10))…(\(s.count) chars)" : FieldError.quote(s)
            case .int(let i): String(i)
            default: "\(value)"
            }
            return "\(grammar) \(v) \(valid ? "valid" : "invalid")"
        }
    }

    static let grammars = Vectors.decode([String: Grammar].self, "validation.json", at: "names")
    static let cases: [NameCase] = grammars.keys.sorted().flatMap { g in
        grammars[g]!.valid.map { NameCase(grammar: g, value: $0, valid: true) }
            + grammars[g]!.invalid.map { NameCase(grammar: g, value: $0, valid: false) }
    }

    @Test func allGrammarsCovered() {
        #expect(Set(Self.grammars.keys) == ["dns1035Label", "dns1123Label", "dns1123Subdomain",
                                            "wildcardDNS1123Subdomain", "portName", "portNumber"])
        #expect(Self.cases.count > 200)
    }

    static let base: Service = {
        var spec = ServiceSpec(type: "ClusterIP", selector: ["app": "x"],
                               ports: [ServicePort(name: "p", protocol: "TCP", port: 80, targetPort: .int(80))])
        spec.sessionAffinity = "None"
        spec.internalTrafficPolicy = "Cluster"
        return Service(metadata: ObjectMeta(name: "svc", namespace: "default"), spec: spec)
    }()

    /// Errors the relevant validator reports on the field that uses the grammar.
    static func fieldErrors(_ c: NameCase) -> [FieldError] {
        switch (c.grammar, c.value) {
        case ("dns1035Label", .string(let s)):
            var svc = base
            svc.metadata.name = s
            return Validation.validate(.service(svc)).filter { $0.field == "metadata.name" }
        case ("dns1123Label", .string(let s)):
            return Validation.validate(.namespace(Namespace(metadata: ObjectMeta(name: s))))
                .filter { $0.field == "metadata.name" }
        case ("dns1123Subdomain", .string(let s)):
            let secret = Secret(metadata: ObjectMeta(name: s, namespace: "default"), type: "Opaque")
            return Validation.validate(.secret(secret)).filter { $0.field == "metadata.name" }
        case ("wildcardDNS1123Subdomain", .string(let s)):
            let backend = IngressBackend(service: IngressServiceBackend(name: "svc", port: ServiceBackendPort(name: nil, number: 80)))
            let ing = Ingress(metadata: ObjectMeta(name: "ing", namespace: "default"),
                              spec: IngressSpec(defaultBackend: backend, rules: [IngressRule(host: s, http: nil)]))
            return Validation.validate(.ingress(ing)).filter { $0.field == "spec.rules[0].host" }
        case ("portName", .string(let s)):
            var svc = base
            svc.spec.ports?[0].targetPort = .string(s)
            return Validation.validate(.service(svc)).filter { $0.field == "spec.ports[0].targetPort" }
        case ("portNumber", .int(let n)):
            var svc = base
            svc.spec.ports?[0].port = n
            return Validation.validate(.service(svc)).filter { $0.field == "spec.ports[0].port" }
        default:
            Issue.record("unexpected case \(c.grammar) \(c.value)")
            return []
        }
    }

    static func grammarMessages(_ c: NameCase) -> [String] {
        switch (c.grammar, c.value) {
        case ("dns1035Label", .string(let s)): Names.dns1035Label(s)
        case ("dns1123Label", .string(let s)): Names.dns1123Label(s)
        case ("dns1123Subdomain", .string(let s)): Names.dns1123Subdomain(s)
        case ("wildcardDNS1123Subdomain", .string(let s)): Names.wildcardDNS1123Subdomain(s)
        case ("portName", .string(let s)): Names.portName(s)
        case ("portNumber", .int(let n)): Names.portNumber(n)
        default: ["unexpected case"]
        }
    }

    @Test(arguments: cases)
    func grammar(_ c: NameCase) {
        #expect(Self.grammarMessages(c).isEmpty == c.valid, "\(Self.grammarMessages(c))")
        let errs = Self.fieldErrors(c)
        #expect(errs.isEmpty == c.valid, "\(errs.map(\.description))")
    }
}
