import ControlPlane
import NIOCore

/// How the ingress controller is exposed and how patient it is. The address is given, not
/// discovered: the engine takes a LoadBalancer address from the pool (see
/// `IngressControllerService`) and passes it here, so tests can bind anywhere.
public struct IngressConfig: Sendable {
    /// The `spec.controller` value of the IngressClasses this controller owns.
    public var controllerName = "switchboard.dev/ingress-controller"
    /// Serve Ingresses without a class even when none of our classes is the default
    /// (ingress-nginx's `--watch-ingress-without-class`).
    public var watchIngressWithoutClass = false
    /// The IPv4 address to listen on (the controller Service's LoadBalancer IP); also what is
    /// written to each served Ingress's `status.loadBalancer.ingress`.
    public var address: String
    /// More addresses to listen on with the same ports: the controller Service's cluster IP, so
    /// pods reach the controller in-cluster (`http://ingress-nginx-controller.switchboard-system`)
    /// as they reach ingress-nginx through its Service. A failure to bind one is an error too.
    public var clusterAddresses: [String] = []
    /// Plain HTTP port (80). 0 binds an ephemeral port (tests); nil disables the listener.
    public var httpPort: Int? = 80
    /// TLS port (443), same conventions.
    public var httpsPort: Int? = 443
    /// As `ProxyConfig.privilegedPortRemap`: bind `port + offset` for ports below the privileged
    /// limit instead of failing. Off by default: nothing moves silently.
    public var privilegedPortRemap: Int?
    /// Ports below this need privilege; nil detects it (tests set it to emulate an unprivileged run).
    public var unprivilegedPortStart: Int?
    /// Write the address into served Ingresses' status (off for read-only uses).
    public var publishStatus = true

    /// Upstream TCP connect timeout; on expiry another endpoint is tried, then 504.
    public var connectTimeout: TimeAmount = .seconds(5)
    /// Longest wait for the upstream's response head and between two reads of its body (504 when
    /// no response has started, otherwise the client connection is closed).
    public var readTimeout: TimeAmount = .seconds(60)
    /// A client must deliver a complete request head within this time after connecting or after
    /// its previous response (slowloris); otherwise 408 and the connection is closed.
    public var requestHeadTimeout: TimeAmount = .seconds(10)
    /// Idle keep-alive client connections are closed after this long.
    public var clientIdleTimeout: TimeAmount = .seconds(75)
    /// Pooled upstream connections unused this long are closed.
    public var upstreamIdleTimeout: TimeAmount = .seconds(30)
    /// Idle connections kept per endpoint per event loop.
    public var maxIdlePerEndpoint = 64
    /// Endpoints tried for one request before giving up (connect failures only).
    public var maxAttempts = 3
    /// When every endpoint tried refused the connection, the table may lag behind pods that just
    /// went away or came up: within this time from the request's arrival, the controller waits
    /// a little (10 ms, doubling to 80 ms) and tries again with the endpoints listed then, before
    /// answering 502. Zero answers at once.
    public var connectRetryWindow: TimeAmount = .seconds(1)
    /// Limits on the request head: larger or more fields get 431.
    public var maxHeaderBytes = 32 * 1024
    public var maxHeaderCount = 100
    /// Wall clock for flow record timestamps (a `ManualClock` in tests).
    public var clock: any ClusterClock = SystemClock()

    public init(address: String) { self.address = address }
}
