import Foundation
import KubeClient
import Testing

@Suite struct KubeconfigTests {
    static let config = """
    apiVersion: v1
    kind: Config
    current-context: dev
    clusters:
    - name: dev-cluster
      cluster:
        server: https://10.0.0.1:6443
        certificate-authority-data: \(Data("CA PEM".utf8).base64EncodedString())
    - name: local
      cluster:
        server: http://127.0.0.1:6443
        insecure-skip-tls-verify: true
        tls-server-name: kubernetes
    users:
    - name: dev-user
      user:
        token: abc.def
        client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
        client-key-data: \(Data("KEY".utf8).base64EncodedString())
    - name: file-user
      user:
        tokenFile: token.txt
    - name: sso
      user:
        exec: {command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1}
    contexts:
    - name: dev
      context: {cluster: dev-cluster, user: dev-user, namespace: shop}
    - name: local
      context: {cluster: local, user: file-user}
    - name: sso
      context: {cluster: dev-cluster, user: sso}
    - name: broken
      context: {cluster: nowhere, user: dev-user}
    """

    @Test func theCurrentContextGivesServerTrustAndCredentials() throws {
        let c = try Kubeconfig.parse(Self.config).connection()
        #expect(c.server.absoluteString == "https://10.0.0.1:6443")
        #expect(c.certificateAuthorityPEM == Array("CA PEM".utf8))
        #expect(c.bearerToken == "abc.def")
        #expect(c.clientCertificatePEM == Array("CERT".utf8))
        #expect(c.clientKeyPEM == Array("KEY".utf8))
        #expect(c.namespace == "shop")
        #expect(!c.insecureSkipTLSVerify)
    }

    @Test func aNamedContextResolvesTokenFilesAgainstTheKubeconfigsFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "s3cret\n".write(to: dir.appendingPathComponent("token.txt"), atomically: true, encoding: .utf8)
        try Self.config.write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let c = try Kubeconfig.load(path: dir.appendingPathComponent("config").path).connection(context: "local")
        #expect(c.server.absoluteString == "http://127.0.0.1:6443")
        #expect(c.insecureSkipTLSVerify)
        #expect(c.tlsServerName == "kubernetes")
        #expect(c.tokenFile == dir.appendingPathComponent("token.txt").path)
    }

    @Test func problemsAreNamed() throws {
        let k = try Kubeconfig.parse(Self.config)
        #expect(throws: KubeClientError.configuration(#"context "nope" not found in kubeconfig (known: broken, dev, local, sso)"#)) {
            try k.connection(context: "nope")
        }
        #expect(throws: KubeClientError.configuration(#"context "broken" names cluster "nowhere", which the kubeconfig does not define"#)) {
            try k.connection(context: "broken")
        }
        do {
            _ = try k.connection(context: "sso")
            Issue.record("an exec plugin cannot be run")
        } catch {
            #expect(error.description.contains("exec plugin"))
        }
        #expect(throws: KubeClientError.self) { try Kubeconfig.parse("clusters: [") }
    }

    @Test func aBareServerMeansHTTPS() throws {
        #expect(try ClusterConnection.server("10.0.0.1:6443").absoluteString == "https://10.0.0.1:6443")
        #expect(throws: KubeClientError.self) { try ClusterConnection.server("ftp://x") }
    }
}
