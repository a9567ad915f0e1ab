import ControlPlane
import NIOCore
import NIOHTTP1

/// kube-proxy's healthCheckNodePort responder for one node address: any path, 200 with the local
/// ready endpoint count or 503 without, the JSON body load balancers parse. Reads the current
/// routing table per request, so answers follow endpoint changes without rebinding.
final class HealthCheckHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let key: FrontendKey
    let core: ProxyCore
    private var keepAlive = false

    init(key: FrontendKey, core: ProxyCore) {
        self.key = key
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        let table = core.table.load(ordering: .acquiring)
        let response: HealthCheckResponse
        if let route = table.healthChecks[key] {
            response = HealthCheckResponse(namespace: route.namespace, name: route.name,
                                           localEndpoints: route.localEndpoints, proxyHealthy: true)
        } else {
            response = HealthCheckResponse(namespace: "", name: "", localEndpoints: 0, proxyHealthy: true)
        }
        var headers = HTTPHeaders(response.headers)
        var body = context.channel.allocator.buffer(capacity: response.body.utf8.count)
        body.writeString(response.body)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let keep = keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keep { channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
