import ClusterModel
import ControlPlane
import NIOCore
import NIOHTTP1

/// `kubectl logs -f`: a chunked text stream that polls the pod runtime's log and sends what is
/// new, until the pod is gone or the client leaves. A client that stops reading is simply not
/// sent more (ticks are skipped while the socket is backed up; the runtime's log is bounded).
final class LogFollower {
    private let api: APIHandler
    private let plan: APIHandler.LogPlan
    private var sent = ""
    private var task: RepeatedTask?

    init(api: APIHandler, plan: APIHandler.LogPlan) {
        self.api = api
        self.plan = plan
    }

    func start(_ context: ChannelHandlerContext, version: HTTPVersion) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: .ok, headers: headers))), promise: nil)
        sent = api.logText(plan)
        write(sent, context)
        context.flush()
        var unlimited = plan
        unlimited.tailLines = nil
        unlimited.limitBytes = nil
        let full = unlimited
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let interval = TimeAmount.milliseconds(Int64(max(0.01, api.config.logFollowInterval) * 1000))
        sent = api.logText(full)
        task = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (follower, context) = bound.value
            follower.tick(context, full)
        }
    }

    private func tick(_ context: ChannelHandlerContext, _ full: APIHandler.LogPlan) {
        guard api.store.get(.pods, plan.pod) != nil else {
            stop()
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        guard context.channel.isWritable else { return }
        let now = api.logText(full)
        let delta = APIHandler.logDelta(sent: sent, now: now)
        sent = now
        if !delta.isEmpty {
            write(delta, context)
            context.flush()
        }
    }

    private func write(_ text: String, _ context: ChannelHandlerContext) {
        guard !text.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }

    func stop() {
        task?.cancel()
        task = nil
    }
}
