import Telemetry

/// The Details screen of one service, as lines of text with roles: the names a pod can use to
/// reach it, the variables it injects, its endpoints, and the one misconception every newcomer
/// hits (pinging the cluster IP).
enum DetailsView {
    static func lines(service s: ServiceSummary?, id: String, model: DashboardModel,
                      options: RenderOptions) -> [(String, Role)] {
        guard let s else { return [("Service \(id) no longer exists.", .error)] }
        var out: [(String, Role)] = []
        func section(_ title: String) { out.append(("", .normal)); out.append((title, .title)) }
        out.append(("Service \(s.namespace)/\(s.name)  type \(s.type)", .header))
        out.append(("  cluster IP     \(s.clusterIP ?? "<none>")", .normal))
        if let en = s.externalName { out.append(("  external name  \(en) (a DNS CNAME, no proxying)", .normal)) }
        if !s.externalIPs.isEmpty { out.append(("  external IPs   \(s.externalIPs.joined(separator: ", "))", .normal)) }
        if !s.loadBalancerIPs.isEmpty {
            out.append(("  load balancer  \(s.loadBalancerIPs.joined(separator: ", "))", .normal))
        }
        out.append(("  ports          \(Format.ports(s.ports, arrow: options.glyphs.arrow))", .normal))
        out.append(("  selector       \(s.selector ?? "<none> (endpoints are written by hand)")", .normal))
        let affinity = s.affinityTimeoutSeconds.map { "\(s.sessionAffinity) (timeout \($0)s)" } ?? s.sessionAffinity
        out.append(("  affinity       \(affinity)", .normal))
        let t = model.traffic[s.id] ?? ServiceTraffic()
        out.append(("  traffic        \(Format.rate(t.connectionsPerSecond)) conn/s, \(t.active) active, "
                    + "\(t.total) total, \(t.errors) errors", .normal))

        section("DNS names (A record\(s.clusterIP == "None" ? "s of each ready endpoint" : " \(s.clusterIP ?? "")"))")
        for name in s.dnsNames { out.append(("  " + name, .normal)) }

        section("Environment variables it gives pods started after it")
        if s.environmentVariables.isEmpty {
            out.append(("  none (headless and ExternalName services have no stable address to publish)", .dim))
        } else {
            for name in s.environmentVariables { out.append(("  " + name, .normal)) }
            out.append(("  Pods started before this service lack them (env is fixed at start); its DNS names work from every pod.", .dim))
        }

        section("Endpoints (\(s.readyEndpoints) ready of \(s.endpoints.count))")
        if s.endpoints.isEmpty { out.append(("  none: no ready pod matches the selector", .error)) }
        for e in s.endpoints {
            let state = e.ready ? "ready" : (e.terminating ? "terminating" : "not ready")
            out.append(("  \(e.endpoint)  \(e.pod ?? "-")  node \(e.nodeName ?? "-")  \(state)",
                        e.ready ? .ok : (e.serving ? .warn : .error)))
        }

        if s.clusterIP == "None" {
            section("Why there is no service address to ping")
            out.append(("  A headless service has no virtual IP: its name resolves straight to the ready pods' IPs,", .dim))
            out.append(("  and clients connect to a pod directly (no proxy, no load balancing).", .dim))
            return out
        }
        section("Why ping \(s.clusterIP ?? "the service") does not answer")
        out.append(("  A cluster IP is virtual: no interface owns it. The proxy only forwards the", .dim))
        out.append(("  ip:port pairs listed above (TCP), so ICMP ping has nothing to reach; use", .dim))
        let example = s.ports.first.map { "\(s.clusterIP ?? s.name):\($0.port)" } ?? "ip:port"
        out.append(("  curl or nc against \(example) instead.", .dim))
        return out
    }
}

/// The `?` screen: every bound key with what it does, then what each pane is about.
enum HelpView {
    static func lines(_ bindings: KeyBindings, readOnly: Bool = false) -> [(String, Role)] {
        var out: [(String, Role)] = [("Keys (rebind in $XDG_CONFIG_HOME/switchboard/dashboard.json)", .title)]
        for intent in Intent.allCases {
            let keys = bindings.keys(for: intent).map(\.spec).joined(separator: " ")
            out.append(("  " + TextWidth.fit(keys.isEmpty ? "(unbound)" : keys, 22) + intent.summary, .normal))
        }
        out.append(("", .normal))
        for (i, line) in ActionKey.helpLines(readOnly: readOnly).enumerated() { out.append((line, i == 0 ? .title : .normal)) }
        out.append(("", .normal))
        out.append(("Panes (:command)", .title))
        for pane in PaneKind.allCases {
            out.append(("  " + TextWidth.fit(":" + pane.rawValue, 10) + pane.concept, .normal))
        }
        out.append(("", .normal))
        out.append(("Any other key closes this help.", .dim))
        return out
    }
}
