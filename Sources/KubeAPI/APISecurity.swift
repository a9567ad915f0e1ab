import Foundation
import NIOSSL

extension KubeAPIServer {
    /// HTTPS and a bearer token: what the server requires before it listens beyond loopback
    /// (and what `switchboard up --api-tls` opts into on loopback). The files are PEM, as for
    /// kube-apiserver's `--tls-cert-file` / `--tls-private-key-file`.
    public struct Security: Sendable, Hashable {
        /// The serving certificate, optionally followed by its intermediates.
        public var certificateChainFile: String
        public var privateKeyFile: String
        /// Every request but the health probes must carry `Authorization: Bearer <token>`.
        public var bearerToken: String

        public init(certificateChainFile: String, privateKeyFile: String, bearerToken: String) {
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
            self.bearerToken = bearerToken
        }

        /// Loads the PEM files now, so a bad file fails `start()` with its name rather than the
        /// first handshake.
        func makeContext() throws -> NIOSSLContext {
            let chain: [NIOSSLCertificate]
            do { chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile) } catch {
                throw ServerError.tls("cannot read the certificate \(certificateChainFile): \(error)")
            }
            guard !chain.isEmpty else { throw ServerError.tls("\(certificateChainFile) holds no PEM certificate") }
            let key: NIOSSLPrivateKey
            do { key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem) } catch {
                throw ServerError.tls("cannot read the private key \(privateKeyFile): \(error)")
            }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                               privateKey: .privateKey(key))
            do { return try NIOSSLContext(configuration: tls) } catch {
                throw ServerError.tls("the certificate and key do not make a TLS configuration: \(error)")
            }
        }
    }
}

/// The bearer-token check, as kube-apiserver's token authenticator answers it: health probes
/// are public (load balancers and kubelets probe without credentials); anything else without
/// the token is a 401 `Status` with reason Unauthorized.
struct BearerTokenCheck: Sendable {
    let token: [UInt8]

    init(token: String) { self.token = Array(token.utf8) }

    static let publicPaths: Set<String> = ["/livez", "/readyz", "/healthz"]

    /// True when the request may proceed.
    func allows(path: String, authorization: String?) -> Bool {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        if Self.publicPaths.contains(bare) || Self.publicPaths.contains(where: { bare.hasPrefix($0 + "/") }) { return true }
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return Self.constantTimeEqual(Array(parts[1].trimmingCharacters(in: .whitespaces).utf8), token)
    }

    /// Comparison whose time does not depend on where the first difference is.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}

extension APIError {
    /// What kube-apiserver answers a request whose credentials no authenticator accepts.
    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
}
