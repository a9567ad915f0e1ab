import ClusterModel

/// The cluster DNS zone as data: every record the Kubernetes DNS spec (plus CoreDNS conventions it
/// leaves open) derives from Services, EndpointSlices and Pods, indexed for case-insensitive lookup.
///
/// Updates are incremental: each object's records are recomputed and swapped in on their own, and
/// name existence (for NXDOMAIN vs NODATA) is kept as per-name reference counts, so a change costs
/// what that object contributes, not what the cluster holds. The DNS server reads `lookup`; the UI
/// reads `records`.
public struct DNSRecordSet: Sendable {
    /// How `<a-b-c-d>.<ns>.pod.<zone>` names are answered (CoreDNS `pods` option).
    public enum PodRecordMode: Sendable {
        /// Only for addresses a live pod in that namespace holds (CoreDNS `pods verified`).
        case verified
        /// For any well-formed dashed address (kube-dns' legacy behaviour, CoreDNS `pods insecure`).
        case insecure
        /// No pod records.
        case disabled
    }

    /// The schema version advertised at `dns-version.<zone>` (spec §2.2).
    public static let schemaVersion = "1.1.0"

    /// Cluster domain in key form (lower case, no trailing dot).
    public let zone: String
    public let ttl: DNSTTLs
    public let podRecordMode: PodRecordMode

    enum Source: Hashable, Comparable, Sendable {
        case service(namespace: String, name: String)
        case pod(namespace: String, name: String)

        var namespace: String {
            switch self {
            case .service(let ns, _), .pod(let ns, _): ns
            }
        }
    }

    /// name (key form) → contributing object → its records at that name.
    private var byName: [String: [Source: [RankedRecord]]] = [:]
    /// Names each object currently contributes, to retract them on the next update.
    private var namesBySource: [Source: Set<String>] = [:]
    /// Objects seen (with or without records), for namespace existence.
    private var sources: Set<Source> = []
    /// For each in-zone name: how many record-holding names lie strictly below it. A positive
    /// count makes it an empty non-terminal, which answers NOERROR rather than NXDOMAIN.
    private var descendantCount: [String: Int] = [:]
    /// Objects per namespace: `<ns>.svc.<zone>` and `<ns>.pod.<zone>` exist while a namespace holds
    /// any, as CoreDNS answers NODATA for names of existing namespaces.
    private var namespaceRefs: [String: Int] = [:]

    public init(zone: String = "cluster.local", ttl: DNSTTLs = DNSTTLs(), podRecords: PodRecordMode = .verified) {
        self.zone = DNSName.key(zone)
        self.ttl = ttl
        self.podRecordMode = podRecords
    }

    // MARK: Updates

    /// Replaces everything derived from this service. `slices` must be all EndpointSlices labelled
    /// `kubernetes.io/service-name: <name>` in its namespace (see `slices(of:from:)`); call again
    /// whenever the service or any of those slices changes.
    public mutating func update(service: Service, slices: [EndpointSlice]) {
        guard let name = service.metadata.name else { return }
        let source = Source.service(namespace: service.metadata.namespace ?? "default", name: name)
        replace(source, with: DNSRecordDerivation.serviceRecords(service: service, slices: slices, zone: zone, ttl: ttl))
    }

    public mutating func removeService(namespace: String, name: String) {
        remove(.service(namespace: namespace, name: name))
    }

    /// Replaces the pod's `<a-b-c-d>.<ns>.pod` records. Hostname/subdomain records are not made here:
    /// they come from the EndpointSlice `hostname` the endpoint controller sets when the pod's
    /// subdomain names a service in its namespace, so pass the service's slices to `update(service:)`.
    public mutating func update(pod: Pod) {
        guard let name = pod.metadata.name else { return }
        let source = Source.pod(namespace: pod.metadata.namespace ?? "default", name: name)
        let records = podRecordMode == .verified ? DNSRecordDerivation.podRecords(pod: pod, zone: zone, ttl: ttl) : []
        replace(source, with: records)
    }

    public mutating func removePod(namespace: String, name: String) {
        remove(.pod(namespace: namespace, name: name))
    }

    /// The slices that belong to `service`: same namespace and the `kubernetes.io/service-name` label.
    public static func slices(of service: Service, from slices: some Sequence<EndpointSlice>) -> [EndpointSlice] {
        let namespace = service.metadata.namespace ?? "default"
        return slices.filter {
            ($0.metadata.namespace ?? "default") == namespace
                && $0.metadata.labels?[EndpointSliceLabel.serviceName] == service.metadata.name
        }
    }

    private mutating func replace(_ source: Source, with records: [RankedRecord]) {
        if sources.insert(source).inserted { namespaceRefs[source.namespace, default: 0] += 1 }
        var grouped: [String: [RankedRecord]] = [:]
        for r in records { grouped[DNSName.key(r.record.name), default: []].append(r) }
        for name in namesBySource[source] ?? [] where grouped[name] == nil {
            removeEntry(name, source)
        }
        for (name, recs) in grouped { setEntry(name, source, recs) }
        namesBySource[source] = grouped.isEmpty ? nil : Set(grouped.keys)
    }

    private mutating func remove(_ source: Source) {
        guard sources.remove(source) != nil else { return }
        for name in namesBySource.removeValue(forKey: source) ?? [] { removeEntry(name, source) }
        let ns = source.namespace
        namespaceRefs[ns, default: 1] -= 1
        if namespaceRefs[ns] == 0 { namespaceRefs[ns] = nil }
    }

    private mutating func setEntry(_ name: String, _ source: Source, _ records: [RankedRecord]) {
        if byName[name] == nil {
            byName[name] = [source: records]
            adjustAncestors(of: name, by: 1)
        } else {
            byName[name]![source] = records
        }
    }

    private mutating func removeEntry(_ name: String, _ source: Source) {
        guard byName[name] != nil else { return }
        byName[name]![source] = nil
        if byName[name]!.isEmpty {
            byName[name] = nil
            adjustAncestors(of: name, by: -1)
        }
    }

    private mutating func adjustAncestors(of name: String, by delta: Int) {
        guard DNSName.isWithin(name, zone: zone) else { return }
        for ancestor in DNSName.ancestors(of: name, zone: zone) {
            let n = descendantCount[ancestor, default: 0] + delta
            descendantCount[ancestor] = n > 0 ? n : nil
        }
    }

    // MARK: Queries

    /// Answers one question. In-zone names are answered authoritatively (NXDOMAIN when the name
    /// does not exist, NOERROR with no records when it exists with other types); reverse names are
    /// answered when we hold a PTR and otherwise left to upstream, as is everything else.
    public func lookup(name: String, type: DNSRecordType) -> DNSAnswer {
        let key = DNSName.key(name)
        let owner = DNSName.absolute(name)
        if DNSName.isWithin(key, zone: zone) {
            return lookupInZone(key: key, owner: owner, type: type, depth: 0)
        }
        guard let entries = byName[key] else { return .notAuthoritative }
        return DNSAnswer(rcode: .noError, answers: select(entries, type: type, owner: owner))
    }

    private func lookupInZone(key: String, owner: String, type: DNSRecordType, depth: Int) -> DNSAnswer {
        if key == "dns-version.\(zone)" {
            let txt = DNSRecord(name: owner, ttl: ttl.schemaVersion, data: .txt([Self.schemaVersion]))
            return DNSAnswer(rcode: .noError, answers: type == .txt || type == .any ? [txt] : [])
        }
        if let synthesized = insecurePodRecord(key: key, owner: owner) {
            return DNSAnswer(rcode: .noError, answers: type == synthesized.type || type == .any ? [synthesized] : [])
        }
        guard let entries = byName[key] else {
            return DNSAnswer(rcode: exists(key) ? .noError : .nxDomain)
        }
        let cnames = select(entries, type: .cname, owner: owner)
        if let cname = cnames.first, type != .cname, case .cname(let target) = cname.data {
            var answer = DNSAnswer(rcode: .noError, answers: [cname])
            let targetKey = DNSName.key(target)
            if !DNSName.isWithin(targetKey, zone: zone) {
                answer.upstreamTarget = target
            } else if depth < 8 {
                let chased = lookupInZone(key: targetKey, owner: DNSName.absolute(target), type: type, depth: depth + 1)
                answer.rcode = chased.rcode
                answer.answers += chased.answers
                answer.additional = chased.additional
                answer.upstreamTarget = chased.upstreamTarget
            }
            return answer
        }
        var answer = DNSAnswer(rcode: .noError, answers: select(entries, type: type, owner: owner))
        if type == .srv {
            var extra: [DNSRecord] = []
            for case .srv(_, _, _, let target) in answer.answers.map(\.data) {
                guard let targetEntries = byName[DNSName.key(target)] else { continue }
                for t in [DNSRecordType.a, .aaaa] {
                    for r in select(targetEntries, type: t, owner: target) where !extra.contains(r) { extra.append(r) }
                }
            }
            answer.additional = extra
        }
        return answer
    }

    /// Records of `type` at one name, objects in a stable order, owner spelled as asked.
    private func select(_ entries: [Source: [RankedRecord]], type: DNSRecordType, owner: String) -> [DNSRecord] {
        var matching: [RankedRecord] = []
        for source in entries.keys.sorted() {
            matching += entries[source]!.filter { type == .any || $0.record.type == type }
        }
        if type == .ptr, let best = matching.map(\.rank).min() {
            matching = matching.filter { $0.rank == best }
        }
        var seen = Set<DNSRecordData>()
        return matching.compactMap { r in
            guard seen.insert(r.record.data).inserted else { return nil }
            var record = r.record
            record.name = owner
            return record
        }
    }

    /// Whether an in-zone name without records of its own exists (empty non-terminal, zone apex,
    /// the fixed `svc`/`pod` subtrees, or a namespace that holds objects).
    private func exists(_ key: String) -> Bool {
        if key == zone || key == "svc.\(zone)" || key == "pod.\(zone)" { return true }
        if descendantCount[key] != nil { return true }
        for subtree in [".svc.", ".pod."] {
            let suffix = subtree + zone
            if key.hasSuffix(suffix) {
                let ns = key.dropLast(suffix.count)
                if !ns.contains("."), namespaceRefs[String(ns)] != nil { return true }
            }
        }
        return false
    }

    /// `pods insecure`: `<dashed-ip>.<ns>.pod.<zone>` answers the address it spells.
    private func insecurePodRecord(key: String, owner: String) -> DNSRecord? {
        guard podRecordMode == .insecure, key.hasSuffix(".pod.\(zone)") else { return nil }
        let labels = key.dropLast(".pod.\(zone)".count).split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 2 else { return nil }
        let label = labels[0]
        let dashes = label.filter { $0 == "-" }.count
        let text = dashes == 3 && !label.contains("--")
            ? String(label.map { $0 == "-" ? "." : $0 }) : String(label.map { $0 == "-" ? ":" : $0 })
        guard let address = IPAddress(text) else { return nil }
        let data: DNSRecordData = address.isV6 ? .aaaa(address.description) : .a(address.description)
        return DNSRecord(name: owner, ttl: ttl.pod, data: data)
    }

    // MARK: Display

    /// Every record held (plus the schema TXT), sorted by name, type and data: for display and
    /// debugging, not for the query path.
    public var records: [DNSRecord] {
        var all = [DNSRecord(name: "dns-version.\(zone).", ttl: ttl.schemaVersion, data: .txt([Self.schemaVersion]))]
        for entries in byName.values {
            for list in entries.values { all += list.map(\.record) }
        }
        return all.sorted {
            ($0.name, $0.type.rawValue, $0.data.description) < ($1.name, $1.type.rawValue, $1.data.description)
        }
    }

    /// Number of distinct owner names held (a size measure for benchmarks and status output).
    public var nameCount: Int { byName.count }
}
