import ClusterModel
import ControlPlane
import DataPlane
import Foundation
import NIOCore
import NIOPosix

/// A live cluster for pod tests: the control loop on the system clock, driven under a lock by
/// the test (never by the runtime), a pod runtime on a small event-loop group, and the
/// environment the loop computes published to the runtime through a lock-protected cache.
final class PodTestCluster: @unchecked Sendable {
    let loop: ControlLoop
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private(set) var runtime: PodRuntime!
    private let driveLock = NSLock()
    private let envLock = NSLock()
    private var envCache: [ObjectKey: [String: [EnvVar]]] = [:]
    let block: Int

    var store: ObjectStore { loop.store }
    var registry: Registry { loop.registry }

    init(block: Int, nodes: Int = 2, config: PodRuntimeConfig = .fastForTests,
         resolver: @escaping @Sendable (String, String) -> [String] = { _, _ in [] }) throws {
        precondition((170...230).contains(block), "pod tests use second octets 170…230")
        self.block = block
        var cc = ClusterConfig()
        cc.addresses = .isolated(secondOctet: block)
        cc.nodeCount = nodes
        loop = try ControlLoop(config: cc, clock: SystemClock())
        try loop.bootstrap()
        loop.runUntilIdle()
        runtime = PodRuntime(store: loop.store, registry: loop.registry, group: group, config: config,
                             environment: { [weak self] key in self?.environment(key) }, resolver: resolver)
        runtime.start()
    }

    private func environment(_ key: ObjectKey) -> [String: [EnvVar]]? {
        envLock.lock()
        defer { envLock.unlock() }
        return envCache[key]
    }

    /// One pass of the control loop, then the environment of every started pod is published.
    func drive() {
        driveLock.lock()
        defer { driveLock.unlock() }
        loop.runUntilIdle()
        var env: [ObjectKey: [String: [EnvVar]]] = [:]
        for p in loop.store.list(Pod.self) where p.status?.podIP != nil {
            if let e = loop.environment(of: p.key) { env[p.key] = e }
        }
        envLock.lock()
        envCache = env
        envLock.unlock()
    }

    func apply(_ objects: APIObject...) {
        driveLock.lock()
        let result = loop.apply(objects)
        driveLock.unlock()
        precondition(result.errors.isEmpty, "apply failed: \(result.errors.map { "\($0.1)" })")
        drive()
    }

    /// Drives the loop and polls `condition` every 20 ms until it holds or `seconds` pass.
    @discardableResult
    func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            drive()
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        drive()
        return condition()
    }

    func pod(_ name: String, namespace: String = "default") -> Pod? {
        store.get(Pod.self, namespace: namespace, name: name)
    }

    func pods(_ labels: [String: String]) -> [Pod] {
        store.list(Pod.self, namespace: "default").filter { p in labels.allSatisfy { p.labels[$0.key] == $0.value } }
    }

    func stats(_ key: ObjectKey) -> PodWorkloadStats? { runtime.snapshot()[key] }

    func close() async {
        await runtime.shutdown()
        try? await group.shutdownGracefully()
    }
}

extension PodRuntimeConfig {
    /// Kubelet timings shrunk so that back-off and probing fit in a test.
    static var fastForTests: PodRuntimeConfig {
        var c = PodRuntimeConfig()
        c.backoffBase = .milliseconds(100)
        c.backoffMax = .milliseconds(400)
        c.probeSecond = .milliseconds(100)
        c.environmentWait = .milliseconds(500)
        c.forcedStopGrace = .milliseconds(500)
        c.loadgenRequestTimeout = .seconds(2)
        return c
    }
}

/// Builders of the objects the tests apply.
enum PodFixture {
    static let agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.53"

    static func container(_ name: String = "app", image: String = agnhost, command: [String]? = nil,
                          args: [String]? = nil, port: Int? = 8080) -> Container {
        var c = Container(name: name, image: image, ports: port.map { [ContainerPort(name: "http", containerPort: $0)] })
        c.command = command
        c.args = args
        return c
    }

    static func netexec(port: Int = 8080) -> Container {
        container(args: ["netexec", "--http-port=\(port)", "--udp-port=\(port + 1)"], port: port)
    }

    static func deployment(_ name: String, replicas: Int, labels: [String: String], container: Container,
                           restartPolicy: String? = nil, grace: Int = 5) -> APIObject {
        var spec = PodSpec(containers: [container])
        spec.restartPolicy = restartPolicy
        spec.terminationGracePeriodSeconds = grace
        return .deployment(Deployment(metadata: ObjectMeta(name: name, namespace: "default"),
                                      spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels),
                                                           template: PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                                                                                     spec: spec))))
    }

    static func pod(_ name: String, _ containers: [Container], restartPolicy: String? = nil, grace: Int = 5,
                    labels: [String: String]? = nil) -> APIObject {
        var spec = PodSpec(containers: containers)
        spec.restartPolicy = restartPolicy
        spec.terminationGracePeriodSeconds = grace
        return .pod(Pod(metadata: ObjectMeta(name: name, namespace: "default", labels: labels), spec: spec))
    }

    static func service(_ name: String, selector: [String: String], port: Int = 80, targetPort: Int = 8080) -> APIObject {
        .service(Service(metadata: ObjectMeta(name: name, namespace: "default"),
                         spec: ServiceSpec(selector: selector, ports: [ServicePort(name: "http", port: port, targetPort: .int(targetPort))])))
    }
}

extension Pod {
    var containerState: JSONValue? { status?.containerStatuses?.first?.state }
    var restartCount: Int { status?.containerStatuses?.first?.restartCount ?? 0 }
}
