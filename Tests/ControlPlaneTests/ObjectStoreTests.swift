import ClusterModel
@testable import ControlPlane
import Testing

@Suite("Object store")
struct ObjectStoreTests {
    func pod(_ name: String, labels: [String: String] = [:]) -> APIObject {
        .pod(Pod(metadata: ObjectMeta(name: name, namespace: "default", labels: labels),
                 spec: PodSpec(containers: [Container(name: "c")])))
    }

    @Test func createAssignsVersionUIDAndTimestamp() throws {
        let store = ObjectStore(clock: ManualClock())
        let created = try store.create(pod("a"))
        #expect(created.metadata.resourceVersion == "1")
        #expect(created.metadata.uid?.count == 36)
        #expect(created.metadata.creationTimestamp == "2026-01-01T00:00:00Z")
        #expect(created.base.apiVersion == "v1" && created.base.kind == "Pod")
        #expect(throws: StoreError.alreadyExists(.pods, ObjectKey(namespace: "default", name: "a"))) { try store.create(pod("a")) }
    }

    @Test func generateNameGivesAName() throws {
        let store = ObjectStore(clock: ManualClock())
        var meta = ObjectMeta(namespace: "default")
        meta.generateName = "web-"
        let created = try store.create(.pod(Pod(metadata: meta, spec: PodSpec(containers: [Container(name: "c")]))))
        #expect(created.metadata.name?.hasPrefix("web-") == true && created.metadata.name?.count == 9)
    }

    @Test func staleUpdateConflicts() throws {
        let store = ObjectStore(clock: ManualClock())
        let v1 = try store.create(pod("a"))
        var base = v1.base
        base.metadata.labels = ["x": "1"]
        let v2 = try store.update(APIObject(base))
        #expect(v2.metadata.resourceVersion == "2")
        // Writing again from the version-1 copy is refused, as the API server's optimistic lock does.
        base.metadata.labels = ["x": "2"]
        base.metadata.resourceVersion = "1"
        #expect(throws: StoreError.conflict(.pods, ObjectKey(namespace: "default", name: "a"))) { try store.update(APIObject(base)) }
        // An identical write is a no-op: no new version.
        var same = v2.base
        same.metadata.resourceVersion = nil
        #expect(try store.update(APIObject(same)).metadata.resourceVersion == "2")
        #expect(store.resourceVersion == 2)
    }

    @Test func watchFromVersionAndTooOld() throws {
        let store = ObjectStore(clock: ManualClock(), historyLimit: 3)
        try store.create(pod("a"))
        try store.create(pod("b"))
        try store.delete(.pods, ObjectKey(namespace: "default", name: "a"))
        let evs = try store.events(since: 1)
        #expect(evs.map(\.type) == [.added, .deleted])
        #expect(evs.map(\.resourceVersion) == [2, 3])
        #expect(evs.last?.previous?.key.name == "a")
        try store.create(pod("c"))
        try store.create(pod("d"))
        // History holds versions 3...5: resuming from 2 works, from 1 is too old (410 Gone).
        #expect(try store.events(since: 2).map(\.resourceVersion) == [3, 4, 5])
        #expect(throws: StoreError.self) { try store.events(since: 1) }
        #expect(try store.events(since: 5).isEmpty)
    }

    @Test func subscribersSeeCommitOrder() throws {
        let store = ObjectStore(clock: ManualClock())
        let seen = Box()
        let id = store.subscribe { e in seen.append("\(e.type.rawValue) \(e.object.key.name)") }
        try store.create(pod("a"))
        try store.delete(.pods, ObjectKey(namespace: "default", name: "a"))
        store.unsubscribe(id)
        try store.create(pod("b"))
        #expect(seen.values == ["ADDED a", "DELETED a"])
    }

    final class Box: @unchecked Sendable {
        private let lock = SimpleLock()
        private var items: [String] = []
        func append(_ s: String) { lock.withLock { items.append(s) } }
        var values: [String] { lock.withLock { items } }
    }
}

@Suite("Allocation")
struct AllocationTests {
    @Test func clusterIPRequestedHonouredOrRefused() throws {
        let (loop, _) = try Fixture.cluster(block: 60)
        let ok = loop.apply([Fixture.service("a", selector: ["app": "a"], clusterIP: "127.60.0.50")])
        #expect(ok.errors.isEmpty)
        #expect(loop.store.get(Service.self, namespace: "default", name: "a")?.spec.clusterIPs == ["127.60.0.50"])
        let taken = loop.apply([Fixture.service("b", selector: ["app": "b"], clusterIP: "127.60.0.50")])
        #expect(taken.errors.first.map { "\($0.1)" }?.contains("spec.clusterIPs: Invalid value: []string{\"127.60.0.50\"}: failed to allocate IP 127.60.0.50: provided IP is already allocated") == true)
        let outside = loop.apply([Fixture.service("c", selector: ["app": "c"], clusterIP: "10.0.0.1")])
        #expect(outside.errors.first.map { "\($0.1)" }?.contains("The range of valid IPs is 127.60.0.0/16") == true)
        #expect(loop.store.get(Service.self, namespace: "default", name: "b") == nil)
        // Dynamic allocation stays inside the range, avoiding the lower band first.
        loop.apply([Fixture.service("d", selector: ["app": "d"])])
        let ip = try #require(IPv4(loop.store.get(Service.self, namespace: "default", name: "d")?.spec.clusterIP ?? ""))
        #expect(CIDR("127.60.0.0/16")!.contains(ip) && ip.value - IPv4("127.60.0.0")!.value >= 256)
        // Deleting releases the address for reuse.
        try loop.registry.delete(.services, ObjectKey(namespace: "default", name: "a"))
        #expect(!loop.registry.isClusterIPAllocated("127.60.0.50"))
        #expect(loop.apply([Fixture.service("e", selector: ["app": "e"], clusterIP: "127.60.0.50")]).errors.isEmpty)
    }

    @Test func nodePortsFollowKubernetesBands() throws {
        let (loop, _) = try Fixture.cluster(block: 64)
        let r = loop.apply([
            Fixture.service("np", selector: ["app": "a"], ports: [ServicePort(name: "http", port: 80, nodePort: 30080)], type: "NodePort"),
            Fixture.service("dyn", selector: ["app": "a"], ports: [ServicePort(name: "http", port: 80), ServicePort(name: "https", port: 443)], type: "NodePort"),
        ])
        #expect(r.errors.isEmpty)
        #expect(loop.store.get(Service.self, namespace: "default", name: "np")?.ports.first?.nodePort == 30080)
        let dyn = try #require(loop.store.get(Service.self, namespace: "default", name: "dyn"))
        for p in dyn.ports { #expect((30086...32767).contains(p.nodePort ?? 0), "dynamic ports come from the upper band") }
        let dup = loop.apply([Fixture.service("dup", selector: ["app": "a"], ports: [ServicePort(name: "x", port: 81, nodePort: 30080)], type: "NodePort")])
        #expect(dup.errors.first.map { "\($0.1)" }?.contains("spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated") == true)
        let outside = loop.apply([Fixture.service("out", selector: ["app": "a"], ports: [ServicePort(name: "x", port: 81, nodePort: 29999)], type: "NodePort")])
        #expect(outside.errors.first.map { "\($0.1)" }?.contains("provided port is not in the valid range. The range of valid ports is 30000-32767") == true)
        // Re-applying a manifest without nodePorts keeps the allocated ones.
        loop.apply([Fixture.service("dyn", selector: ["app": "b"], ports: [ServicePort(name: "http", port: 80), ServicePort(name: "https", port: 443)], type: "NodePort")])
        #expect(loop.store.get(Service.self, namespace: "default", name: "dyn")?.ports.map(\.nodePort) == dyn.ports.map(\.nodePort))
    }

    @Test func loadBalancerGetsPoolAddressAndHealthCheckPort() throws {
        let (loop, _) = try Fixture.cluster(block: 68)
        var svc = Fixture.service("lb", selector: ["app": "a"], type: "LoadBalancer")
        if case .service(var s) = svc { s.spec.externalTrafficPolicy = "Local"; svc = .service(s) }
        #expect(loop.apply([svc]).errors.isEmpty)
        loop.runUntilIdle()
        let lb = try #require(loop.store.get(Service.self, namespace: "default", name: "lb"))
        #expect(lb.status?.loadBalancer?.ingress?.first?.ip == "127.70.200.1")
        #expect(lb.spec.healthCheckNodePort != nil && lb.ports.first?.nodePort != nil)
        try loop.registry.delete(.services, lb.key)
        loop.runUntilIdle()
        #expect(loop.apply([Fixture.service("lb2", selector: ["app": "a"], type: "LoadBalancer")]).errors.isEmpty)
        loop.runUntilIdle()
        // Addresses are not reused at once (the pool hands out in order).
        #expect(loop.store.get(Service.self, namespace: "default", name: "lb2")?.status?.loadBalancer?.ingress?.first?.ip == "127.70.200.2")
    }

    @Test func allocatorUnits() throws {
        var np = NodePortAllocator()
        #expect(np.staticBand == 30000..<30086)
        #expect(try np.allocate(30007) == 30007)
        #expect(throws: AllocationError.self) { try np.allocate(30007) }
        var small = NodePortAllocator(range: 30000...30001)
        _ = try small.allocate(nil); _ = try small.allocate(nil)
        #expect(throws: AllocationError(message: "range is full")) { try small.allocate(nil) }
        #expect(Timestamp.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(1_767_225_600 + 86399) == "2026-01-01T23:59:59Z")
        #expect(Timestamp.parse("2026-03-01T12:30:05Z") == 1_772_368_205)
        #expect(IPv4("127.0.0.1")?.value == 0x7f00_0001 && IPv4("01.2.3.4") == nil && IPv4("1.2.3") == nil)
        #expect(CIDR("127.244.0.0/16")?.subnet(3, prefix: 24)?.description == "127.244.3.0/24")
    }
}
