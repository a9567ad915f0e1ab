import ClusterDNS
import ClusterModel
import KubeAPI
import ControlPlane
import DataPlane
import NIOCore
import NIOPosix
import Telemetry

/// The whole live system: the control loop (`ClusterEngine`) plus the data plane on SwiftNIO —
/// the service proxy carrying real TCP, and (when built) the pods' workloads. It is also the
/// live `SnapshotSource` the dashboard samples.
public final class LiveEngine: SnapshotSource, Sendable {
    public let cluster: ClusterEngine
    public let proxy: ServiceProxy
    public let pods: PodRuntime
    public let dns: ClusterDNSServer
    public let ingress: IngressController
    public let api: KubeAPIServer
    let group: MultiThreadedEventLoopGroup
    /// `/readyz`: true once `settle()` saw the data plane programmed, false again from `shutdown()`.
    private let ready = ReadinessFlag()

    /// - Parameter eventLoops: threads for the data plane (default: one per core).
    public init(config: ClusterConfig, proxyConfig: ProxyConfig = ProxyConfig(),
                podConfig: PodRuntimeConfig = PodRuntimeConfig(), dnsConfig: ClusterDNSConfig? = nil,
                eventLoops: Int? = nil,
                configureAPI: (inout KubeAPIServer.Configuration) -> Void = { _ in }) throws {
        let cluster = try ClusterEngine(config: config)
        self.cluster = cluster
        group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops ?? System.coreCount)
        // The ingress controller is exposed like ingress-nginx: a LoadBalancer service in
        // switchboard-system whose pool address it listens on (80/443).
        let setupErrors = cluster.apply(IngressControllerService.objects())
        guard setupErrors.isEmpty, let ingressIP = IngressControllerService.address(in: cluster.store) else {
            throw AllocationError(message: "no LoadBalancer address for the ingress controller: \(setupErrors.map { "\($0.1)" })")
        }
        var ic = IngressConfig(address: ingressIP)
        if let clusterIP = cluster.store.get(Service.self, namespace: IngressControllerService.namespace,
                                             name: IngressControllerService.name)?.spec.clusterIP, clusterIP != "None" {
            ic.clusterAddresses = [clusterIP]
        }
        ic.privilegedPortRemap = proxyConfig.privilegedPortRemap
        ic.unprivilegedPortStart = proxyConfig.unprivilegedPortStart
        var pc = proxyConfig
        pc.clock = SystemClock()
        // One flow ring for both: the dashboard's flow pane lists L4 connections and ingress
        // requests together.
        let flows = FlowRing(capacity: pc.flowRecordCapacity)
        proxy = ServiceProxy(store: cluster.store, group: group, config: pc, flowRing: flows)
        ingress = IngressController(store: cluster.store, registry: cluster.registry, group: group, config: ic,
                                    flowRing: flows)
        var dnsConfig = dnsConfig ?? ClusterDNSConfig(addresses: config.addresses)
        if dnsConfig.privilegedPortRemap == nil { dnsConfig.privilegedPortRemap = proxyConfig.privilegedPortRemap }
        dns = ClusterDNSServer(config: dnsConfig, records: { cluster.dns }, group: group)
        let podRuntime = PodRuntime(store: cluster.store, registry: cluster.registry, group: group, config: podConfig,
                                    environment: { cluster.environment(of: $0) },
                                    resolver: { name, namespace in cluster.resolve(name, fromNamespace: namespace) })
        pods = podRuntime
        var apiConfig = KubeAPIServer.Configuration(host: config.addresses.apiServerHost, port: config.addresses.apiServerPort)
        apiConfig.podLogs = { key, container in podRuntime.logs(of: key, container: container) }
        let (proxy, ingress, ready) = (proxy, ingress, ready)  // captured, not self
        apiConfig.additionalMetrics = {
            EngineMetrics.render(proxy: await proxy.snapshot(), ingress: ingress.snapshot(), loop: cluster.loopStatistics)
        }
        apiConfig.readiness = { ready.isReady }
        configureAPI(&apiConfig)
        api = KubeAPIServer(store: cluster.store, registry: cluster.registry, config: apiConfig, group: group)
    }

    /// Starts the control thread and the proxy; returns once the current state is programmed.
    public func start() async throws {
        cluster.start()
        try await proxy.start()
        try await ingress.start()
        try await dns.start()
        pods.start()
        try await api.start()
    }

    /// Waits until the proxy has caught up with the store (all writes so far are reflected).
    public func settle() async {
        await proxy.waitForSync(resourceVersion: cluster.store.resourceVersion)
        ready.set(true)
    }

    /// What `/readyz` reports.
    public var isReady: Bool { ready.isReady }

    /// Stops accepting, closes connections, stops the loop and the event loops.
    public func shutdown() async {
        ready.set(false)
        await api.shutdown()
        await pods.shutdown()
        await ingress.shutdown()
        await proxy.shutdown()
        await dns.shutdown()
        cluster.stop()
        try? await group.shutdownGracefully()
    }

    public func snapshot() async -> Snapshot {
        Snapshot(time: SystemClock().now(), proxy: await proxy.snapshot(), ingress: ingress.snapshot())
    }
}
