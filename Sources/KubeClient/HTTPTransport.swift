import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// One part of an HTTP response as it arrives.
enum ResponsePart: Sendable {
    case head(status: Int, headers: HTTPHeaders)
    case body(ByteBuffer)
}

/// HTTP/1.1 to one API server, one connection per request (a dashboard makes a handful of
/// requests and a few long watches, so pooling would buy nothing). Every request is bounded:
/// connect within `connectTimeout`, then either a total deadline (list, patch) or an idle
/// deadline (watch), so no caller can hang on a dead server.
final class HTTPTransport: Sendable {
    let connection: ClusterConnection
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?

    /// Builds the TLS context now, so an unreadable certificate is a configuration error at start.
    init(connection: ClusterConnection, group: any EventLoopGroup) throws(KubeClientError) {
        self.connection = connection
        self.group = group
        guard connection.usesTLS else {
            tls = nil
            return
        }
        var config = TLSConfiguration.makeClientConfiguration()
        config.applicationProtocols = ["http/1.1"]
        if connection.insecureSkipTLSVerify {
            config.certificateVerification = .none
        } else if let ca = connection.certificateAuthorityPEM {
            do {
                config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            } catch {
                throw .configuration("the certificate authority is not a PEM certificate: \(error)")
            }
        }
        if let cert = connection.clientCertificatePEM, let key = connection.clientKeyPEM {
            do {
                config.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
                config.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            } catch {
                throw .configuration("the client certificate or key is not valid PEM: \(error)")
            }
        }
        do { tls = try NIOSSLContext(configuration: config) } catch {
            throw .configuration("cannot set up TLS: \(error)")
        }
    }

    /// `https://host:port`, how messages name the server.
    var serverName: String {
        "\(connection.usesTLS ? "https" : "http")://\(connection.host):\(connection.port)"
    }

    /// Sends a request and streams the response. `totalTimeout` bounds the whole exchange,
    /// `idleTimeout` the silence between two reads (for watches); the stream then ends with
    /// `KubeClientError.timeout`. Cancelling the consumer closes the connection.
    func stream(method: HTTPMethod, path: String, headers extra: [(String, String)] = [], body: [UInt8]? = nil,
                totalTimeout: Double?, idleTimeout: Double?) -> AsyncThrowingStream<ResponsePart, Error> {
        let (stream, continuation) = AsyncThrowingStream<ResponsePart, Error>.makeStream()
        let server = serverName
        let conn = connection
        let tls = tls
        let sniName: String? = conn.tlsServerName ?? (Self.isIPAddress(conn.host) ? nil : conn.host)
        let what = method == .GET && path.contains("watch=true") ? "the watch" : "\(method.rawValue) \(Self.pathOnly(path))"
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(conn.connectTimeout * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    if let tls { try ops.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sniName)) }
                    try ops.addHTTPClientHandlers()
                    try ops.addHandler(ResponseHandler(continuation: continuation, server: server, what: what,
                                                       totalTimeout: totalTimeout, idleTimeout: idleTimeout))
                }
            }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: conn.pathPrefix + path)
        head.headers.add(name: "Host", value: conn.port == (conn.usesTLS ? 443 : 80) ? conn.host : "\(conn.host):\(conn.port)")
        head.headers.add(name: "User-Agent", value: KubeClientInfo.userAgent)
        head.headers.add(name: "Accept", value: "application/json")
        if let token = conn.currentToken() { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (k, v) in extra { head.headers.add(name: k, value: v) }
        if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
        let requestHead = head
        let closer = ChannelCloser()
        continuation.onTermination = { _ in closer.terminate() }
        let connectFuture = bootstrap.connect(host: conn.host, port: conn.port)
        connectFuture.whenComplete { result in
            switch result {
            case .failure(let error):
                continuation.finish(throwing: Self.classifyConnect(error, server: server, seconds: conn.connectTimeout))
            case .success(let channel):
                guard closer.attach(channel) else { return }
                channel.write(HTTPClientRequestPart.head(requestHead), promise: nil)
                if let body {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
                }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        return stream
    }

    /// Sends a request and collects the whole response within the connection's request timeout.
    func send(method: HTTPMethod, path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
              maxBytes: Int = 64 << 20) async throws(KubeClientError) -> (status: Int, body: [UInt8]) {
        var status = 0
        var collected = ByteBuffer()
        do {
            for try await part in stream(method: method, path: path, headers: headers, body: body,
                                         totalTimeout: connection.requestTimeout, idleTimeout: nil) {
                switch part {
                case .head(let s, _): status = s
                case .body(var b):
                    collected.writeBuffer(&b)
                    if collected.readableBytes > maxBytes {
                        throw KubeClientError.malformed(server: serverName, "the response exceeds \(maxBytes >> 20) MiB")
                    }
                }
            }
        } catch let e as KubeClientError {
            throw e
        } catch is CancellationError {
            throw .connectionLost(server: serverName, "cancelled")
        } catch {
            throw .connectionLost(server: serverName, "\(error)")
        }
        return (status, Array(collected.readableBytesView))
    }

    static func pathOnly(_ path: String) -> String {
        path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }

    static func classifyConnect(_ error: any Error, server: String, seconds: Double) -> KubeClientError {
        if let e = error as? ChannelError, case .connectTimeout = e {
            return .timeout(server: server, what: "the connection", seconds: seconds)
        }
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("refused") {
            return .unreachable(server: server, "connection refused")
        }
        if text.localizedCaseInsensitiveContains("timed out") || text.contains("connectTimeout") {
            return .timeout(server: server, what: "the connection", seconds: seconds)
        }
        if text.contains("unreachable") { return .unreachable(server: server, "network unreachable") }
        if error is NIOConnectionError || text.contains("resolve") || text.contains("getaddrinfo") {
            return .unreachable(server: server, "cannot resolve or reach the host (\(text))")
        }
        return .unreachable(server: server, text)
    }

    /// Turns TLS and parse failures into what the user should check.
    static func classify(_ error: any Error, server: String) -> KubeClientError {
        if let e = error as? KubeClientError { return e }
        let text = "\(error)"
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return .tls(server: server, "the server's certificate is not signed by a trusted certificate authority "
                    + "(x509: certificate signed by unknown authority). Give the cluster's CA (--certificate-authority, or "
                    + "certificate-authority-data in the kubeconfig), or --insecure-skip-tls-verify for a throwaway cluster")
            }
            if text.contains("failedToValidateHostname") || text.contains("hostname") {
                return .tls(server: server, "the server's certificate is not valid for this address (x509: certificate is "
                    + "valid for other names); connect by a name the certificate lists, or set tls-server-name")
            }
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
                return .tls(server: server, "the server does not speak TLS there; use http:// instead of https://")
            }
            if text.contains("CERTIFICATE_REQUIRED") || text.contains("ALERT_BAD_CERTIFICATE") {
                return .tls(server: server, "the server refused the client certificate (\(text))")
            }
            return .tls(server: server, "handshake failed: \(text)")
        }
        if error is HTTPParserError {
            return .malformed(server: server, "not HTTP (\(text)); if the server speaks TLS, use https://")
        }
        if let io = error as? IOError {
            return .connectionLost(server: server, io.description)
        }
        return .connectionLost(server: server, text)
    }
}

/// Feeds response parts into the caller's stream and enforces the deadlines on the event loop.
private final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let continuation: AsyncThrowingStream<ResponsePart, Error>.Continuation
    private let server: String
    private let what: String
    private let totalTimeout: Double?
    private let idleTimeout: Double?
    private var total: Scheduled<Void>?
    private var idle: Scheduled<Void>?
    private var done = false

    init(continuation: AsyncThrowingStream<ResponsePart, Error>.Continuation, server: String, what: String,
         totalTimeout: Double?, idleTimeout: Double?) {
        self.continuation = continuation
        self.server = server
        self.what = what
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let totalTimeout {
            total = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(totalTimeout * 1000))) {
                self.fail(.timeout(server: self.server, what: self.what, seconds: totalTimeout), context)
            }
        }
        armIdle(context)
    }

    private func armIdle(_ context: ChannelHandlerContext) {
        guard let idleTimeout else { return }
        idle?.cancel()
        idle = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(idleTimeout * 1000))) {
            self.fail(.timeout(server: self.server, what: self.what, seconds: idleTimeout), context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        armIdle(context)
        switch unwrapInboundIn(data) {
        case .head(let head):
            continuation.yield(.head(status: Int(head.status.code), headers: head.headers))
        case .body(let buffer):
            continuation.yield(.body(buffer))
        case .end:
            finish(context, error: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(HTTPTransport.classify(error, server: server), context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { finish(context, error: .connectionLost(server: server, "closed before the response ended")) }
        context.fireChannelInactive()
    }

    private func fail(_ error: KubeClientError, _ context: ChannelHandlerContext) {
        guard !done else { return }
        finish(context, error: error)
    }

    private func finish(_ context: ChannelHandlerContext, error: KubeClientError?) {
        guard !done else { return }
        done = true
        total?.cancel()
        idle?.cancel()
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        context.close(promise: nil)
    }
}

/// Closes the request's connection when the consumer stops listening, even if that happens
/// before the connection is established.
private final class ChannelCloser: Sendable {
    private let state = Mutex<(terminated: Bool, channel: (any Channel)?)>((false, nil))

    /// False when the consumer already went away (the channel is then closed).
    func attach(_ channel: any Channel) -> Bool {
        let terminated = state.withLock { s -> Bool in
            if !s.terminated { s.channel = channel }
            return s.terminated
        }
        if terminated { channel.close(promise: nil) }
        return !terminated
    }

    func terminate() {
        let channel = state.withLock { s -> (any Channel)? in
            s.terminated = true
            return s.channel
        }
        channel?.close(promise: nil)
    }
}
