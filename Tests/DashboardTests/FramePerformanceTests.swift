import Dashboard
import Foundation
import Telemetry
import Testing

/// The frame budget at scale: 10,000 services and 100,000 endpoints. A frame formats only the
/// visible rows, so its cost must not grow with the cluster. Run in release for the benchmark
/// figure (`swift test -c release --filter FramePerformance`); the debug bound here only catches
/// an accidental O(rows) frame.
@Suite struct FramePerformanceTests {
    static func bigSnapshot(time: Double, services: Int = 10_000, endpointsPerService: Int = 10) -> Snapshot {
        var rows: [ServiceSummary] = []
        rows.reserveCapacity(services)
        var ports: [ServicePortStats] = []
        for i in 0..<services {
            let eps = (0..<endpointsPerService).map { j in
                EndpointSummary(pod: "ns\(i % 20)/svc-\(i)-pod-\(j)", ip: "127.\(244 + j % 4).\(i / 256 % 256).\(i % 256)",
                                port: 8080, portName: "http", nodeName: "node-\(j % 3 + 1)", ready: j != 0, serving: true,
                                terminating: false)
            }
            rows.append(ServiceSummary(namespace: "ns\(i % 20)", name: "svc-\(i)", type: "ClusterIP",
                                       clusterIP: "127.\(96 + i / 65536).\(i / 256 % 256).\(i % 256)",
                                       ports: [ServicePortSummary(name: "http", port: 80, targetPort: "8080")],
                                       selector: "app=svc-\(i)", endpoints: eps, labels: ["app": "svc-\(i)"]))
            if i % 10 == 0 {
                ports.append(ServicePortStats(namespace: "ns\(i % 20)", name: "svc-\(i)", portName: "http", port: 80,
                                              traffic: TrafficStats(counters: TrafficCounters(totalConnections: Int(time) * i)),
                                              endpoints: [], affinity: [], sessionAffinityTimeoutSeconds: nil))
            }
        }
        rows.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return Snapshot(time: time,
                        proxy: ProxySnapshot(time: time, resourceVersion: 1, listeners: [], servicePorts: ports, nodes: [],
                                             recentFlows: []),
                        cluster: ClusterView(services: rows))
    }

    static func measure(_ n: Int = 20, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var best = Duration.seconds(100)
        for _ in 0..<n {
            let t = clock.measure(body)
            best = min(best, t)
        }
        return Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
    }

    @Test func frameAt10kServicesAnd100kEndpoints() {
        let clock = ContinuousClock()
        var model = DashboardModel()
        let ingest1 = clock.measure { model.ingest(Self.bigSnapshot(time: 1)) }
        let snap2 = Self.bigSnapshot(time: 2)
        let ingest2 = clock.measure { model.ingest(snap2) }
        #expect(model.services.count == 10_000)
        #expect(model.endpointRefs.count == 100_000)
        var state = ViewState()
        let services = Self.measure { _ = FrameRenderer.render(model: model, state: state, width: 120, height: 40) }
        _ = state.handle(.char(":"), context: FrameRenderer.navigationContext(model: model, state: state, width: 120, height: 40))
        for c in "ep" { _ = state.handle(.char(c), context: FrameRenderer.navigationContext(model: model, state: state, width: 120, height: 40)) }
        _ = state.handle(.enter, context: FrameRenderer.navigationContext(model: model, state: state, width: 120, height: 40))
        #expect(state.current.pane == .endpoints)
        let endpoints = Self.measure { _ = FrameRenderer.render(model: model, state: state, width: 120, height: 40) }
        var filtered = ViewState()
        for k in [KeyPress.char("/")] + "svc-99".map({ KeyPress.char($0) }) + [.enter] {
            _ = filtered.handle(k, context: FrameRenderer.navigationContext(model: model, state: filtered, width: 120, height: 40))
        }
        let firstFiltered = clock.measure { _ = FrameRenderer.render(model: model, state: filtered, width: 120, height: 40) }
        let cachedFiltered = Self.measure { _ = FrameRenderer.render(model: model, state: filtered, width: 120, height: 40) }
        print("""
        frame-bench: services frame \(String(format: "%.2f", services)) ms, endpoints(all 100k) frame \
        \(String(format: "%.2f", endpoints)) ms, filtered first \(firstFiltered), cached \(String(format: "%.2f", cachedFiltered)) ms; \
        ingest \(ingest1) / \(ingest2)
        """)
        #expect(services < 50, "a frame must not scale with the cluster (debug bound; release target 5 ms)")
        #expect(endpoints < 50)
        #expect(cachedFiltered < 50)
    }
}
