import ClusterDNS
import ClusterModel
import ControlPlane
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The record set as the engine publishes it: written after each reconcile, read by the server
/// on any thread.
final class PublishedRecords: Sendable {
    private let box: Mutex<DNSRecordSet>
    init(_ initial: DNSRecordSet) { box = Mutex(initial) }
    func publish(_ s: DNSRecordSet) { box.withLock { $0 = s } }
    var current: DNSRecordSet { box.withLock { $0 } }
}

/// A control loop on its own address block with the DNS server on its kube-dns address
/// (127.N.0.10) at a free port.
final class DNSTestCluster {
    let loop: ControlLoop
    let records: PublishedRecords
    let server: ClusterDNSServer
    let address: String
    var port: Int { server.port ?? 0 }

    init(block: Int, forwarding: ClusterDNSConfig.Forwarding = .refuse,
         configure: (inout ClusterDNSConfig) -> Void = { _ in }) throws {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: block)
        loop = try ControlLoop(config: config, clock: ManualClock())
        try loop.bootstrap()
        loop.runUntilIdle()
        records = PublishedRecords(loop.dns)
        var dnsConfig = ClusterDNSConfig(addresses: config.addresses, port: 0)
        dnsConfig.forwarding = forwarding
        configure(&dnsConfig)
        address = dnsConfig.address
        let published = records
        server = ClusterDNSServer(config: dnsConfig, records: { published.current }, group: MultiThreadedEventLoopGroup.singleton)
    }

    func start() async throws { try await server.start() }

    /// Applies objects, reconciles, publishes the new records (what the engine's control thread does).
    @discardableResult
    func apply(_ objects: [APIObject]) -> [(APIObject, StoreError)] {
        let errors = loop.apply(objects).errors
        settle()
        return errors
    }

    func settle() {
        loop.runUntilIdle()
        records.publish(loop.dns)
    }

    func dig(_ name: String, _ type: String = "A", _ options: [String] = []) async throws -> DigResult {
        try await Dig.query(address, port: port, name, type, options)
    }

    func service(_ name: String, namespace: String = "default") -> Service? {
        loop.store.get(Service.self, namespace: namespace, name: name)
    }

    func pods(_ labels: [String: String], namespace: String = "default") -> [Pod] {
        loop.store.list(Pod.self, namespace: namespace).filter { p in labels.allSatisfy { p.labels[$0.key] == $0.value } }
    }
}

enum Objects {
    static func deployment(_ name: String, replicas: Int, labels: [String: String], namespace: String = "default",
                           ports: [ContainerPort] = [ContainerPort(name: "http", containerPort: 8080)]) -> APIObject {
        let c = Container(name: "app", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", ports: ports)
        return .deployment(Deployment(metadata: ObjectMeta(name: name, namespace: namespace),
                                      spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels),
                                                           template: PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                                                                                     spec: PodSpec(containers: [c])))))
    }

    static func service(_ name: String, selector: [String: String]?, namespace: String = "default",
                        ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: .string("http"))],
                        type: String? = nil, clusterIP: String? = nil, externalName: String? = nil) -> APIObject {
        var spec = ServiceSpec(type: type, selector: selector, ports: ports)
        spec.clusterIP = clusterIP
        spec.externalName = externalName
        return .service(Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }
}
