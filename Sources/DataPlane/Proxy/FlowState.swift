import ControlPlane
import NIOCore
import Telemetry

/// The bookkeeping of one proxied connection, confined to its event loop: byte counts (also fed
/// to the shared cells as they move), timing, and the flow record written when the last leg closes.
final class FlowState {
    let cells: CellSet
    let stats: LoopStats?
    let started = NIODeadline.now()
    let startTime: Double
    let client: SocketAddress
    let frontend: Frontend
    let endpoint: RouteEndpoint?
    let nodeName: String?
    var bytesIn = 0
    var bytesOut = 0
    var sawReset = false
    var outcome: FlowRecord.Outcome = .closed
    private var openLegs = 1
    private var finished = false

    init(cells: CellSet, stats: LoopStats?, startTime: Double, client: SocketAddress, frontend: Frontend,
         endpoint: RouteEndpoint?, nodeName: String?) {
        self.cells = cells
        self.stats = stats
        self.startTime = startTime
        self.client = client
        self.frontend = frontend
        self.endpoint = endpoint
        self.nodeName = nodeName
        cells.forEach { c in
            c.total.wrappingIncrement(ordering: .relaxed)
            c.active.wrappingIncrement(ordering: .relaxed)
        }
    }

    @inline(__always)
    func count(_ side: GlueHandler.Side, _ n: Int) {
        switch side {
        case .client:
            bytesIn &+= n
            cells.addBytesIn(n)
        case .upstream:
            bytesOut &+= n
            cells.addBytesOut(n)
        }
    }

    func upstreamConnected() {
        openLegs += 1
        stats?.recordConnect(cells, micros: (NIODeadline.now() - started).nanoseconds / 1000)
    }

    func legClosed(_ side: GlueHandler.Side) {
        openLegs -= 1
        if openLegs <= 0 { finish() }
    }

    /// Ends the flow: counters down, duration recorded, flow record kept.
    func finish() {
        guard !finished else { return }
        finished = true
        let micros = (NIODeadline.now() - started).nanoseconds / 1000
        cells.forEach { $0.active.wrappingDecrement(ordering: .relaxed) }
        if outcome == .closed, sawReset { outcome = .reset }
        stats?.recordDuration(cells, micros: micros)
        stats?.recordFlow(FlowRecord(
            start: startTime, client: client.textual, frontend: frontend.text, frontendKind: frontend.kind,
            servicePort: frontend.route.id, endpoint: endpoint?.text, nodeName: nodeName, bytesIn: bytesIn,
            bytesOut: bytesOut, duration: Int(micros), outcome: outcome))
    }
}

extension SocketAddress {
    /// `ip:port` without NIO's `[IPv4]` decoration.
    var textual: String { "\(ipAddress ?? "?"):\(port ?? 0)" }

    /// The IPv4 address as a number (0 for anything else).
    var ipv4Value: UInt32 {
        if case .v4(let a) = self { return UInt32(bigEndian: a.address.sin_addr.s_addr) }
        return 0
    }
}
