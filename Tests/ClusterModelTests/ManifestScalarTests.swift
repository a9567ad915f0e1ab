import Foundation
import Testing
@testable import ClusterModel

/// YAML 1.1 scalars as sigs.k8s.io/yaml (go-yaml v2) reads them, checked end to end through an
/// annotation-free JSON field (`IngressClass.spec.parameters` keeps any JSON).
@Suite struct ManifestScalarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var yaml: String
        var json: JSONValue
        var testDescription: String { yaml }
    }

    static let cases: [Case] = [
        .init(yaml: "80", json: .int(80)),
        .init(yaml: "-12", json: .int(-12)),
        .init(yaml: "+12", json: .int(12)),
        .init(yaml: "0x1F", json: .int(31)),
        .init(yaml: "0o17", json: .int(15)),
        .init(yaml: "017", json: .int(15)),
        .init(yaml: "0b101", json: .int(5)),
        .init(yaml: "1_000", json: .int(1000)),
        .init(yaml: "08", json: .int(8)),  // not octal: go-yaml falls back to a float, 8
        .init(yaml: "1.5", json: .double(1.5)),
        .init(yaml: ".5", json: .double(0.5)),
        .init(yaml: "3.0", json: .int(3)),
        .init(yaml: "1e3", json: .int(1000)),
        .init(yaml: "6.02e23", json: .double(6.02e23)),
        .init(yaml: "true", json: .bool(true)),
        .init(yaml: "False", json: .bool(false)),
        .init(yaml: "yes", json: .bool(true)),
        .init(yaml: "off", json: .bool(false)),
        .init(yaml: "y", json: .bool(true)),
        .init(yaml: "~", json: .null),
        .init(yaml: "null", json: .null),
        .init(yaml: "", json: .null),
        .init(yaml: "\"80\"", json: .string("80")),
        .init(yaml: "'true'", json: .string("true")),
        .init(yaml: "!!str 80", json: .string("80")),
        .init(yaml: "!!int \"42\"", json: .int(42)),
        .init(yaml: "2024-01-01", json: .string("2024-01-01")),
        .init(yaml: "2001-12-14t21:59:43.10-05:00", json: .string("2001-12-14t21:59:43.10-05:00")),
        .init(yaml: "1.2.3", json: .string("1.2.3")),
        .init(yaml: "0x", json: .string("0x")),
        .init(yaml: "-x", json: .string("-x")),
        .init(yaml: "1e400", json: .string("1e400")),
        .init(yaml: "hello world", json: .string("hello world")),
        .init(yaml: "|\n      block\n      text", json: .string("block\ntext\n")),
        .init(yaml: ">-\n      folded\n      text", json: .string("folded text")),
    ]

    @Test(arguments: cases)
    func scalarResolvesAsKubectlDoes(_ c: Case) throws {
        let text = """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: probe}
            spec:
              parameters:
                value: \(c.yaml)

            """
        let result = ManifestFixture.decode(text)
        #expect(result.issues.map(\.description) == [])
        guard case .ingressClass(let ic)? = result.documents.first?.object else {
            Issue.record("no IngressClass decoded")
            return
        }
        #expect(ic.spec?.parameters?["value"] == c.json)
    }

    @Test(arguments: [".inf", "-.Inf", ".nan", "!!float .NaN"])
    func nonFiniteNumbersAreRefused(_ yaml: String) {
        let result = ManifestFixture.decode("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: \(yaml)}]}\n")
        #expect(result.documents.isEmpty)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("is not a number JSON can represent") == true)
        #expect(result.errors.first?.fieldPath == "spec.ports[0].port")
    }

    @Test func explicitTagThatDoesNotFitIsAnError() {
        let result = ManifestFixture.decode("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: !!int eighty}]}\n")
        #expect(result.errors.map(\.message) == ["cannot decode !!str `eighty` as a !!int"])
        #expect(result.errors.first?.line == 4)
    }

    @Test func nonStringKeysBecomeJSONStrings() throws {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: {80: a, true: b, 1.5: c}\nspec: {ports: [{port: 80}]}\n"
        let result = ManifestFixture.decode(text)
        #expect(result.issues.isEmpty)
        #expect(result.documents.first?.object.metadata.labels == ["80": "a", "true": "b", "1.5": "c"])
    }
}
