import NIOCore
import NIOHTTP1
import Telemetry

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
    /// The protocol named by `Upgrade` when the client asks to switch (`Connection: upgrade`):
    /// the request goes out on a fresh connection and a 101 turns both into a byte relay.
    let upgrade: String?
    /// Rounds of connect attempts waited for (see `IngressConfig.connectRetryWindow`).
    var rounds = 0
    /// Requests sent again after a connect failure or an upstream that closed before answering.
    var retries = 0
    /// How the flow record describes the end of this exchange.
    var outcome: FlowRecord.Outcome = .closed

    init(head: HTTPRequestHead, start: NIODeadline) {
        self.head = head
        self.start = start
        let hosts = head.headers[canonicalForm: "host"]
        target = IngressRequestTarget(uri: head.uri, hostHeader: hosts.first.map(String.init))
        close = !head.isKeepAlive
        let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
        if connection.contains("upgrade"), let proto = head.headers.first(name: "upgrade"), !proto.isEmpty {
            upgrade = proto
        } else {
            upgrade = nil
        }
    }

    var isDone: Bool { requestEnded && responseEnded }
    /// The upstream agreed to the upgrade: after the 101 both connections carry raw bytes.
    var switching: Bool { upgrade != nil && status == 101 }
}
