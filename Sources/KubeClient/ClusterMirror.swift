import ClusterModel
import Foundation
import Synchronization

/// The objects a dashboard draws, as typed lists: one consistent copy taken under the mirror's lock.
public struct MirrorContents: Sendable {
    public var services: [Service] = []
    public var endpointSlices: [EndpointSlice] = []
    public var pods: [Pod] = []
    public var nodes: [Node] = []
    public var ingresses: [Ingress] = []
    public var events: [Event] = []
    public var deployments: [Deployment] = []

    public init() {}
}

/// An in-memory copy of a cluster's Services, EndpointSlices, Pods, Nodes, Ingresses, Events and
/// Deployments, kept current by one list + watch per kind (client-go's informer pattern). The
/// dashboard samples it as often as it likes without touching the network; a dropped watch
/// resumes from its resourceVersion and a 410 relists, so a restart of the server is invisible
/// once it is back.
public final class ClusterMirror: Sendable {
    /// The kinds mirrored, in the order they are listed.
    public static let kinds: [ResourceKind] = [.nodes, .services, .endpointSlices, .pods, .ingresses, .deployments, .events]

    private struct State {
        var objects: [ResourceKind: [ObjectKey: APIObject]] = [:]
        var status: [ResourceKind: ReflectorStatus] = [:]
        var tasks: [Task<Void, Never>] = []
        var generation = 0
    }

    public let client: KubeClient
    /// Nil mirrors every namespace (what the dashboard shows).
    public let namespace: String?
    private let backoff: (initial: Double, max: Double)
    private let state = Mutex(State())

    public init(client: KubeClient, namespace: String? = nil, initialBackoff: Double = 0.2, maxBackoff: Double = 5) {
        self.client = client
        self.namespace = namespace
        backoff = (initialBackoff, maxBackoff)
    }

    deinit { stop() }

    /// Starts one reflector per kind; returns at once (see `waitForSync`).
    public func start() {
        let tasks = [
            run(Node.self), run(Service.self), run(EndpointSlice.self), run(Pod.self), run(Ingress.self),
            run(Deployment.self), run(Event.self),
        ]
        state.withLock { $0.tasks += tasks }
    }

    /// Cancels every watch (their connections close).
    public func stop() {
        let tasks = state.withLock { s -> [Task<Void, Never>] in
            defer { s.tasks = [] }
            return s.tasks
        }
        for t in tasks { t.cancel() }
    }

    private func run<T: KubeObject>(_ type: T.Type) -> Task<Void, Never> {
        let reflector = Reflector<T>(client: client, namespace: namespace, backoff: backoff)
        let sink: @Sendable (Reflector<T>.Update) -> Void = { [weak self] update in self?.apply(update) }
        return Task { await reflector.run(sink) }
    }

    private func apply<T: KubeObject>(_ update: Reflector<T>.Update) {
        let kind = T.resource
        state.withLock { s in
            switch update {
            case .replaced(let items, _):
                s.objects[kind] = Dictionary(items.map { (APIObject($0).key, APIObject($0)) }, uniquingKeysWith: { _, b in b })
            case .event(.added(let o)), .event(.modified(let o)):
                let object = APIObject(o)
                s.objects[kind, default: [:]][object.key] = object
            case .event(.deleted(let o)):
                s.objects[kind]?[APIObject(o).key] = nil
            case .event(.bookmark):
                return
            case .status(let st):
                s.status[kind] = st
            }
            s.generation += 1
        }
    }

    /// A copy of everything mirrored now.
    public func contents() -> MirrorContents {
        state.withLock { s in
            var c = MirrorContents()
            func all<T: KubeObject>(_ t: T.Type) -> [T] { (s.objects[T.resource] ?? [:]).values.compactMap(T.from) }
            c.services = all(Service.self)
            c.endpointSlices = all(EndpointSlice.self)
            c.pods = all(Pod.self)
            c.nodes = all(Node.self)
            c.ingresses = all(Ingress.self)
            c.events = all(Event.self)
            c.deployments = all(Deployment.self)
            return c
        }
    }

    /// Bumped by every change, so a sampler can tell whether anything moved.
    public var generation: Int { state.withLock { $0.generation } }

    public func status() -> [ReflectorStatus] {
        state.withLock { s in Self.kinds.map { s.status[$0] ?? ReflectorStatus(kind: $0, synced: false) } }
    }

    /// What is wrong with the connection now, if anything (for the dashboard header): the first
    /// kind whose last list or watch failed.
    public var problem: KubeClientError? {
        status().first { $0.lastError != nil && !Self.isUnavailable($0.lastError!) }?.lastError
    }

    /// A kind this user may not read, or this server does not serve, is left empty rather than
    /// holding up the dashboard (a namespace-scoped user on a real cluster cannot list nodes).
    static func isUnavailable(_ e: KubeClientError) -> Bool { e.statusCode == 403 || e.statusCode == 404 }

    /// Returns once every kind has been listed (or is unavailable to this user); throws at once
    /// on a failure retrying cannot fix (401, an untrusted certificate), and after `timeout`
    /// with the last failure seen.
    /// - Parameter failFast: throw the first failure of any kind (for a first connection, where
    ///   "connection refused" should be reported, not retried).
    public func waitForSync(timeout: Double, failFast: Bool = false) async throws(KubeClientError) {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let st = status()
            if st.allSatisfy({ $0.synced || ($0.lastError.map(Self.isUnavailable) ?? false) }) { return }
            if let fatal = st.compactMap(\.lastError).first(where: { ($0.isPermanent || failFast) && !Self.isUnavailable($0) }) {
                throw fatal
            }
            if ContinuousClock.now >= deadline {
                if let e = st.compactMap(\.lastError).first { throw e }
                throw .timeout(server: client.serverName, what: "the first list of every kind", seconds: timeout)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension ReflectorStatus {
    init(kind: ResourceKind, synced: Bool) {
        self.init(kind: kind, synced: synced, resourceVersion: nil, lastError: nil)
    }
}
