import ClusterModel
import ControlPlane
import NIOCore
import NIOHTTP1

/// One client connection: collects each request (refusing bodies over the limit with 413 before
/// reading them whole), answers it through `APIHandler`, and runs watch streams — chunked JSON
/// lines fed from the store through a bounded `WatchFeed` — and `logs -f` streams
/// (`LogFollower`). A stream occupies its connection until it ends; the connection is then closed.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: APIHandler
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var rejected = false
    private var unauthorized = false
    private let tokenCheck: BearerTokenCheck?

    // Watch state (only while a watch runs on this connection).
    private var watchContext: ChannelHandlerContext?
    private var feed: WatchFeed?
    private var subscription: Int?
    private var plan: WatchPlan?
    private var lastSent = 0
    private var headersSent = false
    private var timeout: Scheduled<Void>?
    private var follower: LogFollower?

    init(api: APIHandler) {
        self.api = api
        tokenCheck = api.config.security.map { BearerTokenCheck(token: $0.bearerToken) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            rejected = false
            unauthorized = !(tokenCheck?.allows(path: h.uri, authorization: h.headers.first(name: "authorization")) ?? true)
            if unauthorized {
                // Checked before anything else, so an unauthenticated client learns nothing about
                // limits or resources; the body (if any) is discarded.
                return
            } else if let length = h.headers.first(name: "content-length").flatMap(Int.init), length > api.config.maxBodyBytes {
                reject(context, h)
            } else if h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // curl asks before sending a body over 1 KiB; without this it waits a second.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard !rejected, !unauthorized, let h = head else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > api.config.maxBodyBytes {
                reject(context, h)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard !rejected, let h = head, watchContext == nil, follower == nil else { return }
            head = nil
            if unauthorized {
                api.metrics.record(verb: h.method.rawValue.lowercased(), resource: "", code: 401)
                write(context, .error(.unauthorized), version: h.version, keepAlive: h.isKeepAlive)
                return
            }
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let request = APIRequest(method: h.method.rawValue, uri: h.uri, accept: h.headers.first(name: "accept"),
                                     contentType: h.headers.first(name: "content-type"), body: bytes)
            if request.isWatch {
                startWatch(context, h, request)
            } else if request.method == "GET", request.path == "/metrics" {
                answerMetrics(context, version: h.version, keepAlive: h.isKeepAlive)
            } else if let plan = try? api.followPlan(request) {  // errors: answered by the ordinary path
                let follower = LogFollower(api: api, plan: plan)
                self.follower = follower
                api.metrics.record(verb: "get", resource: "pods/log", code: 200)
                follower.start(context, version: h.version)
            } else {
                write(context, api.handle(request), version: h.version, keepAlive: h.isKeepAlive)
            }
        }
    }

    /// `/metrics` gathers the engine's figures asynchronously (the proxy collects them from its
    /// event loops), then answers on this connection's loop.
    private func answerMetrics(_ context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let api = self.api
        Task(executorPreference: MetricsExecutor.shared) {
            let response = await api.metricsResponse()
            api.metrics.record(verb: "get", resource: "", code: response.code)
            eventLoop.execute {
                let (handler, context) = bound.value
                guard context.channel.isActive else { return }
                handler.write(context, response, version: version, keepAlive: keepAlive)
            }
        }
    }

    /// 413 and close: the rest of the body is never buffered.
    private func reject(_ context: ChannelHandlerContext, _ h: HTTPRequestHead) {
        rejected = true
        body = nil
        let error = APIError.tooLarge(limit: api.config.maxBodyBytes)
        api.metrics.record(verb: h.method.rawValue.lowercased(), resource: "", code: 413)
        write(context, .error(error), version: h.version, keepAlive: false)
    }

    private func write(_ context: ChannelHandlerContext, _ response: APIResponse, version: HTTPVersion, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .init(statusCode: response.code),
                                                             headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: watch

    private func startWatch(_ context: ChannelHandlerContext, _ h: HTTPRequestHead, _ request: APIRequest) {
        let plan: WatchPlan
        do {
            plan = try api.watchPlan(request)
        } catch {
            api.metrics.record(verb: "watch", resource: "", code: error.code)
            write(context, .error(error), version: h.version, keepAlive: h.isKeepAlive)
            return
        }
        api.metrics.record(verb: "watch", resource: APIError.qualified(plan.filter.kind), code: 200)
        api.metrics.watchStarted()
        self.plan = plan
        watchContext = context
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .ok, headers: headers))), promise: nil)

        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let kind = plan.filter.kind
        let namespace = plan.filter.namespace
        let feed = WatchFeed(limit: api.config.watchQueueLimit, accepts: { event in
            event.object.resource == kind && (namespace == nil || event.object.key.namespace == namespace)
        }, wake: {
            eventLoop.execute { handler.value.drainWatch() }
        })
        self.feed = feed
        subscription = api.store.subscribe { feed.push($0) }

        if let since = plan.resourceVersion {
            do {
                lastSent = since
                for event in try api.store.events(since: since) { send(event) }
            } catch {
                sendLine(type: "ERROR", object: APIError.from(error).status)
                finishWatch()
                return
            }
        } else {
            let snapshot = api.store.snapshot()
            lastSent = snapshot.resourceVersion
            let objects = (snapshot.objects[kind] ?? [:]).values.filter(plan.filter.matches).sorted { $0.key < $1.key }
            for object in objects {
                sendLine(type: "ADDED", object: api.watchObject(object, plan: plan, headers: !headersSent))
                headersSent = true
            }
        }
        context.flush()
        if let seconds = plan.timeoutSeconds {
            timeout = eventLoop.scheduleTask(in: .seconds(Int64(seconds))) { handler.value.finishWatch() }
        }
        drainWatch()
    }

    private func send(_ event: WatchEvent) {
        guard let plan, event.resourceVersion > lastSent else { return }
        lastSent = event.resourceVersion
        guard let (type, object) = APIHandler.visible(event, plan.filter) else { return }
        sendLine(type: type, object: api.watchObject(object, plan: plan, headers: !headersSent))
        headersSent = true
    }

    private func sendLine(type: String, object: JSONValue) {
        guard let context = watchContext else { return }
        var bytes = JSONText.bytes(.object(["type": .string(type), "object": object]))
        bytes.append(10)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    /// Sends what the feed holds, unless the socket is backed up (then the feed fills, and a
    /// client that never reads is cut off when it overflows).
    func drainWatch() {
        guard let context = watchContext, let feed else { return }
        if feed.overflowed {
            api.metrics.watchDroppedSlow()
            finishWatch(abort: true)
            return
        }
        guard context.channel.isWritable else { return }
        for event in feed.take() { send(event) }
        context.flush()
    }

    func finishWatch(abort: Bool = false) {
        guard let context = watchContext else { return }
        stopWatch()
        let channel = context.channel
        if abort {
            channel.close(promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func stopWatch() {
        guard watchContext != nil else { return }
        if let subscription { api.store.unsubscribe(subscription) }
        timeout?.cancel()
        timeout = nil
        feed?.close()
        subscription = nil
        feed = nil
        plan = nil
        watchContext = nil
        api.metrics.watchEnded()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drainWatch() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatch()
        follower?.stop()
        follower = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWatch()
        follower?.stop()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        stopWatch()
        context.close(promise: nil)
    }
}
