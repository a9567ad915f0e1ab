import ArgumentParser
import Dashboard
import Foundation
import Telemetry
import TerminalUI

/// `switchboard bench-dashboard`: the dashboard at scale for `switchboard-bench dashboard`
/// (hidden). `--mode frame` times frame building in process; `--mode run` opens the real
/// ncurses dashboard on this terminal over a synthetic cluster that does not change, so the
/// benchmark can measure idle CPU and bytes written through a pty.
struct BenchDashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-dashboard", abstract: "Dashboard benchmark helper (used by switchboard-bench).",
        shouldDisplay: false)

    @Option var services = 10_000
    @Option var endpointsPerService = 10
    @Option var mode = "frame"
    @Option var interval: Double = 1

    func run() async throws {
        let cluster = SyntheticCluster.view(services: services, endpointsPerService: endpointsPerService)
        switch mode {
        case "frame": FrameBench.run(cluster: cluster)
        case "run":
            var config = DashboardConfig()
            config.interval = interval
            try await runDashboard(source: SyntheticSource(cluster: cluster), interval: interval, config: config)
        default: throw ValidationError("--mode frame|run")
        }
    }
}

/// A cluster of `services` ClusterIP services in 20 namespaces, each with its endpoints spread
/// over three nodes, one in ten of them not ready.
enum SyntheticCluster {
    static func view(services: Int, endpointsPerService: Int) -> ClusterView {
        var rows: [ServiceSummary] = []
        rows.reserveCapacity(services)
        for i in 0..<services {
            let ns = "ns\(i % 20)"
            let eps = (0..<endpointsPerService).map { j in
                EndpointSummary(pod: "\(ns)/svc-\(i)-pod-\(j)", ip: "127.\(128 + j % 32).\(i / 256 % 256).\(i % 256)",
                                port: 8080, portName: "http", nodeName: "node-\(j % 3 + 1)", ready: j % 10 != 0,
                                serving: true, terminating: false)
            }
            rows.append(ServiceSummary(namespace: ns, name: "svc-\(i)", type: "ClusterIP",
                                       clusterIP: "127.\(96 + i / 65536).\(i / 256 % 256).\(i % 256)",
                                       ports: [ServicePortSummary(name: "http", port: 80, targetPort: "8080")],
                                       selector: "app=svc-\(i)", endpoints: eps, labels: ["app": "svc-\(i)"]))
        }
        rows.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return ClusterView(services: rows)
    }
}

/// Samples of an idle cluster: the same objects every time (as an engine with no changes
/// gives), only the clock moves.
struct SyntheticSource: SnapshotSource {
    let cluster: ClusterView
    func snapshot() async -> Snapshot {
        Snapshot(time: Date().timeIntervalSince1970, cluster: cluster)
    }
}

enum FrameBench {
    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// Median of `n` runs, in milliseconds.
    static func median(_ n: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let times = (0..<n).map { _ in milliseconds(clock.measure(body)) }.sorted()
        return times[n / 2]
    }

    static func state(_ keys: String, model: DashboardModel) -> ViewState {
        var state = ViewState()
        for k in keys.map({ KeyPress.char($0) }) + [.enter] {
            _ = state.handle(k, context: FrameRenderer.navigationContext(model: model, state: state, width: 120, height: 40))
        }
        return state
    }

    static func run(cluster: ClusterView) {
        var model = DashboardModel()
        model.ingest(Snapshot(time: 1, cluster: cluster))
        var changed = cluster
        changed.services[0].endpoints[1].ready.toggle()
        let t0 = 2.0
        var n = 0
        let ingestChanged = median(5) {
            n += 1
            var c = changed
            if n % 2 == 0 { c.services[0].endpoints[1].ready.toggle() }
            model.ingest(Snapshot(time: t0 + Double(n), cluster: c))
        }
        let ingestSame = median(5) {
            n += 1
            model.ingest(Snapshot(time: t0 + Double(n), cluster: model.snapshot.cluster))
        }
        // A live engine rebuilds its view at every sample: equal content in new arrays.
        let rebuilt = (0..<3).map { _ in
            SyntheticCluster.view(services: cluster.services.count,
                                  endpointsPerService: cluster.services.first?.endpoints.count ?? 0)
        }
        var k = 0
        let ingestRebuilt = median(3) {
            model.ingest(Snapshot(time: t0 + Double(n + 10 + k), cluster: rebuilt[k]))
            k += 1
        }
        var out: [(String, Double)] = [("ingest a changed sample", ingestChanged),
                                       ("ingest an unchanged sample (same arrays, as a replay)", ingestSame),
                                       ("ingest an unchanged sample rebuilt by the source (live engine)", ingestRebuilt)]
        for (name, keys) in [("services view", ""), ("endpoints of all services", ":ep"),
                             ("pods view", ":pods"), ("topology view", ":topo")] {
            let state = keys.isEmpty ? ViewState() : state(keys, model: model)
            out.append(("frame: " + name, median(21) {
                _ = FrameRenderer.render(model: model, state: state, width: 120, height: 40)
            }))
        }
        let filtered = state("/svc-99", model: model)
        let first = median(1) { _ = FrameRenderer.render(model: model, state: filtered, width: 120, height: 40) }
        out.append(("frame: services filtered /svc-99, first (filters every row)", first))
        out.append(("frame: services filtered /svc-99, cached", median(21) {
            _ = FrameRenderer.render(model: model, state: filtered, width: 120, height: 40)
        }))
        let sorted = state(">", model: model)
        out.append(("frame: services sorted by a column, cached", median(21) {
            _ = FrameRenderer.render(model: model, state: sorted, width: 120, height: 40)
        }))
        for (name, ms) in out { print("\(name)\t\(String(format: "%.3f", ms))") }
    }
}
