import ControlPlane
import NIOCore

/// How the proxy engine behaves where Kubernetes leaves room or the machine imposes limits.
public struct ProxyConfig: Sendable {
    /// How kube-proxy's REJECT (no usable endpoint anywhere) is made observable.
    public enum RejectMode: Sendable, Hashable {
        /// The listener is closed while the service port has no usable endpoint, so the kernel
        /// answers SYNs with RST and clients see ECONNREFUSED — what REJECT gives them. A connection
        /// accepted in the instant before the close is reset at once.
        case unbindListener
        /// The listener stays bound; every connection is accepted and reset immediately
        /// (SO_LINGER 0). Clients see a reset instead of a refusal, but every refusal is counted.
        case acceptAndReset
    }

    public var rejectMode: RejectMode = .unbindListener
    /// When set, a port below the privileged limit is bound at `port + offset` (e.g. 80 → 8080 with
    /// 8000) and the listener status shows the bound port. Off by default: nothing changes silently.
    public var privilegedPortRemap: Int?
    /// Ports below this need privilege. nil: detect (0 with CAP_NET_BIND_SERVICE, else
    /// /proc/sys/net/ipv4/ip_unprivileged_port_start). Tests set it to emulate an unprivileged run.
    public var unprivilegedPortStart: Int?
    /// How long a DROPped connection (Local policy, no local endpoint) is held before it is closed;
    /// a real client would time out long before.
    public var dropHoldTime: TimeAmount = .seconds(120)
    /// Upstream connect timeout to a pod.
    public var connectTimeout: TimeAmount = .seconds(5)
    /// Size of the ring of recent flow records (per event loop; the snapshot keeps the newest this many).
    public var flowRecordCapacity: Int = 512
    /// Clock for affinity windows and flow timestamps (a `ManualClock` in tests).
    public var clock: any ClusterClock = SystemClock()
    /// Random source of the balancer (seeded in tests).
    public var random: any ProxyRandomSource = SystemProxyRandom()
    /// Services whose `switchboard.dev/served-by` annotation names one of these are served by
    /// someone else on their own address (the cluster DNS, the ingress controller) and skipped.
    public var servedElsewhere: Set<String> = ["cluster-dns", "ingress-controller"]
    public static let servedByAnnotation = "switchboard.dev/served-by"

    public init() {}
}

/// The balancer's random choice, injectable so tests can make it deterministic. Called from every
/// event loop: implementations must be thread-safe.
public protocol ProxyRandomSource: Sendable {
    /// A uniformly distributed value in `0..<upperBound` (`upperBound` > 0).
    func next(below upperBound: Int) -> Int
}

/// The system generator: thread-safe and lock-free from the caller's point of view.
public struct SystemProxyRandom: ProxyRandomSource {
    public init() {}
    public func next(below upperBound: Int) -> Int { Int.random(in: 0..<upperBound) }
}
