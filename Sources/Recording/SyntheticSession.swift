import Telemetry

/// A deterministic stream of Snapshots shaped like a busy cluster, for the recording benchmark
/// and tests: `services` services with 3 endpoints each, a share of them carrying traffic every
/// second, a ring of recent flows that turns over, a pod replaced and an Event now and then.
public struct SyntheticSession: Sendable {
    public var services: Int
    /// Services that get new connections in a given second.
    public var busyServices: Int
    /// New flows per second (the ring keeps the last `flowRing`).
    public var flowsPerSecond: Int
    public var flowRing: Int
    public var start: Double
    private var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var totals: [Int]
    private var flows: [FlowRecord] = []
    private var events: [EventSummary] = []
    private var generation: [Int]
    private var second = 0

    public init(services: Int = 100, busyServices: Int = 10, flowsPerSecond: Int = 20, flowRing: Int = 100,
                start: Double = 1_800_000_000) {
        self.services = services
        self.busyServices = busyServices
        self.flowsPerSecond = flowsPerSecond
        self.flowRing = flowRing
        self.start = start
        totals = Array(repeating: 0, count: services * 3)
        generation = Array(repeating: 0, count: services)
    }

    mutating func random(_ n: Int) -> Int {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(1, n)))
    }

    func podName(_ s: Int, _ e: Int) -> String { "svc-\(s)-\(generation[s])-\(e)" }
    func podIP(_ s: Int, _ e: Int) -> String { "127.244.\(s % 250).\(e * 10 + generation[s] % 10 + 2)" }

    /// The next second's Snapshot.
    public mutating func next() -> Snapshot {
        let time = start + Double(second)
        second += 1
        if second % 300 == 0 {  // a pod replaced: endpoints and pods change, an Event is posted
            let s = random(services)
            generation[s] += 1
            events.append(EventSummary(time: "t+\(second)", type: "Normal", reason: "Killing", object: "Pod/bench/\(podName(s, 0))",
                                       message: "Stopping container app"))
        }
        if second % 60 == 0 {
            events.append(EventSummary(time: "t+\(second)", type: "Warning", reason: "Unhealthy", object: "Pod/bench/\(podName(random(services), 1))",
                                       message: "Readiness probe failed"))
        }
        if events.count > 50 { events.removeFirst(events.count - 50) }
        for _ in 0..<busyServices {
            let s = random(max(1, services / 5))  // traffic concentrates on a fifth of the services
            let e = random(3)
            totals[s * 3 + e] += 1 + random(20)
        }
        for _ in 0..<flowsPerSecond {
            let s = random(max(1, services / 5))
            let e = random(3)
            flows.append(FlowRecord(start: time + Double(random(1000)) / 1000, client: "127.244.\(random(250)).\(random(250)):\(30000 + random(30000))",
                                    frontend: "127.96.0.\(s % 250 + 10):80", frontendKind: .clusterIP, servicePort: "bench/svc-\(s):http",
                                    endpoint: "\(podIP(s, e)):8080", nodeName: "node-\(e)", bytesIn: 100 + random(900),
                                    bytesOut: 200 + random(5000), duration: 200 + random(5000), outcome: .closed))
        }
        if flows.count > flowRing { flows.removeFirst(flows.count - flowRing) }
        var svc: [ServiceSummary] = []
        var pods: [PodSummary] = []
        var ports: [ServicePortStats] = []
        for s in 0..<services {
            var eps: [EndpointSummary] = []
            var epStats: [EndpointTrafficStats] = []
            var total = 0
            for e in 0..<3 {
                eps.append(EndpointSummary(pod: "bench/\(podName(s, e))", ip: podIP(s, e), port: 8080, portName: "http",
                                           nodeName: "node-\(e)", ready: true, serving: true, terminating: false))
                pods.append(PodSummary(namespace: "bench", name: podName(s, e), nodeName: "node-\(e)", ip: podIP(s, e),
                                       phase: "Running", ready: true, labels: ["app": "svc-\(s)"]))
                let t = totals[s * 3 + e]
                total += t
                epStats.append(EndpointTrafficStats(ip: podIP(s, e), port: 8080, nodeName: "node-\(e)", ready: true, serving: true,
                                                    terminating: false, traffic: TrafficStats(counters: TrafficCounters(totalConnections: t, bytesIn: t * 500, bytesOut: t * 2600))))
            }
            svc.append(ServiceSummary(namespace: "bench", name: "svc-\(s)", type: "ClusterIP", clusterIP: "127.96.\(s / 250).\(s % 250 + 10)",
                                      ports: [ServicePortSummary(name: "http", port: 80, targetPort: "8080")], selector: "app=svc-\(s)",
                                      endpoints: eps, dnsNames: ["svc-\(s).bench.svc.cluster.local"],
                                      environmentVariables: ["SVC_\(s)_SERVICE_HOST", "SVC_\(s)_SERVICE_PORT"], labels: ["app": "svc-\(s)"]))
            let p50 = total == 0 ? 0 : 300 + (total / 50) % 7 * 10
            ports.append(ServicePortStats(namespace: "bench", name: "svc-\(s)", portName: "http", port: 80,
                                          traffic: TrafficStats(counters: TrafficCounters(totalConnections: total, bytesIn: total * 500, bytesOut: total * 2600),
                                                                connectLatency: LatencySummary(count: total, p50: p50, p90: p50 * 2, p99: p50 * 4, max: p50 * 8)),
                                          endpoints: epStats, affinity: [], sessionAffinityTimeoutSeconds: nil))
        }
        let nodes = (0..<3).map { NodeSummary(name: "node-\($0)", address: "127.0.10.\($0 + 1)", podCIDR: "127.244.\($0).0/24", ready: true) }
        return Snapshot(time: time,
                        proxy: ProxySnapshot(time: time, resourceVersion: 1000 + second / 300, listeners: [], servicePorts: ports,
                                             nodes: [], recentFlows: flows),
                        cluster: ClusterView(services: svc, pods: pods, nodes: nodes, events: events))
    }
}
