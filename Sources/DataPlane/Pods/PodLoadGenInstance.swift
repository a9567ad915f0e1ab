import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// `switchboard.dev/loadgen`: HTTP GETs at a fixed rate with at most `concurrency` in flight,
/// every connection bound to the pod's own IP so that servers (and the proxy) see the pod as
/// the client. A tick that finds every worker busy is counted as skipped, never queued: a slow
/// target can never make the generator pile up work.
final class PodLoadGenInstance: PodContainerInstance, @unchecked Sendable {
    private struct Stats {
        var public_: LoadGeneratorStats
        var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000,
                                        numberOfSignificantValueDigits: .three)
    }

    private final class Worker {
        var busy = false
        var channel: (any Channel)?
        var handler: PodLoadGenResponseHandler?
    }

    let ctx: PodContainerContext
    let options: LoadGenOptions
    private let exit: PodExitLatch
    private let stats: PodLocked<Stats>
    private var workers: [Worker]
    private var ticker: RepeatedTask?
    private var stopTask: Scheduled<Void>?
    private var tokens = 0.0
    private var lastTick = NIODeadline.now()
    private var roundRobin = 0
    private var stopped = false
    private var lastLoggedError: String?

    var exitFuture: EventLoopFuture<Int32> { exit.future }

    var loadGeneratorStats: LoadGeneratorStats? {
        stats.withLock { s in
            var out = s.public_
            if s.latency.totalCount > 0 {
                out.latencyP50Milliseconds = Double(s.latency.valueAtPercentile(50)) / 1000
                out.latencyP99Milliseconds = Double(s.latency.valueAtPercentile(99)) / 1000
            }
            return out
        }
    }

    private init(ctx: PodContainerContext, options: LoadGenOptions) {
        self.ctx = ctx
        self.options = options
        exit = PodExitLatch(eventLoop: ctx.eventLoop)
        stats = PodLocked(Stats(public_: LoadGeneratorStats(target: options.url, rate: options.rate,
                                                            concurrency: options.concurrency)))
        workers = (0..<options.concurrency).map { _ in Worker() }
    }

    static func start(options: LoadGenOptions, ctx: PodContainerContext) -> EventLoopFuture<any PodContainerInstance> {
        ctx.eventLoop.submit {
            let g = PodLoadGenInstance(ctx: ctx, options: options)
            // Tick often enough to spread requests, rarely enough to stay cheap.
            let tickMillis = Int64(max(5, min(100, 1000 / options.rate)))
            g.lastTick = .now()
            g.ticker = ctx.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(tickMillis)) { [weak g] task in
                guard let g else { task.cancel(); return }
                g.tick()
            }
            if let d = options.duration {
                g.stopTask = ctx.eventLoop.scheduleTask(in: .nanoseconds(Int64(d * 1e9))) { [weak g] in g?.stop(code: 0) }
            }
            ctx.logf("loadgen: GET \(options.url) at \(options.rate)/s, concurrency \(options.concurrency), "
                + "from \(ctx.podIP)\(options.keepAlive ? ", keep-alive" : "")")
            return g
        }
    }

    func terminate(deadline: NIODeadline) { stop(code: 0) }

    private func stop(code: Int32) {
        guard !stopped else { return }
        stopped = true
        ticker?.cancel()
        stopTask?.cancel()
        for w in workers { w.channel?.close(promise: nil) }
        let s = loadGeneratorStats!
        ctx.logf("loadgen: stopped after \(s.sent) requests: \(s.ok) ok, \(s.errors) errors, \(s.skipped) skipped")
        exit.finish(code)
    }

    // MARK: pacing

    private func tick() {
        guard !stopped else { return }
        let now = NIODeadline.now()
        let dt = Double((now - lastTick).nanoseconds) / 1e9
        lastTick = now
        // At most one second of backlog: after a stall the generator catches up, but boundedly.
        tokens = min(tokens + options.rate * dt, max(1, options.rate))
        while tokens >= 1 {
            tokens -= 1
            if let w = workers.first(where: { !$0.busy }) {
                fire(w)
            } else {
                stats.withLock { $0.public_.skipped += 1 }
            }
        }
    }

    private func resolve() -> String? {
        if Self.isIPv4(options.host) { return options.host }
        let ips = ctx.resolver(options.host, ctx.podKey.namespace)
        guard !ips.isEmpty else { return nil }
        roundRobin &+= 1
        return ips[roundRobin % ips.count]
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private func fire(_ w: Worker) {
        w.busy = true
        stats.withLock { $0.public_.sent += 1 }
        let started = NIODeadline.now()
        let channel: EventLoopFuture<any Channel>
        if let ch = w.channel, ch.isActive {
            channel = ctx.eventLoop.makeSucceededFuture(ch)
        } else {
            w.channel = nil
            guard let ip = resolve() else {
                return finish(w, started: started, result: .failure(PodLoadGenError("dial tcp: lookup \(options.host): no such host")))
            }
            channel = connect(ip, worker: w)
        }
        let timeout = ctx.config.loadgenRequestTimeout
        let eventLoop = ctx.eventLoop
        let options = options
        channel.flatMap { ch -> EventLoopFuture<Int> in
            guard let handler = w.handler else { return eventLoop.makeFailedFuture(PodLoadGenError("no handler")) }
            let response = handler.expect()
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: options.hostHeader
                ?? (options.port == 80 ? options.host : "\(options.host):\(options.port)"))
            headers.add(name: "User-Agent", value: "switchboard-loadgen")
            headers.add(name: "Accept", value: "*/*")
            if !options.keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: options.target, headers: headers)
            ch.write(HTTPClientRequestPart.head(head), promise: nil)
            ch.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            let timer = eventLoop.scheduleTask(in: timeout) {
                handler.fail(PodLoadGenError("request timed out after \(timeout.nanoseconds / 1_000_000) ms"))
                ch.close(promise: nil)
            }
            response.whenComplete { _ in timer.cancel() }
            return response
        }.whenComplete { [weak self] result in
            self?.finish(w, started: started, result: result)
        }
    }

    private func connect(_ ip: String, worker w: Worker) -> EventLoopFuture<any Channel> {
        let handler = PodLoadGenResponseHandler()
        w.handler = handler
        let source: SocketAddress
        do {
            source = try SocketAddress(ipAddress: ctx.podIP, port: 0)
        } catch {
            return ctx.eventLoop.makeFailedFuture(error)
        }
        return ClientBootstrap(group: ctx.eventLoop)
            .bind(to: source)
            .connectTimeout(ctx.config.loadgenRequestTimeout)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHTTPClientHandlers()
                    try ch.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: ip, port: options.port)
            .map { ch in
                w.channel = ch
                return ch
            }
    }

    private func finish(_ w: Worker, started: NIODeadline, result: Result<Int, any Error>) {
        w.busy = false
        if !options.keepAlive || w.handler?.keepAlive == false {
            w.channel?.close(promise: nil)
            w.channel = nil
        }
        let micros = UInt64(max(1, (NIODeadline.now() - started).nanoseconds / 1000))
        var errorText: String?
        stats.withLock { s in
            switch result {
            case .success(let status):
                let cls = status / 100
                if (1...5).contains(cls) { s.public_.responsesByClass[cls] += 1 } else { s.public_.errors += 1 }
                _ = s.latency.record(micros)
            case .failure(let error):
                s.public_.errors += 1
                errorText = "\(error)"
                s.public_.lastError = errorText
            }
        }
        if let errorText {
            ctx.counters.fail(errorText)
            if errorText != lastLoggedError {
                lastLoggedError = errorText
                ctx.logf("loadgen: \(errorText)")
            }
        }
    }
}

struct PodLoadGenError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Turns one HTTP response on a client connection into its status code.
final class PodLoadGenResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private var pending: EventLoopPromise<Int>?
    private var status = 0
    private(set) var keepAlive = true
    private var eventLoop: (any EventLoop)?

    func handlerAdded(context: ChannelHandlerContext) { eventLoop = context.eventLoop }

    func expect() -> EventLoopFuture<Int> {
        let p = eventLoop!.makePromise(of: Int.self)
        pending = p
        return p.futureResult
    }

    func fail(_ error: any Error) {
        let p = pending
        pending = nil
        p?.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            status = Int(h.status.code)
            keepAlive = h.isKeepAlive
        case .body:
            break
        case .end:
            let p = pending
            pending = nil
            p?.succeed(status)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive = false
        fail(PodLoadGenError("connection closed before a response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }
}
