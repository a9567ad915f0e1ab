import ClusterModel

/// The API server's write path in front of the store: defaulting, validation, and the service
/// registry's synchronous allocations (cluster IPs, NodePorts, health-check ports). Every writer —
/// manifests at start-up, the Kubernetes API, the dashboard's intents — goes through here, so all
/// of them get the same answers, errors included.
public final class Registry: @unchecked Sendable {
    public let store: ObjectStore
    public let config: ClusterConfig
    private let lock = SimpleLock()
    private var clusterIPs: ClusterIPAllocator
    private var nodePorts: NodePortAllocator
    private let clock: any ClusterClock

    public init(store: ObjectStore, config: ClusterConfig, clock: any ClusterClock) throws(AllocationError) {
        self.store = store
        self.config = config
        self.clock = clock
        let cidrs = try config.addresses.validated()
        clusterIPs = ClusterIPAllocator(cidr: cidrs.service, seed: config.seed)
        nodePorts = NodePortAllocator(range: config.addresses.nodePortFirst...config.addresses.nodePortLast,
                                      seed: config.seed &+ 1)
        // Rebuild allocations from what the store already holds (a restored state).
        for svc in store.list(Service.self) { reserve(svc) }
    }

    private func reserve(_ svc: Service) {
        lock.withLock {
            if let ip = svc.assignedClusterIP { _ = try? clusterIPs.allocate(ip) }
            for p in svc.ports { if let np = p.nodePort, np != 0 { _ = try? nodePorts.allocate(np) } }
            if let hc = svc.spec.healthCheckNodePort, hc != 0 { _ = try? nodePorts.allocate(hc) }
        }
    }

    // MARK: create / update / delete

    /// Creates an object as `kubectl create` would: defaults, validates, allocates, stores.
    @discardableResult
    public func create(_ object: APIObject) throws(StoreError) -> APIObject {
        var obj = object
        fillNamespace(&obj)
        Defaulting.apply(&obj)
        let key = obj.key
        if obj.resource.namespaced, store.get(.namespaces, ObjectKey(namespace: "", name: key.namespace)) == nil {
            throw .notFound(.namespaces, ObjectKey(namespace: "", name: key.namespace))
        }
        // As the service REST storage does, allocation comes before validation, so a
        // LoadBalancer with externalTrafficPolicy Local validates with its healthCheckNodePort.
        guard case .service(var svc) = obj else {
            let errors = Validation.validate(obj)
            guard errors.isEmpty else { throw .invalid(obj.resource, key, errors) }
            return try store.create(obj)
        }
        var errors = Validation.validateServiceClusterIPsRelatedFields(svc)
        if errors.isEmpty { errors = allocate(&svc, old: nil) }
        if errors.isEmpty {
            errors = Validation.validate(.service(svc))
            if !errors.isEmpty { release(svc, keeping: nil) }
        }
        guard errors.isEmpty else { throw .invalid(.services, key, errors) }
        do { return try store.create(.service(svc)) } catch {
            release(svc, keeping: nil)
            throw error
        }
    }

    /// Replaces an object as `kubectl replace`/`apply` would. Allocations already made are kept
    /// when the new spec leaves them unset, as the service registry does for NodePorts.
    @discardableResult
    public func update(_ object: APIObject) throws(StoreError) -> APIObject {
        var obj = object
        fillNamespace(&obj)
        guard let old = store.get(obj.resource, obj.key) else { throw .notFound(obj.resource, obj.key) }
        guard case .service(var svc) = obj, case .service(let oldSvc) = old else {
            Defaulting.apply(&obj)
            let errors = Validation.validate(obj) + Validation.validateUpdate(old: old, new: obj)
            guard errors.isEmpty else { throw .invalid(obj.resource, obj.key, errors) }
            return try store.update(obj)
        }
        // The registry's order: keep what was allocated and left unset, default, allocate what
        // is new, then validate the result against the old object.
        Defaulting.patchAllocatedValues(old: oldSvc, new: &svc)
        if svc.status == nil { svc.status = oldSvc.status }
        var defaulted = APIObject.service(svc)
        Defaulting.apply(&defaulted)
        guard case .service(var result) = defaulted else { preconditionFailure("defaulting changed the kind") }
        var errors = allocate(&result, old: oldSvc)
        if errors.isEmpty {
            errors = Validation.validate(.service(result)) + Validation.validateUpdate(old: old, new: .service(result))
            if !errors.isEmpty { release(result, keeping: oldSvc) }
        }
        guard errors.isEmpty else { throw .invalid(.services, obj.key, errors) }
        let stored: APIObject
        do { stored = try store.update(.service(result)) } catch {
            release(result, keeping: oldSvc)
            throw error
        }
        release(oldSvc, keeping: result)
        return stored
    }

    /// Creates or replaces, the way `kubectl apply` is used with whole manifests.
    @discardableResult
    public func apply(_ object: APIObject) throws(StoreError) -> APIObject {
        var obj = object
        fillNamespace(&obj)
        if store.get(obj.resource, obj.key) != nil {
            var base = obj.base
            base.metadata.resourceVersion = nil
            return try update(APIObject(base))
        }
        return try create(obj)
    }

    /// Deletes an object. Pods are deleted gracefully, as the API server does: they get a
    /// deletionTimestamp and stay (Terminating) until the grace period ends or the kubelet — here
    /// the control loop or data plane — finalises them. `gracePeriodSeconds: 0` removes at once.
    @discardableResult
    public func delete(_ kind: ResourceKind, _ key: ObjectKey, gracePeriodSeconds: Int? = nil) throws(StoreError) -> APIObject {
        guard let current = store.get(kind, key) else { throw .notFound(kind, key) }
        if case .pod(var pod) = current {
            let grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30
            if grace > 0, pod.status?.podIP != nil, !pod.isTerminal {
                if let existing = pod.metadata.deletionTimestamp {
                    // As kube-apiserver's BeforeDelete: a pending deletion may only be shortened,
                    // counting the new grace period from when the deletion began.
                    guard let requested = gracePeriodSeconds, let old = pod.metadata.deletionGracePeriodSeconds,
                          requested < old, let due = Timestamp.parse(existing) else { return current }
                    pod.metadata.deletionTimestamp = Timestamp.rfc3339(due - Double(old) + Double(requested))
                    pod.metadata.deletionGracePeriodSeconds = requested
                    pod.metadata.resourceVersion = nil
                    return try store.update(.pod(pod))
                }
                pod.metadata.deletionTimestamp = Timestamp.rfc3339(clock.now() + Double(grace))
                pod.metadata.deletionGracePeriodSeconds = grace
                pod.metadata.resourceVersion = nil
                return try store.update(.pod(pod))
            }
        }
        if kind == .namespaces {
            for k in ResourceKind.allCases where k.namespaced {
                for o in store.list(k, namespace: key.name) { _ = try? delete(k, o.key, gracePeriodSeconds: 0) }
            }
        }
        let deleted = try store.delete(kind, key)
        if case .service(let svc) = deleted { release(svc, keeping: nil) }
        return deleted
    }

    /// Writes status as a controller does (no defaulting, no validation of spec, no allocation).
    @discardableResult
    public func updateStatus(_ object: APIObject) throws(StoreError) -> APIObject {
        try store.update(object)
    }

    // MARK: allocation

    private func fillNamespace(_ obj: inout APIObject) {
        guard obj.resource.namespaced, (obj.metadata.namespace ?? "").isEmpty else { return }
        var base = obj.base
        base.metadata.namespace = "default"
        obj = APIObject(base)
    }

    /// Allocates what the service needs and does not have; returns field errors and allocates
    /// nothing when any allocation fails.
    private func allocate(_ svc: inout Service, old: Service?) -> [FieldError] {
        lock.withLock {
            var taken: (ips: [String], ports: [Int]) = ([], [])
            var errors: [FieldError] = []
            let oldIP = old?.assignedClusterIP
            if !svc.isExternalName, !svc.isHeadless {
                let requested = svc.spec.clusterIP ?? ""
                if requested.isEmpty || requested != oldIP {
                    do {
                        let ip = try clusterIPs.allocate(requested.isEmpty ? nil : requested)
                        taken.ips.append(ip)
                        svc.spec.clusterIP = ip
                    } catch {
                        errors.append(FieldError(.invalid, "spec.clusterIPs", "[]string{\(FieldError.quote(requested))}",
                                                 "\(error)"))
                    }
                }
                if let ip = svc.spec.clusterIP { svc.spec.clusterIPs = [ip] }
            } else if svc.isExternalName {
                svc.spec.clusterIP = nil
                svc.spec.clusterIPs = nil
            } else {
                svc.spec.clusterIPs = ["None"]
            }
            let wantsNodePorts = svc.type == ServiceType.nodePort
                || (svc.type == ServiceType.loadBalancer && svc.spec.allocateLoadBalancerNodePorts != false)
            let oldPorts = old?.ports ?? []
            var ports = svc.ports
            for i in ports.indices {
                if !wantsNodePorts {
                    if svc.type != ServiceType.loadBalancer { ports[i].nodePort = nil }
                    continue
                }
                var requested = ports[i].nodePort ?? 0
                let previous = oldPorts.first { $0.port == ports[i].port && ($0.protocol ?? "TCP") == (ports[i].protocol ?? "TCP") }?.nodePort
                if requested == 0, let previous { requested = previous }
                if requested != 0, requested == previous { ports[i].nodePort = requested; continue }
                do {
                    let p = try nodePorts.allocate(requested == 0 ? nil : requested)
                    taken.ports.append(p)
                    ports[i].nodePort = p
                } catch {
                    if requested != 0 {
                        errors.append(.invalid(FieldPath("spec.ports").index(i).child("nodePort"), requested, "\(error)"))
                    } else {
                        errors.append(FieldError(.internal, FieldPath("spec.ports").index(i).child("nodePort"), nil, "\(error)"))
                    }
                }
            }
            if svc.spec.ports != nil { svc.spec.ports = ports }
            let needsHealthCheck = svc.type == ServiceType.loadBalancer && svc.spec.externalTrafficPolicy == "Local"
            if needsHealthCheck {
                let requested = svc.spec.healthCheckNodePort ?? old?.spec.healthCheckNodePort ?? 0
                if requested == 0 || requested != old?.spec.healthCheckNodePort {
                    do {
                        let p = try nodePorts.allocate(requested == 0 ? nil : requested)
                        taken.ports.append(p)
                        svc.spec.healthCheckNodePort = p
                    } catch {
                        errors.append(.invalid("spec.healthCheckNodePort", requested, "\(error)"))
                    }
                } else {
                    svc.spec.healthCheckNodePort = requested
                }
            } else {
                svc.spec.healthCheckNodePort = nil
            }
            if !errors.isEmpty {
                for ip in taken.ips { clusterIPs.release(ip) }
                for p in taken.ports { nodePorts.release(p) }
            }
            return errors
        }
    }

    /// Releases what `old` held and `new` (if any) no longer holds.
    private func release(_ old: Service, keeping new: Service?) {
        lock.withLock {
            if let ip = old.assignedClusterIP, ip != new?.assignedClusterIP { clusterIPs.release(ip) }
            let kept = Set((new?.ports ?? []).compactMap(\.nodePort) + [new?.spec.healthCheckNodePort].compactMap { $0 })
            for p in old.ports { if let np = p.nodePort, !kept.contains(np) { nodePorts.release(np) } }
            if let hc = old.spec.healthCheckNodePort, !kept.contains(hc) { nodePorts.release(hc) }
        }
    }

    /// Sets a pod's Ready condition, as the kubelet's prober (or the dashboard's "flip readiness")
    /// does. Safe from any thread: the control loop follows through the watch.
    public func setPodReady(_ key: ObjectKey, _ ready: Bool) throws(StoreError) {
        guard var pod = store.get(Pod.self, namespace: key.namespace, name: key.name) else { throw .notFound(.pods, key) }
        guard pod.isReady != ready else { return }
        let now = Timestamp.rfc3339(clock.now())
        var conds = pod.status?.conditions ?? []
        for t in ["ContainersReady", "Ready"] {
            let c = Condition(type: t, status: ready ? "True" : "False", lastTransitionTime: now)
            if let i = conds.firstIndex(where: { $0.type == t }) { conds[i] = c } else { conds.append(c) }
        }
        pod.status = pod.status ?? PodStatus(phase: "Running")
        pod.status!.conditions = conds
        pod.status!.containerStatuses = pod.status!.containerStatuses?.map { var c = $0; c.ready = ready; return c }
        pod.metadata.resourceVersion = nil
        try updateStatus(.pod(pod))
    }

    /// For tests and the dashboard: is this address handed out?
    public func isClusterIPAllocated(_ ip: String) -> Bool { lock.withLock { clusterIPs.isAllocated(ip) } }
    public func isNodePortAllocated(_ port: Int) -> Bool { lock.withLock { nodePorts.isAllocated(port) } }
}
