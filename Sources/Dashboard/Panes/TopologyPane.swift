import Telemetry

/// The `:topo` screen: the path traffic takes, drawn as a tree — client → Ingress route →
/// Service port → endpoint → pod — with the rate on each edge. Built from one sample's joins
/// (the ingress routes' backends, each service port's endpoints with their share), so it says
/// what the proxy did, not only what the manifests ask for.
enum TopologyView {
    /// Services drawn when no single service is asked for; the rest are counted, not drawn.
    static let maxServices = 60

    struct Tree {
        let branch: String, last: String, pipe: String, blank: String, edge: String, arrow: String

        init(ascii: Bool) {
            branch = ascii ? "|-" : "├─"
            last = ascii ? "`-" : "└─"
            pipe = ascii ? "| " : "│ "
            blank = "  "
            edge = ascii ? "--" : "──"
            arrow = ascii ? "->" : "─►"
        }

        /// `── 12/s ──►`: an edge carrying a rate.
        func labelled(_ label: String) -> String { "\(edge) \(label) \(arrow)" }
    }

    /// - Parameter serviceID: `namespace/name` to draw one service (and the routes to it).
    static func lines(model: DashboardModel, serviceID: String?, options: RenderOptions) -> [(String, Role)] {
        let t = Tree(ascii: options.ascii)
        var out: [(String, Role)] = []
        let routes = model.cluster.ingressRoutes.filter { r in
            serviceID.map { backendService(r) == $0 } ?? true
        }
        out.append(("Rates per second over the last sample; shares of requests or connections.", .dim))
        if !routes.isEmpty {
            out.append(("", .normal))
            let address = model.snapshot.ingress.map { i in i.address + (i.httpPort.map { ":\($0)" } ?? "") }
            out.append(("client \(t.arrow) Ingress controller \(address ?? "(not running)")", .title))
            for (i, r) in routes.enumerated() {
                let lastRoute = i == routes.count - 1
                out += routeLines(r, model: model, tree: t, prefix: "", last: lastRoute, options: options)
            }
        }
        var services = model.services
        if let serviceID {
            services = services.filter { $0.id == serviceID }
            if services.isEmpty { return out + [("", .normal), ("Service \(serviceID) does not exist.", .error)] }
        } else {
            let backends = Set(routes.map(backendService))
            services = services.filter { s in
                (model.traffic[s.id]?.total ?? 0) > 0 || backends.contains(s.id)
            }.sorted { a, b in
                let ra = model.traffic[a.id]?.connectionsPerSecond ?? 0, rb = model.traffic[b.id]?.connectionsPerSecond ?? 0
                return ra != rb ? ra > rb : a.id < b.id
            }
        }
        out.append(("", .normal))
        if services.isEmpty {
            out.append(("No service has carried a connection yet (:topo namespace/name draws one anyway).", .dim))
            return out
        }
        let hidden = max(0, services.count - maxServices)
        for (i, s) in services.prefix(maxServices).enumerated() {
            if i > 0 { out.append(("", .normal)) }
            out += serviceLines(s, model: model, tree: t, options: options)
        }
        if hidden > 0 {
            out.append(("\(options.glyphs.ellipsis) \(hidden) more services with traffic (:topo namespace/name for one)", .dim))
        }
        return out
    }

    static func backendService(_ r: IngressRouteSummary) -> String {
        "\(r.namespace)/\(r.backend.split(separator: ":").first ?? "")"
    }

    static func routeLines(_ r: IngressRouteSummary, model: DashboardModel, tree t: Tree, prefix: String, last: Bool,
                           options: RenderOptions) -> [(String, Role)] {
        var out: [(String, Role)] = []
        let traffic = model.ingressTraffic[RouteKey.of(r)] ?? RouteTraffic()
        let tls = r.tlsSecret == nil ? "" : " TLS"
        let label = "\(Format.rate(traffic.requestsPerSecond)) req/s"
        let errors = traffic.count5xx > 0 ? ", \(traffic.count5xx) 5xx" : ""
        out.append((prefix + (last ? t.last : t.branch) + " \(r.host)\(r.path == "/*" ? "" : r.path) (\(r.pathType)\(tls)) "
                    + t.labelled(label + errors) + " svc \(r.backend)", traffic.count5xx > 0 ? .warn : .normal))
        let inner = prefix + (last ? t.blank : t.pipe) + "   "
        let service = model.service(id: backendService(r))
        guard let service else {
            out.append((inner + t.last + " service \(backendService(r)) does not exist: the controller answers 503", .error))
            return out
        }
        let ports = service.ports.map(\.name)
        let portName = String(r.backend.split(separator: ":").last ?? "")
        let endpoints = service.endpoints.filter { e in
            ports.count <= 1 || e.portName == portName || service.ports.contains { $0.name == e.portName && String($0.port) == portName }
        }
        if endpoints.isEmpty {
            out.append((inner + t.last + " no endpoints: requests get 503 from the controller", .error))
        }
        for (i, e) in endpoints.enumerated() {
            let rate = traffic.endpointRates[e.endpoint] ?? 0
            let share = traffic.requests > 0
                ? Double(traffic.endpointRequests[e.endpoint] ?? 0) / Double(traffic.requests) : 0
            out.append(endpointLine(e, tree: t, prefix: inner, last: i == endpoints.count - 1,
                                    label: "\(Format.rate(rate))/s \(Format.percent(share))", namespace: service.namespace))
        }
        return out
    }

    static func serviceLines(_ s: ServiceSummary, model: DashboardModel, tree t: Tree,
                             options: RenderOptions) -> [(String, Role)] {
        var out: [(String, Role)] = []
        let traffic = model.traffic[s.id] ?? ServiceTraffic()
        let address = s.type == "ExternalName" ? "CNAME \(s.externalName ?? "?")" : (s.clusterIP ?? "<pending>")
        out.append(("client \(t.arrow) svc \(s.id) \(address) (\(s.type))  "
                    + "\(Format.rate(traffic.connectionsPerSecond)) conn/s, \(traffic.active) active", .title))
        if s.type == "ExternalName" {
            out.append(("\(t.last) resolved by DNS to \(s.externalName ?? "?"); no proxy, no endpoints", .dim))
            return out
        }
        if s.ports.isEmpty {
            out.append(("\(t.last) no ports", .dim))
            return out
        }
        for (pi, p) in s.ports.enumerated() {
            let lastPort = pi == s.ports.count - 1
            let portLabel = (p.name.isEmpty ? "" : p.name + ":") + String(p.port) + options.glyphs.arrow + p.targetPort
            out.append(((lastPort ? t.last : t.branch) + " " + portLabel, .normal))
            let inner = lastPort ? t.blank : t.pipe
            let endpoints = s.endpoints.filter { s.ports.count == 1 || $0.portName == p.name }
            if endpoints.isEmpty {
                let why = s.selector == nil ? "no endpoints (no selector: write an EndpointSlice)"
                    : "no endpoints: no ready pod matches \(s.selector ?? "")"
                out.append((inner + "   " + t.last + " " + why, .error))
            }
            for (i, e) in endpoints.enumerated() {
                let et = model.endpointTraffic[s.id + "|" + e.endpoint] ?? EndpointTraffic()
                out.append(endpointLine(e, tree: t, prefix: inner + "   ", last: i == endpoints.count - 1,
                                        label: "\(Format.rate(et.connectionsPerSecond))/s \(Format.percent(et.share))",
                                        namespace: s.namespace))
            }
        }
        return out
    }

    static func endpointLine(_ e: EndpointSummary, tree t: Tree, prefix: String, last: Bool, label: String,
                             namespace: String) -> (String, Role) {
        let pod = e.pod.map { $0.hasPrefix(namespace + "/") ? String($0.dropFirst(namespace.count + 1)) : $0 }
        let state = e.ready ? "" : (e.terminating ? " terminating" : " not ready")
        let where_ = "  " + (pod ?? "(no pod)")
        let node = e.nodeName.map { " (\($0))" } ?? ""
        let role: Role = e.ready ? .ok : (e.serving ? .warn : .error)
        return (prefix + (last ? t.last : t.branch) + " \(label) \(t.arrow) " + e.endpoint + where_ + node + state,
                role)
    }
}
