import Telemetry

/// Merges what the event loops hand over at snapshot time: histogram deltas into cumulative
/// histograms (summaries recomputed only for cells that saw traffic) and flow records into the
/// flow ring (possibly shared with the ingress controller). Only snapshots and reconciles touch it.
actor StatsAggregator {
    struct Summaries: Sendable {
        var connect = LatencySummary()
        var duration = LatencySummary()
    }

    private var cumulative: [Int: HistogramPair] = [:]
    private var summaries: [Int: Summaries] = [:]
    private let flows: FlowRing

    init(flows: FlowRing) { self.flows = flows }

    func merge(_ drained: [(histograms: [Int: HistogramPair], flows: [FlowRecord])]) -> (summaries: [Int: Summaries], flows: [FlowRecord]) {
        var changed: Set<Int> = []
        var newFlows: [FlowRecord] = []
        for d in drained {
            for (id, h) in d.histograms {
                cumulative[id, default: HistogramPair()].add(h)
                changed.insert(id)
            }
            newFlows += d.flows
        }
        for id in changed {
            guard let h = cumulative[id] else { continue }
            summaries[id] = Summaries(connect: h.connect.summary, duration: h.duration.summary)
        }
        if !newFlows.isEmpty {
            newFlows.sort { $0.start < $1.start }
            flows.append(contentsOf: newFlows)
        }
        return (summaries, flows.recent())
    }

    /// Drops the histograms of cells the registry forgot.
    func forget(_ ids: [Int]) {
        for id in ids {
            cumulative[id] = nil
            summaries[id] = nil
        }
    }
}
