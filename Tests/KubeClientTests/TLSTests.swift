import ClusterModel
import Foundation
import KubeClient
import Testing

/// The TLS path against a real TLS server: `openssl s_server -WWW` with a certificate for
/// 127.236.0.20 signed by a throwaway CA, both made by the `openssl` CLI.
@Suite("KubeClient over TLS", .serialized)
struct TLSTests {
    static let host = "127.236.0.20"

    final class OpenSSLServer {
        let dir: URL
        var process: CleanChild?
        let port: Int

        /// - Parameter requireClientCertificate: the server asks for a client certificate signed
        ///   by the test CA and refuses the handshake without one (as an API server with
        ///   client-certificate authentication does).
        init(requireClientCertificate: Bool = false) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("api/v1"), withIntermediateDirectories: true)
            try FixtureServer.fixture("services-list.json").write(to: dir.appendingPathComponent("api/v1/services"),
                                                                   atomically: true, encoding: .utf8)
            try "subjectAltName=IP:\(TLSTests.host)\n".write(to: dir.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
            for ca in ["ca", "other-ca"] {
                try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(ca).key", "-out", "\(ca).crt",
                                  "-days", "1", "-subj", "/CN=switchboard-test-\(ca)"], in: dir)
            }
            try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                              "-subj", "/CN=\(TLSTests.host)"], in: dir)
            try Self.openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                              "-out", "server.crt", "-days", "1", "-extfile", "san.ext"], in: dir)
            try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
                              "-subj", "/CN=dashboard/O=system:masters"], in: dir)
            try Self.openssl(["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                              "-out", "client.crt", "-days", "1"], in: dir)
            port = Int.random(in: 20000..<60000)
            process = try CleanChild(["/usr/bin/openssl", "s_server", "-accept", "\(TLSTests.host):\(port)", "-cert", "server.crt", "-key", "server.key",
                                 "-WWW", "-quiet", "-naccept", "20"]
                + (requireClientCertificate ? ["-Verify", "1", "-CAfile", "ca.crt"] : []), directory: dir.path)
        }

        func pem(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(name))) }

        func stop() {
            // s_server ignores SIGTERM while it waits for a connection.
            process?.stop(grace: 0)
            try? FileManager.default.removeItem(at: dir)
        }

        static func openssl(_ args: [String], in dir: URL) throws {
            let r = try CleanChild(["/usr/bin/openssl"] + args, directory: dir.path).finish(limit: 60)
            guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(args)"]) }
        }
    }

    func client(_ server: OpenSSLServer, ca: String?, insecure: Bool = false, clientCertificate: Bool = false) throws -> KubeClient {
        try KubeClient(connection: ClusterConnection(
            server: URL(string: "https://\(Self.host):\(server.port)")!, certificateAuthorityPEM: try ca.map(server.pem),
            insecureSkipTLSVerify: insecure, bearerToken: clientCertificate ? nil : "t0k",
            clientCertificatePEM: clientCertificate ? try server.pem("client.crt") : nil,
            clientKeyPEM: clientCertificate ? try server.pem("client.key") : nil, connectTimeout: 5, requestTimeout: 10),
            group: clientGroup)
    }

    @Test func aClientCertificateFromTheKubeconfigAuthenticates() async throws {
        let server = try OpenSSLServer(requireClientCertificate: true)
        defer { server.stop() }
        var list: ObjectList<Service>?
        _ = await eventually(timeout: 10) {
            list = try? await client(server, ca: "ca.crt", clientCertificate: true).list(Service.self)
            return list != nil
        }
        #expect(list?.items.count == 2)
        // The same through a kubeconfig with -data fields, as kind and kubeadm write them.
        let kubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: admin
        clusters: [{name: c, cluster: {server: "https://\(Self.host):\(server.port)", certificate-authority-data: \(Data(try server.pem("ca.crt")).base64EncodedString())}}]
        users: [{name: admin, user: {client-certificate-data: \(Data(try server.pem("client.crt")).base64EncodedString()), client-key-data: \(Data(try server.pem("client.key")).base64EncodedString())}}]
        contexts: [{name: admin, context: {cluster: c, user: admin}}]
        """
        let viaConfig = try await KubeClient(connection: try Kubeconfig.parse(kubeconfig).connection(), group: clientGroup).list(Service.self)
        #expect(viaConfig.items.map(\.name) == ["kubernetes", "web"])
        // Without the certificate the server ends the handshake.
        await #expect(throws: KubeClientError.self) { try await client(server, ca: "ca.crt").list(Service.self) }
    }

    @Test func theRightCAListsTheWrongCAIsRefusedWithAnX509Message() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is required")
        let server = try OpenSSLServer()
        defer { server.stop() }
        // s_server needs a moment to listen.
        var list: ObjectList<Service>?
        _ = await eventually(timeout: 10) {
            list = try? await client(server, ca: "ca.crt").list(Service.self)
            return list != nil
        }
        #expect(list?.items.map(\.name) == ["kubernetes", "web"])
        do {
            _ = try await client(server, ca: "other-ca.crt").list(Service.self)
            Issue.record("a certificate from another CA must be refused")
        } catch {
            #expect("\(error)".contains("x509: certificate signed by unknown authority"), "\(error)")
        }
        // Without a CA the system trust store is used, which does not know our test CA either.
        await #expect(throws: KubeClientError.self) { try await client(server, ca: nil).list(Service.self) }
        let insecure = try await client(server, ca: nil, insecure: true).list(Service.self)
        #expect(insecure.items.count == 2)
        // The binary says the same, and exits non-zero.
        let run = try Switchboard.run(["top", "--server", "https://\(Self.host):\(server.port)", "--certificate-authority",
                                       server.dir.appendingPathComponent("other-ca.crt").path, "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("x509"), "\(run.stderr)")
    }
}
