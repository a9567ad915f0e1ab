import NIOCore

/// The kubelet-like knobs of the pod runtime. Defaults are the kubelet's own where one exists;
/// tests shrink the time bases so that back-off and probing fit in a second.
public struct PodRuntimeConfig: Sendable {
    /// First crash-loop delay; doubles per restart up to `backoffMax` (kubelet: 10 s → 300 s).
    public var backoffBase: TimeAmount = .seconds(10)
    public var backoffMax: TimeAmount = .seconds(300)
    /// A container that ran this long before exiting starts over at no back-off, as the
    /// kubelet forgets a crash loop after a container has been running for 10 minutes.
    public var backoffResetAfter: TimeAmount = .minutes(10)
    /// The length of one probe "second": `periodSeconds`, `initialDelaySeconds` and
    /// `timeoutSeconds` are multiples of it. One real second unless a test wants faster probes.
    public var probeSecond: TimeAmount = .seconds(1)
    /// Per-container log bounds (`kubectl logs` of a chatty process must not eat the heap).
    public var logByteLimit: Int = 1 << 20
    public var logLineLimit: Int = 10_000
    /// How long a starting container waits for the injected environment (service links) before
    /// falling back to its declared literal `env`: the control loop may publish it a moment later.
    public var environmentWait: TimeAmount = .seconds(2)
    /// How often a running child process is polled with `waitpid(WNOHANG)`; reaping never blocks
    /// an event loop.
    public var reapInterval: TimeAmount = .milliseconds(50)
    /// Grace used when a pod disappears from the store without a graceful deletion, and at
    /// `shutdown()`: processes get SIGTERM, then SIGKILL after this.
    public var forcedStopGrace: TimeAmount = .seconds(2)
    /// Retries of a status write that lost an optimistic-concurrency race.
    public var statusRetries: Int = 8
    /// Bounds of the load generator, whatever its arguments ask for.
    public var loadgenMaxRate: Double = 2_000
    public var loadgenMaxConcurrency: Int = 64
    /// Timeout of one load-generator request (connect + response).
    public var loadgenRequestTimeout: TimeAmount = .seconds(5)

    public init() {}
}
