import ClusterModel
import ControlPlane
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A Kubernetes API server over the store, enough for the real `kubectl --server http://HOST:PORT`
/// with no kubeconfig: discovery, OpenAPI v3 stubs, get/list/watch/create/update/patch/delete of
/// every kind Switchboard serves, server-side printed Tables, Status errors, `/metrics`,
/// `/livez` and `/readyz`. Plain HTTP on loopback by default; with `Configuration.security` it
/// serves HTTPS and requires a bearer token, which it insists on beyond loopback.
public final class KubeAPIServer: Sendable {
    /// What `/version` reports. kubectl's gcloud dispatcher picks its kubectl binary from the minor
    /// version, so this claims the release the API surface was measured against (1.32).
    public struct VersionInfo: Codable, Sendable, Hashable {
        public var major = "1"
        public var minor = "32"
        public var gitVersion = "v1.32.0"
        public var gitCommit = "switchboard"
        public var gitTreeState = "clean"
        public var buildDate = "2026-01-01T00:00:00Z"
        public var goVersion = "go1.23.0"
        public var compiler = "gc"
        public var platform = "linux/amd64"

        public init() {}
    }

    public struct Configuration: Sendable {
        /// Address to listen on. Beyond loopback `security` is required.
        public var host: String
        /// 0 picks a free port (see `start()`'s result).
        public var port: Int
        public var version: VersionInfo
        /// Largest request body accepted (the API server's limit is 3 MiB); larger is a 413.
        public var maxBodyBytes: Int
        /// Events a watch may have queued when its client does not read; past it, the stream is closed.
        public var watchQueueLimit: Int
        /// The clock AGE columns are computed against (the store's clock, in tests a manual one).
        public var clock: any ClusterClock
        /// HTTPS and a bearer token. Without it the server refuses non-loopback hosts, since it
        /// would serve the cluster, unauthenticated and in clear, to the network.
        public var security: Security?
        /// Whether `/readyz` answers 200 (nil: always). The engine reports not ready until its
        /// data plane has programmed the state, and again while it drains.
        public var readiness: (@Sendable () -> Bool)?
        /// More Prometheus text appended to `/metrics` (the proxy's and the control loop's figures,
        /// which this target cannot see). Must be complete families: HELP, TYPE, samples. Async
        /// because the proxy gathers its figures from its event loops; never called on one
        /// blocking.
        public var additionalMetrics: (@Sendable () async -> String)?
        /// A pod container's log (`kubectl logs`): pod, container name → the retained text, nil
        /// when the pod runtime has none. Without it, log requests answer 503.
        public var podLogs: (@Sendable (ObjectKey, String) -> String?)?
        /// `fieldValidation=Strict` (kubectl's default for apply/create/replace/edit) refuses
        /// unknown fields with a 400, as the API server does. Switchboard's model omits some real
        /// fields (volumes, securityContext, …); set this to false to accept them with a Warning
        /// header instead (they are not stored either way).
        public var strictUnknownFields = true
        /// How often `kubectl logs -f` looks for new output.
        public var logFollowInterval: Double = 0.2

        public init(host: String = "127.0.0.1", port: Int = 6443, version: VersionInfo = VersionInfo(),
                    maxBodyBytes: Int = 3 * 1024 * 1024, watchQueueLimit: Int = 1000,
                    clock: any ClusterClock = SystemClock()) {
            self.host = host
            self.port = port
            self.version = version
            self.maxBodyBytes = maxBodyBytes
            self.watchQueueLimit = watchQueueLimit
            self.clock = clock
        }
    }

    /// Where the server listens once started.
    public struct BoundAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        /// Whether the server speaks HTTPS (`Configuration.security` set).
        public var secure = false
        /// `http://127.0.0.1:6443` (or `https://…`), what `kubectl --server` takes.
        public var url: String { "\(secure ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
        public var description: String { url }
    }

    public enum ServerError: Error, CustomStringConvertible {
        case bindFailed(String, Int, String)
        case notLoopback(String)
        case tls(String)
        public var description: String {
            switch self {
            case .bindFailed(let host, let port, let why): "cannot listen on \(host):\(port): \(why)"
            case .notLoopback(let host):
                "refusing to serve the Kubernetes API on \(host) without TLS and a bearer token: plain HTTP listens on "
                    + "loopback addresses (127.0.0.0/8, ::1) only"
            case .tls(let why): why
            }
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    private struct State {
        var server: Channel?
        var connections: [ObjectIdentifier: Channel] = [:]
        var address: BoundAddress?
    }

    public let store: ObjectStore
    public let registry: Registry
    public let config: Configuration
    private let group: any EventLoopGroup
    private let metrics = APIMetrics()
    private let state = Mutex(State())

    /// - Parameter group: the event loops to serve on (shared with the rest of the engine).
    public init(store: ObjectStore, registry: Registry, config: Configuration = Configuration(), group: any EventLoopGroup) {
        self.store = store
        self.registry = registry
        self.config = config
        self.group = group
    }

    /// Binds and starts serving; returns the bound address (the real port when `port` is 0).
    @discardableResult
    public func start() async throws -> BoundAddress {
        guard config.security != nil || Self.isLoopback(config.host) else { throw ServerError.notLoopback(config.host) }
        let sslContext = try config.security?.makeContext()
        let requested = "\(config.host):\(config.port)"
        let handlerFor: @Sendable (String) -> APIHandler = { [store, registry, config, metrics] address in
            APIHandler(store: store, registry: registry, config: config, metrics: metrics, serverAddress: address)
        }
        let addressBox = Mutex(requested)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                let handler = HTTPConnectionHandler(api: handlerFor(addressBox.withLock { $0 }))
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(PlainHTTPRejecter())
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: config.host, port: config.port).get()
        } catch {
            throw ServerError.bindFailed(config.host, config.port, "\(error)")
        }
        let port = channel.localAddress?.port ?? config.port
        let bound = BoundAddress(host: config.host, port: port, secure: config.security != nil)
        addressBox.withLock { $0 = "\(config.host):\(port)" }
        state.withLock {
            $0.server = channel
            $0.address = bound
        }
        return bound
    }

    private func track(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    /// The address `start()` bound, nil before.
    public var address: BoundAddress? { state.withLock { $0.address } }

    /// Open watch streams (kubectl `get -w`, informers).
    public var activeWatches: Int { metrics.activeWatches }

    /// Stops listening and closes every connection, watches included (kubectl `get -w` exits 0).
    public func shutdown() async {
        let (server, connections) = state.withLock { s -> (Channel?, [Channel]) in
            let r = (s.server, Array(s.connections.values))
            s.server = nil
            return r
        }
        try? await server?.close()
        for c in connections { try? await c.close() }
    }
}
