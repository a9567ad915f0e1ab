import ClusterModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A Kubernetes API client for attached dashboards (list + watch, patch), over plain HTTP on
/// loopback or TLS with a bearer token or client certificate from a kubeconfig.
public enum KubeClientInfo {
    public static let userAgent = "switchboard"
}

/// A list answer: the objects and the collection's resourceVersion to watch from.
public struct ObjectList<T: KubeObject>: Sendable {
    public var items: [T]
    public var resourceVersion: String
}

/// One event of a watch stream. ERROR events end the stream with `KubeClientError.status`
/// (410 Expired among them), as client-go's watch decoder does.
public enum WatchEvent<T: KubeObject>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    /// The server's progress mark: resume from here without any object having changed.
    case bookmark(resourceVersion: String)

    /// The resourceVersion to resume from after this event.
    public var resourceVersion: String? {
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): o.metadata.resourceVersion
        case .bookmark(let rv): rv
        }
    }
}

/// Talks to one API server: list, watch, get, merge patch, delete, each bounded in time. Objects
/// decode into ClusterModel's Codable types; fields they do not model are ignored, so a real
/// cluster's objects read as well as Switchboard's own.
public final class KubeClient: Sendable {
    public let connection: ClusterConnection
    let transport: HTTPTransport
    /// Seconds a watch asks the server to keep it open (`timeoutSeconds`); the client gives up
    /// on a silent stream 30 s after that, so a half-open connection cannot hang a dashboard.
    public let watchTimeoutSeconds: Int

    public init(connection: ClusterConnection, group: (any EventLoopGroup)? = nil,
                watchTimeoutSeconds: Int = 300) throws(KubeClientError) {
        self.connection = connection
        self.watchTimeoutSeconds = watchTimeoutSeconds
        transport = try HTTPTransport(connection: connection, group: group ?? MultiThreadedEventLoopGroup.singleton)
    }

    /// `https://host:port`, as messages and the dashboard header name the server.
    public var serverName: String { transport.serverName }

    /// The collection path of `kind`, in one namespace or across all of them.
    public static func path(_ kind: ResourceKind, namespace: String? = nil, name: String? = nil,
                            subresource: String? = nil) -> String {
        var p = kind.group.isEmpty ? "/api/v1" : "/apis/\(kind.group)/\(kind.version)"
        if kind.namespaced, let namespace, !namespace.isEmpty { p += "/namespaces/\(escape(namespace))" }
        p += "/\(kind.plural)"
        if let name { p += "/\(escape(name))" }
        if let subresource { p += "/\(subresource)" }
        return p
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? s
    }

    /// `GET /version`: proves the server is there and the credentials work.
    public func version() async throws(KubeClientError) -> [String: String] {
        let (status, body) = try await transport.send(method: .GET, path: "/version")
        try check(status, body)
        guard let v = try? JSONDecoder().decode([String: String].self, from: Data(body)) else {
            throw .malformed(server: serverName, "/version is not a version object")
        }
        return v
    }

    public func list<T: KubeObject>(_ type: T.Type, namespace: String? = nil) async throws(KubeClientError) -> ObjectList<T> {
        let (status, body) = try await transport.send(method: .GET, path: Self.path(T.resource, namespace: namespace))
        try check(status, body)
        do {
            let list = try KubeDecoding.list(T.self, from: Data(body))
            return ObjectList(items: list.items, resourceVersion: list.resourceVersion)
        } catch {
            throw .malformed(server: serverName, "the \(T.resource.kind)List does not decode: \(Self.describe(error))")
        }
    }

    public func get<T: KubeObject>(_ type: T.Type, namespace: String?, name: String) async throws(KubeClientError) -> T {
        let (status, body) = try await transport.send(method: .GET, path: Self.path(T.resource, namespace: namespace, name: name))
        try check(status, body)
        do { return try KubeDecoding.object(T.self, from: Data(body)) } catch {
            throw .malformed(server: serverName, "the \(T.resource.kind) does not decode: \(Self.describe(error))")
        }
    }

    /// One watch request from `resourceVersion` (no reconnection; `Reflector` adds that). The
    /// stream ends when the server closes it (normally after `watchTimeoutSeconds`), and throws
    /// on ERROR events, HTTP errors, and silence longer than the timeout.
    public func watch<T: KubeObject>(_ type: T.Type, namespace: String? = nil,
                                     resourceVersion: String) -> AsyncThrowingStream<WatchEvent<T>, Error> {
        var query = "?watch=true&allowWatchBookmarks=true&timeoutSeconds=\(watchTimeoutSeconds)"
        if !resourceVersion.isEmpty { query += "&resourceVersion=\(resourceVersion)" }
        let parts = transport.stream(method: .GET, path: Self.path(T.resource, namespace: namespace) + query,
                                     totalTimeout: nil, idleTimeout: Double(watchTimeoutSeconds) + 30)
        let server = serverName
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, Error>.makeStream()
        let task = Task {
            var decoder = WatchLineDecoder<T>(server: server)
            var status = 0
            var errorBody: [UInt8] = []
            do {
                for try await part in parts {
                    switch part {
                    case .head(let s, _): status = s
                    case .body(let buffer):
                        if status != 200 {
                            errorBody += buffer.readableBytesView
                            continue
                        }
                        for event in try decoder.feed(buffer) { continuation.yield(event) }
                    }
                }
                if status != 200 { throw Self.statusError(status, errorBody, server: server) }
                for event in try decoder.finish() { continuation.yield(event) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// `PATCH` with `application/merge-patch+json` (RFC 7386), as `kubectl patch --type merge`
    /// sends it; the API server validates the result exactly as for any other write.
    @discardableResult
    public func patch(_ kind: ResourceKind, namespace: String?, name: String, mergePatch: JSONValue,
                      subresource: String? = nil) async throws(KubeClientError) -> JSONValue {
        let body = (try? JSONEncoder().encode(mergePatch)).map(Array.init) ?? []
        let (status, response) = try await transport.send(
            method: .PATCH, path: Self.path(kind, namespace: namespace, name: name, subresource: subresource) + "?fieldManager=switchboard",
            headers: [("Content-Type", "application/merge-patch+json")], body: body)
        try check(status, response)
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(response))) ?? .null
    }

    /// `DELETE` in the background, as `kubectl delete` does.
    public func delete(_ kind: ResourceKind, namespace: String?, name: String) async throws(KubeClientError) {
        let (status, response) = try await transport.send(
            method: .DELETE, path: Self.path(kind, namespace: namespace, name: name),
            headers: [("Content-Type", "application/json")], body: Array(#"{"propagationPolicy":"Background"}"#.utf8))
        try check(status, response)
    }

    private func check(_ status: Int, _ body: [UInt8]) throws(KubeClientError) {
        guard (200..<300).contains(status) else { throw Self.statusError(status, body, server: serverName) }
    }

    /// A non-2xx answer as a Status: the server's own when it sent one, else built from the code.
    static func statusError(_ code: Int, _ body: [UInt8], server: String) -> KubeClientError {
        if var st = try? JSONDecoder().decode(KubeStatus.self, from: Data(body)), st.kind == "Status" || st.message != nil {
            if st.code == nil { st.code = code }
            return .status(server: server, st)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = HTTPResponseStatus(statusCode: code).reasonPhrase.replacingOccurrences(of: " ", with: "")
        return .status(server: server, KubeStatus(code: code, reason: reason, message: text.isEmpty ? nil : text))
    }

    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// Splits a watch body into newline-delimited JSON events, whatever the chunk boundaries.
struct WatchLineDecoder<T: KubeObject> {
    let server: String
    private var pending: [UInt8] = []

    init(server: String) { self.server = server }

    mutating func feed(_ buffer: ByteBuffer) throws(KubeClientError) -> [WatchEvent<T>] {
        pending += buffer.readableBytesView
        var events: [WatchEvent<T>] = []
        while let nl = pending.firstIndex(of: 0x0A) {
            let line = Array(pending[..<nl])
            pending.removeSubrange(...nl)
            if let e = try decode(line) { events.append(e) }
        }
        return events
    }

    mutating func finish() throws(KubeClientError) -> [WatchEvent<T>] {
        defer { pending = [] }
        return try decode(pending).map { [$0] } ?? []
    }

    private struct Envelope<O: Decodable>: Decodable {
        var type: String
        var object: O
    }

    private func object(_ data: Data, _ decoder: JSONDecoder) throws -> T {
        if let e = try? decoder.decode(Envelope<T>.self, from: data) { return e.object }
        return try KubeDecoding.object(T.self, tree: try decoder.decode(Envelope<JSONValue>.self, from: data).object)
    }

    private struct Bookmark: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    private struct Kind: Decodable { var type: String }

    func decode(_ line: [UInt8]) throws(KubeClientError) -> WatchEvent<T>? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { return nil }
        let data = Data(line)
        let decoder = JSONDecoder()
        do {
            let type = try decoder.decode(Kind.self, from: data).type
            switch type {
            case "ADDED": return .added(try object(data, decoder))
            case "MODIFIED": return .modified(try object(data, decoder))
            case "DELETED": return .deleted(try object(data, decoder))
            case "BOOKMARK":
                return .bookmark(resourceVersion: try decoder.decode(Envelope<Bookmark>.self, from: data).object.metadata?.resourceVersion ?? "")
            case "ERROR":
                var st = try decoder.decode(Envelope<KubeStatus>.self, from: data).object
                if st.code == nil { st.code = 500 }
                throw KubeClientError.status(server: server, st)
            default:
                throw KubeClientError.malformed(server: server, "unknown watch event type \(type)")
            }
        } catch let e as KubeClientError {
            throw e
        } catch {
            throw .malformed(server: server, "a \(T.resource.kind) watch event does not decode: \(KubeClient.describe(error))")
        }
    }
}
