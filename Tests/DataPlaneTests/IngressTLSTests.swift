import Telemetry
import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import Testing

/// TLS termination with real clients: openssl s_client for the certificate served per SNI,
/// curl for requests. Certificates are made with the openssl CLI at test time.
@Suite("Ingress TLS", .timeLimit(.minutes(1)))
struct IngressTLSTests {
    typealias F = IngressFixture

    /// A self-signed certificate for `host` in a temp folder: (cert path, cert PEM, key PEM).
    static func makeCert(_ host: String, org: String) async throws -> (path: String, cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let crt = dir.appendingPathComponent("tls.crt").path, key = dir.appendingPathComponent("tls.key").path
        let r = try await Curl.tool("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                         "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                                                         "-subj", "/O=\(org)/CN=\(host)", "-addext", "subjectAltName=DNS:\(host)"])
        #expect(r.code == 0, "openssl req: \(r.err)")
        return (crt, try String(contentsOfFile: crt, encoding: .utf8), try String(contentsOfFile: key, encoding: .utf8))
    }

    static func secret(_ name: String, cert: String, key: String) -> APIObject {
        .secret(Secret(metadata: ObjectMeta(name: name, namespace: "default"), type: "kubernetes.io/tls",
                       data: ["tls.crt": Data(cert.utf8).base64EncodedString(), "tls.key": Data(key.utf8).base64EncodedString()]))
    }

    /// The subject of the certificate the server presents for `sni` (nil: no SNI sent).
    static func servedSubject(_ c: IngressTestCluster, sni: String?) async throws -> String {
        var args = ["s_client", "-connect", "\(c.address):\(c.httpsPort)", "-showcerts"]
        if let sni { args += ["-servername", sni] } else { args += ["-noservername"] }
        let r = try await Curl.tool("/usr/bin/openssl", args, stdin: "")
        let line = r.out.split(separator: "\n").first { $0.hasPrefix("subject=") || $0.contains(" s:") } ?? ""
        return line.replacingOccurrences(of: " ", with: "")
    }

    @Test func certificateBySNIDefaultOtherwiseRedirectAndLiveSecretChange() async throws {
        let c = try await IngressTestCluster(block: 159)
        try await c.backend(c.backendIP(1), name: "secure")
        try await c.service("foo-bar-com", ips: [c.backendIP(1)])
        let v1 = try await Self.makeCert("foo.bar.com", org: "first")
        try c.loop.registry.create(Self.secret("conformance-tls", cert: v1.cert, key: v1.key))
        try await c.apply(F.ingress("tls", rules: [F.rule("foo.bar.com", F.path("/", "Prefix", "foo-bar-com", port: "http"))],
                                    tls: [F.tls(["foo.bar.com"], secret: "conformance-tls")]))
        let subject = try await Self.servedSubject(c, sni: "foo.bar.com")
        #expect(subject.contains("CN=foo.bar.com") && subject.contains("O=first"), "\(subject)")
        let unknown = try await Self.servedSubject(c, sni: "unknown.example.com")
        #expect(unknown.contains("CN=SwitchboardIngressControllerFakeCertificate"), "\(unknown)")
        let noSNI = try await Self.servedSubject(c, sni: nil)
        #expect(noSNI.contains("FakeCertificate"), "\(noSNI)")

        let r = try await c.curl("foo.bar.com", "/secure", https: true, ["--cacert", v1.path])
        #expect(r.status == 200, "\(r.stderr)")
        #expect(r["backend"] == "secure" && r["x-forwarded-proto"] == "https")
        // Plain HTTP to a TLS host: 308 to https (ssl-redirect defaults to true, as in ingress-nginx).
        let plain = try await c.curl("foo.bar.com", "/a?b=1")
        #expect(plain.status == 308)
        #expect(plain.headers.contains("Location: https://foo.bar.com/a?b=1"))

        // A new certificate in the Secret applies to the next handshake, no restart.
        let v2 = try await Self.makeCert("foo.bar.com", org: "second")
        var s = try #require(c.store.get(Secret.self, namespace: "default", name: "conformance-tls"))
        s.data = ["tls.crt": Data(v2.cert.utf8).base64EncodedString(), "tls.key": Data(v2.key.utf8).base64EncodedString()]
        try c.loop.registry.update(.secret(s))
        await c.sync()
        #expect(try await Self.servedSubject(c, sni: "foo.bar.com").contains("O=second"))
        #expect(try await c.curl("foo.bar.com", "/", https: true, ["--cacert", v2.path]).status == 200)

        // A broken Secret: default certificate, reported by name, key never shown.
        s = try #require(c.store.get(Secret.self, namespace: "default", name: "conformance-tls"))
        s.data = ["tls.crt": Data("not a pem".utf8).base64EncodedString(), "tls.key": Data(v2.key.utf8).base64EncodedString()]
        try c.loop.registry.update(.secret(s))
        await c.sync()
        #expect(try await Self.servedSubject(c, sni: "foo.bar.com").contains("FakeCertificate"))
        let snap = c.controller.snapshot()
        #expect(snap.tlsProblems == ["secret default/conformance-tls: tls.crt holds no PEM certificate"])
        let keyBody = v2.key.split(separator: "\n")[1]
        #expect(!"\(snap)".contains(keyBody))
        await c.stop()
    }

    @Test func sslRedirectCanBeTurnedOffAndWildcardTLSHosts() async throws {
        let c = try await IngressTestCluster(block: 160)
        try await c.backend(c.backendIP(1), name: "w")
        try await c.service("w", ips: [c.backendIP(1)])
        let cert = try await Self.makeCert("*.wild.test", org: "wild")
        try c.loop.registry.create(Self.secret("wild", cert: cert.cert, key: cert.key))
        try await c.apply(F.ingress("w", rules: [F.rule("*.wild.test", F.path("/", "Prefix", "w"))],
                                    tls: [F.tls(["*.wild.test"], secret: "wild")],
                                    annotations: ["nginx.ingress.kubernetes.io/ssl-redirect": "false"]))
        #expect(try await c.curl("a.wild.test").status == 200, "ssl-redirect: false serves plain HTTP")
        #expect(try await Self.servedSubject(c, sni: "a.wild.test").contains("O=wild"))
        #expect(try await Self.servedSubject(c, sni: "a.b.wild.test").contains("FakeCertificate"))
        // Garbage instead of a TLS handshake affects only that connection.
        let raw = try ProxyRawSocket(to: c.address, c.httpsPort)
        raw.send("GET / HTTP/1.1\r\nHost: a.wild.test\r\n\r\n")
        let answer = try await offPool { raw.receive() }
        raw.close()
        #expect(answer.ended == "eof" || answer.ended == "reset")
        #expect(try await Self.servedSubject(c, sni: "a.wild.test").contains("O=wild"))
        await c.stop()
    }
}
