import ClusterModel
@testable import ControlPlane
import Testing

@Suite("Control loop")
struct ControlLoopTests {
    @Test func bootstrapCreatesNodesAndSystemServices() throws {
        let (loop, _) = try Fixture.cluster(block: 20)
        let nodes = loop.store.list(Node.self)
        #expect(nodes.map(\.name) == ["node-1", "node-2", "node-3"])
        #expect(nodes.map { $0.internalIP ?? "" } == ["127.22.10.1", "127.22.10.2", "127.22.10.3"])
        #expect(nodes.map { $0.spec?.podCIDR ?? "" } == ["127.21.1.0/24", "127.21.2.0/24", "127.21.3.0/24"])
        let k8s = try #require(loop.store.get(Service.self, namespace: "default", name: "kubernetes"))
        #expect(k8s.spec.clusterIP == "127.20.0.1")
        #expect(loop.readyIPs("kubernetes") == ["127.22.10.254"], "the API server address of this block")
        #expect(loop.store.get(Service.self, namespace: "kube-system", name: "kube-dns")?.spec.clusterIP == "127.20.0.10")
        // Bootstrapping again changes nothing.
        let rv = loop.store.resourceVersion
        try loop.bootstrap()
        #expect(loop.store.resourceVersion == rv)
    }

    @Test func deploymentPodsBecomeEndpoints() throws {
        let (loop, _) = try Fixture.cluster(block: 24)
        let r = loop.apply([Fixture.deployment("kubia", replicas: 3, labels: ["app": "kubia"]),
                            Fixture.service("kubia", selector: ["app": "kubia"])])
        #expect(r.errors.isEmpty)
        loop.runUntilIdle()
        let pods = loop.pods(["app": "kubia"])
        #expect(pods.count == 3)
        for p in pods {
            // <deployment>-<pod-template-hash>-<5 chars>, as a ReplicaSet names them.
            let parts = p.name.split(separator: "-")
            #expect(parts.count == 3 && parts[0] == "kubia" && parts[2].count == 5)
            #expect(p.labels["pod-template-hash"] == String(parts[1]))
            #expect(p.status?.phase == "Running" && p.isReady)
            let ip = try #require(p.status?.podIP)
            let node = try #require(p.spec.nodeName)
            let cidr = try #require(loop.store.get(Node.self, name: node)?.spec?.podCIDR.flatMap(CIDR.init))
            #expect(cidr.contains(try #require(IPv4(ip))))
        }
        #expect(Set(pods.compactMap(\.spec.nodeName)).count == 3, "spread over the three nodes")
        #expect(loop.readyIPs("kubia") == Set(pods.compactMap(\.status?.podIP)))
        // Named targetPort resolved to the container port.
        #expect(loop.endpoints("kubia")?.subsets?.first?.ports == [EndpointPort(name: "http", port: 8080, protocol: "TCP")])
        let slices = loop.slices(of: "kubia")
        #expect(slices.count == 1)
        #expect(slices.first?.endpoints.count == 3)
        #expect(slices.first?.labels[EndpointSliceLabel.managedBy] == EndpointSliceLabel.controllerName)
        let d = try #require(loop.store.get(Deployment.self, namespace: "default", name: "kubia"))
        #expect(d.status?.readyReplicas == 3)
    }

    @Test func killedPodIsReplacedWithNewNameAndIP() throws {
        let (loop, clock) = try Fixture.cluster(block: 28)
        loop.apply([Fixture.deployment("kubia", replicas: 3, labels: ["app": "kubia"]),
                    Fixture.service("kubia", selector: ["app": "kubia"])])
        loop.runUntilIdle()
        let before = loop.pods(["app": "kubia"])
        let victim = before[0]
        let victimIP = try #require(victim.status?.podIP)
        try loop.registry.delete(.pods, victim.key)
        loop.runUntilIdle()
        // Terminating: out of the ready set at once, still present until its grace period ends.
        #expect(!loop.readyIPs("kubia").contains(victimIP))
        let slice = try #require(loop.slices(of: "kubia").first)
        let terminating = slice.endpoints.first { $0.addresses == [victimIP] }
        #expect(terminating?.conditions == EndpointConditions(ready: false, serving: true, terminating: true))
        let live = loop.pods(["app": "kubia"]).filter { !$0.isTerminating }
        #expect(live.count == 3)
        let replacement = try #require(live.first { p in !before.contains { $0.name == p.name } })
        let newIP = try #require(replacement.status?.podIP)
        #expect(newIP != victimIP)
        #expect(loop.readyIPs("kubia").contains(newIP))
        #expect(loop.readyIPs("kubia").count == 3)
        clock.advance(by: 31)
        loop.runUntilIdle()
        #expect(loop.store.get(Pod.self, namespace: "default", name: victim.name) == nil)
        #expect(loop.slices(of: "kubia").flatMap(\.endpoints).count == 3)
        let reasons = loop.store.list(Event.self).compactMap(\.reason)
        #expect(reasons.contains("Killing") && reasons.contains("SuccessfulCreate") && reasons.contains("EndpointsChanged"))
    }

    @Test func selectorChangeMovesEndpoints() throws {
        let (loop, _) = try Fixture.cluster(block: 32)
        loop.apply([Fixture.deployment("blue", replicas: 2, labels: ["app": "blue"]),
                    Fixture.deployment("green", replicas: 3, labels: ["app": "green"]),
                    Fixture.service("web", selector: ["app": "blue"])])
        loop.runUntilIdle()
        let blue = Set(loop.pods(["app": "blue"]).compactMap(\.status?.podIP))
        let green = Set(loop.pods(["app": "green"]).compactMap(\.status?.podIP))
        #expect(loop.readyIPs("web") == blue)
        var svc = try #require(loop.store.get(Service.self, namespace: "default", name: "web"))
        svc.spec.selector = ["app": "green"]
        try loop.registry.update(.service(svc))
        loop.runUntilIdle()
        #expect(loop.readyIPs("web") == green)
        #expect(Set(loop.slices(of: "web").flatMap(\.endpoints).flatMap(\.addresses)) == green)
        // Relabel one blue pod to green: it joins.
        var pod = try #require(loop.pods(["app": "blue"]).first)
        pod.metadata.labels?["app"] = "green"
        pod.metadata.resourceVersion = nil
        try loop.registry.update(.pod(pod))
        loop.runUntilIdle()
        #expect(loop.readyIPs("web").contains(pod.status!.podIP!))
    }

    @Test func readinessFlipMovesAddressToNotReady() throws {
        let (loop, _) = try Fixture.cluster(block: 36)
        loop.apply([Fixture.deployment("kubia", replicas: 2, labels: ["app": "kubia"]),
                    Fixture.service("kubia", selector: ["app": "kubia"])])
        loop.runUntilIdle()
        let pod = try #require(loop.pods(["app": "kubia"]).first)
        let ip = try #require(pod.status?.podIP)
        try loop.registry.setPodReady(pod.key, false)
        loop.runUntilIdle()
        #expect(!loop.readyIPs("kubia").contains(ip))
        #expect(loop.notReadyIPs("kubia") == [ip])
        let ep = loop.slices(of: "kubia").flatMap(\.endpoints).first { $0.addresses == [ip] }
        #expect(ep?.conditions == EndpointConditions(ready: false, serving: false, terminating: false))
        try loop.registry.setPodReady(pod.key, true)
        loop.runUntilIdle()
        #expect(loop.readyIPs("kubia").contains(ip) && loop.notReadyIPs("kubia").isEmpty)
    }

    @Test func scaleToZeroAndBack() throws {
        let (loop, clock) = try Fixture.cluster(block: 40)
        loop.apply([Fixture.deployment("kubia", replicas: 3, labels: ["app": "kubia"]),
                    Fixture.service("kubia", selector: ["app": "kubia"])])
        loop.runUntilIdle()
        func scale(_ n: Int) throws {
            var d = try #require(loop.store.get(Deployment.self, namespace: "default", name: "kubia"))
            d.spec.replicas = n
            d.metadata.resourceVersion = nil
            try loop.registry.update(.deployment(d))
            loop.runUntilIdle()
        }
        try scale(0)
        #expect(loop.readyIPs("kubia").isEmpty)
        clock.advance(by: 31)
        loop.runUntilIdle()
        #expect(loop.pods(["app": "kubia"]).isEmpty)
        #expect(loop.slices(of: "kubia").flatMap(\.endpoints).isEmpty)
        try scale(2)
        #expect(loop.readyIPs("kubia").count == 2)
        #expect(loop.store.get(Deployment.self, namespace: "default", name: "kubia")?.status?.readyReplicas == 2)
    }

    @Test func serviceCreatedAfterPodIsAbsentFromItsEnvironment() throws {
        let (loop, _) = try Fixture.cluster(block: 44)
        loop.apply([Fixture.service("early", selector: ["app": "x"], ports: [ServicePort(port: 5432)])])
        loop.runUntilIdle()
        loop.apply([Fixture.deployment("client", replicas: 1, labels: ["app": "client"])])
        loop.runUntilIdle()
        loop.apply([Fixture.service("late", selector: ["app": "x"], ports: [ServicePort(port: 6379)])])
        loop.runUntilIdle()
        let pod = try #require(loop.pods(["app": "client"]).first)
        let env = try #require(loop.environment(of: pod.key)?["app"])
        let names = Set(env.map(\.name))
        let early = try #require(loop.store.get(Service.self, namespace: "default", name: "early"))
        #expect(env.contains(EnvVar(name: "EARLY_SERVICE_HOST", value: early.spec.clusterIP)))
        #expect(env.contains(EnvVar(name: "EARLY_PORT_5432_TCP", value: "tcp://\(early.spec.clusterIP!):5432")))
        #expect(names.contains("KUBERNETES_SERVICE_HOST"))
        #expect(!names.contains("LATE_SERVICE_HOST"))
        // A pod started after both sees both.
        loop.apply([Fixture.deployment("client2", replicas: 1, labels: ["app": "client2"])])
        loop.runUntilIdle()
        let pod2 = try #require(loop.pods(["app": "client2"]).first)
        let names2 = Set(loop.environment(of: pod2.key)?["app"]?.map(\.name) ?? [])
        #expect(names2.contains("LATE_SERVICE_HOST"))
    }

    @Test func selectorlessServiceKeepsHandWrittenEndpoints() throws {
        let (loop, _) = try Fixture.cluster(block: 48)
        let ep = Endpoints(metadata: ObjectMeta(name: "external-db", namespace: "default"), subsets: [
            EndpointSubset(addresses: [EndpointAddress(ip: "127.0.0.1")], ports: [EndpointPort(name: "pg", port: 15432)]),
        ])
        let r = loop.apply([Fixture.service("external-db", selector: nil, ports: [ServicePort(name: "pg", port: 5432)]),
                            .endpoints(ep)])
        #expect(r.errors.isEmpty)
        loop.apply([Fixture.deployment("other", replicas: 2, labels: ["app": "db"])])
        loop.runUntilIdle()
        #expect(loop.endpoints("external-db")?.subsets == ep.subsets)
        let slices = loop.slices(of: "external-db")
        #expect(slices.count == 1)
        #expect(slices.first?.labels[EndpointSliceLabel.managedBy] == ControlLoop.mirroringController)
        #expect(slices.first?.endpoints.map(\.addresses) == [["127.0.0.1"]])
        #expect(slices.first?.ports == [EndpointSlicePort(name: "pg", port: 15432, protocol: "TCP")])
    }

    @Test func externalNameHasNoEndpoints() throws {
        let (loop, _) = try Fixture.cluster(block: 52)
        var spec = ServiceSpec(type: ServiceType.externalName)
        spec.externalName = "api.example.com"
        let r = loop.apply([.service(Service(metadata: ObjectMeta(name: "ext", namespace: "default"), spec: spec))])
        #expect(r.errors.isEmpty)
        loop.runUntilIdle()
        #expect(loop.endpoints("ext") == nil)
        #expect(loop.slices(of: "ext").isEmpty)
        #expect(loop.store.get(Service.self, namespace: "default", name: "ext")?.spec.clusterIP == nil)
    }
}

@Suite("Control loop work is proportional to the change")
struct ControlLoopScalingTests {
    @Test func podChangeReconcilesOnlyItsServices() throws {
        let (loop, _) = try Fixture.cluster(block: 80)
        var objects: [APIObject] = []
        for i in 0..<200 {
            objects.append(Fixture.deployment("d\(i)", replicas: 2, labels: ["app": "a\(i)"]))
            objects.append(Fixture.service("s\(i)", selector: ["app": "a\(i)"]))
        }
        #expect(loop.apply(objects).errors.isEmpty)
        loop.runUntilIdle()
        let pod = try #require(loop.pods(["app": "a7"]).first)
        try loop.registry.setPodReady(pod.key, false)
        let reconciles = loop.runUntilIdle()
        // The pod's service and its deployment: nothing of the other 199 services is looked at.
        #expect(reconciles <= 4, "a readiness flip reconciled \(reconciles) items")
        #expect(loop.notReadyIPs("s7") == [pod.status!.podIP!])
        var svc = try #require(loop.store.get(Service.self, namespace: "default", name: "s3"))
        svc.spec.selector = ["app": "a4"]
        try loop.registry.update(.service(svc))
        #expect(loop.runUntilIdle() <= 3)
        #expect(loop.readyIPs("s3") == loop.readyIPs("s4"))
    }
}
