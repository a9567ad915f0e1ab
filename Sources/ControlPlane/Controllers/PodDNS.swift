import ClusterModel

extension ControlLoop {
    /// The cluster DNS settings pods get: the kube-dns address and the cluster domain.
    public var clusterDNSSettings: ClusterDNSSettings {
        ClusterDNSSettings(clusterDomain: config.addresses.clusterDomain, clusterDNS: [config.addresses.clusterDNS])
    }

    /// The resolv.conf the kubelet would write into this pod (dnsPolicy, dnsConfig, ndots:5).
    public func resolvConf(of key: ObjectKey) -> ResolvConf? {
        guard let pod = store.get(Pod.self, namespace: key.namespace, name: key.name) else { return nil }
        return ResolvConf.forPod(pod, cluster: clusterDNSSettings)
    }
}

extension DNSRecordSet {
    /// Resolves a name as a pod's stub resolver would through the cluster DNS: each search-list
    /// candidate in resolv.conf order, following in-zone CNAMEs, until one has addresses.
    /// Returns the IPv4 addresses and the name that answered, or nil (NXDOMAIN everywhere).
    public func resolve(_ name: String, resolvConf: ResolvConf) -> (name: String, addresses: [String])? {
        for candidate in resolvConf.searchCandidates(for: name) {
            let answer = lookup(name: candidate, type: .a)
            let ips = answer.answers.compactMap { r -> String? in if case .a(let ip) = r.data { ip } else { nil } }
            if !ips.isEmpty { return (candidate, ips) }
        }
        return nil
    }
}
