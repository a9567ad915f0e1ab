import NIOCore
import NIOHTTP1
import NIOPosix

/// What the client side of the proxy hears from an upstream connection.
protocol IngressUpstreamDelegate: AnyObject {
    func upstreamRead(_ part: HTTPClientResponsePart)
    func upstreamWritabilityChanged()
    /// The connection closed (or failed) while attached.
    func upstreamClosed()
}

/// The handler at the end of an upstream connection's pipeline. Reads are held while the client
/// cannot take more (back-pressure: the upstream's socket fills, TCP slows the pod down).
final class IngressUpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    weak var delegate: (any IngressUpstreamDelegate)?
    /// Called when the connection closes while idle in the pool (a pod that terminated closes
    /// its keep-alive connections), so the pool drops it at once.
    var closedWhileIdle: (() -> Void)?
    private var context: ChannelHandlerContext?
    private var holding = false
    private var pendingRead = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if let delegate {
            delegate.upstreamRead(part)
        } else {
            // Bytes on an idle pooled connection: its state is unknown, so it is not reused.
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let d = delegate
        delegate = nil
        if let d { d.upstreamClosed() } else { closedWhileIdle?() }
        closedWhileIdle = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if holding { pendingRead = true } else { context.read() }
    }

    /// Stops reading from the upstream until `resume`.
    func hold() { holding = true }

    func resume() {
        holding = false
        if pendingRead, let context {
            pendingRead = false
            context.read()
        }
    }
}

/// One upstream connection and what is known about it.
final class IngressUpstreamConnection: @unchecked Sendable {  // used only on its event loop
    let channel: any Channel
    let handler: IngressUpstreamHandler
    let endpoint: UpstreamEndpoint
    var idleTimer: Scheduled<Void>?
    /// How many requests it has carried (a reused connection may have been closed by the server
    /// while idle; such a failure before any response is retried).
    var uses = 0

    init(channel: any Channel, handler: IngressUpstreamHandler, endpoint: UpstreamEndpoint) {
        self.channel = channel
        self.handler = handler
        self.endpoint = endpoint
    }
}

/// Keep-alive connections to endpoints, one pool per event loop so that a request and its
/// upstream connection share a thread and never lock. Connections outlive the client
/// connection that opened them: a client's `Connection: close` closes only the client side.
final class IngressUpstreamPool {
    let eventLoop: any EventLoop
    private var idle: [String: [IngressUpstreamConnection]] = [:]
    private let maxIdle: Int
    private let idleTimeout: TimeAmount
    private let connectTimeout: TimeAmount
    private(set) var connectsStarted = 0

    init(eventLoop: any EventLoop, maxIdle: Int, idleTimeout: TimeAmount, connectTimeout: TimeAmount) {
        self.eventLoop = eventLoop
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
    }

    /// The most recently used idle connection to `endpoint` that is still open.
    func take(_ endpoint: UpstreamEndpoint) -> IngressUpstreamConnection? {
        eventLoop.preconditionInEventLoop()
        while var list = idle[endpoint.key], let conn = list.popLast() {
            idle[endpoint.key] = list.isEmpty ? nil : list
            conn.idleTimer?.cancel()
            conn.idleTimer = nil
            if conn.channel.isActive { return conn }
        }
        return nil
    }

    /// Returns a connection after a complete exchange; closes it when the pool is full.
    func giveBack(_ conn: IngressUpstreamConnection) {
        eventLoop.preconditionInEventLoop()
        conn.handler.delegate = nil
        conn.handler.resume()
        guard conn.channel.isActive, (idle[conn.endpoint.key]?.count ?? 0) < maxIdle else {
            conn.channel.close(promise: nil)
            return
        }
        idle[conn.endpoint.key, default: []].append(conn)
        if conn.handler.closedWhileIdle == nil {
            conn.handler.closedWhileIdle = { [weak self, weak conn] in
                if let self, let conn { self.drop(conn) }
            }
        }
        conn.idleTimer = eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self, weak conn] in
            guard let self, let conn else { return }
            self.drop(conn)
            conn.channel.close(promise: nil)
        }
    }

    /// Forgets an idle connection (timed out, or closed by the endpoint).
    func drop(_ conn: IngressUpstreamConnection) {
        conn.idleTimer?.cancel()
        conn.idleTimer = nil
        idle[conn.endpoint.key]?.removeAll { $0 === conn }
        if idle[conn.endpoint.key]?.isEmpty == true { idle[conn.endpoint.key] = nil }
    }

    /// A new connection with the HTTP/1.1 client codec.
    func connect(_ endpoint: UpstreamEndpoint) -> EventLoopFuture<IngressUpstreamConnection> {
        connectsStarted += 1
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes)
                    try channel.pipeline.syncOperations.addHandler(IngressUpstreamHandler())
                }
            }
            .connect(to: endpoint.address)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: IngressUpstreamHandler.self)
                return IngressUpstreamConnection(channel: channel, handler: handler, endpoint: endpoint)
            }
    }

    func closeAll() {
        for list in idle.values { for c in list { c.idleTimer?.cancel(); c.channel.close(promise: nil) } }
        idle = [:]
    }
}
