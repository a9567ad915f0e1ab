import Foundation
import Yams

/// What one attached dashboard needs to reach one API server: where, how to trust it, and who
/// it is. Built from a kubeconfig context or from `--server`/`--token` flags, so the rest of the
/// client never reads files or flags.
public struct ClusterConnection: Sendable, Hashable {
    /// `https://host:port` or `http://host:port`, optionally with a path prefix (kubectl proxy).
    public var server: URL
    /// PEM bundle the server's certificate must chain to; nil uses the system trust store.
    public var certificateAuthorityPEM: [UInt8]?
    /// Accept any server certificate (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify: Bool
    /// Overrides the name sent as SNI and checked against the certificate (`tls-server-name`).
    public var tlsServerName: String?
    public var bearerToken: String?
    /// Re-read on every request, as client-go does, so rotated service-account tokens keep working.
    public var tokenFile: String?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// The context's namespace (the dashboard shows all namespaces; actions name their own).
    public var namespace: String?
    /// Seconds to establish TCP (and TLS) before giving up with a clear message.
    public var connectTimeout: Double
    /// Seconds a non-watch request may take end to end.
    public var requestTimeout: Double

    public init(server: URL, certificateAuthorityPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
                tlsServerName: String? = nil, bearerToken: String? = nil, tokenFile: String? = nil,
                clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, namespace: String? = nil,
                connectTimeout: Double = 5, requestTimeout: Double = 15) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.bearerToken = bearerToken
        self.tokenFile = tokenFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.namespace = namespace
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// Parses `--server` as kubectl does: a bare `host:port` means https.
    public static func server(_ text: String) throws(KubeClientError) -> URL {
        let withScheme = text.contains("://") ? text : "https://\(text)"
        guard let url = URL(string: withScheme), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw .configuration("server \"\(text)\" is not a URL such as https://127.0.0.1:6443")
        }
        return url
    }

    var usesTLS: Bool { server.scheme?.lowercased() == "https" }
    var host: String { server.host ?? "" }
    var port: Int { server.port ?? (usesTLS ? 443 : 80) }
    /// A path prefix to put before `/api/...` (servers behind a proxy path).
    var pathPrefix: String {
        let p = server.path
        return p.hasSuffix("/") ? String(p.dropLast()) : p
    }

    /// The token to send now: the file's current content wins over a fixed token.
    func currentToken() -> String? {
        if let tokenFile, let data = FileManager.default.contents(atPath: tokenFile),
           let text = String(data: data, encoding: .utf8) {
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { return t }
        }
        return bearerToken
    }
}

/// A kubeconfig file (`~/.kube/config`): clusters, users and contexts, as kubectl reads them.
/// Only what a dashboard needs is kept; exec and auth-provider plugins are refused with a message
/// rather than silently ignored.
public struct Kubeconfig: Sendable, Hashable {
    public struct Cluster: Sendable, Hashable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
    }

    public struct User: Sendable, Hashable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        /// `exec` or `auth-provider`, which this client cannot run.
        public var unsupportedPlugin: String?
    }

    public struct Context: Sendable, Hashable {
        public var cluster: String
        public var user: String?
        public var namespace: String?
    }

    public var clusters: [String: Cluster]
    public var users: [String: User]
    public var contexts: [String: Context]
    public var currentContext: String?
    /// Relative certificate and token paths are resolved against the file's own directory.
    public var directory: String

    /// Reads and parses a kubeconfig file.
    public static func load(path: String) throws(KubeClientError) -> Kubeconfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read kubeconfig \(path)")
        }
        let dir = (path as NSString).deletingLastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), directory: dir.isEmpty ? "." : dir)
    }

    public static func parse(_ text: String, directory: String = ".") throws(KubeClientError) -> Kubeconfig {
        let root: [String: Any]
        do {
            guard let r = try Yams.load(yaml: text) as? [String: Any] else {
                throw KubeClientError.configuration("kubeconfig is not a YAML mapping")
            }
            root = r
        } catch let e as KubeClientError {
            throw e
        } catch {
            throw .configuration("kubeconfig is not valid YAML: \(error)")
        }
        func named(_ key: String, _ inner: String) -> [(String, [String: Any])] {
            (root[key] as? [Any] ?? []).compactMap { item in
                guard let m = item as? [String: Any], let name = m["name"] as? String else { return nil }
                return (name, m[inner] as? [String: Any] ?? [:])
            }
        }
        func string(_ m: [String: Any], _ k: String) -> String? {
            if let s = m[k] as? String { return s }
            if let i = m[k] as? Int { return String(i) }
            return nil
        }
        var config = Kubeconfig(clusters: [:], users: [:], contexts: [:],
                                currentContext: string(root, "current-context"), directory: directory)
        for (name, c) in named("clusters", "cluster") {
            guard let server = string(c, "server") else {
                throw .configuration("kubeconfig cluster \"\(name)\" has no server")
            }
            config.clusters[name] = Cluster(
                server: server, certificateAuthority: string(c, "certificate-authority"),
                certificateAuthorityData: string(c, "certificate-authority-data"),
                insecureSkipTLSVerify: c["insecure-skip-tls-verify"] as? Bool ?? false,
                tlsServerName: string(c, "tls-server-name"))
        }
        for (name, u) in named("users", "user") {
            config.users[name] = User(
                token: string(u, "token"), tokenFile: string(u, "tokenFile"),
                clientCertificate: string(u, "client-certificate"),
                clientCertificateData: string(u, "client-certificate-data"), clientKey: string(u, "client-key"),
                clientKeyData: string(u, "client-key-data"),
                unsupportedPlugin: u["exec"] != nil ? "exec" : u["auth-provider"] != nil ? "auth-provider" : nil)
        }
        for (name, c) in named("contexts", "context") {
            guard let cluster = string(c, "cluster") else {
                throw .configuration("kubeconfig context \"\(name)\" names no cluster")
            }
            config.contexts[name] = Context(cluster: cluster, user: string(c, "user"), namespace: string(c, "namespace"))
        }
        return config
    }

    /// The connection for `context` (the current context when nil), with every file read now so
    /// a missing certificate is reported at start, not at the first request.
    public func connection(context: String? = nil) throws(KubeClientError) -> ClusterConnection {
        guard let contextName = context ?? currentContext, !contextName.isEmpty else {
            throw .configuration("kubeconfig has no current-context; pass --context (one of: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let ctx = contexts[contextName] else {
            throw .configuration("context \"\(contextName)\" not found in kubeconfig (known: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let cluster = clusters[ctx.cluster] else {
            throw .configuration("context \"\(contextName)\" names cluster \"\(ctx.cluster)\", which the kubeconfig does not define")
        }
        var user = User()
        if let u = ctx.user {
            guard let found = users[u] else {
                throw .configuration("context \"\(contextName)\" names user \"\(u)\", which the kubeconfig does not define")
            }
            user = found
        }
        if let plugin = user.unsupportedPlugin, user.token == nil, user.tokenFile == nil, user.clientCertificate == nil,
           user.clientCertificateData == nil {
            throw .configuration("user \"\(ctx.user ?? "")\" authenticates with an \(plugin) plugin, which switchboard cannot run; "
                + "use a kubeconfig with a token or client certificate (e.g. kubectl create token …)")
        }
        var c = ClusterConnection(server: try ClusterConnection.server(cluster.server))
        c.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify
        c.tlsServerName = cluster.tlsServerName
        c.certificateAuthorityPEM = try material(data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
                                                 what: "certificate-authority")
        c.bearerToken = user.token
        c.tokenFile = user.tokenFile.map(resolve)
        if let f = c.tokenFile, !FileManager.default.isReadableFile(atPath: f) {
            throw .configuration("cannot read tokenFile \(f)")
        }
        c.clientCertificatePEM = try material(data: user.clientCertificateData, file: user.clientCertificate,
                                              what: "client-certificate")
        c.clientKeyPEM = try material(data: user.clientKeyData, file: user.clientKey, what: "client-key")
        if (c.clientCertificatePEM == nil) != (c.clientKeyPEM == nil) {
            throw .configuration("user \"\(ctx.user ?? "")\" has a client certificate without a key or a key without a certificate")
        }
        c.namespace = ctx.namespace
        return c
    }

    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSHomeDirectory() + String(path.dropFirst(1)) }
        return directory + "/" + path
    }

    /// `*-data` (base64) wins over the file, as in client-go.
    private func material(data: String?, file: String?, what: String) throws(KubeClientError) -> [UInt8]? {
        if let data {
            guard let d = Data(base64Encoded: data.filter { !$0.isWhitespace }) else {
                throw .configuration("\(what)-data is not valid base64")
            }
            return Array(d)
        }
        if let file {
            let path = resolve(file)
            guard let d = FileManager.default.contents(atPath: path) else {
                throw .configuration("cannot read \(what) file \(path)")
            }
            return Array(d)
        }
        return nil
    }
}
