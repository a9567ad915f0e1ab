import ClusterModel
import ControlPlane
import Foundation
@testable import KubeAPI
import SwitchboardTestSupport
import Testing

/// Conformance vectors through the HTTP API: selector strings as `labelSelector` (valid ones
/// list, invalid ones are a 400 with apimachinery's message), selector matching on labelled
/// pods, and Ingress validation cases as dry-run creates (422 causes name the expected fields).
@Suite("Vectors through the API")
struct VectorAPITests {
    struct ParseCase: Decodable, Sendable, CustomTestStringConvertible {
        var input: String
        var valid: Bool
        var testDescription: String { "\(input.debugDescription) valid=\(valid)" }
    }

    struct MatchCase: Decodable, Sendable, CustomTestStringConvertible {
        var selector: String
        var labels: [String: String]
        var matches: Bool
        var testDescription: String { "\(selector.debugDescription) on \(labels)" }
    }

    struct IngressCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var ingress: JSONValue
        var valid: Bool
        var expectedErrorFields: [String]?
        var testDescription: String { name }
    }

    static let parseCases = Vectors.decode([ParseCase].self, "selectors.json", at: "parse")
    static let matchCases = Vectors.decode([MatchCase].self, "selectors.json", at: "match")
    static let ingressCases = Vectors.decode([IngressCase].self, "validation.json", at: "ingress")

    static func query(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    @Test(arguments: parseCases)
    func selectorStringsAsLabelSelector(_ c: ParseCase) async throws {
        let cluster = try await APITestCluster.start()
        let r = try cluster.http("GET", "/api/v1/pods?labelSelector=\(Self.query(c.input))")
        #expect(r.status == (c.valid ? 200 : 400), "\(r.body)")
        if !c.valid {
            var expected = ""
            do { _ = try Selector.parse(c.input) } catch { expected = error.message }
            #expect(!expected.isEmpty && r.json["message"] as? String == expected)
        }
        await cluster.stop()
    }

    /// Each case labels one pod with the case's labels; listing with the selector returns it
    /// exactly when the vector says it matches.
    @Test(arguments: matchCases)
    func selectorMatchingOnPods(_ c: MatchCase) async throws {
        let cluster = try await APITestCluster.start()
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default", labels: c.labels),
                      spec: PodSpec(containers: [Container(name: "c", image: "x")]))
        pod.metadata.labels = c.labels.isEmpty ? nil : c.labels
        try cluster.registry.create(.pod(pod))
        let r = try cluster.http("GET", "/api/v1/namespaces/default/pods?labelSelector=\(Self.query(c.selector))")
        #expect(r.status == 200, "\(r.body)")
        let names = (r.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
        #expect(names == (c.matches ? ["p"] : []), "\(r.body)")
        await cluster.stop()
    }

    @Test(arguments: ingressCases)
    func ingressValidationAsDryRunCreate(_ c: IngressCase) async throws {
        let cluster = try await APITestCluster.start()
        var body = c.ingress
        body.set(["apiVersion"], .string("networking.k8s.io/v1"))
        body.set(["kind"], .string("Ingress"))
        let namespace = body.at("metadata", "namespace")?.stringValue ?? "default"
        if cluster.store.get(Namespace.self, name: namespace) == nil {
            try cluster.registry.create(.namespace(Namespace(metadata: ObjectMeta(name: namespace))))
        }
        let data = try JSONEncoder().encode(body)
        let r = try RawHTTP.request(cluster.host, cluster.port, "POST",
                                    "/apis/networking.k8s.io/v1/namespaces/\(namespace)/ingresses?dryRun=All",
                                    headers: ["Content-Type": "application/json"], body: Array(data))
        #expect(r.status == (c.valid ? 201 : 422), "\(r.body)")
        if !c.valid {
            let causes = (r.json["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
            #expect(!causes.isEmpty)
            if let fields = c.expectedErrorFields {
                #expect(causes.compactMap { $0["field"] as? String } == fields, "\(r.body)")
            }
            #expect((r.json["message"] as? String)?.hasPrefix("Ingress \"\(body.at("metadata", "name")?.stringValue ?? "")\" is invalid: ") == true)
        }
        #expect(cluster.store.list(Ingress.self).isEmpty)
        await cluster.stop()
    }
}
