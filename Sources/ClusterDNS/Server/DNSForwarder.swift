import ControlPlane
import NIOCore
import NIOPosix
import Synchronization

/// Asks upstream nameservers, one after another, each within a timeout: the cluster's answer
/// for names it does not hold. A fresh socket (random source port) and random ID per exchange,
/// and replies accepted only from the server asked with the matching ID and question, make
/// spoofed answers as hard as a stub resolver makes them. A truncated UDP reply is retried over
/// TCP. Every path ends in a response or nil within `upstreams.count × timeout`: never a hang.
final class DNSForwarder: Sendable {
    let upstreams: [SocketAddress]
    let timeout: TimeAmount
    let maxPending: Int
    private let pending = Mutex(0)

    init(upstreams: [SocketAddress], timeout: TimeAmount, maxPending: Int) {
        self.upstreams = upstreams
        self.timeout = timeout
        self.maxPending = maxPending
    }

    /// Upstream's response, or nil when every nameserver failed or too many queries are in flight.
    func query(_ question: DNSQuestion, recursionDesired: Bool, on loop: any EventLoop) -> EventLoopFuture<DNSMessage?> {
        let admitted = pending.withLock { n in
            guard n < maxPending else { return false }
            n += 1
            return true
        }
        guard admitted else { return loop.makeSucceededFuture(nil) }
        let result = attempt(question, recursionDesired: recursionDesired, index: 0, on: loop)
        result.whenComplete { _ in self.pending.withLock { $0 -= 1 } }
        return result
    }

    private func attempt(_ question: DNSQuestion, recursionDesired: Bool, index: Int, on loop: any EventLoop) -> EventLoopFuture<DNSMessage?> {
        guard index < upstreams.count else { return loop.makeSucceededFuture(nil) }
        let upstream = upstreams[index]
        return exchangeUDP(question, recursionDesired: recursionDesired, upstream: upstream, on: loop).flatMap { response in
            if let r = response, r.header.truncated {
                return self.exchangeTCP(question, recursionDesired: recursionDesired, upstream: upstream, on: loop).map { $0 ?? r }
            }
            if let r = response { return loop.makeSucceededFuture(r) }
            return self.attempt(question, recursionDesired: recursionDesired, index: index + 1, on: loop)
        }
    }

    static func queryBytes(_ question: DNSQuestion, id: UInt16, recursionDesired: Bool) -> [UInt8] {
        var header = DNSHeader(id: id)
        header.recursionDesired = recursionDesired
        return DNSMessageWriter.serialize(DNSMessage(header: header, questions: [question],
                                                     edns: EDNS(udpPayloadSize: 1232)))
    }

    private func exchangeUDP(_ question: DNSQuestion, recursionDesired: Bool, upstream: SocketAddress,
                             on loop: any EventLoop) -> EventLoopFuture<DNSMessage?> {
        let id = UInt16.random(in: 0...UInt16.max)
        let promise = loop.makePromise(of: DNSMessage?.self)
        let bytes = Self.queryBytes(question, id: id, recursionDesired: recursionDesired)
        let timer = loop.scheduleTask(in: timeout) { promise.succeed(nil) }
        DatagramBootstrap(group: loop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamReplyHandler<AddressedEnvelope<ByteBuffer>>(
                            expect: Expectation(upstream: upstream, id: id, question: question), promise: promise,
                            extract: { $0.remoteAddress == upstream ? $0.data : nil }))
                }
            }
            .bind(host: upstream.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
            .whenComplete { result in
                switch result {
                case .failure:
                    promise.succeed(nil)
                case .success(let channel):
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    channel.writeAndFlush(AddressedEnvelope(remoteAddress: upstream, data: ByteBuffer(bytes: bytes)))
                        .whenFailure { _ in promise.succeed(nil) }
                }
            }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
    }

    private func exchangeTCP(_ question: DNSQuestion, recursionDesired: Bool, upstream: SocketAddress,
                             on loop: any EventLoop) -> EventLoopFuture<DNSMessage?> {
        let id = UInt16.random(in: 0...UInt16.max)
        let promise = loop.makePromise(of: DNSMessage?.self)
        let bytes = Self.queryBytes(question, id: id, recursionDesired: recursionDesired)
        let timer = loop.scheduleTask(in: timeout) { promise.succeed(nil) }
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamReplyHandler<ByteBuffer>(
                            expect: Expectation(upstream: nil, id: id, question: question), promise: promise,
                            extract: { $0 }))
                }
            }
            .connect(to: upstream)
            .whenComplete { result in
                switch result {
                case .failure:
                    promise.succeed(nil)
                case .success(let channel):
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    channel.writeAndFlush(ByteBuffer.dnsFrame(bytes)).whenFailure { _ in promise.succeed(nil) }
                }
            }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
    }

    /// What a genuine reply looks like.
    struct Expectation {
        /// The sender (UDP; a TCP connection already is to it).
        let upstream: SocketAddress?
        let id: UInt16
        let question: DNSQuestion

        func accepts(_ m: DNSMessage) -> Bool {
            guard m.header.isResponse, m.header.id == id else { return false }
            // FORMERR/NOTIMP replies may omit the question; otherwise it must be ours.
            guard let q = m.questions.first else { return m.questions.isEmpty && m.header.rcode != 0 }
            return m.questions.count == 1 && q.type == question.type && q.name.equalsIgnoringCase(question.name)
        }
    }
}

/// Completes the exchange's promise with the first acceptable reply; ignores anything else.
private final class UpstreamReplyHandler<In>: ChannelInboundHandler {
    typealias InboundIn = In
    let expect: DNSForwarder.Expectation
    let promise: EventLoopPromise<DNSMessage?>
    let extract: (In) -> ByteBuffer?

    init(expect: DNSForwarder.Expectation, promise: EventLoopPromise<DNSMessage?>, extract: @escaping (In) -> ByteBuffer?) {
        self.expect = expect
        self.promise = promise
        self.extract = extract
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let buffer = extract(unwrapInboundIn(data)),
              let message = try? DNSMessageParser.parse(Array(buffer.readableBytesView)), expect.accepts(message) else { return }
        promise.succeed(message)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and friends: this nameserver is not answering.
        promise.succeed(nil)
    }
}
