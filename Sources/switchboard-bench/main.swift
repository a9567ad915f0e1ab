import ClusterModel
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

// Control-loop benchmark (issue: core). For each size: build a cluster of S services, each
// selecting the pods of its own Deployment (P/S replicas), then measure the time from a write
// (a selector change; a pod kill) to the control loop having updated endpoints, p50 and p99,
// and the process's resident memory. Run in a release build:
//   swift run -c release switchboard-bench [--sizes 1000x10000,10000x100000] [--samples 200]
// `switchboard-bench dashboard` measures the dashboard instead (DashboardBench.swift).

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func residentMiB() -> Double {
    guard let f = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
        let s = String(cString: line)
        if s.hasPrefix("VmRSS:") {
            let kb = Double(s.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
            return kb / 1024
        }
    }
    return 0
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
}

func ms(_ x: Double) -> String {
    let v = x * 1000
    return v < 10 ? String(format3(v)) : String(Int(v.rounded()))
}

func format3(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return "\(r)"
}

struct Result {
    var services: Int, pods: Int, setup: Double
    var selector: [Double], killRemoved: [Double], kill: [Double], rss: Double
}

func run(services: Int, pods: Int, samples: Int) throws -> Result {
    var config = ClusterConfig()
    config.nodeCount = 20
    config.addresses.podCIDR = "127.128.0.0/11"  // room for 100,000 pods over 20 nodes
    config.addresses.nodePodPrefix = 19
    let clock = ManualClock()
    let loop = try ControlLoop(config: config, clock: clock)
    try loop.bootstrap()
    let replicas = pods / services
    let t0 = monotonic()
    var objects: [APIObject] = []
    for i in 0..<services {
        let labels = ["app": "app-\(i)"]
        var c = Container(name: "app", image: "registry.k8s.io/e2e-test-images/agnhost:2.53",
                          ports: [ContainerPort(name: "http", containerPort: 8080)])
        c.args = ["netexec", "--http-port=8080"]
        objects.append(.deployment(Deployment(metadata: ObjectMeta(name: "app-\(i)", namespace: "default"),
                                              spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels),
                                                                   template: PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                                                                                             spec: PodSpec(containers: [c]))))))
        objects.append(.service(Service(metadata: ObjectMeta(name: "svc-\(i)", namespace: "default"),
                                        spec: ServiceSpec(selector: labels, ports: [ServicePort(name: "http", port: 80, targetPort: .string("http"))]))))
    }
    let applied = loop.apply(objects)
    precondition(applied.errors.isEmpty, "setup failed: \(applied.errors.first!.1)")
    loop.runUntilIdle()
    let setup = monotonic() - t0
    precondition(loop.store.count(.pods) == services * replicas, "expected \(services * replicas) pods, have \(loop.store.count(.pods))")

    var rng = SplitMix64(seed: 99)
    var selectorTimes: [Double] = []
    for _ in 0..<samples {
        let i = Int(rng.next() % UInt64(services)), j = Int(rng.next() % UInt64(services))
        var svc = loop.store.get(Service.self, namespace: "default", name: "svc-\(i)")!
        svc.spec.selector = ["app": "app-\(j)"]
        svc.metadata.resourceVersion = nil
        let t = monotonic()
        try loop.registry.update(.service(svc))
        loop.runUntilIdle()
        selectorTimes.append(monotonic() - t)
        let ep = loop.store.get(Endpoints.self, namespace: "default", name: "svc-\(i)")!
        precondition((ep.subsets ?? []).flatMap { $0.addresses ?? [] }.count == replicas)
    }
    var killTimes: [Double] = []
    var removedTimes: [Double] = []
    // The instant the victim leaves its service's Endpoints, seen by a watcher as the API would
    // stream it (subscribers run synchronously inside the write).
    final class Probe: @unchecked Sendable {
        var service = "", victim = "", start = 0.0, removedAt: Double?
    }
    let probe = Probe()
    let sub = loop.store.subscribe { e in
        guard probe.removedAt == nil, case .endpoints(let ep) = e.object, ep.name == probe.service else { return }
        let names = (ep.subsets ?? []).flatMap { $0.addresses ?? [] }.compactMap(\.targetRef?.name)
        if !names.contains(probe.victim) { probe.removedAt = monotonic() }
    }
    defer { loop.store.unsubscribe(sub) }
    for _ in 0..<samples {
        let i = Int(rng.next() % UInt64(services))
        let ep = loop.store.get(Endpoints.self, namespace: "default", name: "svc-\(i)")!
        guard let victim = ep.subsets?.first?.addresses?.first?.targetRef?.name else { continue }
        probe.service = "svc-\(i)"
        probe.victim = victim
        probe.removedAt = nil
        let t = monotonic()
        // A kill: the pod is gone at once (grace 0); its endpoint must go, and the Deployment's
        // replacement must be scheduled, started and added — all inside this measurement.
        try loop.registry.delete(.pods, ObjectKey(namespace: "default", name: victim), gracePeriodSeconds: 0)
        loop.runUntilIdle()
        killTimes.append(monotonic() - t)
        removedTimes.append((probe.removedAt ?? .infinity) - t)
        let after = loop.store.get(Endpoints.self, namespace: "default", name: "svc-\(i)")!
        let names = (after.subsets ?? []).flatMap { $0.addresses ?? [] }.compactMap(\.targetRef?.name)
        precondition(!names.contains(victim) && names.count >= replicas, "endpoints did not follow the kill")
    }
    return Result(services: services, pods: services * replicas, setup: setup, selector: selectorTimes,
                  killRemoved: removedTimes, kill: killTimes, rss: residentMiB())
}

if CommandLine.arguments.dropFirst().first == "dashboard" {
    try runDashboardBench(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

var sizes = [(1000, 10000), (10000, 100_000)]
var samples = 200
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--sizes":
        sizes = (args.popFirst() ?? "").split(separator: ",").compactMap { s in
            let p = s.split(separator: "x").compactMap { Int($0) }
            return p.count == 2 ? (p[0], p[1]) : nil
        }
    case "--samples": samples = Int(args.popFirst() ?? "") ?? samples
    default: print("usage: switchboard-bench [--sizes SxP,...] [--samples N]"); exit(2)
    }
}

print("| services | pods | setup (s) | selector change → endpoints p50 / p99 (ms) | pod kill → endpoint removed p50 / p99 (ms) | pod kill → replacement in endpoints p50 / p99 (ms) | RSS (MiB) |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for (s, p) in sizes {
    let r = try run(services: s, pods: p, samples: samples)
    print("| \(r.services) | \(r.pods) | \(Int(r.setup.rounded())) | \(ms(percentile(r.selector, 0.5))) / \(ms(percentile(r.selector, 0.99))) | \(ms(percentile(r.killRemoved, 0.5))) / \(ms(percentile(r.killRemoved, 0.99))) | \(ms(percentile(r.kill, 0.5))) / \(ms(percentile(r.kill, 0.99))) | \(Int(r.rss)) |")
}
