import Foundation
import KubeAPI

/// How `switchboard up` serves the Kubernetes API: plain HTTP on loopback by default; HTTPS with
/// a bearer token when asked (`--api-tls`) or when listening beyond loopback, which also writes
/// a kubeconfig for the user. Flag names follow kube-apiserver's (`--tls-cert-file`,
/// `--tls-private-key-file`, `--token-file`) so instructions for one read for the other.
struct APIServing {
    var host: String
    var port: Int
    /// nil: plain HTTP.
    var security: KubeAPIServer.Security?
    /// PEM the kubeconfig trusts (the generated CA, or the given certificate chain).
    var trustedPEM: String?
    var kubeconfigPath: String?
    var tokenPath: String?

    var isLoopback: Bool { Self.isLoopback(host) }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT`, `[V6]:PORT`.
    static func parseAddress(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-".contains($0) }) else { return nil }
        return (host, port)
    }

    /// `$XDG_STATE_HOME/switchboard`, else `~/.local/state/switchboard`.
    static func stateDirectory() -> URL {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("switchboard")
        }
        let home = env["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/state/switchboard")
    }

    struct SetupError: Error, CustomStringConvertible { var description: String }

    /// Resolves certificates (given or generated with openssl) and the token (read or
    /// generated) before the engine starts, so a problem stops `up` with one clear message.
    static func prepare(address: String, tls: Bool, certFile: String?, keyFile: String?, tokenFile: String?,
                        kubeconfig: String?) throws -> APIServing {
        guard let (host, port) = parseAddress(address) else {
            throw SetupError(description: "--api-server must be HOST:PORT, e.g. 127.0.0.1:6443 or 0.0.0.0:6443")
        }
        var serving = APIServing(host: host, port: port)
        let secure = tls || !serving.isLoopback || certFile != nil || tokenFile != nil
        guard secure else {
            serving.kubeconfigPath = kubeconfig
            return serving
        }
        if (certFile == nil) != (keyFile == nil) {
            throw SetupError(description: "--tls-cert-file and --tls-private-key-file go together")
        }
        let state = stateDirectory()
        let kubeconfigPath = kubeconfig ?? state.appendingPathComponent("kubeconfig").path
        serving.kubeconfigPath = kubeconfigPath
        let certificate: String, key: String
        if let certFile, let keyFile {
            (certificate, key) = (certFile, keyFile)
            serving.trustedPEM = try readText(certFile, what: "--tls-cert-file")
        } else {
            let safeHost = host.replacingOccurrences(of: ":", with: "_")
            do {
                let files = try ServingCertificates.generate(in: state.appendingPathComponent("pki"),
                                                             servingName: "apiserver-\(safeHost)-\(port)",
                                                             hosts: [host, Self.hostName()])
                (certificate, key) = (files.certificate, files.key)
                serving.trustedPEM = try readText(files.caCertificate, what: "the generated CA")
            } catch let e as ServingCertificates.GenerationError {
                throw SetupError(description: e.description)
            }
        }
        let token: String
        if let tokenFile {
            token = try readText(tokenFile, what: "--token-file").split(whereSeparator: \.isNewline).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard !token.isEmpty else { throw SetupError(description: "--token-file \(tokenFile) holds no token") }
        } else {
            var rng = SystemRandomNumberGenerator()
            token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
            let path = kubeconfigPath + ".token"
            try ServingKubeconfig.writePrivate(token + "\n", to: path)
            serving.tokenPath = path
        }
        serving.security = KubeAPIServer.Security(certificateChainFile: certificate, privateKeyFile: key, bearerToken: token)
        return serving
    }

    /// gethostname(2): no resolver lookup (ProcessInfo.hostName may wait on DNS).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readText(_ path: String, what: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SetupError(description: "cannot read \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// The server URL a client on this machine uses: the bound address, or 127.0.0.1 for a
    /// wildcard bind.
    func clientURL(port bound: Int) -> String {
        let h = (host == "0.0.0.0" || host == "::") ? "127.0.0.1" : host
        return "\(security == nil ? "http" : "https")://\(h.contains(":") ? "[\(h)]" : h):\(bound)"
    }

    /// Writes the kubeconfig (when there is one to write) for the port actually bound; returns
    /// its path.
    func writeKubeconfig(boundPort: Int, namespace: String) throws -> String? {
        guard let kubeconfigPath else { return nil }
        let config = ServingKubeconfig(server: clientURL(port: boundPort), certificateAuthorityPEM: trustedPEM,
                                token: security?.bearerToken, namespace: namespace)
        try config.write(to: kubeconfigPath)
        return kubeconfigPath
    }
}
