import ClusterModel
import Foundation
import NIOSSL

/// A certificate chain and key parsed from a kubernetes.io/tls Secret. Deliberately not
/// CustomStringConvertible: nothing prints or logs the key, and errors name only the Secret.
struct IngressCertificate: Sendable {
    var secret: ObjectKey
    var resourceVersion: String?
    var chain: [NIOSSLCertificate]
    var key: NIOSSLPrivateKey

    /// Parses `tls.crt`/`tls.key` (PEM, base64 in `data`, as `kubectl create secret tls` writes
    /// them). The error says what is wrong without quoting the data.
    static func parse(_ secret: Secret) -> Result<IngressCertificate, IngressTLSError> {
        let name = secret.key
        guard secret.type == nil || secret.type == "kubernetes.io/tls" || secret.type == "Opaque" else {
            return .failure(IngressTLSError(secret: name, reason: "type \(secret.type ?? "") is not kubernetes.io/tls"))
        }
        guard let crtB64 = secret.data?["tls.crt"], let keyB64 = secret.data?["tls.key"] else {
            return .failure(IngressTLSError(secret: name, reason: "missing tls.crt or tls.key"))
        }
        guard let crt = Data(base64Encoded: crtB64, options: .ignoreUnknownCharacters),
              let key = Data(base64Encoded: keyB64, options: .ignoreUnknownCharacters) else {
            return .failure(IngressTLSError(secret: name, reason: "tls.crt or tls.key is not valid base64"))
        }
        guard let chain = try? NIOSSLCertificate.fromPEMBytes(Array(crt)), !chain.isEmpty else {
            return .failure(IngressTLSError(secret: name, reason: "tls.crt holds no PEM certificate"))
        }
        guard let pkey = try? NIOSSLPrivateKey(bytes: Array(key), format: .pem) else {
            return .failure(IngressTLSError(secret: name, reason: "tls.key holds no PEM private key"))
        }
        return .success(IngressCertificate(secret: name, resourceVersion: secret.metadata.resourceVersion, chain: chain, key: pkey))
    }
}

/// Why a TLS Secret is not used (the default certificate is served instead).
struct IngressTLSError: Error, Sendable, CustomStringConvertible {
    var secret: ObjectKey
    var reason: String
    var description: String { "secret \(secret): \(reason)" }
}

/// The certificate served to clients whose SNI name no Ingress covers (and to clients sending
/// none), like ingress-nginx's "Kubernetes Ingress Controller Fake Certificate". It is a FIXED
/// self-signed certificate shipped in the source — public by construction, worthless as a secret,
/// only there so that a TLS handshake to an unknown name completes and the client can see it is
/// talking to the ingress. EC P-256, CN "Switchboard Ingress Controller Fake Certificate",
/// valid 2026–2126. Generated once with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`.
enum IngressDefaultCertificate {
    static let commonName = "Switchboard Ingress Controller Fake Certificate"

    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIICEDCCAbegAwIBAgIUMtMVBwvfJJPxc7jpsJPSgvbnzyAwCgYIKoZIzj0EAwIw
        UDEUMBIGA1UECgwLU3dpdGNoYm9hcmQxODA2BgNVBAMML1N3aXRjaGJvYXJkIElu
        Z3Jlc3MgQ29udHJvbGxlciBGYWtlIENlcnRpZmljYXRlMCAXDTI2MTEyNjE3MjAx
        MVoYDzIxMjYxMTAyMTcyMDExWjBQMRQwEgYDVQQKDAtTd2l0Y2hib2FyZDE4MDYG
        A1UEAwwvU3dpdGNoYm9hcmQgSW5ncmVzcyBDb250cm9sbGVyIEZha2UgQ2VydGlm
        aWNhdGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASr8ZGp7K+STlXCaSyKjhKs
        XckQP/IPKj311vWEKfJCDPVePBcqKjs3n0TjOJFamwKYe6vJiSbCP8V4l2g08Kw1
        o20wazAdBgNVHQ4EFgQU3JQD90sw5qzVJZnwM46ppshBGMUwHwYDVR0jBBgwFoAU
        3JQD90sw5qzVJZnwM46ppshBGMUwDwYDVR0TAQH/BAUwAwEB/zAYBgNVHREEETAP
        gg1pbmdyZXNzLmxvY2FsMAoGCCqGSM49BAMCA0cAMEQCIBPYFRI4zSOdrgswVGV8
        XAPph2QluSgXsAN1bX8NKmErAiBB7zQ97g2t2L5JeDP9SVYbaj7p2xwC1L5ZAwZV
        NG4Sgg==
        -----END CERTIFICATE-----
        """

    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0NmUO2UEw0ODWqu/
        VY1WbP7w2DP4ytU3LA/w2RpGPiahRANCAASr8ZGp7K+STlXCaSyKjhKsXckQP/IP
        Kj311vWEKfJCDPVePBcqKjs3n0TjOJFamwKYe6vJiSbCP8V4l2g08Kw1
        -----END PRIVATE KEY-----
        """

    /// The TLS server context: the default certificate, swapped per handshake for the Secret's
    /// when the SNI name is covered by an Ingress (`lookup` reads the current table, so a Secret
    /// change applies to the next handshake without a restart).
    static func makeContext(lookup: @escaping @Sendable (String?) -> IngressCertificate?) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                              privateKey: .privateKey(key))
        config.applicationProtocols = ["http/1.1"]
        config.sslContextCallback = { values, promise in
            guard let cert = lookup(values.serverHostname) else {
                promise.succeed(.noChanges)
                return
            }
            var o = NIOSSLContextConfigurationOverride()
            o.certificateChain = cert.chain.map { .certificate($0) }
            o.privateKey = .privateKey(cert.key)
            promise.succeed(o)
        }
        return try NIOSSLContext(configuration: config)
    }
}
