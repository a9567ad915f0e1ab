import NIOCore

/// In front of TLS: a client that speaks plain HTTP to the HTTPS port (`kubectl --server
/// http://…` after the server moved to TLS) gets the answer Go's servers give, "Client sent an
/// HTTP request to an HTTPS server.", instead of a dropped connection. Anything starting like
/// a TLS record (0x16, handshake) passes through; the handler then leaves the pipeline.
final class PlainHTTPRejecter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        let looksLikeHTTP = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        guard looksLikeHTTP else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        let answer = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
            + "Client sent an HTTP request to an HTTPS server.\n"
        var out = context.channel.allocator.buffer(capacity: answer.utf8.count)
        out.writeString(answer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
    }
}
