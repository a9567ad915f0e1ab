import ClusterModel
import ControlPlane
import Dashboard
import Engine
import Telemetry

/// The live engine as the dashboard sees it: the engine's traffic snapshot plus a compact view
/// of the cluster's objects. Built here because the Engine (floor 4) does not import the
/// Dashboard; both are below the command line.
struct DashboardSource: SnapshotSource {
    let engine: LiveEngine

    func snapshot() async -> Snapshot {
        var s = await engine.snapshot()
        let st = engine.cluster.store
        s.cluster = ClusterView.build(
            services: st.list(Service.self), endpointSlices: st.list(EndpointSlice.self), pods: st.list(Pod.self),
            nodes: st.list(Node.self), ingresses: st.list(Ingress.self), events: st.list(Event.self),
            clusterDomain: engine.cluster.config.addresses.clusterDomain,
            environment: { ServiceEnvironment.variables(for: $0).map(\.name) },
            deployments: st.list(Deployment.self))
        return s
    }
}
