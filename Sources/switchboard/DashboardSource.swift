import ClusterModel
import ControlPlane
import Dashboard
import Engine
import Telemetry

/// The live engine as the dashboard sees it: the engine's traffic snapshot plus a compact view
/// of the cluster's objects. Built here because the Engine (floor 4) does not import the
/// Dashboard; both are below the command line.
struct DashboardSource: DetailedSnapshotSource {
    let engine: LiveEngine

    func snapshot() async -> Snapshot {
        await snapshot(podDetails: [])
    }

    /// A sample whose cluster view also carries the environment and resolv.conf of `podDetails`
    /// (the pods the dashboard has open): a lookup each, so the sample's cost does not grow with
    /// the number of pods.
    func snapshot(podDetails: Set<ObjectRef>) async -> Snapshot {
        var s = await engine.snapshot()
        let st = engine.cluster.store
        var view = ClusterView.build(
            services: st.list(Service.self), endpointSlices: st.list(EndpointSlice.self), pods: st.list(Pod.self),
            nodes: st.list(Node.self), ingresses: st.list(Ingress.self), events: st.list(Event.self),
            clusterDomain: engine.cluster.config.addresses.clusterDomain,
            environment: { ServiceEnvironment.variables(for: $0).map { "\($0.name)=\($0.value ?? "")" } },
            deployments: st.list(Deployment.self))
        if !podDetails.isEmpty {
            view.podDetails = podDetails.sorted { $0.description < $1.description }.compactMap(detail(of:))
        }
        s.cluster = view
        return s
    }

    func detail(of ref: ObjectRef) -> PodDetail? {
        guard let pod = engine.cluster.store.get(Pod.self, namespace: ref.namespace, name: ref.name) else { return nil }
        let addresses = engine.cluster.config.addresses
        let dns = ClusterDNSSettings(clusterDomain: addresses.clusterDomain, clusterDNS: [addresses.clusterDNS])
        let env = engine.cluster.environment(of: ObjectKey(namespace: ref.namespace, name: ref.name)) ?? [:]
        let containers = pod.spec.containers.compactMap { c -> ContainerEnvironment? in
            guard let vars = env[c.name] else { return nil }
            let own = Set((c.env ?? []).map(\.name))
            return ContainerEnvironment(container: c.name, variables: vars.map { v in
                ContainerEnvironment.Variable(name: v.name, value: v.value ?? Self.describe(v.valueFrom),
                                              fromService: !own.contains(v.name))
            })
        }
        return PodDetail(namespace: ref.namespace, name: ref.name, containers: containers,
                         resolvConf: ResolvConf.forPod(pod, cluster: dns).rendered)
    }

    static func describe(_ source: EnvVarSource?) -> String {
        if let f = source?.fieldRef { return "(field \(f.fieldPath))" }
        if source?.secretKeyRef != nil { return "(from a Secret)" }
        if source?.configMapKeyRef != nil { return "(from a ConfigMap)" }
        return ""
    }
}
