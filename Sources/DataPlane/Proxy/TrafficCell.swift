import Atomics
import Telemetry

/// The counters of one service port, endpoint or node, updated with relaxed atomics where the
/// bytes move (any event loop) and read by the snapshot. Relaxed is enough: every counter is
/// independent and the dashboard only needs each value eventually.
final class TrafficCell: Sendable {
    /// Key of this cell's histograms in the per-loop stores.
    let id: Int
    let active = ManagedAtomic<Int>(0)
    let total = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    let refused = ManagedAtomic<Int>(0)
    let dropped = ManagedAtomic<Int>(0)
    let failedConnects = ManagedAtomic<Int>(0)

    init(id: Int) { self.id = id }

    var counters: TrafficCounters {
        TrafficCounters(activeConnections: active.load(ordering: .relaxed),
                        totalConnections: total.load(ordering: .relaxed),
                        bytesIn: bytesIn.load(ordering: .relaxed), bytesOut: bytesOut.load(ordering: .relaxed),
                        refused: refused.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed),
                        failedConnects: failedConnects.load(ordering: .relaxed))
    }
}

/// The cells one connection touches (service port, endpoint, node), so the hot path updates all
/// of them with one call per event and never looks anything up.
struct CellSet {
    var cells: (TrafficCell?, TrafficCell?, TrafficCell?)

    init(_ a: TrafficCell?, _ b: TrafficCell?, _ c: TrafficCell?) { cells = (a, b, c) }

    // Explicit per-counter methods: key paths are not reliably optimised away on the hot path.
    @inline(__always) func addBytesIn(_ n: Int) {
        cells.0?.bytesIn.wrappingIncrement(by: n, ordering: .relaxed)
        cells.1?.bytesIn.wrappingIncrement(by: n, ordering: .relaxed)
        cells.2?.bytesIn.wrappingIncrement(by: n, ordering: .relaxed)
    }

    @inline(__always) func addBytesOut(_ n: Int) {
        cells.0?.bytesOut.wrappingIncrement(by: n, ordering: .relaxed)
        cells.1?.bytesOut.wrappingIncrement(by: n, ordering: .relaxed)
        cells.2?.bytesOut.wrappingIncrement(by: n, ordering: .relaxed)
    }

    func forEach(_ body: (TrafficCell) -> Void) {
        if let c = cells.0 { body(c) }
        if let c = cells.1 { body(c) }
        if let c = cells.2 { body(c) }
    }
}
