import NIOCore
import Telemetry

/// Who is on either end of a client connection, as flow records name them.
struct IngressPeers {
    /// `ip` of the client (X-Forwarded-For, X-Real-IP).
    var clientIP = "unknown"
    /// `ip:port` of the client.
    var client = "unknown"
    /// `ip:port` the client dialled (the controller's address and bound port).
    var frontend = "unknown"

    init() {}

    init(_ channel: any Channel) {
        if let r = channel.remoteAddress {
            clientIP = r.ipAddress ?? clientIP
            client = "\(clientIP):\(r.port ?? 0)"
        }
        if let l = channel.localAddress { frontend = "\(l.ipAddress ?? "?"):\(l.port ?? 0)" }
    }
}

extension IngressCore {
    /// Counts a finished exchange into its route's stats and lists it in the flow ring, where it
    /// sits beside the L4 flows: servicePort is the backend's service port, endpoint the pod
    /// (nil when the controller answered itself), http what was asked and answered.
    func record(_ ex: IngressExchange, peers: IngressPeers, status: Int) {
        if ex.retries > 0 { retries.add(ex.retries, ordering: .relaxed) }
        let micros = UInt64(max(0, (NIODeadline.now() - ex.start).nanoseconds / 1000))
        let forwarded = !ex.local || ex.outcome == .connectFailed
        let endpoint = forwarded ? ex.endpoint?.key : nil
        stats.record(route: ex.route, endpoint: ex.local ? nil : endpoint, status: status, latencyMicros: micros,
                     bytesIn: ex.bytesIn, bytesOut: ex.bytesOut)
        let servicePort = ex.backend.servicePort
            ?? ex.route.map { "\($0.backend.namespace)/\($0.backend.service):\($0.backend.port)" } ?? ""
        let http = HTTPExchange(method: "\(ex.head.method)", host: IngressHeaders.printable(ex.target.host ?? ""),
                                path: IngressHeaders.printable(ex.target.path), status: status, route: ex.route?.label)
        flows.append(FlowRecord(start: config.clock.now() - Double(micros) / 1_000_000, client: peers.client,
                                frontend: peers.frontend, frontendKind: .ingress, servicePort: servicePort,
                                endpoint: endpoint, nodeName: nil, bytesIn: Int(ex.bytesIn), bytesOut: Int(ex.bytesOut),
                                duration: Int(micros), outcome: ex.outcome, http: http))
    }
}
