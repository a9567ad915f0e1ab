import ClusterModel
import ControlPlane
import Foundation
import Testing

/// Older and newer kubectl: 1.27–1.29 ask for aggregated discovery v2beta1 only (and validate
/// with OpenAPI v2, so `apply` needs `--validate=false`); 1.30+ ask for v2 and validate through
/// the OpenAPI v3 stub. Also the gcloud dispatcher at /usr/bin/kubectl, which picks its binary
/// from /version.
@Suite("kubectl versions")
struct KubectlVersionsTests {
    struct Version: Sendable, CustomTestStringConvertible {
        var minor: Int
        /// Whether `apply` works with the default `--validate=strict` (OpenAPI v3).
        var validatesWithV3: Bool
        var testDescription: String { "kubectl 1.\(minor)" }
    }

    static let versions = [Version(minor: 27, validatesWithV3: false), Version(minor: 29, validatesWithV3: true),
                           Version(minor: 33, validatesWithV3: true)]

    @Test(arguments: versions)
    func getApplyLabelDelete(_ v: Version) async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        guard let k = Kubectl.make(server: c.url, binary: Kubectl.versioned(v.minor)) else { await c.stop(); return }
        let get = try await k.run("get", "svc", "-n", "shop")
        #expect(get.status == 0 && get.rows.first == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], "\(get)")
        #expect(get.rows.count == 4)

        let file = k.file("svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: versioned, namespace: shop}
        spec:
          selector: {app: cart}
          ports: [{name: http, port: 80, targetPort: 8080}]
        """)
        var args = ["apply", "-f", file]
        if !v.validatesWithV3 { args.append("--validate=false") }
        let apply = try await k.run(args)
        #expect(apply.stdout == "service/versioned created\n", "\(apply)")
        let label = try await k.run("label", "svc", "versioned", "-n", "shop", "v=\(v.minor)")
        #expect(label.status == 0, "\(label)")
        #expect(c.store.get(Service.self, namespace: "shop", name: "versioned")?.labels["v"] == "\(v.minor)")
        let delete = try await k.run("delete", "svc", "versioned", "-n", "shop")
        #expect(delete.stdout == "service \"versioned\" deleted\n", "\(delete)")
        await c.stop()
    }

    @Test func dispatcherRunsTheMatchingKubectl() async throws {
        let c = try await APITestCluster.start()
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let r = try await k.run("version", "-o", "json")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("\"gitVersion\": \"v1.32.0\""), "\(r)")
        await c.stop()
    }
}
