import NIOCore
import NIOHTTP1
import Telemetry

/// The upstream side of an exchange: choosing a connection, retrying, and streaming the
/// response back.
extension IngressServerHandler {
    /// Attaches a pooled connection or opens one; connect failures move on to another endpoint
    /// (nothing has been sent, so this is safe for every method) until `maxAttempts`. An upgrade
    /// always gets a fresh connection: once switched it never returns to the pool.
    func connect(_ ex: IngressExchange, to endpoint: UpstreamEndpoint) {
        guard let context else { return }
        ex.endpoint = endpoint
        ex.attempts += 1
        ex.tried.insert(endpoint.key)
        let pool = core.pool(for: context.eventLoop)
        if ex.upgrade == nil, let conn = pool.take(endpoint) {
            attach(ex, conn, reused: true)
            return
        }
        openFresh(ex, to: endpoint, pool: pool)
    }

    private func openFresh(_ ex: IngressExchange, to endpoint: UpstreamEndpoint, pool: IngressUpstreamPool) {
        pool.connect(endpoint).assumeIsolated().whenComplete { [weak self] result in
            guard let self else {
                if case .success(let conn) = result { conn.channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let conn):
                guard self.exchange === ex, !ex.local, !self.closed else {
                    if ex.upgrade == nil { pool.giveBack(conn) } else { conn.channel.close(promise: nil) }
                    return
                }
                self.attach(ex, conn, reused: false)
            case .failure(let error):
                guard self.exchange === ex, !ex.local else { return }
                self.connectFailed(ex, endpoint: endpoint, error: error)
            }
        }
    }

    func connectFailed(_ ex: IngressExchange, endpoint: UpstreamEndpoint, error: any Error) {
        refreshEndpoints(ex)
        if ex.attempts < config.maxAttempts, let next = core.pick(ex.backend.endpoints, excluding: ex.tried) {
            ex.retries += 1
            return connect(ex, to: next)
        }
        if let context, NIODeadline.now() - ex.start < config.connectRetryWindow {
            let delay = TimeAmount.milliseconds(Int64(10 << min(ex.rounds, 3)))
            ex.rounds += 1
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
                guard let self, self.exchange === ex, !ex.local, !self.closed else { return }
                self.refreshEndpoints(ex)
                guard let next = self.core.pick(ex.backend.endpoints, excluding: []) else { return }
                ex.attempts = 0
                ex.tried = []
                ex.retries += 1
                self.connect(ex, to: next)
            }
            return
        }
        ex.outcome = .connectFailed
        let backend = ex.route.map { "\($0.backend)" } ?? "?"
        if case ChannelError.connectTimeout = error {
            return answer(ex, .gatewayTimeout,
                          "504 Gateway Timeout: connecting to endpoint \(endpoint.key) of \(backend) timed out\n")
        }
        answer(ex, .badGateway,
               "502 Bad Gateway: endpoint \(endpoint.key) of \(backend) refused the connection (\(ex.attempts) tried)\n")
    }

    /// Retries choose among the endpoints the table holds now: during churn the ones seen when
    /// the request arrived may be gone.
    private func refreshEndpoints(_ ex: IngressExchange) {
        guard let route = ex.route else { return }
        let now = core.current.backend(route.backend)
        if !now.endpoints.isEmpty { ex.backend = now }
    }

    func attach(_ ex: IngressExchange, _ conn: IngressUpstreamConnection, reused: Bool) {
        conn.uses += 1
        ex.upstream = conn
        ex.reusedConnection = reused
        conn.handler.delegate = self
        if let context, !context.channel.isWritable { conn.handler.hold() }
        let head = IngressHeaders.upstreamHead(ex.head, clientIP: peers.clientIP, scheme: scheme, port: port,
                                               upgrade: ex.upgrade)
        let ops = conn.channel.pipeline.syncOperations
        ops.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
        for part in ex.buffered { ops.write(NIOAny(part), promise: nil) }
        ex.buffered = []
        ops.flush()
        armReadTimer(ex)
        resumeClientReads()
    }

    func armReadTimer(_ ex: IngressExchange) {
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
                ex.outcome = .reset
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
            if !head.isKeepAlive || ex.upgrade != nil || head.status == .switchingProtocols { ex.upstreamReusable = false }
            let out = ex.switching
                ? IngressHeaders.switchingHead(head)
                : IngressHeaders.clientHead(head, version: ex.head.version, close: ex.close, setCookie: ex.setCookie)
            context.write(wrapOutboundOut(.head(out)), promise: nil)
        case .body(let buf):
            ex.bytesOut += UInt64(buf.readableBytes)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
            if !context.channel.isWritable { ex.upstream?.handler.hold() }
        case .end(let trailers):
            ex.readTimer?.cancel()
            if ex.switching, let up = ex.upstream {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return switchProtocols(ex, upstream: up)
            }
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

    /// The upstream closed before the response ended. Mid-response the client can only be told
    /// by closing. Before any response byte, a body-less idempotent request is sent again
    /// (RFC 9110 §9.2.2): on a fresh connection to the same endpoint when a pooled one was
    /// closed while idle (keep-alive race), else to another endpoint (the pod is going away),
    /// within `maxAttempts`; otherwise 502.
    func upstreamClosed() {
        guard let ex = exchange, let up = ex.upstream, !ex.responseEnded else { return }
        ex.upstream = nil
        ex.readTimer?.cancel()
        if ex.responseStarted {
            ex.outcome = .reset
            context?.close(promise: nil)
            return
        }
        if !ex.sawBody, ex.upgrade == nil, IngressHeaders.isIdempotent(ex.head.method), let context {
            ex.buffered = ex.requestEnded ? [.end(nil)] : []
            if ex.reusedConnection {
                ex.reusedConnection = false
                ex.retries += 1
                openFresh(ex, to: up.endpoint, pool: core.pool(for: context.eventLoop))
                return
            }
            if ex.attempts < config.maxAttempts {
                refreshEndpoints(ex)
                let next = core.pick(ex.backend.endpoints, excluding: ex.tried) ?? up.endpoint
                ex.retries += 1
                connect(ex, to: next)
                return
            }
        }
        answer(ex, .badGateway, "502 Bad Gateway: endpoint \(up.endpoint.key) closed the connection before responding\n",
               close: !ex.requestEnded)
    }
}
