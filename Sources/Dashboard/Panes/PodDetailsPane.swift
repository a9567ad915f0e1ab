import Telemetry

/// The pod screen (Enter or `d` on a pod): what the pod sees from the inside. Its environment
/// shows which services it learned about by variables — only those that existed when it started,
/// the classic surprise — next to the resolv.conf that makes DNS names work for every service,
/// and the tail of its log.
enum PodDetailsView {
    static let logLines = 50

    static func lines(podID: String, model: DashboardModel, podLog: (pod: ObjectRef, lines: Result<[String], ActionRefusal>)?,
                      options: RenderOptions) -> [(String, Role)] {
        guard let p = model.podsByID[podID] else { return [("Pod \(podID) no longer exists.", .error)] }
        var out: [(String, Role)] = []
        func section(_ title: String) { out.append(("", .normal)); out.append((title, .title)) }
        out.append(("Pod \(p.id)", .header))
        out.append(("  node           \(p.nodeName ?? "<unscheduled>")", .normal))
        out.append(("  IP             \(p.ip ?? "<none>")", .normal))
        let status = p.terminating ? "Terminating" : p.phase
        out.append(("  status         \(status), \(p.ready ? "Ready: receives service traffic" : "not Ready: no service sends it traffic")"
                    + (p.restarts > 0 ? ", \(p.restarts) restarts" : ""), p.ready ? .ok : .warn))
        let labels = p.labels.keys.sorted().map { "\($0)=\(p.labels[$0]!)" }.joined(separator: ",")
        out.append(("  labels         \(labels.isEmpty ? "<none>" : labels)", .normal))

        let detail = model.cluster.podDetail(podID)
        if let conf = detail?.resolvConf {
            section("/etc/resolv.conf")
            for line in conf.split(separator: "\n") { out.append(("  " + line, .normal)) }
        }
        for c in detail?.containers ?? [] {
            let fromServices = c.variables.filter(\.fromService)
            let own = c.variables.filter { !$0.fromService }
            section("Environment of container \(c.container): \(fromServices.count) from services, \(own.count) its own")
            if fromServices.isEmpty {
                out.append(("  no service variables: no service with a cluster IP existed in its namespace when it started", .dim))
            }
            for v in fromServices { out.append(("  \(v.name)=\(printable(v.value, ascii: options.ascii))", .normal)) }
            for v in own { out.append(("  \(v.name)=\(printable(v.value, ascii: options.ascii))  (env)", .ok)) }
        }
        if let detail, detail.containers.isEmpty {
            section("Environment")
            out.append(("  not started yet: the variables are fixed when its containers start", .dim))
        }
        if detail == nil {
            section("Environment and resolv.conf")
            out.append(("  arriving with the next sample (a recording without them has none)", .dim))
        } else {
            out.append(("  Services created after the pod started are not in its environment; their DNS names resolve anyway, through the search list below.", .dim))
        }

        section("Log (last \(logLines) lines)")
        if let log = podLog, log.pod.description == podID {
            switch log.lines {
            case .success(let lines):
                if lines.isEmpty { out.append(("  (empty)", .dim)) }
                for l in lines.suffix(logLines) { out.append(("  " + printable(l, ascii: options.ascii), .normal)) }
            case .failure(let refusal):
                out.append(("  " + refusal.message, .warn))
            }
        } else {
            out.append(("  fetching\(options.glyphs.ellipsis)", .dim))
        }
        return out
    }

    /// A log line as the canvas can show it: control characters (tabs, escapes) become spaces,
    /// and on an ASCII terminal anything else non-ASCII becomes `?`.
    static func printable(_ line: String, ascii: Bool) -> String {
        String(line.map { c -> Character in
            if let v = c.asciiValue { return v < 32 || v == 127 ? " " : c }
            return ascii ? "?" : c
        })
    }
}
