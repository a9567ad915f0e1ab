import ClusterModel

/// The merged routing table of every Ingress this controller serves: a pure value, rebuilt on each
/// change and swapped in whole, so a request sees one consistent version.
///
/// Host first, then path among the chosen host's paths only (what ingress-nginx's server blocks
/// do): a precise host beats a wildcard (`*.x.y`, exactly one extra label), which beats host-less
/// rules. Among paths the longest as written wins; on equal length Exact beats Prefix; on a full
/// tie the older Ingress wins (creationTimestamp, then namespace/name), as in ingress-nginx.
/// A request no path matches goes to a defaultBackend: the oldest one among the Ingresses that
/// define the chosen host, else the oldest of all; without one the controller answers 404.
public struct IngressRouter: Sendable {
    /// Every route, precedence order within each host.
    public private(set) var routes: [IngressRoute] = []
    private var precise: [String: [IngressRoute]] = [:]
    private var wildcard: [String: [IngressRoute]] = [:]
    private var hostless: [IngressRoute] = []
    private var defaults: [String: IngressRoute] = [:]   // per host key (precise or "*.x")
    private var globalDefault: IngressRoute?
    /// TLS host patterns (`foo.com`, `*.foo.com`) → the Secret serving them, oldest Ingress first.
    public private(set) var tlsHosts: [(host: String, secret: ObjectKey)] = []

    public init() {}

    /// `ingresses` are the ones this controller serves (see `IngressClassSelection`).
    public init(ingresses: [Ingress]) {
        let ordered = ingresses.sorted { a, b in
            let ta = a.metadata.creationTimestamp ?? "", tb = b.metadata.creationTimestamp ?? ""
            return ta != tb ? ta < tb : a.key < b.key
        }
        var hostDefaults: [String: IngressRoute] = [:]
        for ing in ordered {
            guard let spec = ing.spec else { continue }
            let options = IngressOptions(annotations: ing.metadata.annotations ?? [:])
            var defaultRoute: IngressRoute?
            if let db = spec.defaultBackend, let ref = IngressBackendRef(db, namespace: ing.namespace) {
                let r = IngressRoute(ingress: ing.key, host: nil, path: "", pathType: .prefix, backend: ref,
                                     isDefaultBackend: true, options: options)
                defaultRoute = r
                if globalDefault == nil { globalDefault = r }
            }
            for rule in spec.rules ?? [] {
                let host = rule.host.flatMap { $0.isEmpty ? nil : $0.lowercased() }
                for p in rule.http?.paths ?? [] {
                    guard let ref = IngressBackendRef(p.backend, namespace: ing.namespace) else { continue }
                    let type = IngressPathType(rawValue: p.pathType ?? "") ?? .implementationSpecific
                    let route = IngressRoute(ingress: ing.key, host: host, path: p.path ?? "", pathType: type,
                                             backend: ref, options: options)
                    switch host {
                    case nil: hostless.append(route)
                    case let h? where h.hasPrefix("*."): wildcard[String(h.dropFirst(2)), default: []].append(route)
                    case let h?: precise[h, default: []].append(route)
                    }
                }
                if let host, let d = defaultRoute, hostDefaults[host] == nil { hostDefaults[host] = d }
            }
            for tls in spec.tls ?? [] {
                guard let secret = tls.secretName, !secret.isEmpty else { continue }
                for h in tls.hosts ?? [] where !h.isEmpty {
                    tlsHosts.append((h.lowercased(), ObjectKey(namespace: ing.namespace, name: secret)))
                }
            }
        }
        defaults = hostDefaults
        // Stable sort keeps the Ingress age order for full ties.
        func rank(_ list: inout [IngressRoute]) {
            list = list.enumerated().sorted { x, y in
                let (a, b) = (x.element, y.element)
                if a.path.count != b.path.count { return a.path.count > b.path.count }
                let ea = a.pathType == .exact, eb = b.pathType == .exact
                if ea != eb { return ea }
                return x.offset < y.offset
            }.map(\.element)
        }
        for k in precise.keys { rank(&precise[k]!) }
        for k in wildcard.keys { rank(&wildcard[k]!) }
        rank(&hostless)
        routes = precise.keys.sorted().flatMap { precise[$0]! } + wildcard.keys.sorted().flatMap { wildcard[$0]! }
            + hostless + ([globalDefault].compactMap { $0 })
    }

    /// The route for a request, or nil when nothing (not even a defaultBackend) applies: 404.
    public func route(_ target: IngressRequestTarget) -> IngressRoute? {
        var candidates = hostless
        var hostKey: String?
        if let host = target.host {
            if let list = precise[host] {
                candidates = list
                hostKey = host
            } else if let dot = host.firstIndex(of: "."), let list = wildcard[String(host[host.index(after: dot)...])] {
                candidates = list
                hostKey = "*." + host[host.index(after: dot)...]
            }
        }
        if let hit = candidates.first(where: { $0.matches(path: target.path) }) { return hit }
        if let hostKey, let d = defaults[hostKey] { return d }
        return globalDefault
    }

    /// Whether `host` is covered by a `spec.tls` entry (precise or one-label wildcard): such
    /// hosts are redirected to https when their route asks for it.
    public func hasTLS(host: String?) -> Bool { tlsSecret(for: host) != nil }

    /// The Secret for an SNI name: a precise TLS host first, then a wildcard one, oldest Ingress first.
    public func tlsSecret(for name: String?) -> ObjectKey? {
        guard let name = name?.lowercased(), !name.isEmpty else { return nil }
        if let hit = tlsHosts.first(where: { $0.host == name }) { return hit.secret }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let wild = "*." + name[name.index(after: dot)...]
        return tlsHosts.first(where: { $0.host == wild })?.secret
    }
}
