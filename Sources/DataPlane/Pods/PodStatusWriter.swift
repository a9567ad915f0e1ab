import ClusterModel
import ControlPlane

/// Writes what the runtime observed into the pod's status, as the kubelet's status manager does:
/// re-read, merge, write with the read resourceVersion, retry on conflict. Readiness goes through
/// `Registry.setPodReady` so the Ready/ContainersReady conditions are set in one place.
struct PodStatusWriter: Sendable {
    let registry: Registry
    let retries: Int

    struct Observed: Equatable {
        var containerStatuses: [ContainerStatus]
        /// Set only when the pod reached a terminal phase (Succeeded/Failed).
        var phase: String?
        var ready: Bool
    }

    /// Applies `observed` to the stored pod if it is still the same pod (uid) and not being
    /// deleted. `readyChanged` asks for the Ready condition to be written too.
    func write(_ key: ObjectKey, uid: String?, _ observed: Observed, readyChanged: Bool) {
        let store = registry.store
        if readyChanged {
            if let pod = store.get(Pod.self, namespace: key.namespace, name: key.name), pod.metadata.uid == uid,
               !pod.isTerminating, pod.isReady != observed.ready {
                try? registry.setPodReady(key, observed.ready)
            }
        }
        for _ in 0..<max(1, retries) {
            guard var pod = store.get(Pod.self, namespace: key.namespace, name: key.name), pod.metadata.uid == uid,
                  !pod.isTerminating else { return }
            var status = pod.status ?? PodStatus(phase: "Running")
            let old = status.containerStatuses ?? []
            status.containerStatuses = observed.containerStatuses.map { mine in
                // Keep the control loop's first "running" entry (its startedAt) when nothing changed.
                if let theirs = old.first(where: { $0.name == mine.name }), theirs.restartCount == mine.restartCount,
                   theirs.state?["running"] != nil, mine.state?["running"] != nil, theirs.lastState == mine.lastState {
                    var keep = theirs
                    keep.ready = mine.ready
                    keep.image = mine.image ?? theirs.image
                    return keep
                }
                return mine
            }
            if let phase = observed.phase, status.phase != phase {
                status.phase = phase
                if let i = status.conditions?.firstIndex(where: { $0.type == "Ready" }), status.conditions![i].status != "False" {
                    status.conditions![i].status = "False"
                    status.conditions![i].reason = "PodCompleted"
                }
            }
            guard status != pod.status else { return }
            pod.status = status
            do {
                try registry.updateStatus(.pod(pod))  // carries the resourceVersion we read
                return
            } catch .conflict {
                continue
            } catch {
                return
            }
        }
    }
}
