import ClusterModel
import ControlPlane
@testable import DataPlane
import NIOCore
import Telemetry
import Testing

/// Real sockets on loopback: clients → service addresses → the proxy → tiny test backends on pod IPs.
@Suite("Proxy routing", .timeLimit(.minutes(1)))
struct ProxyRoutingTests {
    static func deployment(_ name: String, replicas: Int, labels: [String: String]) -> APIObject {
        let c = Container(name: "app", image: "registry.k8s.io/e2e-test-images/agnhost:2.53",
                          ports: [ContainerPort(name: "http", containerPort: 8080)])
        return .deployment(Deployment(metadata: ObjectMeta(name: name, namespace: "default"),
                                      spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels),
                                                           template: PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                                                                                     spec: PodSpec(containers: [c])))))
    }

    static func selectorService(_ name: String, _ selector: [String: String]) -> APIObject {
        .service(Service(metadata: ObjectMeta(name: name, namespace: "default"),
                         spec: ServiceSpec(type: nil, selector: selector,
                                           ports: [ServicePort(name: "http", port: 80, targetPort: .string("http"))])))
    }

    static func podIPs(_ c: ProxyTestCluster, _ labels: [String: String]) -> Set<String> {
        Set(c.loop.store.list(Pod.self, namespace: "default")
            .filter { p in labels.allSatisfy { p.labels[$0.key] == $0.value } }
            .compactMap(\.status?.podIP))
    }

    @Test func clusterIPReachesEveryReplica() async throws {
        let c = try await ProxyTestCluster(block: 100)
        c.loop.apply([Self.deployment("kubia", replicas: 3, labels: ["app": "kubia"]),
                      Self.selectorService("kubia", ["app": "kubia"])])
        await c.sync()
        let ips = Self.podIPs(c, ["app": "kubia"])
        #expect(ips.count == 3)
        for ip in ips { try await c.backend(ip, 8080) }
        var seen: [String: Int] = [:]
        for _ in 0..<60 {
            let r = await c.request(c.clusterIP("kubia"), 80)
            let backend = try #require(r.backend, "\(r)")
            seen[String(backend.split(separator: ":")[0]), default: 0] += 1
            // ClusterIP traffic is not masqueraded: the pod sees the client's own address.
            #expect(r.peerIP == "127.0.0.1")
        }
        #expect(Set(seen.keys) == ips, "uniform random over 60 connections reaches all 3 (p(miss) ≈ 3·(2/3)^60)")
        await c.stop()
    }

    @Test func selectorChangeMovesNewConnectionsWithinOneReconcile() async throws {
        let c = try await ProxyTestCluster(block: 103)
        c.loop.apply([Self.deployment("blue", replicas: 2, labels: ["app": "web", "color": "blue"]),
                      Self.deployment("green", replicas: 2, labels: ["app": "web", "color": "green"]),
                      Self.selectorService("web", ["app": "web", "color": "blue"])])
        await c.sync()
        let blue = Self.podIPs(c, ["color": "blue"]), green = Self.podIPs(c, ["color": "green"])
        for ip in blue.union(green) { try await c.backend(ip, 8080) }
        for _ in 0..<10 {
            let r = await c.request(c.clusterIP("web"), 80)
            #expect(blue.contains(try #require(r.backend?.split(separator: ":").first.map(String.init))))
        }
        var svc = try #require(c.loop.store.get(Service.self, namespace: "default", name: "web"))
        svc.spec.selector = ["app": "web", "color": "green"]
        svc.metadata.resourceVersion = nil
        try c.loop.registry.update(.service(svc))
        await c.sync()
        for _ in 0..<10 {
            let r = await c.request(c.clusterIP("web"), 80)
            #expect(green.contains(try #require(r.backend?.split(separator: ":").first.map(String.init))))
        }
        await c.stop()
    }

    @Test func nodePortAnswersOnEveryNodeAndClusterPolicyMasquerades() async throws {
        let c = try await ProxyTestCluster(block: 106)
        try await c.service("np", type: ServiceType.nodePort)
        let pod = c.podIP(node: 2, 201)
        try await c.backend(pod, 8080)
        try await c.slice("np", [.init(ip: pod, node: "node-2")])
        let port = c.nodePort("np")
        for n in 1...3 {
            let r = await c.request(c.nodeIP(n), port, from: c.outsideIP(7))
            #expect(r.backend == "\(pod):8080", "\(r)")
            // ETP=Cluster: SNAT to the receiving node's address.
            #expect(r.peerIP == c.nodeIP(n))
        }
        let snap = await c.proxy.snapshot()
        #expect(snap.listeners.filter { $0.kind == .nodePort && $0.state == .bound }.count == 3)
        #expect(snap.nodes.map(\.traffic.counters.totalConnections) == [1, 1, 1])
        await c.stop()
    }

    @Test func externalTrafficPolicyLocalKeepsClientAddressAndDropsWithoutLocalPod() async throws {
        let c = try await ProxyTestCluster(block: 109)
        let svc = try await c.service("lb", type: ServiceType.loadBalancer) { $0.externalTrafficPolicy = "Local" }
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080)
        try await c.slice("lb", [.init(ip: pod, node: "node-1")])
        let port = c.nodePort("lb")
        let client = c.outsideIP(9)
        let r = await c.request(c.nodeIP(1), port, from: client)
        #expect(r.backend == "\(pod):8080")
        #expect(r.peerIP == client, "no SNAT under ETP=Local: the pod sees the real client")
        // node-2 has no local endpoint: DROP — connected, but nothing ever answers.
        let started = NIODeadline.now()
        let dropped = await c.request(c.nodeIP(2), port, from: client, send: "hello", timeout: .milliseconds(300))
        #expect(dropped == .timeout(""))
        #expect(NIODeadline.now() - started >= .milliseconds(300))
        // A pod client short-circuits to Cluster semantics even on node-2.
        let fromPod = await c.request(c.nodeIP(2), port, from: c.podIP(node: 3, 250))
        #expect(fromPod.backend == "\(pod):8080")
        // The load balancer follows the health check: always to node-1, client kept.
        let lbIP = try #require(c.loop.store.get(Service.self, namespace: "default", name: "lb")?.status?.loadBalancer?.ingress?.first?.ip)
        for _ in 0..<5 {
            let viaLB = await c.request(lbIP, 80, from: client)
            #expect(viaLB.backend == "\(pod):8080" && viaLB.peerIP == client, "\(viaLB)")
        }
        // healthCheckNodePort: 200 with the count on node-1, 503 on node-2, kube-proxy's body.
        let hc = try #require(svc.spec.healthCheckNodePort)
        let ok = await c.request(c.nodeIP(1), hc, send: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(ok.text?.hasPrefix("HTTP/1.1 200 OK") == true, "\(ok)")
        #expect(ok.text?.contains("\"localEndpoints\": 1") == true)
        #expect(ok.text?.contains("\"namespace\": \"default\"") == true)
        let bad = await c.request(c.nodeIP(2), hc, send: "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(bad.text?.hasPrefix("HTTP/1.1 503") == true, "\(bad)")
        #expect(bad.text?.contains("\"localEndpoints\": 0") == true)
        let snap = await c.proxy.snapshot()
        #expect(snap.nodes.first { $0.name == "node-2" }?.traffic.counters.dropped == 1)
        #expect(snap.recentFlows.contains { $0.outcome == .dropped && $0.nodeName == "node-2" })
        await c.stop()
    }

    @Test func noEndpointsIsRefusedAtOnce() async throws {
        let c = try await ProxyTestCluster(block: 112)
        try await c.service("empty")
        let r = await c.request(c.clusterIP("empty"), 80)
        guard case .refused = r else {
            Issue.record("expected refusal, got \(r)")
            return
        }
        // ECONNREFUSED is the kernel's answer to the SYN itself: the result kind tells it from a
        // DROP (the client's own timeout). No time bound: a loaded parallel run can delay the
        // measuring task itself by seconds.
        let snap = await c.proxy.snapshot()
        #expect(snap.listeners.first { $0.service == "default/empty" }?.state == .rejecting)
        // Endpoints appear: the listener binds; they go: refused again.
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080)
        try await c.slice("empty", [.init(ip: pod, node: "node-1")])
        #expect(await c.request(c.clusterIP("empty"), 80).backend == "\(pod):8080")
        try await c.slice("empty", [.init(ip: pod, node: "node-1", ready: false, serving: false)])
        if case .refused = await c.request(c.clusterIP("empty"), 80) {} else { Issue.record("not refused after endpoints went") }
        await c.stop()
    }

    @Test func acceptAndResetModeCountsRefusals() async throws {
        let c = try await ProxyTestCluster(block: 115) { $0.rejectMode = .acceptAndReset }
        try await c.service("empty")
        // The result kind tells a reset from a DROP's timeout (no time bound: see above).
        let r = await c.request(c.clusterIP("empty"), 80)
        switch r {
        case .reset, .answer(""), .refused: break
        case .error(let e) where e.contains("reset") || e.contains("104"): break
        default: Issue.record("expected a reset, got \(r)")
        }
        let snap = await c.proxy.snapshot()
        #expect(snap.port("empty")?.traffic.counters.refused == 1)
        #expect(snap.recentFlows.last?.outcome == .refused)
        await c.stop()
    }

    @Test func servingTerminatingEndpointsAreTheFallback() async throws {
        let c = try await ProxyTestCluster(block: 118)
        try await c.service("t")
        let a = c.podIP(node: 1, 201), b = c.podIP(node: 2, 202)
        try await c.backend(a, 8080)
        try await c.backend(b, 8080)
        try await c.slice("t", [.init(ip: a, node: "node-1", ready: false, serving: true, terminating: true),
                                .init(ip: b, node: "node-2", ready: false, serving: false, terminating: true)])
        for _ in 0..<5 { #expect(await c.request(c.clusterIP("t"), 80).backend == "\(a):8080") }
        await c.stop()
    }

    @Test func internalTrafficPolicyLocalUsesTheClientsNode() async throws {
        let c = try await ProxyTestCluster(block: 121)
        try await c.service("itp") { $0.internalTrafficPolicy = "Local" }
        let a = c.podIP(node: 1, 201)
        try await c.backend(a, 8080)
        try await c.slice("itp", [.init(ip: a, node: "node-1")])
        // A pod on node-1 reaches the local endpoint, with its own address.
        let local = await c.request(c.clusterIP("itp"), 80, from: c.podIP(node: 1, 250))
        #expect(local.backend == "\(a):8080" && local.peerIP == c.podIP(node: 1, 250))
        // A pod on node-2 has no local endpoint: dropped.
        let dropped = await c.request(c.clusterIP("itp"), 80, from: c.podIP(node: 2, 250), timeout: .milliseconds(300))
        #expect(dropped == .timeout(""))
        await c.stop()
    }

    @Test func loadBalancerSpreadsOverReadyNodesOnly() async throws {
        let c = try await ProxyTestCluster(block: 124)
        // (No externalIPs here: validation refuses loopback externalIPs, as Kubernetes does.)
        try await c.service("lb", type: ServiceType.loadBalancer) { _ in }
        let pod = c.podIP(node: 1, 201)
        try await c.backend(pod, 8080)
        try await c.slice("lb", [.init(ip: pod, node: "node-1")])
        let lbIP = try #require(c.loop.store.get(Service.self, namespace: "default", name: "lb")?.status?.loadBalancer?.ingress?.first?.ip)
        var via: Set<String> = []
        for _ in 0..<40 { via.insert(await c.request(lbIP, 80, from: c.outsideIP(3)).peerIP ?? "none") }
        #expect(via == [c.nodeIP(1), c.nodeIP(2), c.nodeIP(3)], "SNAT shows which node received it")
        // node-3 goes NotReady: it stops receiving LB traffic.
        var node = try #require(c.loop.store.get(Node.self, name: "node-3"))
        node.status?.conditions = [Condition(type: "Ready", status: "False")]
        node.metadata.resourceVersion = nil
        try c.loop.store.update(.node(node))
        await c.sync()
        via = []
        for _ in 0..<30 { via.insert(await c.request(lbIP, 80, from: c.outsideIP(3)).peerIP ?? "none") }
        #expect(via == [c.nodeIP(1), c.nodeIP(2)])
        await c.stop()
    }
}
