import Foundation
import ClusterModel

/// Plain-text tables of the computed state in kubectl's column style, for `up --headless` and
/// scripts. Pure: reads the store, returns text.
public enum StateReport {
    public static func render(_ store: ObjectStore, includeSystem: Bool = false) -> String {
        let services = store.list(Service.self).filter { includeSystem || !isSystem($0.namespace) }
        let endpoints = store.list(Endpoints.self).filter { includeSystem || !isSystem($0.namespace) }
        let pods = store.list(Pod.self).filter { includeSystem || !isSystem($0.namespace) }
        let nodes = store.list(Node.self)
        var out = "NODES\n"
        out += table(["NAME", "STATUS", "INTERNAL-IP", "POD-CIDR"], nodes.map { n in
            [n.name, n.isReady ? (n.spec?.unschedulable == true ? "Ready,SchedulingDisabled" : "Ready") : "NotReady",
             n.internalIP ?? "<none>", n.spec?.podCIDR ?? "<none>"]
        })
        out += "\nSERVICES\n"
        out += table(["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR", "AFFINITY"], services.map { s in
            [s.namespace, s.name, s.type, s.isExternalName ? "<none>" : (s.spec.clusterIP ?? "<none>"), externalIP(s),
             ports(s), selector(s), s.spec.sessionAffinity ?? "None"]
        })
        out += "\nENDPOINTS\n"
        out += table(["NAMESPACE", "NAME", "ENDPOINTS", "NOT-READY"], endpoints.map { e in
            [e.namespace, e.name, addresses(e, ready: true), addresses(e, ready: false)]
        })
        out += "\nPODS\n"
        out += table(["NAMESPACE", "NAME", "READY", "STATUS", "IP", "NODE"], pods.map { p in
            let cs = p.status?.containerStatuses ?? []
            let status = p.isTerminating ? "Terminating" : (p.status?.phase ?? "Pending")
            return [p.namespace, p.name, "\(cs.filter(\.ready).count)/\(p.spec.containers.count)", status,
                    p.status?.podIP ?? "<none>", p.spec.nodeName ?? "<none>"]
        })
        return out
    }

    static func isSystem(_ ns: String) -> Bool { ns.hasPrefix("kube-") }

    /// `80:30080/TCP` as kubectl prints ports, plus the port's name and target: `http:80►8080`.
    public static func ports(_ s: Service) -> String {
        let ps = s.ports.map { p -> String in
            var t = "\(p.port)"
            if let np = p.nodePort { t += ":\(np)" }
            t += "/\(p.protocol ?? "TCP")"
            if let name = p.name { t = "\(name):" + t }
            if let target = p.targetPort, target != .int(p.port) { t += "►\(target)" }
            return t
        }
        return ps.isEmpty ? "<none>" : ps.joined(separator: ",")
    }

    public static func externalIP(_ s: Service) -> String {
        if s.isExternalName { return s.spec.externalName ?? "<none>" }
        let ips = (s.status?.loadBalancer?.ingress ?? []).compactMap { $0.ip ?? $0.hostname } + (s.spec.externalIPs ?? [])
        if ips.isEmpty { return s.type == ServiceType.loadBalancer ? "<pending>" : "<none>" }
        return ips.joined(separator: ",")
    }

    public static func selector(_ s: Service) -> String {
        guard let sel = s.spec.selector else { return "<none>" }
        return sel.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public static func addresses(_ e: Endpoints, ready: Bool) -> String {
        var out: [String] = []
        for subset in e.subsets ?? [] {
            for a in (ready ? subset.addresses : subset.notReadyAddresses) ?? [] {
                let ports = subset.ports ?? []
                if ports.isEmpty { out.append(a.ip) }
                for p in ports { out.append("\(a.ip):\(p.port)") }
            }
        }
        return out.isEmpty ? "<none>" : out.joined(separator: ",")
    }

    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0) }
                .joined()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
