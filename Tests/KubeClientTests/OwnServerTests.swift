import ClusterModel
import ControlPlane
import Foundation
import KubeAPI
import KubeClient
import NIOPosix
import Telemetry
import Testing

/// A control loop and our own KubeAPIServer (address block 236: API on 127.238.10.254), the loop
/// run on its own thread whenever the store changes, as the engine runs it.
final class EngineUnderTest: @unchecked Sendable {
    let loop: ControlLoop
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private(set) var server: KubeAPIServer
    private(set) var port = 0
    private let condition = NSCondition()
    private var dirty = true
    private var stopped = false
    private var finished = false
    private var subscription: Int?

    static let apiHost = "127.238.10.254"
    var store: ObjectStore { loop.store }
    var registry: Registry { loop.registry }
    var url: URL { URL(string: "http://\(Self.apiHost):\(port)")! }

    init() throws {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: 236)
        config.addresses.apiServerHost = Self.apiHost
        config.nodeCount = 2
        let clock = SystemClock()
        loop = try ControlLoop(config: config, clock: clock, store: ObjectStore(clock: clock))
        try loop.bootstrap()
        loop.runUntilIdle()
        server = KubeAPIServer(store: loop.store, registry: loop.registry,
                               config: KubeAPIServer.Configuration(host: Self.apiHost, port: 0), group: group)
    }

    static func start() async throws -> EngineUnderTest {
        let e = try EngineUnderTest()
        e.port = try await e.server.start().port
        e.subscription = e.store.subscribe { [weak e] _ in e?.kick() }
        let t = Thread { [e] in e.run() }
        t.start()
        return e
    }

    /// Closes the API server (every watch breaks) and opens a new one on the same port.
    func restartServer(downFor seconds: Double, whileDown: () throws -> Void) async throws {
        await server.shutdown()
        try whileDown()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        server = KubeAPIServer(store: loop.store, registry: loop.registry,
                               config: KubeAPIServer.Configuration(host: Self.apiHost, port: port), group: group)
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                _ = try await server.start()
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError!
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
            condition.unlock()
            loop.runUntilIdle()
            condition.lock()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func apply(_ yaml: String) throws {
        let result = ManifestDecoder.decode(Data(yaml.utf8), file: "test.yaml")
        for object in result.documents.map(\.object) { _ = try registry.create(object) }
    }
}

@Suite("KubeClient against our own API server", .serialized)
struct OwnServerTests {
    static let manifests = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: blue, namespace: default}
    spec:
      replicas: 2
      selector: {matchLabels: {app: blue}}
      template:
        metadata: {labels: {app: blue}}
        spec: {containers: [{name: c, image: agnhost, args: [netexec, --http-port=8080], ports: [{name: http, containerPort: 8080}]}]}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: green, namespace: default}
    spec:
      replicas: 1
      selector: {matchLabels: {app: green}}
      template:
        metadata: {labels: {app: green}}
        spec: {containers: [{name: c, image: agnhost, args: [netexec, --http-port=8080], ports: [{name: http, containerPort: 8080}]}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: front, namespace: default}
    spec:
      selector: {app: blue}
      ports: [{name: http, port: 80, targetPort: http}]
    """

    func mirror(_ engine: EngineUnderTest) throws -> ClusterMirror {
        let client = try KubeClient(connection: ClusterConnection(server: engine.url, connectTimeout: 5, requestTimeout: 10), group: clientGroup)
        return ClusterMirror(client: client, initialBackoff: 0.05, maxBackoff: 0.3)
    }

    /// The pod names behind a service's endpoints, as the mirror sees them.
    func endpointPods(_ m: ClusterMirror, _ service: String) -> [String] {
        m.contents().endpointSlices.filter { $0.labels[EndpointSliceLabel.serviceName] == service }
            .flatMap(\.endpoints).compactMap { $0.targetRef?.name }.sorted()
    }

    @Test func theMirrorFollowsCreatesAndDeletes() async throws {
        let engine = try await EngineUnderTest.start()
        defer { Task { await engine.stop() } }
        try engine.apply(Self.manifests)
        let m = try mirror(engine)
        m.start()
        defer { m.stop() }
        try await m.waitForSync(timeout: 30)
        #expect(await eventually { m.contents().pods.count == 3 })
        #expect(m.contents().nodes.count == 2)
        #expect(await eventually { endpointPods(m, "front").count == 2 })
        try engine.apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: late, namespace: default}
        spec: {selector: {app: green}, ports: [{port: 81, targetPort: 8080}]}
        """)
        #expect(await eventually { m.contents().services.contains { $0.name == "late" } })
        #expect(await eventually { endpointPods(m, "late").count == 1 })
        _ = try engine.registry.delete(.services, ObjectKey(namespace: "default", name: "late"))
        #expect(await eventually { !m.contents().services.contains { $0.name == "late" } })
    }

    @Test func aSelectorPatchThroughTheActionsMovesTheEndpoints() async throws {
        let engine = try await EngineUnderTest.start()
        defer { Task { await engine.stop() } }
        try engine.apply(Self.manifests)
        let m = try mirror(engine)
        m.start()
        defer { m.stop() }
        try await m.waitForSync(timeout: 30)
        #expect(await eventually { endpointPods(m, "front").count == 2 })
        #expect(endpointPods(m, "front").allSatisfy { $0.hasPrefix("blue-") })
        let actions = APIClusterActions(client: m.client)
        let outcome = await actions.perform(.setServiceSelector(ObjectRef(namespace: "default", name: "front"), selector: ["app": "green"]))
        #expect(outcome == .applied("set selector of service default/front to app=green"))
        #expect(engine.store.get(Service.self, namespace: "default", name: "front")?.spec.selector == ["app": "green"])
        #expect(await eventually { endpointPods(m, "front").count == 1 && endpointPods(m, "front")[0].hasPrefix("green-") },
                "\(endpointPods(m, "front"))")
        // The server's validation answers for the dashboard.
        let refused = await actions.perform(.setServiceSelector(ObjectRef(namespace: "default", name: "front"), selector: ["app": "no way"]))
        #expect(!refused.isApplied)
        #expect(refused.message.contains("Invalid"), "\(refused.message)")
        // Scale goes through deployments/scale.
        #expect(await actions.perform(.scaleDeployment(ObjectRef(namespace: "default", name: "green"), replicas: 2)).isApplied)
        #expect(await eventually { endpointPods(m, "front").count == 2 })
    }

    @Test func aServerRestartMakesTheWatchReconnectAndResume() async throws {
        let engine = try await EngineUnderTest.start()
        defer { Task { await engine.stop() } }
        try engine.apply(Self.manifests)
        let m = try mirror(engine)
        m.start()
        defer { m.stop() }
        try await m.waitForSync(timeout: 30)
        #expect(await eventually { m.contents().services.contains { $0.name == "front" } })
        try await engine.restartServer(downFor: 0.5) {
            try engine.apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: while-down, namespace: default}
            spec: {selector: {app: blue}, ports: [{port: 82, targetPort: 8080}]}
            """)
        }
        #expect(await eventually { m.contents().services.contains { $0.name == "while-down" } })
        // Resumed, not relisted: the new server saw a services watch and no services list.
        let client = m.client
        let metrics = try await client.metricsText()
        #expect(metrics.contains(#"resource="services",verb="watch""#), "\(metrics)")
        #expect(!metrics.contains(#"resource="services",verb="list""#), "\(metrics)")
    }
}

extension KubeClient {
    /// The server's `/metrics`, through a scraper on the same connection.
    func metricsText() async throws -> String {
        let scraper = try MetricsScraper(url: connection.server.appendingPathComponent("metrics"), credentials: connection)
        guard let m = await scraper.scrape() else { throw scraper.problem ?? .configuration("no metrics") }
        return m.samples.map { s in
            "\(s.name){" + s.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "} \(s.value)"
        }.joined(separator: "\n")
    }
}
