import Foundation
import Testing
@testable import ClusterModel

/// The shapes a manifest file can take: multi-document YAML, JSON, `kind: List`.
@Suite struct ManifestFormatTests {
    static func service(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
        spec:
          ports:
          - port: 80
        """
    }

    @Test func multiDocumentYAMLNumbersDocumentsAndSkipsEmptyOnes() {
        let text = "# leading comment\n---\n" + Self.service("a") + "\n---\n---\n# only a comment\n---\n"
            + Self.service("b") + "\n...\n---\n" + Self.service("c") + "\n---\n"
        let result = ManifestFixture.decode(text)
        #expect(result.issues.isEmpty)
        #expect(result.documents.map(\.objectName) == ["Service default/a", "Service default/b", "Service default/c"])
        #expect(result.documents.map(\.source.document) == [1, 4, 5])
        #expect(result.documents[1].source.position == ManifestFixture.position(of: "apiVersion", in: text, occurrence: 2))
    }

    @Test func listKindYieldsEveryItemWithItsOwnPosition() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: one}
              spec: {ports: [{port: 80}]}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: two, namespace: team}
              spec:
                selector: {matchLabels: {app: two}}
                template:
                  metadata: {labels: {app: two}}
                  spec: {containers: [{name: c, image: nginx}]}
            """
        let result = ManifestFixture.decode(text)
        #expect(result.issues.isEmpty)
        #expect(result.documents.map(\.objectName) == ["Service default/one", "Deployment team/two"])
        #expect(result.documents.map(\.source.document) == [1, 1])
        #expect(result.documents.map(\.source.line) == [4, 8])
        #expect(result.documents[1].fieldLocation("spec.template.spec.containers[0].image").line == 15)
    }

    @Test func typedListAndErrorsInsideListItems() {
        let text = """
            apiVersion: v1
            kind: ServiceList
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: ok}
              spec: {ports: [{port: 80}]}
            - apiVersion: v1
              kind: Servise
              metadata: {name: typo}
            """
        let result = ManifestFixture.decode(text)
        #expect(result.documents.map(\.objectName) == ["Service default/ok"])
        #expect(result.errors.map(\.fieldPath) == ["items[1].kind"])
        #expect(result.errors.first?.line == 9)
    }

    @Test func jsonManifestsAndJSONLists() throws {
        let single = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"j","labels":{"app":"j"}},"#
            + #""spec":{"ports":[{"port":80,"targetPort":"http"}],"publishNotReadyAddresses":true}}"#
        let one = ManifestFixture.decode(single, file: "s.json")
        #expect(one.issues.isEmpty)
        let service = try #require(one.documents.first?.object.service)
        #expect(service.ports.first?.targetPort == .string("http"))
        #expect(service.spec.publishNotReadyAddresses == true)
        #expect(one.documents.first?.fieldLocation("spec.ports[0].targetPort")
            == ManifestFixture.position(of: #""targetPort""#, in: single))

        let list = """
            {
              "apiVersion": "v1",
              "kind": "List",
              "items": [
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team", "namespace": "ignored"}},
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "team"},
                 "spec": {"ports": [{"port": 53, "protocol": "UDP"}]}}
              ]
            }
            """
        let many = ManifestFixture.decode(list, file: "l.json")
        #expect(many.issues.isEmpty)
        #expect(many.documents.map(\.objectName) == ["Namespace team", "Service team/s"])
        #expect(many.documents.first?.object.metadata.namespace == nil)
        #expect(many.documents.map(\.source.line) == [5, 6])
    }

    @Test func defaultNamespaceIsTheCallersChoice() {
        let text = Self.service("a") + "\n---\n" + Self.service("b").replacingOccurrences(
            of: "  name: b", with: "  name: b\n  namespace: prod")
        let result = ManifestFixture.decode(text, namespace: "staging")
        #expect(result.documents.map(\.object.key.description) == ["staging/a", "prod/b"])
    }

    @Test func mergeKeysAndAnchorsAsKubectlReadsThem() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: merged
              labels: &labels
                app: web
                tier: front
              annotations:
                <<: *labels
                tier: overridden
            spec:
              selector: *labels
              ports: [{port: 80}]
            """
        let result = ManifestFixture.decode(text)
        #expect(result.issues.isEmpty)
        let service = try #require(result.documents.first?.object.service)
        #expect(service.spec.selector == ["app": "web", "tier": "front"])
        #expect(service.metadata.annotations == ["app": "web", "tier": "overridden"])
    }

    @Test func crlfAndByteOrderMarkKeepPositionsExact() throws {
        let text = Self.service("crlf").replacingOccurrences(of: "\n", with: "\r\n")
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data(text.utf8))
        let result = ManifestDecoder.decode(data, file: "crlf.yaml")
        #expect(result.issues.isEmpty)
        let pos = try #require(result.documents.first?.fieldLocation("spec.ports[0].port"))
        #expect(pos.line == 7)
        #expect(pos.column == 5)
        #expect(pos.byteOffset == 3 + text.utf8.count - "port: 80".utf8.count)
    }

    @Test func nonASCIITextCountsColumnsInCharactersAndOffsetsInBytes() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              annotations: {note: "café ☕", owner: "zoë"}
            spec:
              ports: [{port: 80}]
            """
        let result = ManifestFixture.decode(text)
        let pos = try #require(result.documents.first?.fieldLocation("metadata.annotations.owner"))
        #expect(pos == ManifestFixture.position(of: "owner", in: text))
    }
}
