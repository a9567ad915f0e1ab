/// An immutable sample of the whole system at one instant: what the dashboard draws and what a
/// recording stores. Every part is optional so a sampler fills what it has (a proxy-only engine,
/// a replay of an old recording) and later parts (pods, events, ingress) are added as new optional
/// fields without breaking recordings already written.
public struct Snapshot: Sendable, Codable, Hashable {
    /// Seconds since the Unix epoch when the sample was taken (the engine's clock).
    public var time: Double
    /// The L4 service proxy: listeners, per service port / endpoint / node traffic, flows.
    public var proxy: ProxySnapshot?
    /// The cluster's objects as the panes show them (services, endpoints, pods, nodes, ingress
    /// routes, events), projected by the engine at each sample.
    public var cluster: ClusterView?
    /// The ingress controller (the L7 hop): routes with their requests, status classes, latency.
    public var ingress: IngressSnapshot?

    public init(time: Double, proxy: ProxySnapshot? = nil, cluster: ClusterView? = nil, ingress: IngressSnapshot? = nil) {
        self.time = time
        self.proxy = proxy
        self.cluster = cluster
        self.ingress = ingress
    }
}

/// Anything that can produce snapshots: the live engine's sampler and the recording reader alike,
/// so the dashboard has a single code path for live and replay.
public protocol SnapshotSource: Sendable {
    func snapshot() async -> Snapshot
}
