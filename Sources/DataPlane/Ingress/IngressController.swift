import ClusterModel
import ControlPlane
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Telemetry

/// Why the controller could not start.
public struct IngressControllerError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The ingress controller: an HTTP/1.1 reverse proxy on SwiftNIO, programmed live from the
/// store's Ingresses, IngressClasses, Services, EndpointSlices and Secrets — what ingress-nginx
/// is to a cluster. It listens on one address (the controller Service's LoadBalancer IP) on 80
/// and 443, routes by Host and path, and writes that address into each served Ingress's
/// `status.loadBalancer.ingress` so `kubectl get ingress` shows it under ADDRESS.
///
/// Reconciling runs on a task of its own (never inside the store's watch callback, never on an
/// event loop); requests read the current table under a short lock.
public final class IngressController: Sendable {
    public let store: ObjectStore
    public let registry: Registry
    public let config: IngressConfig
    private let group: any EventLoopGroup
    private let core: IngressCore
    private let state = Mutex(State())
    private let synced = SyncBarrier()

    private struct State: ~Copyable {
        var subscription: Int?
        var continuation: AsyncStream<Void>.Continuation?
        var loop: Task<Void, Never>?
        var listeners: [any Channel] = []
        var httpPort: Int?
        var httpsPort: Int?
        var certificates: [ObjectKey: IngressCertificate] = [:]
        var dirty = true
        var seen = -1
    }

    /// `flowRing` is where finished requests are listed; pass the service proxy's so L4 and HTTP
    /// flows share one list (default: a ring of its own, read through `snapshot().recentFlows`).
    public init(store: ObjectStore, registry: Registry, group: any EventLoopGroup, config: IngressConfig,
                flowRing: FlowRing? = nil) {
        self.store = store
        self.registry = registry
        self.config = config
        self.group = group
        var loops: [any EventLoop] = []
        for l in group.makeIterator() { loops.append(l) }
        core = IngressCore(config: config, loops: loops, flows: flowRing ?? FlowRing())
    }

    /// The ring this controller lists its requests in (shared with the proxy when so built).
    public var flowRing: FlowRing { core.flows }

    /// The ports actually bound (after a remap, or the ephemeral port for 0).
    public var httpPort: Int? { state.withLock { $0.httpPort } }
    public var httpsPort: Int? { state.withLock { $0.httpsPort } }

    /// Binds the listeners, programs the current state and starts watching. Throws when a port
    /// cannot be bound, with the reason and the fix (privileged ports: run as root, grant
    /// CAP_NET_BIND_SERVICE, lower the sysctl, or opt in to `privilegedPortRemap`).
    public func start() async throws {
        reconcile()
        let tls = try IngressDefaultCertificate.makeContext { [core] name in core.certificate(for: name) }
        if let p = config.httpPort {
            let (ch, bound) = try await bind(port: p, tls: nil)
            state.withLock { $0.listeners.append(ch); $0.httpPort = bound }
        }
        do {
            if let p = config.httpsPort {
                let (ch, bound) = try await bind(port: p, tls: tls)
                state.withLock { $0.listeners.append(ch); $0.httpsPort = bound }
            }
            for host in config.clusterAddresses {
                for (p, t) in [(config.httpPort, nil), (config.httpsPort, tls)] as [(Int?, NIOSSLContext?)] {
                    guard let p else { continue }
                    let (ch, _) = try await bind(port: p, tls: t, host: host)
                    state.withLock { $0.listeners.append(ch) }
                }
            }
        } catch {
            await shutdown()
            throw error
        }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Every event wakes the loop, so waitForSync returns for any resourceVersion (the last
        // write may be a pod or an Event); only the kinds routing depends on rebuild the table.
        // The version comes with the event, so a write is never counted before it was seen.
        let id = store.subscribe { [weak self] event in
            guard let self else { return }
            let relevant: Bool
            switch event.object.resource {
            case .ingresses, .ingressClasses, .services, .endpointSlices, .secrets: relevant = true
            default: relevant = false
            }
            self.state.withLock { s in
                s.dirty = s.dirty || relevant
                s.seen = max(s.seen, event.resourceVersion)
            }
            continuation.yield()
        }
        let task = Task { [self] in
            for await _ in stream {
                let (dirty, seen) = state.withLock { s in
                    defer { s.dirty = false }
                    return (s.dirty, s.seen)
                }
                if dirty { self.reconcile() }
                synced.reached(seen)
            }
        }
        state.withLock {
            $0.subscription = id
            $0.continuation = continuation
            $0.loop = task
        }
        continuation.yield()
        await waitForSync()
    }

    private func bind(port requested: Int, tls: NIOSSLContext?, host: String? = nil) async throws -> (any Channel, Int) {
        let host = host ?? config.address
        var port = requested
        if requested > 0 {
            let limit = config.unprivilegedPortStart ?? PrivilegedPorts.detectLimit()
            if requested < limit {
                guard let offset = config.privilegedPortRemap else {
                    throw IngressControllerError(description: "ingress controller on \(host): "
                                                 + PrivilegedPorts.refusal(port: requested, limit: limit)
                                                 .replacingOccurrences(of: "ProxyConfig", with: "IngressConfig"))
                }
                port = requested + offset
            }
        }
        let core = self.core
        let scheme = tls == nil ? "http" : "https"
        let limits = {
            var l = NIOHTTPDecoderLimitConfiguration()
            l.maxHeaderFieldSize = config.maxHeaderBytes
            l.maxHeaderListSize = config.maxHeaderBytes
            l.maxHeaderFieldCount = config.maxHeaderCount
            return l
        }()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    if let tls { try ops.addHandler(NIOSSLServerHandler(context: tls)) }
                    // An upgrade configuration without upgraders: every request reaches our
                    // handler (the upgrade handler leaves after the first), and the request
                    // decoder forwards what follows an upgrade request when it is removed, so a
                    // 101 from the upstream can turn the connection into a relay (IngressTunnel).
                    // Pipelining is handled by IngressServerHandler (see there why).
                    try ops.configureHTTPServerPipeline(withPipeliningAssistance: false,
                                                        withServerUpgrade: (upgraders: [], completionHandler: { _ in }),
                                                        withErrorHandling: false,
                                                        withEncoderConfiguration: .init(),
                                                        withDecoderLimitConfiguration: limits)
                    try ops.addHandler(IngressServerHandler(core: core, scheme: scheme, port: requested))
                }
            }
        do {
            let ch = try await bootstrap.bind(host: host, port: port).get()
            return (ch, ch.localAddress?.port ?? port)
        } catch {
            throw IngressControllerError(description: "ingress controller cannot listen on \(host):\(port): \(error)")
        }
    }

    /// Stops watching and closes the listeners and pooled upstream connections. Client
    /// connections in progress finish on their own (the event loops belong to the caller).
    public func shutdown() async {
        let (sub, cont, task, listeners) = state.withLock { s in
            let r = (s.subscription, s.continuation, s.loop, s.listeners)
            s.subscription = nil
            s.continuation = nil
            s.loop = nil
            s.listeners = []
            return r
        }
        if let sub { store.unsubscribe(sub) }
        cont?.finish()
        await task?.value
        for l in listeners { try? await l.close() }
        for box in core.allPools {
            try? await box.pool.eventLoop.submit { box.pool.closeAll() }.get()
        }
        synced.stop()
    }

    /// Returns once the table reflects the store at `resourceVersion` (default: now).
    public func waitForSync(resourceVersion: Int? = nil) async {
        await synced.wait(for: resourceVersion ?? store.resourceVersion)
    }

    // MARK: reconcile

    private func reconcile() {
        let rv = store.resourceVersion
        let selection = IngressClassSelection(classes: store.list(IngressClass.self), controllerName: config.controllerName,
                                              watchWithoutClass: config.watchIngressWithoutClass)
        let all = store.list(Ingress.self)
        let served = all.filter(selection.serves)
        let router = IngressRouter(ingresses: served)
        var services: [ObjectKey: Service] = [:]
        for s in store.list(Service.self) { services[s.key] = s }
        var slices: [ObjectKey: [EndpointSlice]] = [:]
        for s in store.list(EndpointSlice.self) {
            guard let svc = s.labels[EndpointSliceLabel.serviceName] else { continue }
            slices[ObjectKey(namespace: s.namespace, name: svc), default: []].append(s)
        }
        var backends: [IngressBackendRef: ResolvedBackend] = [:]
        for r in router.routes where backends[r.backend] == nil {
            backends[r.backend] = IngressTable.resolve(r.backend, services: services, slices: slices)
        }
        // Certificates: parsed once per Secret version; a bad Secret falls back to the default
        // certificate and is reported by name only.
        let previous = state.withLock { $0.certificates }
        var certs: [ObjectKey: IngressCertificate] = [:]
        var problems: [String] = []
        for key in Set(router.tlsHosts.map(\.secret)) {
            guard let secret = store.get(Secret.self, namespace: key.namespace, name: key.name) else {
                problems.append("secret \(key) not found")
                continue
            }
            if let cached = previous[key], cached.resourceVersion == secret.metadata.resourceVersion {
                certs[key] = cached
                continue
            }
            switch IngressCertificate.parse(secret) {
            case .success(let c): certs[key] = c
            case .failure(let e): problems.append(e.description)
            }
        }
        core.install(IngressTable(resourceVersion: rv, router: router, served: served.map(\.key), backends: backends,
                                  certificates: certs, tlsProblems: problems.sorted()))
        state.withLock { $0.certificates = certs }
        if config.publishStatus { publishStatus(all: all, served: Set(served.map(\.key))) }
        synced.reached(rv)
    }

    /// Served Ingresses get our address; Ingresses that stop being ours lose it. Conflicts (a
    /// concurrent writer) are retried on the next reconcile, which that write triggers.
    private func publishStatus(all: [Ingress], served: Set<ObjectKey>) {
        let mine = [LoadBalancerIngress(ip: config.address)]
        for ing in all {
            let current = ing.status?.loadBalancer?.ingress ?? []
            var want: [LoadBalancerIngress]
            if served.contains(ing.key) {
                want = mine
            } else if current.contains(where: { $0.ip == config.address }) {
                want = current.filter { $0.ip != config.address }
            } else {
                continue
            }
            if current == want { continue }
            var copy = ing
            copy.status = IngressStatus(loadBalancer: IngressLoadBalancerStatus(ingress: want.isEmpty ? nil : want))
            _ = try? registry.updateStatus(.ingress(copy))
        }
    }

    // MARK: snapshot

    /// What the dashboard shows: routes with their traffic, recent requests, TLS problems.
    /// `recentFlows` is this controller's part of the flow ring, in the ingress's own shape.
    public func snapshot() -> IngressSnapshot {
        let table = core.current
        let (routes, unmatched) = core.stats.read(routes: table.router.routes)
        let prefix = config.address + ":"
        let flows: [IngressFlowRecord] = core.flows.recent().compactMap { f in
            guard f.frontendKind == .ingress, f.frontend.hasPrefix(prefix), let h = f.http else { return nil }
            return IngressFlowRecord(client: f.client, method: h.method, host: h.host, path: h.path, status: h.status,
                                     latencyMicros: UInt64(f.duration), endpoint: f.endpoint, route: h.route)
        }
        let ports = state.withLock { ($0.httpPort, $0.httpsPort) }
        return IngressSnapshot(address: config.address, httpPort: ports.0, httpsPort: ports.1,
                               ingresses: table.served.map(\.description), routes: routes, unmatched: unmatched,
                               recentFlows: flows, tlsProblems: table.tlsProblems, resourceVersion: table.resourceVersion)
    }

    /// Requests sent again so far, after a connect failure or an upstream that closed before
    /// answering (what keeps pod churn invisible to clients).
    public var retries: Int { core.retries.load(ordering: .relaxed) }

    /// Upstream connections opened so far (all event loops): with keep-alive pooling this stays
    /// far below the request count.
    public func upstreamConnectsStarted() async -> Int {
        var n = 0
        for box in core.allPools {
            n += (try? await box.pool.eventLoop.submit { box.pool.connectsStarted }.get()) ?? 0
        }
        return n
    }
}
