import ClusterModel

extension ControlLoop {
    /// The scheduler: spread pods over Ready, schedulable nodes, fewest pods first (ties by name).
    func schedulePod(_ key: ObjectKey) {
        guard var pod = store.get(Pod.self, namespace: key.namespace, name: key.name),
              pod.spec.nodeName == nil, !pod.isTerminating else { return }
        let candidates = nodes.values.filter { n in
            n.isSchedulable && (pod.spec.nodeSelector ?? [:]).allSatisfy { n.labels[$0.key] == $0.value }
        }
        guard let node = candidates.min(by: { a, b in
            let (ca, cb) = (podsByNode[a.name]?.count ?? 0, podsByNode[b.name]?.count ?? 0)
            return ca != cb ? ca < cb : a.name < b.name
        }) else {
            recordEvent(pod.reference, "FailedScheduling", "0/\(store.count(.nodes)) nodes are available: no Ready, schedulable node matches.", type: "Warning")
            return
        }
        pod.spec.nodeName = node.name
        var status = pod.status ?? PodStatus(phase: "Pending")
        status.conditions = [Condition(type: "PodScheduled", status: "True", lastTransitionTime: Timestamp.rfc3339(clock.now()))]
        pod.status = status
        pod.metadata.resourceVersion = nil
        guard (try? registry.updateStatus(.pod(pod))) != nil else { return }
        // Assume the binding at once, as kube-scheduler's cache does, so the next pod in this
        // batch sees the node's new count before the watch event arrives.
        podsByNode[node.name, default: []].insert(key)
        recordEvent(pod.reference, "Scheduled", "Successfully assigned \(key) to \(node.name)")
    }

    /// The kubelet's start: a pod IP from the node's pod CIDR, phase Running, the service
    /// environment fixed now (only services that exist at this moment, as Kubernetes does), and
    /// Ready at once unless a readiness probe is to decide.
    func startPod(_ key: ObjectKey) {
        guard var pod = store.get(Pod.self, namespace: key.namespace, name: key.name),
              let nodeName = pod.spec.nodeName, pod.status?.podIP == nil, !pod.isTerminating,
              let node = nodes[nodeName] else { return }
        if podAllocators[nodeName] == nil {
            guard let cidr = (node.spec?.podCIDR).flatMap(CIDR.init) else { return }
            var alloc = SequentialIPAllocator(cidr: cidr, firstOffset: 2)
            for k in podsByNode[nodeName] ?? [] {
                if let ip = store.get(Pod.self, namespace: k.namespace, name: k.name)?.status?.podIP { alloc.reserve(ip) }
            }
            podAllocators[nodeName] = alloc
        }
        guard let ip = podAllocators[nodeName]!.allocate() else {
            recordEvent(pod.reference, "FailedCreatePodSandBox", "no IP addresses available in range \(node.spec?.podCIDR ?? "")", type: "Warning")
            return
        }
        let now = Timestamp.rfc3339(clock.now())
        let probed = config.probesDriveReadiness && pod.spec.containers.contains { $0.readinessProbe != nil }
        let ready = probed ? "False" : "True"
        var status = pod.status ?? PodStatus()
        status.phase = "Running"
        status.podIP = ip
        status.podIPs = [PodIP(ip: ip)]
        status.hostIP = node.internalIP
        status.startTime = now
        status.conditions = [
            Condition(type: "PodScheduled", status: "True", lastTransitionTime: now),
            Condition(type: "Initialized", status: "True", lastTransitionTime: now),
            Condition(type: "ContainersReady", status: ready, lastTransitionTime: now),
            Condition(type: "Ready", status: ready, lastTransitionTime: now),
        ]
        status.containerStatuses = pod.spec.containers.map { c in
            var cs = ContainerStatus(name: c.name, ready: !probed)
            cs.image = c.image
            cs.started = true
            cs.state = .object(["running": .object(["startedAt": .string(now)])])
            return cs
        }
        pod.status = status
        pod.metadata.resourceVersion = nil
        guard (try? registry.updateStatus(.pod(pod))) != nil else { return }
        recordEvent(pod.reference, "Started", "Started container \(pod.spec.containers.first?.name ?? "") with IP \(ip) on \(nodeName)")
    }

    /// The end of a graceful deletion: the pod object goes and its IP returns to the node.
    func finalizePod(_ key: ObjectKey) {
        guard let pod = store.get(Pod.self, namespace: key.namespace, name: key.name), pod.isTerminating else { return }
        if let due = Timestamp.parse(pod.metadata.deletionTimestamp ?? ""), due > clock.now() {
            schedule(.finalizePod(key), at: due)
            return
        }
        finalize(pod)
    }

    /// The pod object goes; its IP returns to the node when the loop sees the deletion, so a
    /// pod's process exiting early (the data plane) can finalise it with a plain store delete.
    private func finalize(_ pod: Pod) {
        _ = try? store.delete(.pods, pod.key)
    }

    /// A node that is NotReady or gone loses its pods (they are evicted at once, as the node
    /// lifecycle controller would after its timeout), so Deployments recreate them elsewhere and
    /// no endpoint points at a dead node. Pods waiting for a node are retried.
    func syncNode(_ key: ObjectKey) {
        let node = store.get(Node.self, name: key.name)
        if node == nil || node?.isReady == false {
            for k in (podsByNode[key.name] ?? []).sorted() {
                guard let pod = store.get(Pod.self, namespace: k.namespace, name: k.name) else { continue }
                recordEvent(pod.reference, "NodeNotReady", "Node \(key.name) is not ready; evicting pod", type: "Warning")
                _ = try? registry.delete(.pods, k, gracePeriodSeconds: 0)
            }
        }
        if node?.isSchedulable == true {
            for obj in store.list(.pods) {
                if case .pod(let p) = obj, p.spec.nodeName == nil, !p.isTerminating { enqueue(.schedule(p.key)) }
            }
        }
    }
}
