import Foundation
import Testing
@testable import ClusterModel

/// Each class of bad manifest gives one located, readable problem.
@Suite struct ManifestErrorTests {
    @Test func malformedYAMLNamesDocumentLineAndColumnAndKeepsEarlierDocuments() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata: {name: fine}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: broken
               labels: oops
            """
        let result = ManifestFixture.decode(text, file: "bad.yaml")
        #expect(result.documents.map(\.objectName) == ["Service default/fine"])
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.document == 2)
        #expect(error.message.hasPrefix("invalid YAML: mapping values are not allowed in this context"))
        #expect(error.line == 10)
        #expect(error.column == 10)
        #expect(error.byteOffset == ManifestFixture.position(of: ": oops", in: text).byteOffset)
        #expect(error.description.hasPrefix("bad.yaml: document 2: invalid YAML: "))
    }

    @Test func duplicateKeysAreReported() throws {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\nspec: {ports: [{port: 80}]}\n"
        let error = try #require(ManifestFixture.decode(text).errors.first)
        #expect(error.message.contains("duplicate key \"name\""))
        #expect(error.line == 4)
    }

    @Test func unknownKindUsesKubectlWordingAndSuggests() throws {
        let text = "apiVersion: v1\nkind: Servise\nmetadata: {name: web}\n"
        let result = ManifestFixture.decode(text, file: "k.yaml")
        let error = try #require(result.errors.first)
        #expect(error.message == #"no matches for kind "Servise" in version "v1": did you mean "Service" (apiVersion "v1")?"#)
        #expect(error.fieldPath == "kind")
        #expect((error.line, error.column) == (2, 1))
        #expect(result.documents.isEmpty)
    }

    @Test func unsupportedKindListsWhatIsServed() throws {
        let error = try #require(ManifestFixture.decode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n").errors.first)
        #expect(error.message.hasPrefix(#"no matches for kind "ConfigMap" in version "v1"; Switchboard serves Namespace, "#))
    }

    @Test(arguments: [
        ("extensions/v1beta1", "Deployment", "apps/v1"),
        ("v1", "Ingress", "networking.k8s.io/v1"),
        ("networking.k8s.io/v1beta1", "Ingress", "networking.k8s.io/v1"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice", "discovery.k8s.io/v1"),
    ])
    func knownKindWithWrongAPIVersionSaysTheRightOne(_ apiVersion: String, _ kind: String, _ right: String) throws {
        let error = try #require(ManifestFixture.decode("apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata: {name: x}\n").errors.first)
        #expect(error.message == "no matches for kind \"\(kind)\" in version \"\(apiVersion)\": \(kind) is served as apiVersion \"\(right)\"")
    }

    @Test func missingKindOrAPIVersion() {
        let noKind = ManifestFixture.decode("apiVersion: v1\nmetadata: {name: x}\n")
        #expect(noKind.errors.map { "\($0.fieldPath ?? ""): \($0.message)" } == ["kind: Required value: kind not set"])
        let noVersion = ManifestFixture.decode("kind: Service\nmetadata: {name: x}\n")
        #expect(noVersion.errors.map(\.message) == ["Required value: apiVersion not set"])
        let wrongType = ManifestFixture.decode("apiVersion: 1\nkind: Service\n")
        #expect(wrongType.errors.map(\.message) == ["expected string, got number 1"])
    }

    @Test func documentThatIsNotAnObject() {
        let result = ManifestFixture.decode("- a\n- b\n")
        #expect(result.errors.map(\.message) == ["expected a Kubernetes object (a mapping with apiVersion and kind), got array"])
        #expect(result.errors.first?.document == 1)
    }

    @Test func wrongFieldTypeIsTranslatedToThePathAndLine() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - name: http
                port: eighty
            """
        let result = ManifestFixture.decode(text, file: "t.yaml")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.fieldPath == "spec.ports[0].port")
        #expect(error.message == #"expected number, got string "eighty""#)
        #expect(error.position == ManifestFixture.position(of: "port: eighty", in: text))
        #expect(error.objectName == "Service default/web")
        #expect(error.description == #"t.yaml: document 1 (Service default/web): spec.ports[0].port: expected number, got string "eighty" (line 8, column 5)"#)
    }

    @Test(arguments: [
        ("spec: {ports: [{port: 80.5}]}", "spec.ports[0].port", "expected integer, got number 80.5"),
        ("spec: {ports: [{port: 99999999999999999999}]}", "spec.ports[0].port", "number 1e+20 is out of range"),
        ("spec: {ports: {port: 80}}", "spec.ports", "expected array, got object"),
        ("spec: {ports: [{port: 80}], selector: [a]}", "spec.selector", "expected object, got array"),
        ("spec: {ports: [{port: 80}], publishNotReadyAddresses: \"yes\"}", "spec.publishNotReadyAddresses",
         #"expected boolean, got string "yes""#),
        ("spec: {ports: [{port: null}]}", "spec.ports[0].port", "expected number, got null"),
        ("spec: {ports: [{name: http}]}", "spec.ports[0].port", "Required value"),
        ("spec: {ports: [{port: 80}]}\nstatus: 3", "status", "expected object, got number 3"),
        ("metadata: {name: x, labels: {version: 1}}", "metadata.labels.version", "expected string, got number 1"),
    ])
    func typedDecodeErrors(_ body: String, _ path: String, _ message: String) throws {
        var text = "apiVersion: v1\nkind: Service\n"
        text += body.hasPrefix("metadata") ? body + "\nspec: {ports: [{port: 80}]}\n" : "metadata: {name: x}\n" + body + "\n"
        let result = ManifestFixture.decode(text)
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.fieldPath == path)
        #expect(error.message == message)
        #expect(result.documents.isEmpty)
    }

    @Test func missingRequiredObjectIsPlacedAtTheParent() throws {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: nospec\n"
        let error = try #require(ManifestFixture.decode(text).errors.first)
        #expect(error.fieldPath == "spec")
        #expect(error.message == "Required value")
        #expect(error.line == 1)
    }

    @Test func missingNameIsAnError() throws {
        let result = ManifestFixture.decode("apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\nspec: {ports: [{port: 80}]}\n")
        let error = try #require(result.errors.first)
        #expect(error.fieldPath == "metadata.name")
        #expect(error.message == "Required value: name or generateName is required")
        #expect(error.line == 3)
        #expect(result.documents.isEmpty)
        let generated = ManifestFixture.decode("apiVersion: v1\nkind: Service\nmetadata: {generateName: web-}\nspec: {ports: [{port: 80}]}\n")
        #expect(generated.errors.map(\.message) == ["Required value: name is required (generateName is not supported in manifests)"])
        let noMetadata = ManifestFixture.decode("apiVersion: v1\nkind: Namespace\n")
        #expect(noMetadata.errors.map(\.fieldPath) == ["metadata"])
    }

    @Test func unknownFieldsAreWarningsWithPathAndLine() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              colour: blue
            spec:
              foo: bar
              ports:
              - port: 80
                targetPortt: 8080
              sessionAffinity: None
              externalName: null
            extra:
              nested: {deep: 1}
            """
        let result = ManifestFixture.decode(text, file: "u.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.documents.count == 1)
        let warnings = result.warnings
        #expect(warnings.map(\.fieldPath) == ["extra", "metadata.colour", "spec.foo", "spec.ports[0].targetPortt"])
        #expect(warnings.map(\.message) == warnings.map { "unknown field \"\($0.fieldPath!)\"" })
        #expect(warnings.map(\.line) == [13, 5, 7, 10])
        #expect(result.documents.first?.warnings == warnings)
        #expect(warnings[2].description == #"warning: u.yaml: document 1 (Service default/web): unknown field "spec.foo" (line 7, column 3)"#)
    }

    @Test func fieldsTheModelKeepsAsJSONAreNotUnknown() {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec:
                  containers:
                  - name: c
                    image: nginx
                    resources: {limits: {cpu: 100m}}
            """
        #expect(ManifestFixture.decode(text).issues.isEmpty)
    }

    @Test func validationErrorsMapToLines() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
              - port: 81
            """
        let document = try #require(ManifestFixture.decode(text, file: "v.yaml").documents.first)
        let issue = document.issue(for: .required(FieldPath("spec").child("ports").index(1).child("name")))
        #expect(issue.description == "v.yaml: document 1 (Service default/web): spec.ports[1].name: Required value (line 8, column 5)")
        #expect(document.fieldLocation("metadata.labels[app.kubernetes.io/name]").line == 3)
        #expect(document.fieldLocation("").line == 1)
        let invalid = document.issue(for: .invalid(FieldPath("spec.ports[0].port"), 80, "just because"))
        #expect(invalid.message == "Invalid value: 80: just because")
    }
}

/// A whole List on one line (as `kubectl get -o json | jq -c` writes it): problems deep in it are
/// located at the right column and byte offset, ASCII and not.
@Suite struct ManifestOneLineTests {
    @Test(arguments: ["plain", "café"])
    func problemFarAlongOneLineIsLocatedExactly(_ label: String) throws {
        let fine = (0..<200).map { #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s\#($0)","labels":{"l":"\#(label)"}},"spec":{"ports":[{"port":80}]}}"# }
        let bad = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"last"},"spec":{"ports":[{"port":"eighty"}]}}"#
        let text = #"{"apiVersion":"v1","kind":"List","items":["# + (fine + [bad]).joined(separator: ",") + "]}"
        let result = ManifestFixture.decode(text, file: "one-line.json")
        #expect(result.documents.count == 200)
        let error = try #require(result.errors.first)
        // Field problems point at the field's key, as in YAML (`- port: eighty` → column of `port`).
        let expected = ManifestFixture.position(of: #""port":"eighty""#, in: text)
        #expect(error.line == 1)
        #expect(error.column == expected.column)
        #expect(error.byteOffset == expected.byteOffset)
    }
}
