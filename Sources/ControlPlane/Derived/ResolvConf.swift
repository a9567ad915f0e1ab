import ClusterModel

/// A pod's `/etc/resolv.conf`, built as the kubelet's DNS configurer does (k/k
/// `pkg/kubelet/network/dns/dns.go` `GetPodDNS`). Short service names only work because of the
/// search list and `ndots:5` written here, so the emulator has to produce the same file.
public struct ResolvConf: Hashable, Sendable {
    public var nameservers: [String]
    public var searches: [String]
    /// `name` or `name:value`, as written on the `options` line.
    public var options: [String]

    public init(nameservers: [String] = [], searches: [String] = [], options: [String] = []) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }

    /// Upper bounds the kubelet enforces (`MaxDNSNameservers`, expanded search limits — the
    /// `ExpandedDNSConfig` feature is GA — and the DNS-1123 subdomain length per search path).
    public static let maxNameservers = 3
    public static let maxSearchPaths = 32
    public static let maxSearchListChars = 2048
    public static let maxSearchPathLength = 253
    /// The options ClusterFirst pods get: 5 dots so `svc.ns.svc` style names still try the search list.
    public static let clusterFirstOptions = ["ndots:5"]

    /// `ndots` from the options (resolver default 1), which decides search-list order.
    public var ndots: Int {
        for option in options.reversed() where option.hasPrefix("ndots:") {
            if let n = Int(option.dropFirst(6)) { return min(max(n, 0), 15) }
        }
        return 1
    }

    /// The file text, in the order container runtimes write it (search, nameserver, options).
    public var rendered: String {
        var lines: [String] = []
        if !searches.isEmpty { lines.append("search " + searches.joined(separator: " ")) }
        for server in nameservers { lines.append("nameserver " + server) }
        if !options.isEmpty { lines.append("options " + options.joined(separator: " ")) }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `parseResolvConf`: nameserver lines accumulate; the last `search` and `options` lines win;
    /// search domains lose a trailing dot so `a.` and `a` count once.
    public static func parse(_ text: String) -> ResolvConf {
        var conf = ResolvConf()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingWhitespace()
            if line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "nameserver": if fields.count >= 2 { conf.nameservers.append(fields[1]) }
            case "search": conf.searches = fields.dropFirst().map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
            case "options": conf.options = Array(fields.dropFirst())
            default: break
            }
        }
        return conf
    }
}

/// What the kubelet knows about cluster DNS (`--cluster-dns`, `--cluster-domain`) and the node's
/// own resolver (`--resolv-conf`).
public struct ClusterDNSSettings: Hashable, Sendable {
    public var clusterDomain: String
    /// Cluster DNS service IPs; empty makes ClusterFirst pods fall back to Default, as upstream.
    public var clusterDNS: [String]
    /// The node's resolv.conf; nil models `--resolv-conf=""` (localhost nameserver, search `.`).
    public var nodeResolvConf: ResolvConf?

    public init(clusterDomain: String = "cluster.local", clusterDNS: [String], nodeResolvConf: ResolvConf? = ResolvConf()) {
        self.clusterDomain = clusterDomain
        self.clusterDNS = clusterDNS
        self.nodeResolvConf = nodeResolvConf
    }
}

extension ResolvConf {
    /// DNS policy names as the API spells them.
    public enum DNSPolicy {
        public static let clusterFirst = "ClusterFirst"
        public static let clusterFirstWithHostNet = "ClusterFirstWithHostNet"
        public static let `default` = "Default"
        public static let none = "None"
    }

    /// `GetPodDNS`: base config by `dnsPolicy` (unset = ClusterFirst; ClusterFirst on hostNetwork
    /// falls back to Default; None starts empty), then `dnsConfig` merged in (duplicates dropped,
    /// pod options replace same-named ones), then the limits applied by truncation.
    public static func forPod(_ pod: Pod, cluster: ClusterDNSSettings) -> ResolvConf {
        let node = cluster.nodeResolvConf ?? ResolvConf()
        var conf = node
        let policy = pod.spec.dnsPolicy ?? DNSPolicy.clusterFirst
        let hostNetwork = pod.spec.hostNetwork ?? false
        let usesCluster: Bool
        switch policy {
        case DNSPolicy.none:
            conf = ResolvConf()
            usesCluster = false
        case DNSPolicy.default:
            usesCluster = false
        case DNSPolicy.clusterFirst:
            usesCluster = !hostNetwork
        default:  // ClusterFirstWithHostNet, and invalid values (upstream falls back to ClusterFirst)
            usesCluster = true
        }
        if policy != DNSPolicy.none {
            if usesCluster && !cluster.clusterDNS.isEmpty {
                conf.nameservers = cluster.clusterDNS
                conf.searches = clusterFirstSearches(namespace: pod.metadata.namespace ?? "default",
                                                     clusterDomain: cluster.clusterDomain, hostSearches: node.searches)
                conf.options = clusterFirstOptions
            } else if cluster.nodeResolvConf == nil {
                conf.nameservers = ["127.0.0.1"]
                conf.searches = ["."]
            }
        }
        if let dnsConfig = pod.spec.dnsConfig {
            conf.nameservers = omitDuplicates(conf.nameservers + (dnsConfig.nameservers ?? []))
            conf.searches = omitDuplicates(conf.searches + (dnsConfig.searches ?? []))
            conf.options = mergeOptions(conf.options, dnsConfig.options ?? [])
        }
        conf.nameservers = Array(conf.nameservers.prefix(maxNameservers))
        conf.searches = fitSearchLimits(conf.searches)
        return conf
    }

    /// `<ns>.svc.<zone> svc.<zone> <zone>` then the node's domains, de-duplicated.
    static func clusterFirstSearches(namespace: String, clusterDomain: String, hostSearches: [String]) -> [String] {
        guard !clusterDomain.isEmpty else { return hostSearches }
        return omitDuplicates(["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain] + hostSearches)
    }

    static func omitDuplicates(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// `mergeDNSOptions`. Upstream rebuilds the list from a Go map (random order); here existing
    /// options keep their place, replaced in place, and new names follow in pod order.
    static func mergeOptions(_ existing: [String], _ podOptions: [PodDNSConfigOption]) -> [String] {
        var order: [String] = []
        var values: [String: String] = [:]
        func set(_ name: String, _ value: String) {
            if values[name] == nil { order.append(name) }
            values[name] = value
        }
        for option in existing {
            if let colon = option.firstIndex(of: ":") {
                set(String(option[..<colon]), String(option[option.index(after: colon)...]))
            } else {
                set(option, "")
            }
        }
        for option in podOptions { set(option.name ?? "", option.value ?? "") }
        return order.map { values[$0]!.isEmpty ? $0 : "\($0):\(values[$0]!)" }
    }

    /// `formDNSSearchFitsLimits`: at most 32 paths, drop paths longer than 253, then cut from the
    /// end until the joined line fits 2048 characters.
    static func fitSearchLimits(_ searches: [String]) -> [String] {
        var result = Array(searches.prefix(maxSearchPaths)).filter { $0.utf8.count <= maxSearchPathLength }
        var length = result.map(\.utf8.count).reduce(0, +) + max(result.count - 1, 0)
        while length > maxSearchListChars, let last = result.popLast() {
            length -= last.utf8.count + 1
        }
        return result
    }

    /// The names a stub resolver tries for `query`, in order (glibc `res_search`): a trailing dot
    /// means absolute only; with at least `ndots` dots the name is tried as-is first, otherwise each
    /// search domain is appended first and the bare name comes last. All results are absolute.
    public static func searchCandidates(for query: String, searches: [String], ndots: Int) -> [String] {
        if query.hasSuffix(".") { return [query] }
        let dots = query.filter { $0 == "." }.count
        let expanded = searches.compactMap { domain -> String? in
            let d = domain.hasSuffix(".") ? String(domain.dropLast()) : domain
            return d.isEmpty ? nil : "\(query).\(d)."
        }
        return dots >= ndots ? [query + "."] + expanded : expanded + [query + "."]
    }

    /// `searchCandidates` with this file's search list and ndots.
    public func searchCandidates(for query: String) -> [String] {
        Self.searchCandidates(for: query, searches: searches, ndots: ndots)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}
