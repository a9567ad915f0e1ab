import NIOCore
import NIOHTTP1
import Telemetry

/// The HTTP side of one client connection: routes each request, streams it to an endpoint over
/// a pooled keep-alive connection, streams the response back, and answers itself when it must
/// (404 no route, 308 to https, 502/503/504 upstream trouble, 400/431 bad requests, 408 slow
/// clients). One request at a time: `HTTPServerPipelineHandler` in front of it queues pipelined
/// requests, so responses leave in request order.
///
/// Back-pressure both ways: client reads are held while the upstream is not writable (or not
/// connected yet), upstream reads while the client is not writable — no body is buffered whole.
final class IngressServerHandler: ChannelDuplexHandler, IngressUpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: IngressCore
    private let scheme: String
    private let port: Int
    private var context: ChannelHandlerContext?
    private var clientIP = "unknown"
    private var exchange: IngressExchange?
    private var pendingRead = false
    private var waitTimer: Scheduled<Void>?
    private var served = 0
    private var closed = false

    init(core: IngressCore, scheme: String, port: Int) {
        self.core = core
        self.scheme = scheme
        self.port = port
    }

    private var config: IngressConfig { core.config }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let ip = context.channel.remoteAddress?.ipAddress { clientIP = ip }
        if context.channel.isActive { armWaitTimer() }
    }

    func channelActive(context: ChannelHandlerContext) {
        if let ip = context.channel.remoteAddress?.ipAddress { clientIP = ip }
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
            if !ex.responseEnded { record(ex, status: ex.responseStarted ? ex.status : 499) }
            exchange = nil
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Slow or idle clients: the first request head must arrive within `requestHeadTimeout`,
    /// later ones within `clientIdleTimeout`.
    private func armWaitTimer() {
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
        switch unwrapInboundIn(data) {
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

    private func forward(_ ex: IngressExchange, _ part: HTTPClientRequestPart) {
        guard let up = ex.upstream else {
            ex.buffered.append(part)
            return
        }
        let ops = up.channel.pipeline.syncOperations
        ops.write(NIOAny(part), promise: nil)
        ops.flush()
    }

    func read(context: ChannelHandlerContext) {
        if let ex = exchange, !ex.local, !ex.requestEnded, ex.upstream.map({ !$0.channel.isWritable }) ?? true {
            pendingRead = true
        } else {
            context.read()
        }
    }

    private func resumeClientReads() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    private func begin(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        waitTimer?.cancel()
        let ex = IngressExchange(head: head, start: .now())
        exchange = ex
        // Upgrade (WebSocket) is not passed through yet: the request is proxied without it and
        // the connection closed afterwards, since the request decoder stops at an upgrade.
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

    /// Attaches a pooled connection or opens one; connect failures move on to another endpoint
    /// (nothing has been sent, so this is safe for every method) until `maxAttempts`.
    private func connect(_ ex: IngressExchange, to endpoint: UpstreamEndpoint) {
        guard let context else { return }
        ex.endpoint = endpoint
        ex.attempts += 1
        ex.tried.insert(endpoint.key)
        let pool = core.pool(for: context.eventLoop)
        if let conn = pool.take(endpoint) {
            attach(ex, conn, reused: true)
            return
        }
        pool.connect(endpoint).assumeIsolated().whenComplete { [weak self] result in
            guard let self else {
                if case .success(let conn) = result { conn.channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let conn):
                guard self.exchange === ex, !ex.local, !self.closed else {
                    pool.giveBack(conn)
                    return
                }
                self.attach(ex, conn, reused: false)
            case .failure(let error):
                guard self.exchange === ex, !ex.local else { return }
                self.connectFailed(ex, endpoint: endpoint, error: error)
            }
        }
    }

    private func connectFailed(_ ex: IngressExchange, endpoint: UpstreamEndpoint, error: any Error) {
        if ex.attempts < config.maxAttempts, let next = core.pick(ex.backend.endpoints, excluding: ex.tried) {
            return connect(ex, to: next)
        }
        let backend = ex.route.map { "\($0.backend)" } ?? "?"
        if case ChannelError.connectTimeout = error {
            return answer(ex, .gatewayTimeout,
                          "504 Gateway Timeout: connecting to endpoint \(endpoint.key) of \(backend) timed out\n")
        }
        answer(ex, .badGateway,
               "502 Bad Gateway: endpoint \(endpoint.key) of \(backend) refused the connection (\(ex.attempts) tried)\n")
    }

    private func attach(_ ex: IngressExchange, _ conn: IngressUpstreamConnection, reused: Bool) {
        conn.uses += 1
        ex.upstream = conn
        ex.reusedConnection = reused
        conn.handler.delegate = self
        if let context, !context.channel.isWritable { conn.handler.hold() }
        let head = IngressHeaders.upstreamHead(ex.head, clientIP: clientIP, scheme: scheme, port: port)
        let ops = conn.channel.pipeline.syncOperations
        ops.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
        for part in ex.buffered { ops.write(NIOAny(part), promise: nil) }
        ex.buffered = []
        ops.flush()
        armReadTimer(ex)
        resumeClientReads()
    }

    private func armReadTimer(_ ex: IngressExchange) {
        guard let context else { return }
        ex.readTimer?.cancel()
        ex.readTimer = context.eventLoop.assumeIsolated().scheduleTask(in: config.readTimeout) { [weak self] in
            guard let self, self.exchange === ex, !ex.responseEnded else { return }
            ex.upstreamReusable = false
            if let up = ex.upstream {
                up.handler.delegate = nil
                up.channel.close(promise: nil)
                ex.upstream = nil
            }
            if ex.responseStarted {
                self.context?.close(promise: nil)
            } else {
                self.answer(ex, .gatewayTimeout,
                            "504 Gateway Timeout: endpoint \(ex.endpoint?.key ?? "?") did not answer in time\n")
            }
        }
    }

    // MARK: upstream → client

    func upstreamRead(_ part: HTTPClientResponsePart) {
        guard let context, let ex = exchange, !ex.local else { return }
        armReadTimer(ex)
        switch part {
        case .head(let head):
            ex.responseStarted = true
            ex.status = Int(head.status.code)
            if !head.isKeepAlive { ex.upstreamReusable = false }
            let out = IngressHeaders.clientHead(head, version: ex.head.version, close: ex.close, setCookie: ex.setCookie)
            context.write(wrapOutboundOut(.head(out)), promise: nil)
        case .body(let buf):
            ex.bytesOut += UInt64(buf.readableBytes)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
            if !context.channel.isWritable { ex.upstream?.handler.hold() }
        case .end(let trailers):
            ex.readTimer?.cancel()
            ex.responseEnded = true
            let up = ex.upstream
            ex.upstream = nil
            if let up {
                if ex.requestEnded && ex.upstreamReusable {
                    core.pool(for: context.eventLoop).giveBack(up)
                } else {
                    // The upstream answered before the request was complete: the rest of the
                    // request body is dropped, so the connection's state is unknown.
                    up.handler.delegate = nil
                    up.channel.close(promise: nil)
                }
            }
            if !ex.requestEnded { ex.local = true }
            writeEnd(context, ex, trailers)
        }
    }

    func upstreamWritabilityChanged() {
        if let up = exchange?.upstream, up.channel.isWritable { resumeClientReads() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.upstream?.handler.resume() }
        context.fireChannelWritabilityChanged()
    }

    func upstreamClosed() {
        guard let ex = exchange, let up = ex.upstream, !ex.responseEnded else { return }
        ex.upstream = nil
        ex.readTimer?.cancel()
        if ex.responseStarted {
            // Mid-response: the client cannot be told; closing is the only honest signal.
            context?.close(promise: nil)
            return
        }
        // A pooled connection the server closed while idle: safe to resend a body-less
        // idempotent request on a fresh connection.
        if ex.reusedConnection, !ex.sawBody, IngressHeaders.isIdempotent(ex.head.method), ex.attempts <= config.maxAttempts {
            ex.reusedConnection = false
            ex.buffered = ex.requestEnded ? [.end(nil)] : []
            let endpoint = up.endpoint
            ex.tried.remove(endpoint.key)
            ex.attempts -= 1
            if let context {
                core.pool(for: context.eventLoop).connect(endpoint).assumeIsolated().whenComplete { [weak self] result in
                    guard let self, self.exchange === ex else {
                        if case .success(let c) = result { c.channel.close(promise: nil) }
                        return
                    }
                    switch result {
                    case .success(let conn): self.attach(ex, conn, reused: false)
                    case .failure(let error): self.connectFailed(ex, endpoint: endpoint, error: error)
                    }
                }
                ex.attempts += 1
                return
            }
        }
        answer(ex, .badGateway, "502 Bad Gateway: endpoint \(up.endpoint.key) closed the connection before responding\n",
               close: !ex.requestEnded)
    }

    // MARK: answers and completion

    /// The controller answers this exchange itself; the request body, if any, is dropped.
    private func answer(_ ex: IngressExchange, _ status: HTTPResponseStatus, _ body: String, close: Bool = false,
                        extra: [(String, String)] = []) {
        guard let context else { return }
        if let up = ex.upstream {
            up.handler.delegate = nil
            up.channel.close(promise: nil)
            ex.upstream = nil
        }
        ex.local = true
        ex.buffered = []
        ex.responseStarted = true
        ex.status = Int(status.code)
        if close { ex.close = true }
        let bytes = Array(body.utf8)
        ex.bytesOut += UInt64(bytes.count)
        let head = IngressHeaders.localHead(status, version: ex.head.version, bodyLength: bytes.count, close: ex.close, extra: extra)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if ex.head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        ex.responseEnded = true
        writeEnd(context, ex, nil)
        resumeClientReads()
    }

    /// A response outside any exchange (parse errors, slow clients): always closes.
    private func writeLocal(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String,
                            version: HTTPVersion) {
        let bytes = Array(body.utf8)
        context.write(wrapOutboundOut(.head(IngressHeaders.localHead(status, version: version, bodyLength: bytes.count, close: true))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func writeEnd(_ context: ChannelHandlerContext, _ ex: IngressExchange, _ trailers: HTTPHeaders?) {
        let closeAfter = ex.close
        let done = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        if closeAfter {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        if ex.isDone { finish(ex) }
    }

    private func finish(_ ex: IngressExchange) {
        guard exchange === ex else { return }
        exchange = nil
        served += 1
        record(ex, status: ex.status)
        if !ex.close { armWaitTimer() }
    }

    private func record(_ ex: IngressExchange, status: Int) {
        let micros = UInt64(max(0, (NIODeadline.now() - ex.start).nanoseconds / 1000))
        let flow = IngressFlowRecord(client: clientIP, method: "\(ex.head.method)", host: ex.target.host ?? "",
                                     path: IngressHeaders.printable(ex.target.path), status: status, latencyMicros: micros,
                                     endpoint: ex.local ? nil : ex.endpoint?.key, route: ex.route?.label)
        core.stats.record(route: ex.route, endpoint: ex.local ? nil : ex.endpoint?.key, status: status, latencyMicros: micros,
                          bytesIn: ex.bytesIn, bytesOut: ex.bytesOut, flow: flow)
    }

    // MARK: errors

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        // Malformed or ambiguous framing (smuggling attempts among them): answer 400 — 431 for
        // oversized heads — when no response has started, and close: the byte stream can no
        // longer be trusted.
        let status: HTTPResponseStatus = parse == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        if let ex = exchange {
            if let up = ex.upstream {
                up.handler.delegate = nil
                up.channel.close(promise: nil)
                ex.upstream = nil
            }
            if ex.responseStarted {
                context.close(promise: nil)
                return
            }
            exchange = nil
            ex.local = true
            ex.status = Int(status.code)
            record(ex, status: ex.status)
        }
        waitTimer?.cancel()
        writeLocal(context, status: status, body: "\(status.code) \(status.reasonPhrase): \(parse)\n", version: .http1_1)
    }

    // Outbound response parts from this handler pass straight through.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }
}
