import NIOCore
import NIOHTTP1

/// One request/response on a client connection, from its head to the end of both directions.
final class IngressExchange {
    let head: HTTPRequestHead
    let target: IngressRequestTarget
    let start: NIODeadline
    var route: IngressRoute?
    var backend = ResolvedBackend(endpoints: [], problem: nil)
    var endpoint: UpstreamEndpoint?
    var tried: Set<String> = []
    var attempts = 0
    var upstream: IngressUpstreamConnection?
    var reusedConnection = false
    /// Request parts that arrived before the upstream connection was ready.
    var buffered: [HTTPClientRequestPart] = []
    var sawBody = false
    var requestEnded = false
    var responseStarted = false
    var responseEnded = false
    /// The controller answers itself; the rest of the request body is read and dropped.
    var local = false
    var status = 0
    var close: Bool
    var setCookie: String?
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    var readTimer: Scheduled<Void>?
    /// Whether the upstream connection can carry another request afterwards.
    var upstreamReusable = true

    init(head: HTTPRequestHead, start: NIODeadline) {
        self.head = head
        self.start = start
        let hosts = head.headers[canonicalForm: "host"]
        target = IngressRequestTarget(uri: head.uri, hostHeader: hosts.first.map(String.init))
        close = !head.isKeepAlive
    }

    var isDone: Bool { requestEnded && responseEnded }
}
