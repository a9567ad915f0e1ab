import NIOCore
import NIOHTTP1
import NIOPosix
import ControlPlane

/// agnhost `netexec` in-process: an HTTP/1.1 server (keep-alive) on podIP:httpPort and the UDP
/// command server on podIP:udpPort. `/exit` and `/shutdown` end the container with a code, so the
/// runtime applies the pod's restartPolicy exactly as for a real process.
final class PodNetexecInstance: PodContainerInstance, @unchecked Sendable {
    let ctx: PodContainerContext
    private let exit: PodExitLatch
    private var listeners: [any Channel] = []
    private var connections: [ObjectIdentifier: PodNetexecHTTPHandler] = [:]
    private var stopping = false
    private var exitCode: Int32 = 0
    private var forceTask: Scheduled<Void>?

    var exitFuture: EventLoopFuture<Int32> { exit.future }

    private init(ctx: PodContainerContext) {
        self.ctx = ctx
        exit = PodExitLatch(eventLoop: ctx.eventLoop)
    }

    static func start(httpPort: Int, udpPort: Int?, ctx: PodContainerContext) -> EventLoopFuture<any PodContainerInstance> {
        let instance = PodNetexecInstance(ctx: ctx)
        let http = PodBindRetry.bind(on: ctx.eventLoop) {
            ServerBootstrap(group: ctx.eventLoop)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try ch.pipeline.syncOperations.addHandler(PodNetexecHTTPHandler(server: instance))
                    }
                }
                .bind(host: ctx.podIP, port: httpPort)
        }
        var all = [http]
        if let udpPort {
            let udp = DatagramBootstrap(group: ctx.eventLoop)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(PodNetexecUDPHandler(server: instance)) }
                }
                .bind(host: ctx.podIP, port: udpPort)
            all.append(udp)
        }
        return EventLoopFuture.whenAllComplete(all, on: ctx.eventLoop).flatMapThrowing { results in
            var channels: [any Channel] = []
            var failure: (any Error)?
            for r in results {
                switch r {
                case .success(let ch): channels.append(ch)
                case .failure(let e): failure = failure ?? e
                }
            }
            if let failure {
                for ch in channels { ch.close(promise: nil) }
                throw failure
            }
            instance.listeners = channels
            ctx.logf("Started HTTP server on port \(httpPort)")
            if let udpPort { ctx.logf("Started UDP server on port \(ctx.podIP) \(udpPort)") }
            return instance
        }
    }

    // MARK: lifecycle (on the pod's event loop)

    func terminate(deadline: NIODeadline) { stop(code: 0, deadline: deadline) }

    /// Closes the listeners at once, lets open connections finish their request (idle ones are
    /// closed now), and closes whatever is left at `deadline`; then the container has exited.
    func stop(code: Int32, deadline: NIODeadline) {
        guard !stopping else { return }
        stopping = true
        exitCode = code
        let closes = listeners.map { $0.close() }
        listeners = []
        for h in connections.values { h.drain() }
        forceTask = ctx.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            for h in self.connections.values { h.forceClose() }
        }
        EventLoopFuture.whenAllComplete(closes, on: ctx.eventLoop).whenComplete { [weak self] _ in
            self?.listenersClosed = true
            self?.checkDone()
        }
    }

    private var listenersClosed = false

    private func checkDone() {
        guard stopping, listenersClosed, connections.isEmpty else { return }
        forceTask?.cancel()
        exit.finish(exitCode)
    }

    var isStopping: Bool { stopping }

    func opened(_ h: PodNetexecHTTPHandler) {
        connections[ObjectIdentifier(h)] = h
        ctx.counters.activeConnections.wrappingIncrement(ordering: .relaxed)
    }

    func closed(_ h: PodNetexecHTTPHandler) {
        guard connections.removeValue(forKey: ObjectIdentifier(h)) != nil else { return }
        ctx.counters.activeConnections.wrappingDecrement(ordering: .relaxed)
        checkDone()
    }
}

/// One HTTP connection of the netexec server.
final class PodNetexecHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: PodNetexecInstance
    private var head: HTTPRequestHead?
    private var busy = false
    private var draining = false
    private var context: ChannelHandlerContext?

    init(server: PodNetexecInstance) { self.server = server }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        server.opened(self)
        if server.isStopping { drain() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.closed(self)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        server.closed(self)
        self.context = nil
    }

    func drain() {
        draining = true
        if !busy { context?.close(promise: nil) }
    }

    func forceClose() { context?.close(promise: nil) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            busy = true
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            server.ctx.counters.requests.wrappingIncrement(ordering: .relaxed)
            handle(head, context: context)
        }
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let ctx = server.ctx
        let (path, q) = PodHTTPSupport.query(head.uri)
        ctx.logf("\(head.method) \(head.uri)")
        switch path {
        case "/hostname", "/hostName":
            respond(context, head, 200, ctx.hostname)
        case "/clientip":
            let remote = context.remoteAddress
            respond(context, head, 200, "\(remote?.ipAddress ?? ""):\(remote?.port ?? 0)")
        case "/echo":
            let msg = q["msg"] ?? ""
            if let codeString = q["code"], !codeString.isEmpty {
                guard let code = Int(codeString), (100...999).contains(code) else {
                    respond(context, head, 200, "argument 'code' must be an integer or empty, got \"\(codeString)\"\n")
                    return
                }
                respond(context, head, code, msg)
            } else {
                respond(context, head, 200, msg)
            }
        case "/header":
            respond(context, head, 200, head.headers.first(name: q["key"] ?? "") ?? "")
        case "/healthz":
            respond(context, head, 200, "")
        case "/redirect":
            let code = Int(q["code"] ?? "") ?? 302
            var extra = HTTPHeaders()
            extra.add(name: "Location", value: q["location"] ?? "/")
            respond(context, head, code, "", extra: extra)
        case "/shutdown":
            server.stop(code: 0, deadline: .now())
        case "/exit":
            exitRequest(head, q, context: context)
        case "/dial", "/shell", "/upload":
            respond(context, head, 501, "\(path) is not built into Switchboard's agnhost netexec\n")
        default:
            // Go's ServeMux routes every unknown path to "/".
            respond(context, head, 200, "NOW: \(PodHTTPSupport.goTime(SystemClock().now()))")
        }
    }

    private func exitRequest(_ head: HTTPRequestHead, _ q: [String: String], context: ChannelHandlerContext) {
        let (codeS, timeoutS, waitS) = (q["code"] ?? "", q["timeout"] ?? "", q["wait"] ?? "")
        let timeout = timeoutS.isEmpty ? 0 : PodHTTPSupport.goDuration(timeoutS)
        let wait = waitS.isEmpty ? 0 : PodHTTPSupport.goDuration(waitS)
        guard let timeout else {
            return respond(context, head, 200, "argument 'timeout' must be a valid golang duration or empty, got \"\(timeoutS)\"\n")
        }
        guard let wait else {
            return respond(context, head, 200, "argument 'wait' must be a valid golang duration or empty, got \"\(waitS)\"\n")
        }
        guard let code = codeS.isEmpty ? 0 : Int32(codeS) else {
            return respond(context, head, 200, "argument 'code' must be an integer [0-127] or empty, got \"\(codeS)\"\n")
        }
        let server = server
        server.ctx.logf("Will begin shutdown in \(wait)s, allowing \(timeout)s for connections to close, then will exit with \(code)")
        context.eventLoop.scheduleTask(in: .nanoseconds(Int64(wait * 1e9))) { [self] in
            if timeout == 0 {
                // agnhost calls os.Exit here: the client gets no response.
                server.stop(code: code, deadline: .now())
            } else {
                respond(context, head, 200, "", forceClose: true)
                server.stop(code: code, deadline: .now() + .nanoseconds(Int64(timeout * 1e9)))
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: Int, _ body: String,
                         extra: HTTPHeaders = HTTPHeaders(), forceClose: Bool = false) {
        let keepAlive = head.isKeepAlive && !draining && !forceClose
        var headers = extra
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: status, reasonPhrase: PodHTTPSupport.reason(status))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            var buf = context.channel.allocator.buffer(capacity: body.utf8.count)
            buf.writeString(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
        }
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        busy = false
        if !keepAlive || draining {
            done.futureResult.whenComplete { _ in context.close(promise: nil) }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise() -> EventLoopPromise<Void> { eventLoop.makePromise() }
}

/// agnhost's UDP commands: `hostname`, `echo <msg>`, `clientip`.
final class PodNetexecUDPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    private let server: PodNetexecInstance

    init(server: PodNetexecInstance) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let text = String(buffer: envelope.data).trimmingWhitespace().lowercased()
        let remote = envelope.remoteAddress
        let reply: String?
        if text == "hostname" {
            reply = server.ctx.hostname
        } else if text.hasPrefix("echo ") {
            reply = String(text.dropFirst(5))
        } else if text == "clientip" {
            reply = "\(remote.ipAddress ?? ""):\(remote.port ?? 0)"
        } else {
            if !text.isEmpty { server.ctx.logf("Unknown UDP command received from \(remote): \(text)") }
            reply = nil
        }
        guard let reply else { return }
        server.ctx.counters.requests.wrappingIncrement(ordering: .relaxed)
        let buf = context.channel.allocator.buffer(string: reply)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: buf)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.ctx.counters.fail("udp: \(error)")
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}
