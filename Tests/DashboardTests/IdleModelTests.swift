import Dashboard
import Telemetry
import Testing

/// An unchanged cluster is not re-indexed at each sample, yet highlights still end on time and
/// traffic still moves.
@Suite struct IdleModelTests {
    static func service(_ name: String) -> ServiceSummary {
        ServiceSummary(namespace: "default", name: name, type: "ClusterIP", clusterIP: "127.96.0.9",
                       ports: [ServicePortSummary(name: "http", port: 80, targetPort: "8080")], selector: "app=\(name)")
    }

    static func traffic(_ total: Int) -> ProxySnapshot {
        ProxySnapshot(time: 0, resourceVersion: 1, listeners: [], servicePorts: [
            ServicePortStats(namespace: "default", name: "web", portName: "http", port: 80,
                             traffic: TrafficStats(counters: TrafficCounters(totalConnections: total)),
                             endpoints: [], affinity: [], sessionAffinityTimeoutSeconds: nil),
        ], nodes: [], recentFlows: [])
    }

    @Test func deletedServiceGhostEndsWhileTheClusterStandsStill() {
        let both = ClusterView(services: [Self.service("db"), Self.service("web")])
        let webOnly = ClusterView(services: [Self.service("web")])
        var m = DashboardModel(highlightSeconds: 3)
        m.ingest(Snapshot(time: 10, cluster: both))
        m.ingest(Snapshot(time: 11, cluster: webOnly))
        #expect(m.ghosts.map(\.name) == ["db"])
        #expect(m.change(ofRow: "svc:default/db") == .deleted)
        m.ingest(Snapshot(time: 12, cluster: webOnly))
        #expect(m.ghosts.map(\.name) == ["db"], "still highlighted")
        m.ingest(Snapshot(time: 15, cluster: webOnly))
        #expect(m.ghosts.isEmpty, "the highlight ended without any change to the cluster")
        #expect(m.services.map(\.name) == ["web"])
        #expect(m.service(id: "default/web") != nil)
        // Back again: it is new.
        m.ingest(Snapshot(time: 16, cluster: both))
        #expect(m.change(ofRow: "svc:default/db") == .added)
    }

    @Test func trafficAndHistoryMoveOnAnUnchangedCluster() {
        let view = ClusterView(services: [Self.service("idle"), Self.service("web")])
        var m = DashboardModel()
        m.ingest(Snapshot(time: 1, proxy: Self.traffic(10), cluster: view))
        m.ingest(Snapshot(time: 2, proxy: Self.traffic(30), cluster: view))
        m.ingest(Snapshot(time: 3, proxy: Self.traffic(60), cluster: view))
        #expect(m.traffic["default/web"]?.connectionsPerSecond == 30)
        #expect(m.totals.connectionsPerSecond == 30 && m.totals.services == 2)
        #expect(m.history["default/web"] == [20, 30])
        #expect(m.history["default/idle"] == nil, "no series for a service that never carried traffic")
    }
}
