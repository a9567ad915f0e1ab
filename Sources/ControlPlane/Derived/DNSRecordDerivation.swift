import ClusterModel

/// A record plus its precedence among records of the same owner and type from different objects.
/// Only PTR uses it: a service cluster IP's PTR wins over an endpoint PTR for the same address
/// (CoreDNS `serviceRecordForIP` checks cluster IPs first and stops there).
struct RankedRecord: Hashable, Sendable {
    var record: DNSRecord
    var rank: UInt8
}

/// Pure derivation of the records one object contributes (Kubernetes DNS spec §2; CoreDNS
/// `kubernetes` plugin for what the spec leaves open).
enum DNSRecordDerivation {
    static let clusterIPRank: UInt8 = 0
    static let endpointRank: UInt8 = 1

    /// Annotation that, like `publishNotReadyAddresses`, makes every endpoint count as ready (spec §2.1).
    static let tolerateUnreadyAnnotation = "service.alpha.kubernetes.io/tolerate-unready-endpoints"

    /// Records of one service and the union of its EndpointSlices.
    /// - ExternalName: only the CNAME (no endpoints, no PTR).
    /// - Cluster IP: A/AAAA and PTR per cluster IP, SRV per *named* port targeting the service name.
    /// - Headless: A/AAAA per ready endpoint address at the service name, SRV per ready endpoint ×
    ///   named slice port targeting the endpoint's name; nothing at all when nothing is ready.
    /// - Both: per ready endpoint address an A/AAAA at `<hostname>.<svc>…` (hostname field, else
    ///   dashed IP) and a PTR back to it.
    static func serviceRecords(service: Service, slices: [EndpointSlice], zone: String,
                               ttl: DNSTTLs) -> [RankedRecord] {
        guard let name = service.metadata.name else { return [] }
        let namespace = service.metadata.namespace ?? "default"
        let base = "\(name).\(namespace).svc.\(zone)."
        var out: [RankedRecord] = []
        var seen = Set<DNSRecord>()
        func add(_ record: DNSRecord, rank: UInt8 = 0) {
            if seen.insert(record).inserted { out.append(RankedRecord(record: record, rank: rank)) }
        }

        if service.isExternalName {
            if let target = service.spec.externalName, !target.isEmpty {
                add(DNSRecord(name: base, ttl: ttl.cname, data: .cname(DNSName.absolute(target.lowercased()))))
            }
            return out
        }

        let headless = service.isHeadless
        if !headless, service.assignedClusterIP != nil {
            let ips = (service.spec.clusterIPs?.isEmpty == false ? service.spec.clusterIPs! : [service.spec.clusterIP!])
            for ip in ips {
                guard let address = IPAddress(ip) else { continue }
                add(DNSRecord(name: base, ttl: ttl.service, data: address.isV6 ? .aaaa(address.description) : .a(address.description)))
                if let reverse = DNSName.reverseName(of: ip) {
                    add(DNSRecord(name: reverse, ttl: ttl.ptr, data: .ptr(base)), rank: clusterIPRank)
                }
            }
            for port in service.ports {
                guard let portName = port.name, !portName.isEmpty else { continue }
                let proto = (port.protocol.flatMap { $0.isEmpty ? nil : $0 } ?? "TCP").lowercased()
                add(DNSRecord(name: "_\(portName)._\(proto).\(base)", ttl: ttl.srv,
                              data: .srv(priority: 0, weight: 100, port: UInt16(clamping: port.port), target: base)))
            }
        }

        let allReady = service.spec.publishNotReadyAddresses == true
            || service.metadata.annotations?[tolerateUnreadyAnnotation] == "true"
        for slice in slices where slice.addressType == "IPv4" || slice.addressType == "IPv6" {
            let namedPorts = (slice.ports ?? []).compactMap { p -> (String, String, UInt16)? in
                guard let n = p.name, !n.isEmpty, let number = p.port else { return nil }
                return (n, (p.protocol.flatMap { $0.isEmpty ? nil : $0 } ?? "TCP").lowercased(), UInt16(clamping: number))
            }
            for endpoint in slice.endpoints where allReady || (endpoint.conditions?.isReady ?? true) {
                for ip in endpoint.addresses {
                    guard let address = IPAddress(ip) else { continue }
                    let data: DNSRecordData = address.isV6 ? .aaaa(address.description) : .a(address.description)
                    let host = endpoint.hostname.flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? DNSName.dashed(ip)
                    let hostName = "\(host).\(base)"
                    if headless {
                        add(DNSRecord(name: base, ttl: ttl.endpoint, data: data))
                        for (portName, proto, number) in namedPorts {
                            add(DNSRecord(name: "_\(portName)._\(proto).\(base)", ttl: ttl.srv,
                                          data: .srv(priority: 0, weight: 100, port: number, target: hostName)))
                        }
                    }
                    add(DNSRecord(name: hostName, ttl: ttl.endpoint, data: data))
                    if let reverse = DNSName.reverseName(of: ip) {
                        add(DNSRecord(name: reverse, ttl: ttl.ptr, data: .ptr(hostName)), rank: endpointRank)
                    }
                }
            }
        }
        return out
    }

    /// `<a-b-c-d>.<ns>.pod.<zone>` per pod IP (CoreDNS `pods verified`): only for pods that hold the
    /// address now, i.e. not terminal and not terminating. Records are never made from pod names.
    static func podRecords(pod: Pod, zone: String, ttl: DNSTTLs) -> [RankedRecord] {
        guard !pod.isTerminal, !pod.isTerminating else { return [] }
        let namespace = pod.metadata.namespace ?? "default"
        var out: [RankedRecord] = []
        for ip in pod.ips {
            guard let address = IPAddress(ip) else { continue }
            let data: DNSRecordData = address.isV6 ? .aaaa(address.description) : .a(address.description)
            let record = DNSRecord(name: "\(DNSName.dashed(ip)).\(namespace).pod.\(zone).", ttl: ttl.pod, data: data)
            if !out.contains(where: { $0.record == record }) { out.append(RankedRecord(record: record, rank: 0)) }
        }
        return out
    }
}
