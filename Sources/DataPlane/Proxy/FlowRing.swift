import Synchronization
import Telemetry

/// The bounded ring of recent flows the dashboard's flow pane reads: L4 connections from the
/// service proxy and HTTP requests from the ingress controller, side by side. The engine makes
/// one and hands it to both, so a request's two hops (client → ingress, ingress → pod) show up
/// in one list; each component makes a private one when given none.
///
/// Appends take a short lock (the proxy appends a batch per snapshot, the ingress one record
/// per request); reads return the newest `capacity` flows ordered by start time.
public final class FlowRing: Sendable {
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var flows: [FlowRecord] = []
        var start = 0
    }

    public init(capacity: Int = 512) { self.capacity = max(1, capacity) }

    public func append(_ flow: FlowRecord) {
        state.withLock { s in Self.insert(flow, into: &s, capacity: capacity) }
    }

    public func append(contentsOf flows: [FlowRecord]) {
        guard !flows.isEmpty else { return }
        state.withLock { s in
            for f in flows.suffix(capacity) { Self.insert(f, into: &s, capacity: capacity) }
        }
    }

    /// The flows held, oldest start first.
    public func recent() -> [FlowRecord] {
        let all = state.withLock { s in Array(s.flows[s.start...] + s.flows[..<s.start]) }
        // Stable: records appended in one batch keep their order on equal start times.
        return all.enumerated().sorted { a, b in
            a.element.start != b.element.start ? a.element.start < b.element.start : a.offset < b.offset
        }.map(\.element)
    }

    private static func insert(_ flow: FlowRecord, into s: inout State, capacity: Int) {
        if s.flows.count < capacity {
            s.flows.append(flow)
        } else {
            s.flows[s.start] = flow
            s.start = (s.start + 1) % capacity
        }
    }
}
