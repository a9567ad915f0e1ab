import NIOCore
import NIOHTTP1
import Telemetry

/// The controller's own responses, the end of an exchange, and malformed requests.
extension IngressServerHandler {
    /// The controller answers this exchange itself; the request body, if any, is dropped.
    func answer(_ ex: IngressExchange, _ status: HTTPResponseStatus, _ body: String, close: Bool = false,
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
    func writeLocal(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String, version: HTTPVersion) {
        let bytes = Array(body.utf8)
        context.write(wrapOutboundOut(.head(IngressHeaders.localHead(status, version: version, bodyLength: bytes.count, close: true))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func writeEnd(_ context: ChannelHandlerContext, _ ex: IngressExchange, _ trailers: HTTPHeaders?) {
        let closeAfter = ex.close
        let done = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        // Finish (and record) first: a write that completes at once runs the close below
        // synchronously, and channelInactive would drop the exchange unrecorded.
        if ex.isDone { finish(ex) }
        if closeAfter {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func finish(_ ex: IngressExchange) {
        guard exchange === ex else { return }
        exchange = nil
        served += 1
        record(ex, status: ex.status)
        if ex.close {
            queued = []
            return
        }
        armWaitTimer()
        if !queued.isEmpty { serveQueued() }
    }

    func record(_ ex: IngressExchange, status: Int) {
        core.record(ex, peers: peers, status: status)
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
