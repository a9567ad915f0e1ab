import Foundation

/// The kubeconfig the server writes for its users (kubectl, `switchboard top`, any client-go
/// program) when it requires TLS and a token; reading kubeconfigs is KubeClient's business. One
/// cluster with the CA inline (`certificate-authority-data`), one user with the token, one
/// context, current. Written with mode 0600 since it holds the credential.
public struct ServingKubeconfig: Sendable, Hashable {
    public var server: String
    /// PEM of the CA that signed the serving certificate; nil for plain HTTP.
    public var certificateAuthorityPEM: String?
    public var token: String?
    public var name: String
    public var namespace: String

    public init(server: String, certificateAuthorityPEM: String?, token: String?, name: String = "switchboard",
                namespace: String = "default") {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.token = token
        self.name = name
        self.namespace = namespace
    }

    /// The YAML, in the layout `kubectl config view --raw` prints.
    public var yaml: String {
        var cluster = "    server: \(server)\n"
        if let ca = certificateAuthorityPEM {
            cluster = "    certificate-authority-data: \(Data(ca.utf8).base64EncodedString())\n" + cluster
        }
        let user = token.map { "    token: \($0)\n" } ?? "    {}\n"
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
            \(cluster)  name: \(name)
            contexts:
            - context:
                cluster: \(name)
                namespace: \(namespace)
                user: \(name)
              name: \(name)
            current-context: \(name)
            preferences: {}
            users:
            - name: \(name)
              user:
            \(user)
            """
    }

    /// Writes `contents` to `path` with mode 0600 (parent directories 0700 when created),
    /// replacing any previous file atomically.
    public static func writePrivate(_ contents: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temp.path]) }
        fchmod(fd, 0o600)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(contents.utf8))
            try handle.close()
        } catch {
            unlink(temp.path)
            throw error
        }
        if rename(temp.path, url.path) != 0 {
            unlink(temp.path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    public func write(to path: String) throws { try Self.writePrivate(yaml, to: path) }
}
