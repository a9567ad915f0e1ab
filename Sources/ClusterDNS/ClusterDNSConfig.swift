import ControlPlane

/// How the cluster DNS server is set up. Defaults match a real cluster's kube-dns: the tenth
/// service address, port 53, names outside the zone sent to the host's resolver.
public struct ClusterDNSConfig: Sendable, Hashable {
    /// What happens to names the cluster does not hold (outside the zone, and reverse names of
    /// addresses no service or pod has).
    public enum Forwarding: Sendable, Hashable {
        /// Answer REFUSED at once: for sealed test clusters, and so a misconfigured upstream can
        /// never make pods wait.
        case refuse
        /// Ask these nameservers (`"ip"` or `"ip:port"`, `"[v6]:port"`), in order, each once.
        case upstreams([String])
        /// Ask the nameservers of a resolv.conf file (the host's, by default), as CoreDNS'
        /// `forward . /etc/resolv.conf` does; REFUSED when it names none.
        case resolvConf(path: String)
    }

    /// Where to listen; the cluster's kube-dns address (`AddressPlan.clusterDNS`).
    public var address: String
    /// 53 in a cluster; 0 picks a free port (the same one for UDP and TCP), for tests.
    public var port: Int
    public var forwarding: Forwarding = .resolvConf(path: "/etc/resolv.conf")
    /// How long one upstream gets before the next is tried; when all have failed the client
    /// gets SERVFAIL, well inside a stub resolver's own 5 s timeout.
    public var forwardTimeout: Duration = .milliseconds(1500)
    /// A TCP connection that sends nothing for this long is closed (RFC 7766 suggests seconds).
    public var tcpIdleTimeout: Duration = .seconds(10)
    /// Concurrent TCP clients; more are closed on accept, keeping memory bounded.
    public var maxTCPConnections = 256
    /// Forwarded queries in flight; more are answered SERVFAIL at once.
    public var maxPendingForwards = 1024
    /// The largest UDP response sent to EDNS clients whatever they advertise (1232: the DNS
    /// flag day's figure, avoiding IP fragmentation).
    public var maxUDPPayload = 1232
    /// When the process may not bind `port` (below `net.ipv4.ip_unprivileged_port_start`
    /// without CAP_NET_BIND_SERVICE), bind `port + offset` instead of failing, as the proxy's
    /// `privilegedPortRemap` does.
    public var privilegedPortRemap: Int?
    /// Overrides the detected unprivileged-port limit (tests emulate an unprivileged run).
    public var unprivilegedPortStart: Int?
    /// The zone apex SOA. CoreDNS' kubernetes plugin uses these names and a 5 s negative TTL.
    public var soa = SOAParameters()

    public init(address: String = "127.96.0.10", port: Int = 53) {
        self.address = address
        self.port = port
    }

    /// The server for a cluster's address plan: listens on its kube-dns address.
    public init(addresses: AddressPlan, port: Int = 53) {
        self.init(address: addresses.clusterDNS, port: port)
    }
}

/// The zone apex SOA's fields (the names are relative to the zone: `ns.dns` → `ns.dns.cluster.local.`).
public struct SOAParameters: Sendable, Hashable {
    public var nameserverLabel = "ns.dns"
    public var hostmasterLabel = "hostmaster"
    /// 0 means "the time the server started", which changes on restart as a zone reload would.
    public var serial: UInt32 = 0
    public var refresh: UInt32 = 7200
    public var retry: UInt32 = 1800
    public var expire: UInt32 = 86400
    /// Negative-caching TTL (RFC 2308), also the SOA's own TTL: NXDOMAIN lasts 5 s, like the records.
    public var minimum: UInt32 = 5
    public var ttl: UInt32 = 5
    public init() {}
}
