import ClusterModel
import ControlPlane

/// A container's environment as the runtime hands it to a workload. `$(VAR)` expansion itself
/// is ControlPlane's `EnvExpansion` (the kubelet's own rules).
enum PodEnvExpansion {
    static func expand(_ input: String, _ vars: [String: String]) -> String {
        EnvExpansion.expand(input) { vars[$0] }
    }

    /// A container's final environment in order: the injected variables (service links and
    /// declared env, already expanded by the control plane), then what the runtime itself adds
    /// (`POD_IP`, `POD_NAME`, `POD_NAMESPACE`, `NODE_NAME`, `PORT`, `HOSTNAME`, `PATH`, `HOME`) unless
    /// the pod already defines them. Later duplicates of a name win, as in the kubelet.
    static func environment(injected: [EnvVar], pod: Pod, container: Container,
                            inherited: [String: String]) -> [(String, String)] {
        var order: [String] = []
        var values: [String: String] = [:]
        func set(_ k: String, _ v: String) {
            if values[k] == nil { order.append(k) }
            values[k] = v
        }
        for e in injected { set(e.name, e.value ?? "") }
        func add(_ k: String, _ v: String?) { if let v, values[k] == nil { set(k, v) } }
        add("POD_IP", pod.status?.podIP)
        add("POD_NAME", pod.metadata.name)
        add("POD_NAMESPACE", pod.metadata.namespace ?? "default")
        add("NODE_NAME", pod.spec.nodeName)
        add("PORT", container.ports?.first.map { String($0.containerPort) })
        add("HOSTNAME", pod.spec.hostname ?? pod.metadata.name)
        add("PATH", inherited["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        add("HOME", inherited["HOME"] ?? "/")
        return order.map { ($0, values[$0]!) }
    }

    /// The declared literal `env` of a container, expanded among itself: the fallback when the
    /// control plane has no environment for the pod.
    static func declared(_ container: Container) -> [EnvVar] {
        var seen: [String: String] = [:]
        var out: [EnvVar] = []
        for e in container.env ?? [] {
            let v = expand(e.value ?? "", seen)
            seen[e.name] = v
            out.append(EnvVar(name: e.name, value: v))
        }
        return out
    }
}
