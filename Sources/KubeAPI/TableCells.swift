import ClusterModel
import ControlPlane

/// The cells of one row per kind, rendered as the API server's printers render them
/// (`<none>`, `<pending>`, `80:30080/TCP`, `10.0.0.1:80,10.0.0.2:80 + 3 more...`).
enum TableCells {
    static func cells(_ object: APIObject, now: Double, version: String) -> [JSONValue] {
        let age = JSONValue.string(HumanDuration.since(object.metadata.creationTimestamp, now: now))
        let name = JSONValue.string(object.metadata.name ?? "")
        func s(_ v: String) -> JSONValue { .string(v) }
        switch object {
        case .pod(let p): return pod(p, name: name, age: age)
        case .service(let svc):
            return [name, s(svc.type), s(svc.spec.clusterIP.flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"),
                    s(externalIP(svc)), s(ports(svc)), age, s(selector(svc.spec.selector))]
        case .endpoints(let ep): return [name, s(endpoints(ep)), age]
        case .endpointSlice(let slice):
            let ports = (slice.ports ?? []).compactMap { $0.port.map(String.init) }
            let addresses = slice.endpoints.flatMap(\.addresses)
            return [name, s(slice.addressType), s(ports.isEmpty ? "<unset>" : ports.joined(separator: ",")),
                    s(addresses.isEmpty ? "<unset>" : limited(addresses, max: 3, total: addresses.count)), age]
        case .ingress(let ing):
            let tls = ing.spec?.tls ?? []
            return [name, s(ing.spec?.ingressClassName ?? "<none>"), s(hosts(ing.spec?.rules ?? [])),
                    s(loadBalancer(ing.status?.loadBalancer?.ingress ?? [])), s(tls.isEmpty ? "80" : "80, 443"), age]
        case .ingressClass(let ic):
            let params = ic.spec?.parameters.map { p -> String in
                let kind = p["kind"]?.stringValue ?? ""
                let group = p["apiGroup"]?.stringValue ?? ""
                return "\(kind)\(group.isEmpty ? "" : ".\(group)")/\(p["name"]?.stringValue ?? "")"
            }
            return [name, s(ic.spec?.controller ?? ""), s(params ?? "<none>"), age]
        case .secret(let sec):
            return [name, s(sec.type ?? "Opaque"), .int((sec.data ?? [:]).count), age]
        case .node(let n):
            var status = n.isReady ? "Ready" : (n.status?.conditions?.contains { $0.type == "Ready" } == true ? "NotReady" : "Unknown")
            if n.spec?.unschedulable == true { status += ",SchedulingDisabled" }
            let roles = (n.metadata.labels ?? [:]).keys.compactMap { key -> String? in
                key.hasPrefix("node-role.kubernetes.io/") ? String(key.dropFirst("node-role.kubernetes.io/".count)) : nil
            }.sorted()
            let external = n.status?.addresses?.first { $0.type == "ExternalIP" }?.address
            return [name, s(status), s(roles.isEmpty ? "<none>" : roles.joined(separator: ",")), age, s(version),
                    s(n.internalIP ?? "<none>"), s(external ?? "<none>"), s("Switchboard"), s("<unknown>"), s("switchboard://")]
        case .namespace(let ns): return [name, s(ns.status?.phase ?? "Active"), age]
        case .deployment(let d): return deployment(d, name: name, age: age)
        case .event(let e):
            let o = e.involvedObject
            let last = e.lastTimestamp ?? e.firstTimestamp ?? object.metadata.creationTimestamp
            return [s(HumanDuration.since(last, now: now)), s(e.type ?? ""), s(e.reason ?? ""),
                    s("\((o.kind ?? "").lowercased())/\(o.name ?? "")"), s(o.fieldPath ?? ""),
                    s(e.source?.component ?? e.reportingComponent ?? ""), s(e.message ?? ""),
                    s(HumanDuration.since(e.firstTimestamp ?? object.metadata.creationTimestamp, now: now)),
                    .int(e.count ?? 1), name]
        }
    }

    private static func pod(_ p: Pod, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let statuses = p.status?.containerStatuses ?? []
        let ready = statuses.filter(\.ready).count
        let restarts = statuses.reduce(0) { $0 + $1.restartCount }
        var reason = p.status?.reason ?? p.status?.phase ?? "Pending"
        for cs in statuses {
            if let waiting = cs.state?["waiting"]?["reason"]?.stringValue, !waiting.isEmpty { reason = waiting }
            else if let terminated = cs.state?["terminated"]?["reason"]?.stringValue, !terminated.isEmpty { reason = terminated }
        }
        if p.metadata.deletionTimestamp != nil { reason = p.status?.reason == "NodeLost" ? "Unknown" : "Terminating" }
        return [name, .string("\(ready)/\(p.spec.containers.count)"), .string(reason), .int(restarts), age,
                .string(p.status?.podIP ?? "<none>"), .string(p.spec.nodeName ?? "<none>"), .string("<none>"), .string("<none>")]
    }

    private static func deployment(_ d: Deployment, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let desired = d.spec.replicas ?? 1
        let st = d.status
        let containers = d.spec.template.spec.containers
        let sel = d.spec.selector.flatMap { try? Selector.from($0).description } ?? "<none>"
        return [name, .string("\(st?.readyReplicas ?? 0)/\(desired)"), .int(st?.updatedReplicas ?? 0),
                .int(st?.availableReplicas ?? 0), age, .string(containers.map(\.name).joined(separator: ",")),
                .string(containers.map { $0.image ?? "" }.joined(separator: ",")), .string(sel.isEmpty ? "<none>" : sel)]
    }

    static func selector(_ labels: [String: String]?) -> String {
        guard let labels, !labels.isEmpty else { return "<none>" }
        return labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
    }

    /// `getServiceExternalIP` (non-wide).
    static func externalIP(_ svc: Service) -> String {
        let external = svc.spec.externalIPs ?? []
        switch svc.type {
        case ServiceType.clusterIP, ServiceType.nodePort:
            return external.isEmpty ? "<none>" : external.joined(separator: ",")
        case ServiceType.loadBalancer:
            var result = (svc.status?.loadBalancer?.ingress ?? []).compactMap { i -> String? in
                if let ip = i.ip, !ip.isEmpty { return ip }
                if let h = i.hostname, !h.isEmpty { return h }
                return nil
            }
            result += external
            return result.isEmpty ? "<pending>" : result.joined(separator: ",")
        case ServiceType.externalName:
            return svc.spec.externalName ?? "<none>"
        default:
            return "<unknown>"
        }
    }

    /// `makePortString`: `80/TCP,443:30443/TCP`.
    static func ports(_ svc: Service) -> String {
        let parts = svc.ports.map { p -> String in
            let proto = p.protocol ?? "TCP"
            if let np = p.nodePort, np != 0 { return "\(p.port):\(np)/\(proto)" }
            return "\(p.port)/\(proto)"
        }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
    }

    /// `formatEndpoints`: ready addresses × ports, at most three, then `+ N more...`.
    static func endpoints(_ ep: Endpoints) -> String {
        let subsets = ep.subsets ?? []
        if subsets.isEmpty { return "<none>" }
        var list: [String] = []
        var count = 0
        var more = false
        for ss in subsets {
            let addresses = ss.addresses ?? []
            let ports = ss.ports ?? []
            if ports.isEmpty {
                count += addresses.count
                for a in addresses {
                    if list.count == 3 { more = true; break }
                    list.append(a.ip)
                }
                continue
            }
            for port in ports {
                count += addresses.count
                for a in addresses {
                    if list.count == 3 { more = true; break }
                    list.append("\(a.ip):\(port.port)")
                }
            }
        }
        let joined = list.joined(separator: ",")
        return more ? "\(joined) + \(count - 3) more..." : joined
    }

    static func limited(_ items: [String], max: Int, total: Int) -> String {
        if items.count <= max { return items.joined(separator: ",") }
        return items.prefix(max).joined(separator: ",") + " + \(total - max) more..."
    }

    /// `formatHosts` of an Ingress: up to three hosts, `*` when none.
    static func hosts(_ rules: [IngressRule]) -> String {
        var list: [String] = []
        var more = false
        for rule in rules {
            if list.count == 3 { more = true }
            if !more, let h = rule.host, !h.isEmpty { list.append(h) }
        }
        if list.isEmpty { return "*" }
        let joined = list.joined(separator: ",")
        return more ? "\(joined) + \(rules.count - 3) more..." : joined
    }

    /// `ingressLoadBalancerStatusStringer` (non-wide: cut at 16 characters).
    static func loadBalancer(_ ingress: [LoadBalancerIngress]) -> String {
        let values = Set(ingress.compactMap { i -> String? in
            if let ip = i.ip, !ip.isEmpty { return ip }
            if let h = i.hostname, !h.isEmpty { return h }
            return nil
        }).sorted()
        let r = values.joined(separator: ",")
        return r.count > 16 ? String(r.prefix(13)) + "..." : r
    }
}
