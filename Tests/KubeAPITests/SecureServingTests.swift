import Foundation
import KubeAPI
import NIOPosix
import Testing

/// HTTPS with a bearer token, checked with the real clients: kubectl through a written
/// kubeconfig, curl with and without the token, kubectl trusting the wrong CA. Certificates
/// come from `ServingCertificates` (the openssl tool, as `switchboard up` makes them).
@Suite("Secure serving")
struct SecureServingTests {
    static let apiHost = "127.218.0.1"
    static let token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    /// A CA + serving certificate for `apiHost` in a fresh directory; nil (recorded under CI)
    /// without openssl.
    static func certificates(hosts: [String] = [apiHost]) throws -> ServingCertificates.Files? {
        guard ServingCertificates.findOpenSSL() != nil else {
            if underCI { Issue.record("openssl is missing; CI must install it") } else { print("note: openssl not installed") }
            return nil
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-pki-\(UUID().uuidString)")
        return try ServingCertificates.generate(in: dir, hosts: hosts)
    }

    static func start(_ files: ServingCertificates.Files) async throws -> APITestCluster {
        let security = KubeAPIServer.Security(certificateChainFile: files.certificate, privateKeyFile: files.key, bearerToken: token)
        return try await APITestCluster.start(secondOctet: 216, apiHost: apiHost, security: security)
    }

    @Test func kubectlWithTheWrittenKubeconfigGetsPods() async throws {
        guard let files = try Self.certificates() else { return }
        let c = try await Self.start(files)
        try c.apply(Fixtures.shop)
        #expect(c.url == "https://\(Self.apiHost):\(c.port)")
        guard var k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let path = k.scratch.appendingPathComponent("kubeconfig").path
        let ca = try String(contentsOfFile: files.caCertificate, encoding: .utf8)
        try ServingKubeconfig(server: c.url, certificateAuthorityPEM: ca, token: Self.token, namespace: "shop").write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the kubeconfig holds the token: mode \(String(mode ?? 0, radix: 8))")
        for key in [files.key, files.caKey] {
            #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600, "\(key)")
        }
        k.kubeconfig = path
        let pods = try await k.run("get", "pods")
        #expect(pods.status == 0, "\(pods)")
        #expect(pods.rows.dropFirst().filter { $0.first?.hasPrefix("cart-") == true }.count == 2, "\(pods)")
        // A watch streams over TLS as over plain HTTP.
        let watcher = k
        let watched = try await watcher.stream(["get", "-w", "svc", "cart"], timeout: 10, during: {
            try await c.waitForWatches(1)
            try c.label(service: "cart", namespace: "shop", "rollout", "1")
        }, until: { $0.split(separator: "\n").count >= 3 })
        #expect(watched.stdout.split(separator: "\n").count == 3, "\(watched)")
        try await c.waitForWatches(0)
        // The token is the credential: the same kubeconfig with another token is refused.
        try ServingKubeconfig(server: c.url, certificateAuthorityPEM: ca, token: "not-the-token").write(to: path)
        let wrong = try await k.run("get", "pods", "-n", "shop")
        #expect(wrong.status != 0 && wrong.stderr.contains("Unauthorized"), "\(wrong)")
        await c.stop()
    }

    @Test func curlWithoutTheTokenGets401() async throws {
        guard let files = try Self.certificates() else { return }
        let c = try await Self.start(files)
        guard let curl = Curl(ca: files.caCertificate) else { await c.stop(); return }
        let none = try curl.get("\(c.url)/api/v1/pods")
        #expect(none.code == 401, "\(none)")
        let status = try JSONSerialization.jsonObject(with: Data(none.body.utf8)) as? [String: Any]
        #expect(status?["kind"] as? String == "Status" && status?["reason"] as? String == "Unauthorized"
                && status?["code"] as? Int == 401, "\(none.body)")
        #expect(try curl.get("\(c.url)/api/v1/pods", token: "wrong").code == 401)
        #expect(try curl.get("\(c.url)/api/v1/pods", token: String(Self.token.dropLast())).code == 401)
        #expect(try curl.get("\(c.url)/metrics").code == 401)
        #expect(try curl.get("\(c.url)/version").code == 401)
        // Health probes are public, as on kube-apiserver.
        for probe in ["/livez", "/readyz"] {
            let r = try curl.get("\(c.url)\(probe)")
            #expect(r.code == 200 && r.body == "ok", "\(probe): \(r)")
        }
        let ok = try curl.get("\(c.url)/api/v1/pods", token: Self.token)
        #expect(ok.code == 200 && ok.body.contains("\"PodList\""), "\(ok)")
        // Plain HTTP on the HTTPS port: the answer Go's servers give, never the API.
        let plain = try Curl(ca: nil)!.get("http://\(c.host):\(c.port)/api/v1/pods", token: Self.token)
        #expect(plain.code == 400 && plain.body == "Client sent an HTTP request to an HTTPS server.\n", "\(plain)")
        await c.stop()
    }

    @Test func kubectlTrustingAnotherCAFailsWithAnX509Error() async throws {
        guard let files = try Self.certificates(), let other = try Self.certificates() else { return }
        let c = try await Self.start(files)
        guard var k = Kubectl.make(server: c.url) else { await c.stop(); return }
        let path = k.scratch.appendingPathComponent("kubeconfig").path
        let wrongCA = try String(contentsOfFile: other.caCertificate, encoding: .utf8)
        try ServingKubeconfig(server: c.url, certificateAuthorityPEM: wrongCA, token: Self.token).write(to: path)
        k.kubeconfig = path
        let r = try await k.run("get", "pods", timeout: 30)
        #expect(r.status != 0)
        #expect(r.stderr.contains("x509: certificate signed by unknown authority"), "\(r)")
        await c.stop()
    }

    @Test func aCertificateForAnotherAddressIsRejected() async throws {
        guard let files = try Self.certificates(hosts: ["127.218.0.99"]) else { return }
        let c = try await Self.start(files)
        guard let curl = Curl(ca: files.caCertificate) else { await c.stop(); return }
        let r = try curl.get("\(c.url)/livez")
        #expect(r.code == 0, "curl verifies the subjectAltName: \(r)")
        await c.stop()
    }

    @Test func refusesNonLoopbackWithoutSecurityButNotWithIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let c = try APITestCluster(secondOctet: 216, apiHost: Self.apiHost)
        let plain = KubeAPIServer(store: c.store, registry: c.registry, config: .init(host: "0.0.0.0", port: 0), group: group)
        await #expect(throws: KubeAPIServer.ServerError.self) { try await plain.start() }
        // A key that does not load fails start() by name, before any bind.
        var config = KubeAPIServer.Configuration(host: Self.apiHost, port: 0)
        config.security = .init(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: "/nonexistent/key.pem", bearerToken: "t")
        let broken = KubeAPIServer(store: c.store, registry: c.registry, config: config, group: group)
        do {
            try await broken.start()
            Issue.record("started without a certificate")
        } catch {
            #expect("\(error)".contains("/nonexistent/cert.pem"), "\(error)")
        }
        try await group.shutdownGracefully()
    }

    @Test func readyzFailsUntilTheEngineIsReady() async throws {
        let flag = Flag()
        let c = try await APITestCluster.start(secondOctet: 216, apiHost: Self.apiHost, readiness: { flag.value })
        let before = try c.http("GET", "/readyz")
        #expect(before.status == 500 && before.body.contains("readyz check failed"), "\(before.body)")
        #expect(try c.http("GET", "/livez").status == 200)
        flag.value = true
        let after = try c.http("GET", "/readyz")
        #expect(after.status == 200 && after.body == "ok")
        await c.stop()
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = false
    var value: Bool {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}

/// The real curl over HTTPS, trusting one CA. Missing curl fails under CI.
struct Curl {
    struct Response: CustomStringConvertible {
        var code: Int
        var body: String
        var description: String { "\(code) \(body)" }
    }

    let ca: String?

    init?(ca: String?) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            if underCI { Issue.record("curl is missing") }
            return nil
        }
        self.ca = ca
    }

    /// `code` is 0 when no HTTP response came (TLS failure, connection refused).
    func get(_ url: String, token: String? = nil) throws -> Response {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var args = ["-s", "-m", "10", "-w", "\n%{http_code}"]
        if let ca { args += ["--cacert", ca] }
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        p.arguments = args + [url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return Response(code: Int(lines.last ?? "") ?? 0, body: lines.dropLast().joined(separator: "\n"))
    }
}
