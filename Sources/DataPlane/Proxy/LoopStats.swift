import Histogram
import NIOCore
import Telemetry

/// Connect-latency and duration distributions of one cell, in microseconds.
struct HistogramPair: Sendable {
    static let highest: UInt64 = 3_600_000_000  // one hour; longer values are clamped
    var connect = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highest,
                                    numberOfSignificantValueDigits: .two)
    var duration = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highest,
                                     numberOfSignificantValueDigits: .two)

    mutating func add(_ other: HistogramPair) {
        connect.add(other.connect)
        duration.add(other.duration)
    }
}

extension Histogram {
    var summary: LatencySummary {
        guard totalCount > 0 else { return LatencySummary() }
        return LatencySummary(count: Int(totalCount), p50: Int(valueAtPercentile(50)), p90: Int(valueAtPercentile(90)),
                              p99: Int(valueAtPercentile(99)), max: Int(max))
    }
}

/// What one event loop records without sharing: HdrHistograms (not thread-safe) and the ring of
/// recent flows. Touched only on its loop; the snapshot hops there and takes the contents away
/// (`drain`), so recording never takes a lock and the loop never copies a histogram.
final class LoopStats: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var histograms: [Int: HistogramPair] = [:]
    private var flows: [FlowRecord] = []
    private var flowStart = 0
    private let flowCapacity: Int
    /// Open client channels, so shutdown can close them.
    private var live: [ObjectIdentifier: any Channel] = [:]

    init(eventLoop: any EventLoop, flowCapacity: Int) {
        self.eventLoop = eventLoop
        self.flowCapacity = max(1, flowCapacity)
    }

    func recordConnect(_ cells: CellSet, micros: Int64) {
        eventLoop.assertInEventLoop()
        let v = UInt64(min(max(micros, 1), Int64(HistogramPair.highest)))
        cells.forEach { c in _ = histograms[c.id, default: HistogramPair()].connect.record(v) }
    }

    func recordDuration(_ cells: CellSet, micros: Int64) {
        eventLoop.assertInEventLoop()
        let v = UInt64(min(max(micros, 1), Int64(HistogramPair.highest)))
        cells.forEach { c in _ = histograms[c.id, default: HistogramPair()].duration.record(v) }
    }

    func recordFlow(_ flow: FlowRecord) {
        eventLoop.assertInEventLoop()
        if flows.count < flowCapacity {
            flows.append(flow)
        } else {
            flows[flowStart] = flow
            flowStart = (flowStart + 1) % flowCapacity
        }
    }

    func track(_ channel: any Channel) {
        eventLoop.assertInEventLoop()
        let id = ObjectIdentifier(channel)
        live[id] = channel
        channel.closeFuture.whenComplete { [self] _ in live[id] = nil }
    }

    func closeAll() {
        for ch in live.values { ch.close(promise: nil) }
        live = [:]
    }

    /// Everything recorded since the last drain, oldest flow first.
    func drain() -> (histograms: [Int: HistogramPair], flows: [FlowRecord]) {
        eventLoop.assertInEventLoop()
        let h = histograms
        let f = Array(flows[flowStart...] + flows[..<flowStart])
        histograms = [:]
        flows = []
        flowStart = 0
        return (h, f)
    }
}
