import ClusterModel
import Foundation

extension ControlLoop {
    /// Keeps `spec.replicas` pods of the current template. Pods are owned by the Deployment
    /// directly (Switchboard has no ReplicaSet objects) but are named as a ReplicaSet would name
    /// them, `<deployment>-<pod-template-hash>-<suffix>`, and carry the `pod-template-hash` label.
    /// A template change replaces old pods as the Recreate strategy does.
    func syncDeployment(_ key: ObjectKey) {
        let ownedKeys = podsByOwner[key] ?? []
        guard let d = store.get(Deployment.self, namespace: key.namespace, name: key.name) else {
            // Garbage collection: the owner is gone, so are its pods.
            for k in ownedKeys.sorted() { _ = try? registry.delete(.pods, k, gracePeriodSeconds: 0) }
            return
        }
        let hash = templateHash(d)
        let pods = ownedKeys.compactMap { store.get(Pod.self, namespace: $0.namespace, name: $0.name) }
        let active = pods.filter { !$0.isTerminating && !$0.isTerminal }
        let (current, outdated) = (active.filter { $0.labels["pod-template-hash"] == hash },
                                   active.filter { $0.labels["pod-template-hash"] != hash })
        for p in outdated.sorted(by: { $0.key < $1.key }) { _ = try? registry.delete(.pods, p.key) }
        // Failed pods are replaced: remove them so their names and IPs are not reused.
        for p in pods where p.isTerminal { _ = try? registry.delete(.pods, p.key, gracePeriodSeconds: 0) }
        let want = d.spec.replicas ?? 1
        if current.count < want {
            for _ in current.count..<want { createPod(for: d, hash: hash) }
        } else if current.count > want {
            // Scale down the least useful first: unscheduled, then not ready, then the newest.
            let victims = current.sorted { a, b in
                let ka = (a.spec.nodeName == nil ? 0 : 1, a.isReady ? 1 : 0, -(Timestamp.parse(a.metadata.creationTimestamp ?? "") ?? 0))
                let kb = (b.spec.nodeName == nil ? 0 : 1, b.isReady ? 1 : 0, -(Timestamp.parse(b.metadata.creationTimestamp ?? "") ?? 0))
                return ka != kb ? ka < kb : a.name > b.name
            }.prefix(current.count - want)
            for p in victims { _ = try? registry.delete(.pods, p.key) }
            recordEvent(d.reference, "ScalingReplicaSet", "Scaled down replica set \(d.name)-\(hash) to \(want) from \(current.count)")
        }
        var status = DeploymentStatus()
        status.observedGeneration = d.metadata.generation
        status.replicas = active.count
        status.updatedReplicas = current.count
        status.readyReplicas = current.filter(\.isReady).count
        status.availableReplicas = status.readyReplicas
        status.unavailableReplicas = max(0, want - (status.readyReplicas ?? 0))
        if d.status != status {
            var updated = d
            updated.status = status
            updated.metadata.resourceVersion = nil
            _ = try? registry.updateStatus(.deployment(updated))
        }
    }

    private func createPod(for d: Deployment, hash: String) {
        var meta = d.spec.template.metadata ?? ObjectMeta()
        meta.namespace = d.namespace
        meta.labels = (meta.labels ?? [:]).merging(["pod-template-hash": hash]) { _, n in n }
        meta.ownerReferences = [OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: d.name,
                                               uid: d.metadata.uid ?? "", controller: true)]
        for _ in 0..<8 {
            meta.name = "\(d.name)-\(hash)-\(ObjectStore.randomSuffix(Int(truncatingIfNeeded: rng.next())))"
            if store.get(.pods, ObjectKey(namespace: d.namespace, name: meta.name!)) == nil { break }
        }
        let pod = Pod(metadata: meta, spec: d.spec.template.spec, status: PodStatus(phase: "Pending"))
        do {
            try registry.create(.pod(pod))
            recordEvent(d.reference, "SuccessfulCreate", "Created pod: \(meta.name!)")
        } catch {
            recordEvent(d.reference, "FailedCreate", "Error creating: \(error)", type: "Warning")
        }
    }

    /// The hash of a deployment's current template, computed once per generation.
    private func templateHash(_ d: Deployment) -> String {
        let generation = d.metadata.generation ?? 0
        if let cached = templateHashes[d.key], cached.generation == generation, cached.uid == d.metadata.uid {
            return cached.hash
        }
        let hash = Self.podTemplateHash(d.spec.template)
        templateHashes[d.key] = (d.metadata.uid, generation, hash)
        return hash
    }

    /// FNV-1a of the template's canonical JSON, spelled with Kubernetes' safe alphabet, as the
    /// ReplicaSet controller derives `pod-template-hash`.
    static func podTemplateHash(_ template: PodTemplateSpec) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = (try? enc.encode(template)) ?? Data()
        var h: UInt32 = 2_166_136_261
        for b in data { h = (h ^ UInt32(b)) &* 16_777_619 }
        return String(String(h).utf8.map { ObjectStore.alphabet[Int($0) % ObjectStore.alphabet.count] })
    }
}
