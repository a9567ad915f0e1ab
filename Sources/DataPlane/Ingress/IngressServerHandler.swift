import NIOCore
import NIOHTTP1
import Telemetry

/// The HTTP side of one client connection: routes each request, streams it to an endpoint over
/// a pooled keep-alive connection, streams the response back, and answers itself when it must
/// (404 no route, 308 to https, 502/503/504 upstream trouble, 400/431 bad requests, 408 slow
/// clients). One request at a time: pipelined requests wait in `queued` and are served in
/// order once the current exchange ends. Doing this here instead of in NIO's
/// `HTTPServerPipelineHandler` keeps read interest on between keep-alive requests (that handler
/// withholds the read after every request, which costs two epoll_ctl calls per request); reads
/// stop only when a client has pipelined more than `maxQueuedParts`. An upgrade request
/// answered with 101 turns the connection into a byte relay (`IngressTunnel`).
///
/// Back-pressure both ways: client reads are held while the upstream is not writable (or not
/// connected yet), upstream reads while the client is not writable — no body is buffered whole.
///
/// Split by concern: this file routes requests and moves the client's bytes; `+Upstream` opens,
/// retries and reads upstream connections; `+Answers` writes the controller's own responses and
/// ends exchanges.
final class IngressServerHandler: ChannelDuplexHandler, RemovableChannelHandler, IngressUpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let core: IngressCore
    let scheme: String
    let port: Int
    var context: ChannelHandlerContext?
    var peers = IngressPeers()
    var exchange: IngressExchange?
    var pendingRead = false
    var waitTimer: Scheduled<Void>?
    var served = 0
    var closed = false
    /// Parts of pipelined requests behind the current exchange, oldest first.
    var queued: [HTTPServerRequestPart] = []
    static let maxQueuedParts = 64

    init(core: IngressCore, scheme: String, port: Int) {
        self.core = core
        self.scheme = scheme
        self.port = port
    }

    var config: IngressConfig { core.config }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peers = IngressPeers(context.channel)
        if context.channel.isActive { armWaitTimer() }
    }

    func channelActive(context: ChannelHandlerContext) {
        peers = IngressPeers(context.channel)
        armWaitTimer()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        waitTimer?.cancel()
        if let ex = exchange {
            ex.readTimer?.cancel()
            if let up = ex.upstream {
                up.handler.delegate = nil
                up.channel.close(promise: nil)
            }
            if !ex.responseEnded {
                ex.outcome = .reset
                record(ex, status: ex.responseStarted ? ex.status : 499)
            }
            exchange = nil
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        waitTimer?.cancel()
        self.context = nil
    }

    /// Slow or idle clients: the first request head must arrive within `requestHeadTimeout`,
    /// later ones within `clientIdleTimeout`.
    func armWaitTimer() {
        guard let context else { return }
        waitTimer?.cancel()
        let timeout = served == 0 ? config.requestHeadTimeout : config.clientIdleTimeout
        waitTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            // As nginx does on client_header_timeout: close without a response (no request is
            // in progress that a 408 could answer).
            guard let self, let context = self.context, self.exchange == nil else { return }
            context.close(promise: nil)
        }
    }

    // MARK: client → upstream

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        // A head while an exchange is in progress (or requests already waiting) is pipelined:
        // it and what follows wait their turn.
        if !queued.isEmpty || (exchange != nil && Self.isHead(part)) {
            queued.append(part)
            return
        }
        handle(context, part)
    }

    private static func isHead(_ part: HTTPServerRequestPart) -> Bool {
        if case .head = part { return true }
        return false
    }

    private func handle(_ context: ChannelHandlerContext, _ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head): begin(context, head)
        case .body(let buf):
            guard let ex = exchange else { return }
            ex.bytesIn += UInt64(buf.readableBytes)
            ex.sawBody = true
            guard !ex.local else { return }
            forward(ex, .body(.byteBuffer(buf)))
        case .end(let trailers):
            guard let ex = exchange else { return }
            ex.requestEnded = true
            if ex.local {
                if ex.isDone { finish(ex) }
                return
            }
            forward(ex, .end(trailers))
        }
    }

    /// Serves waiting pipelined requests after an exchange ended, until one is in progress
    /// again; reads resume once the queue is short.
    func serveQueued() {
        while let context, exchange == nil, !queued.isEmpty {
            let part = queued.removeFirst()
            handle(context, part)
            // Parts of the request just begun go to it at once.
            while exchange != nil, let next = queued.first, !Self.isHead(next) {
                queued.removeFirst()
                handle(context, next)
            }
        }
        if queued.count < Self.maxQueuedParts { resumeClientReads() }
    }

    func forward(_ ex: IngressExchange, _ part: HTTPClientRequestPart) {
        guard let up = ex.upstream else {
            ex.buffered.append(part)
            return
        }
        let ops = up.channel.pipeline.syncOperations
        ops.write(NIOAny(part), promise: nil)
        ops.flush()
    }

    func read(context: ChannelHandlerContext) {
        if queued.count >= Self.maxQueuedParts {
            pendingRead = true
        } else if let ex = exchange, !ex.local, !ex.requestEnded, ex.upstream.map({ !$0.channel.isWritable }) ?? true {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func resumeClientReads() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.upstream?.handler.resume() }
        context.fireChannelWritabilityChanged()
    }

    private func begin(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        waitTimer?.cancel()
        let ex = IngressExchange(head: head, start: .now())
        exchange = ex
        // The request decoder stops at an upgrade request: unless the upstream switches
        // protocols, nothing more can be read from this connection, so it closes afterwards.
        if head.headers.contains(name: "upgrade") { ex.close = true }
        if head.headers.count > config.maxHeaderCount
            || head.headers.reduce(head.uri.utf8.count, { $0 + $1.name.utf8.count + $1.value.utf8.count }) > config.maxHeaderBytes {
            return answer(ex, .requestHeaderFieldsTooLarge, "431 Request Header Fields Too Large\n", close: true)
        }
        if head.headers[canonicalForm: "host"].count > 1 {
            return answer(ex, .badRequest, "400 Bad Request: more than one Host header\n", close: true)
        }
        let table = core.current
        guard let route = table.router.route(ex.target) else {
            let host = IngressHeaders.printable(ex.target.host ?? "(none)")
            let path = IngressHeaders.printable(ex.target.path)
            return answer(ex, .notFound, """
                404 Not Found
                No Ingress rule matches host "\(host)" and path "\(path)", and no defaultBackend is set.
                (switchboard ingress controller at \(config.address))

                """)
        }
        ex.route = route
        if scheme == "http", route.options.sslRedirect, let host = ex.target.host, table.router.hasTLS(host: host) {
            let location = "https://\(host)\(ex.head.uri.hasPrefix("/") ? ex.head.uri : ex.target.path)"
            return answer(ex, .permanentRedirect, "308 Permanent Redirect to \(location)\n", extra: [("Location", location)])
        }
        ex.backend = table.backend(route.backend)
        guard !ex.backend.endpoints.isEmpty else {
            ex.outcome = .refused
            return answer(ex, .serviceUnavailable,
                          "503 Service Unavailable: \(ex.backend.problem ?? "no endpoints") (backend \(route.backend))\n")
        }
        var chosen: UpstreamEndpoint?
        if let affinity = route.options.cookieAffinity {
            if let token = IngressAffinity.cookie(affinity.name, in: head.headers) {
                chosen = ex.backend.endpoints.first { IngressAffinity.token($0) == token }
            }
            if chosen == nil, let e = core.pick(ex.backend.endpoints, excluding: []) {
                chosen = e
                ex.setCookie = IngressAffinity.setCookie(affinity, value: IngressAffinity.token(e), routePath: route.path)
            }
        }
        guard let endpoint = chosen ?? core.pick(ex.backend.endpoints, excluding: []) else { return }
        connect(ex, to: endpoint)
    }
}
