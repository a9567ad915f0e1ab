import ClusterModel
import ControlPlane
import Foundation
import Telemetry

/// The live engine takes the dashboard's actions: each goes through the Registry (the API
/// server's defaulting and validation, so a refusal carries the API server's message verbatim),
/// on the control thread between reconciles, and is recorded as an Event from
/// `switchboard-dashboard`, so it shows in the events pane, `kubectl get events` and recordings.
extension LiveEngine: ClusterActions {
    public static let actionComponent = "switchboard-dashboard"

    public func perform(_ action: ClusterAction) async -> ActionOutcome {
        // `ClusterEngine.perform` blocks its caller until the control thread ran the closure:
        // wait on a plain thread, never on the cooperative pool.
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.performNow(action)) }
        }
    }

    /// The synchronous form, for tests and callers already off the cooperative pool.
    public func performNow(_ action: ClusterAction) -> ActionOutcome {
        cluster.perform { loop in
            EngineActionApplier(registry: loop.registry, store: loop.store).apply(action)
        }
    }

    public func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        let key = ObjectKey(namespace: pod.namespace, name: pod.name)
        guard cluster.store.get(Pod.self, namespace: pod.namespace, name: pod.name) != nil else {
            return .failure(ActionRefusal("pods \"\(pod.name)\" not found"))
        }
        let lines = pods.logs(of: key).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = lines.last == "" ? Array(lines.dropLast()) : lines
        return .success(Array(trimmed.suffix(max(0, tailLines))))
    }
}

/// One action against the store, as `kubectl edit/scale/delete/cordon` would do it.
struct EngineActionApplier {
    let registry: Registry
    let store: ObjectStore

    func apply(_ action: ClusterAction) -> ActionOutcome {
        do {
            let (reference, reason) = try change(action)
            record(reference, reason: reason, message: action.summary)
            return .applied(action.summary)
        } catch {
            return .refused(error.description)
        }
    }

    private func service(_ ref: ObjectRef) throws(StoreError) -> Service {
        guard let s = store.get(Service.self, namespace: ref.namespace, name: ref.name) else {
            throw .notFound(.services, ObjectKey(namespace: ref.namespace, name: ref.name))
        }
        return s
    }

    private func pod(_ ref: ObjectRef) throws(StoreError) -> Pod {
        guard let p = store.get(Pod.self, namespace: ref.namespace, name: ref.name) else {
            throw .notFound(.pods, ObjectKey(namespace: ref.namespace, name: ref.name))
        }
        return p
    }

    private func node(_ name: String) throws(StoreError) -> Node {
        guard let n = store.get(Node.self, name: name) else { throw .notFound(.nodes, ObjectKey(namespace: "", name: name)) }
        return n
    }

    private func updateService(_ svc: Service) throws(StoreError) {
        var s = svc
        s.metadata.resourceVersion = nil
        try registry.update(.service(s))
    }

    /// Applies the change; returns the object the Event is about and its reason.
    private func change(_ action: ClusterAction) throws(StoreError) -> (ObjectReference, String) {
        switch action {
        case let .setServiceSelector(ref, selector):
            var s = try service(ref)
            s.spec.selector = selector.isEmpty ? nil : selector
            try updateService(s)
            return (s.reference, "SelectorChanged")
        case let .setPodLabels(ref, labels):
            var p = try pod(ref)
            p.metadata.labels = labels.isEmpty ? nil : labels
            p.metadata.resourceVersion = nil
            try registry.update(.pod(p))
            return (p.reference, "LabelsChanged")
        case let .scaleDeployment(ref, replicas):
            guard var d = store.get(Deployment.self, namespace: ref.namespace, name: ref.name) else {
                throw .notFound(.deployments, ObjectKey(namespace: ref.namespace, name: ref.name))
            }
            d.spec.replicas = replicas
            d.metadata.resourceVersion = nil
            try registry.update(.deployment(d))
            return (d.reference, "Scaled")
        case let .deletePod(ref):
            let p = try pod(ref)
            try registry.delete(.pods, p.key)
            return (p.reference, "Killed")
        case let .setPodReady(ref, ready):
            let p = try pod(ref)
            try registry.setPodReady(p.key, ready)
            return (p.reference, ready ? "MarkedReady" : "MarkedNotReady")
        case let .cordonNode(name, cordoned):
            var n = try node(name)
            var spec = n.spec ?? NodeSpec()
            spec.unschedulable = cordoned ? true : nil
            n.spec = spec
            n.metadata.resourceVersion = nil
            try registry.update(.node(n))
            return (n.reference, cordoned ? "Cordoned" : "Uncordoned")
        case let .setNodeReady(name, ready):
            var n = try node(name)
            var status = n.status ?? NodeStatus()
            var conditions = status.conditions ?? []
            let now = Timestamp.rfc3339(Date().timeIntervalSince1970)
            let c = Condition(type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now)
            if let i = conditions.firstIndex(where: { $0.type == "Ready" }) { conditions[i] = c } else { conditions.append(c) }
            status.conditions = conditions
            n.status = status
            n.metadata.resourceVersion = nil
            try registry.updateStatus(.node(n))
            return (n.reference, ready ? "NodeRestored" : "NodeFailed")
        case let .setSessionAffinity(ref, clientIP):
            var s = try service(ref)
            s.spec.sessionAffinity = clientIP ? "ClientIP" : "None"
            s.spec.sessionAffinityConfig = nil
            try updateService(s)
            return (s.reference, "SessionAffinityChanged")
        case let .setExternalTrafficPolicy(ref, local):
            var s = try service(ref)
            s.spec.externalTrafficPolicy = local ? "Local" : "Cluster"
            if !local { s.spec.healthCheckNodePort = nil }
            try updateService(s)
            return (s.reference, "TrafficPolicyChanged")
        }
    }

    /// An Event as `kubectl` would show it, from the dashboard as its source component.
    private func record(_ object: ObjectReference, reason: String, message: String) {
        let now = Date().timeIntervalSince1970
        let ns = object.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let name = "\(object.name ?? "cluster").dashboard-\(String(UInt64(now * 1_000_000), radix: 16))"
        let event = Event(metadata: ObjectMeta(name: name, namespace: ns), involvedObject: object, reason: reason,
                          message: message, type: "Normal", timestamp: Timestamp.rfc3339(now),
                          component: LiveEngine.actionComponent)
        _ = try? store.create(.event(event))
    }
}
