import Foundation
import Testing

/// Unknown fields, as a real cluster treats them: kubectl's default (`--validate=strict`, sent as
/// `fieldValidation=Strict`) refuses them with the API server's strict decoding error;
/// `--validate=warn` (and requests naming no validation, the server's default) accept the object
/// and kubectl prints the server's Warning verbatim.
@Suite("kubectl field validation")
struct KubectlFieldValidationTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: colourful}
        spec:
          colour: blue
          ports: [{port: 80}]
        """

    @Test func strictRefusesWarnAccepts() async throws {
        let c = try await APITestCluster.start(secondOctet: 216, apiHost: "127.218.0.2")
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let file = k.file("svc.yaml", Self.manifest)
        let strict = try await k.run("apply", "-f", file)
        #expect(strict.status != 0)
        #expect(strict.stderr.contains(#"Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.colour""#),
                "\(strict)")
        #expect(c.store.get(.services, .init(namespace: "default", name: "colourful")) == nil)
        let warn = try await k.run("apply", "--validate=warn", "-f", file)
        #expect(warn.status == 0 && warn.stdout.contains("service/colourful created"), "\(warn)")
        #expect(warn.stderr.contains(#"Warning: unknown field "spec.colour""#), "\(warn)")
        // No fieldValidation parameter: the server's default is Warn, as kube-apiserver's.
        let raw = try c.http("POST", "/api/v1/namespaces/default/services", headers: ["Content-Type": "application/json"],
                             body: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"plain"},"spec":{"ports":[{"port":80}],"colour":"red"}}"#)
        #expect(raw.status == 201 && raw.headers["warning"] == #"299 - "unknown field \"spec.colour\"""#, "\(raw.headers)")
        await c.stop()
    }
}
