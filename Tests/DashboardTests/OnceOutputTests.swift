import Dashboard
import Foundation
import Telemetry
import Testing

/// `up --once --view …`: plain text and JSON of a view, every row.
@Suite struct OnceOutputTests {
    @Test(arguments: [PaneKind.services, .endpoints, .ingress, .flow, .pods, .nodes, .events])
    func textHasAHeaderAndEveryRow(_ pane: PaneKind) throws {
        let snaps = FixtureCluster.snapshots
        let text = OnceOutput.text(pane, snapshot: snaps[1], previous: snaps[0])
        SnapshotFixture.assertMatches(text, named: "once-\(pane.rawValue)")
        let lines = text.split(separator: "\n")
        let view = FixtureCluster.clusterView
        let expected = switch pane {
        case .services: view.services.count
        case .endpoints: view.services.reduce(0) { $0 + $1.endpoints.count }
        case .ingress: view.ingressRoutes.count
        case .flow: snaps[1].proxy!.recentFlows.count
        case .pods: view.pods.count
        case .nodes: view.nodes.count
        case .events: view.events.count
        case .details, .topology, .podDetails: 0
        }
        #expect(lines.count == expected + 1)
        let json = OnceOutput.json(pane, snapshot: snaps[1], previous: snaps[0])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]])
        #expect(rows.count == expected)
    }

    @Test func servicesTextShowsRatesAndPorts() {
        let snaps = FixtureCluster.snapshots
        let text = OnceOutput.text(.services, snapshot: snaps[1], previous: snaps[0], ascii: true)
        let kubia = text.split(separator: "\n").first { $0.contains("default") && $0.contains(" kubia ") }
        #expect(kubia?.contains("http:80>http,https:443>8443") == true)
        #expect(kubia?.contains(" 40 ") == true)
        #expect(text.allSatisfy { $0.isASCII })
    }

    @Test func detailsOfOneService() throws {
        let snap = FixtureCluster.snapshots[1]
        let text = OnceOutput.text(.details, snapshot: snap, service: "default/kubia")
        #expect(text.contains("kubia.default.svc.cluster.local"))
        #expect(text.contains("KUBIA_SERVICE_HOST"))
        #expect(text.contains("ping"))
        let json = OnceOutput.json(.details, snapshot: snap, service: "default/kubia")
        let decoded = try JSONDecoder().decode(ServiceSummary.self, from: Data(json.utf8))
        #expect(decoded.name == "kubia")
    }
}
