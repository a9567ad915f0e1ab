import NIOCore

/// Serves queries arriving as datagrams; answers go back to each sender. Errors (ICMP
/// unreachable from a client that left) never close the shared socket.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let pipeline: DNSQueryPipeline

    init(pipeline: DNSQueryPipeline) { self.pipeline = pipeline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.data.readableBytes <= DNSQueryPipeline.maxQuerySize else {
            pipeline.stats.update { $0.dropped += 1 }
            return
        }
        let channel = context.channel
        let remote = envelope.remoteAddress
        pipeline.handle(Array(envelope.data.readableBytesView), transport: .udp, on: context.eventLoop).whenSuccess { out in
            guard let out else { return }
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: out)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

/// Serves length-framed queries on one TCP connection, any number in a row (RFC 7766); closes
/// the connection when it idles past the timeout or sends something that is not DNS.
final class TCPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let pipeline: DNSQueryPipeline

    init(pipeline: DNSQueryPipeline) { self.pipeline = pipeline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let channel = context.channel
        pipeline.handle(Array(frame.readableBytesView), transport: .tcp, on: context.eventLoop).whenSuccess { out in
            if let out {
                channel.writeAndFlush(ByteBuffer.dnsFrame(out), promise: nil)
            } else {
                channel.close(promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            pipeline.stats.update { $0.tcpIdleTimeouts += 1 }
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
