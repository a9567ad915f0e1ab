import ClusterModel
import ControlPlane
import Foundation
import KubeAPI
import NIOPosix

/// A cluster for API tests: its own store and control loop (isolated address block 232), the
/// loop run on a dedicated thread whenever the store changes (as the engine does), and the API
/// server on 127.233.0.1 with a free port.
final class APITestCluster: @unchecked Sendable {
    let loop: ControlLoop
    let server: KubeAPIServer
    let group: MultiThreadedEventLoopGroup
    private(set) var address: KubeAPIServer.BoundAddress!
    private let condition = NSCondition()
    private var dirty = true
    private var busy = false
    private var stopped = false
    private var finished = false
    private var subscription: Int?

    var store: ObjectStore { loop.store }
    var registry: Registry { loop.registry }
    var url: String { address.url }
    var host: String { address.host }
    var port: Int { address.port }

    static let apiHost = "127.233.0.1"

    init(secondOctet: Int = 232, apiHost: String = APITestCluster.apiHost, watchQueueLimit: Int = 1000,
         historyLimit: Int = 100_000, podLogs: (@Sendable (ObjectKey, String) -> String?)? = nil,
         security: KubeAPIServer.Security? = nil, readiness: (@Sendable () -> Bool)? = nil) throws {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: secondOctet)
        config.addresses.apiServerHost = apiHost
        config.nodeCount = 2
        let clock = SystemClock()
        loop = try ControlLoop(config: config, clock: clock, store: ObjectStore(clock: clock, historyLimit: historyLimit))
        try loop.bootstrap()
        loop.runUntilIdle()
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var serverConfig = KubeAPIServer.Configuration(host: apiHost, port: 0, watchQueueLimit: watchQueueLimit)
        serverConfig.podLogs = podLogs
        serverConfig.logFollowInterval = 0.05
        serverConfig.security = security
        serverConfig.readiness = readiness
        server = KubeAPIServer(store: loop.store, registry: loop.registry, config: serverConfig, group: group)
    }

    static func start(secondOctet: Int = 232, apiHost: String = APITestCluster.apiHost, watchQueueLimit: Int = 1000,
                      historyLimit: Int = 100_000, podLogs: (@Sendable (ObjectKey, String) -> String?)? = nil,
                      security: KubeAPIServer.Security? = nil,
                      readiness: (@Sendable () -> Bool)? = nil) async throws -> APITestCluster {
        let c = try APITestCluster(secondOctet: secondOctet, apiHost: apiHost, watchQueueLimit: watchQueueLimit,
                                   historyLimit: historyLimit, podLogs: podLogs, security: security, readiness: readiness)
        c.address = try await c.server.start()
        c.subscription = c.store.subscribe { [weak c] _ in c?.kick() }
        let t = Thread { [c] in c.run() }
        t.name = "api-test-control-loop"
        t.start()
        return c
    }

    func stop() async {
        stopLoop()
        await server.shutdown()
        try? await group.shutdownGracefully()
    }

    private func stopLoop() {
        if let subscription { store.unsubscribe(subscription) }
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func kick() {
        condition.lock()
        dirty = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while !dirty && !stopped {
                let wait = loop.nextTimer.map { max(0.005, min($0 - SystemClock().now(), 0.2)) } ?? 0.2
                _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
                if let next = loop.nextTimer, next <= SystemClock().now() { break }
            }
            if stopped { break }
            dirty = false
            busy = true
            condition.unlock()
            loop.runUntilIdle()
            condition.lock()
            busy = false
            condition.broadcast()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the loop has reconciled every write so far.
    func settle(timeout: Double = 5) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while (dirty || busy) && Date() < deadline { _ = condition.wait(until: deadline) }
    }

    /// Writes manifests as `kubectl apply` at start-up would (the loop reconciles them).
    func apply(_ yaml: String) throws {
        let result = ManifestDecoder.decode(Data(yaml.utf8), file: "test.yaml")
        guard !result.hasErrors else { throw TestFailure("manifest: \(result.errors)") }
        for object in result.documents.map(\.object) {
            if let ns = object.metadata.namespace, store.get(.namespaces, ObjectKey(namespace: "", name: ns)) == nil {
                try registry.create(.namespace(Namespace(metadata: ObjectMeta(name: ns))))
            }
            try registry.create(object)
        }
        settle()
    }
}

extension APITestCluster {
    func http(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "") throws -> RawHTTP.Response {
        try RawHTTP.request(host, port, method, path, headers: headers, body: Array(body.utf8))
    }

    /// Labels a service through the registry (a write the watchers see).
    func label(service name: String, namespace: String, _ key: String, _ value: String) throws {
        var svc = store.get(Service.self, namespace: namespace, name: name)!
        svc.metadata.labels = (svc.metadata.labels ?? [:]).merging([key: value]) { $1 }
        svc.metadata.resourceVersion = nil
        try registry.update(.service(svc))
    }

    func waitForWatches(_ n: Int, timeout: Double = 5) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while server.activeWatches != n && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// True when tests run under CI, where a missing client binary is a failure, not a skip.
var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

/// The demo shape the kubectl tests use: a namespace, a deployment of two pods, services of
/// each type, and an ingress.
enum Fixtures {
    static let shop = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: shop}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: cart, namespace: shop, labels: {app: cart}}
    spec:
      replicas: 2
      selector: {matchLabels: {app: cart}}
      template:
        metadata: {labels: {app: cart, tier: web}}
        spec:
          containers:
          - name: cart
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: [netexec, --http-port=8080]
            ports: [{name: http, containerPort: 8080}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: cart, namespace: shop, labels: {app: cart}}
    spec:
      selector: {app: cart}
      ports: [{name: http, port: 80, targetPort: http}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: cart-np, namespace: shop}
    spec:
      type: NodePort
      selector: {app: cart}
      ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: cart-lb, namespace: shop}
    spec:
      type: LoadBalancer
      selector: {app: cart}
      ports: [{name: http, port: 80, targetPort: 8080}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: shop, namespace: shop}
    spec:
      rules:
      - host: shop.local
        http:
          paths:
          - {path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
    """
}
