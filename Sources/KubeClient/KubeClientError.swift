import ClusterModel
import Foundation

/// `meta/v1 Status`: how the API server says no. Kept whole so callers can show kubectl's own
/// words (`Error from server (NotFound): services "x" not found`) and the causes of a 422.
public struct KubeStatus: Codable, Sendable, Hashable {
    public struct Cause: Codable, Sendable, Hashable {
        public var reason: String?
        public var message: String?
        public var field: String?
    }

    public struct Details: Codable, Sendable, Hashable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
    }

    public var kind: String?
    public var apiVersion: String?
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(code: Int, reason: String?, message: String?) {
        self.kind = "Status"
        self.apiVersion = "v1"
        self.status = "Failure"
        self.code = code
        self.reason = reason
        self.message = message
    }

    /// kubectl's wording: `(Reason): message`, with a 422's causes one per line.
    public var text: String {
        var s = "(\(reason ?? "HTTP \(code ?? 0)"))"
        if let message, !message.isEmpty { s += ": \(message)" }
        if reason == "Invalid", let causes = details?.causes, !causes.isEmpty, message?.contains(":") != true {
            s += causes.map { "\n* \($0.field.map { "\($0): " } ?? "")\($0.message ?? "")" }.joined()
        }
        return s
    }
}

/// Everything that can go wrong talking to an API server, each with a message a person can act
/// on: which server, what failed, and what to check.
public enum KubeClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A kubeconfig or flag problem, before any connection.
    case configuration(String)
    /// The server answered with a Status (or a bare HTTP error).
    case status(server: String, KubeStatus)
    /// Nothing listens there (ECONNREFUSED) or the host cannot be reached.
    case unreachable(server: String, String)
    /// No answer in time.
    case timeout(server: String, what: String, seconds: Double)
    /// The TLS handshake failed (certificate not trusted, wrong name, client cert refused).
    case tls(server: String, String)
    /// The connection broke mid-answer.
    case connectionLost(server: String, String)
    /// The server's answer was not the JSON we expected.
    case malformed(server: String, String)

    public var description: String {
        switch self {
        case .configuration(let m): return m
        case .status(let server, let st):
            switch st.code {
            case 401:
                return "\(server) refused the credentials (401 Unauthorized): the token or client certificate is wrong, expired "
                    + "or missing" + (st.message.map { " (\($0))" } ?? "")
            case 403:
                return "\(server) forbids this (403 Forbidden): \(st.message ?? "the user lacks RBAC permission")"
            default:
                return "Error from server \(st.text)"
            }
        case .unreachable(let server, let why):
            return "cannot connect to \(server): \(why). Is the API server running there (switchboard up --headless), "
                + "and is the address right?"
        case .timeout(let server, let what, let seconds):
            return "\(server) did not answer \(what) within \(Self.seconds(seconds)); it may be overloaded, or a firewall drops the packets"
        case .tls(let server, let why):
            return "TLS with \(server) failed: \(why)"
        case .connectionLost(let server, let why):
            return "the connection to \(server) broke: \(why)"
        case .malformed(let server, let why):
            return "\(server) sent an answer that is not a Kubernetes object: \(why)"
        }
    }

    /// The HTTP code of a Status, nil for transport failures.
    public var statusCode: Int? {
        if case .status(_, let st) = self { return st.code }
        return nil
    }

    /// A watch or list the server says is too old to resume (410 Gone / Expired): relist.
    public var isExpired: Bool {
        if case .status(_, let st) = self { return st.code == 410 || st.reason == "Expired" || st.reason == "Gone" }
        return false
    }

    /// Retrying cannot help (bad credentials, forbidden, bad configuration, untrusted certificate).
    public var isPermanent: Bool {
        switch self {
        case .configuration, .tls: true
        case .status(_, let st): st.code == 401 || st.code == 403 || st.code == 404
        default: false
        }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}
