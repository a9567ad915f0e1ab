import ClusterModel
import ControlPlane
import NIOCore

/// A pod address a backend resolves to.
struct UpstreamEndpoint: Hashable, Sendable {
    var ip: String
    var port: Int
    var address: SocketAddress
    var key: String { "\(ip):\(port)" }
}

/// A backend reference resolved through its Service and EndpointSlices.
struct ResolvedBackend: Sendable {
    var endpoints: [UpstreamEndpoint]
    /// Why there is nothing to send to (shown in the 503 body and the snapshot).
    var problem: String?
    /// `namespace/name:port-name` of the resolved service port, as L4 flow records name it
    /// (nil while the service or its port is missing).
    var servicePort: String? = nil
}

/// Everything a request needs, built once per change and swapped in whole.
struct IngressTable: Sendable {
    var resourceVersion: Int
    var router: IngressRouter
    var served: [ObjectKey]
    var backends: [IngressBackendRef: ResolvedBackend]
    var certificates: [ObjectKey: IngressCertificate]
    var tlsProblems: [String]

    static let empty = IngressTable(resourceVersion: -1, router: IngressRouter(), served: [], backends: [:],
                                    certificates: [:], tlsProblems: [])

    func backend(_ ref: IngressBackendRef) -> ResolvedBackend {
        backends[ref] ?? ResolvedBackend(endpoints: [], problem: "service \(ref.namespace)/\(ref.service) is not resolved yet")
    }

    /// Resolves a backend as kube-proxy resolves a service port: the ServicePort named or
    /// numbered by the Ingress, then the endpoints of the EndpointSlices' port of the same name.
    /// Ready endpoints are used; when none is ready, serving-and-terminating ones (kube-proxy's
    /// graceful termination fallback), so a rolling restart does not fail requests.
    static func resolve(_ ref: IngressBackendRef, services: [ObjectKey: Service],
                        slices: [ObjectKey: [EndpointSlice]]) -> ResolvedBackend {
        let key = ObjectKey(namespace: ref.namespace, name: ref.service)
        guard let svc = services[key] else {
            return ResolvedBackend(endpoints: [], problem: "service \(key) not found")
        }
        if svc.isExternalName {
            return ResolvedBackend(endpoints: [], problem: "service \(key) is ExternalName, which this ingress does not proxy")
        }
        let port: ServicePort?
        switch ref.port {
        case .number(let n): port = svc.ports.first { $0.port == n }
        case .name(let name): port = svc.ports.first { $0.name == name }
        }
        guard let port else {
            return ResolvedBackend(endpoints: [], problem: "service \(key) has no port \(ref.port)")
        }
        var ready: [UpstreamEndpoint] = [], terminating: [UpstreamEndpoint] = []
        var seen = Set<String>()
        for slice in slices[key] ?? [] where slice.addressType == "IPv4" {
            guard let sp = (slice.ports ?? []).first(where: { ($0.name ?? "") == (port.name ?? "") && ($0.protocol ?? "TCP") == "TCP" }),
                  let number = sp.port else { continue }
            for ep in slice.endpoints {
                let c = ep.conditions ?? EndpointConditions(ready: nil, serving: nil, terminating: nil)
                for ip in ep.addresses {
                    guard let addr = try? SocketAddress(ipAddress: ip, port: number) else { continue }
                    let u = UpstreamEndpoint(ip: ip, port: number, address: addr)
                    guard seen.insert(u.key).inserted else { continue }
                    if c.isReady { ready.append(u) } else if c.isServing && c.isTerminating { terminating.append(u) }
                }
            }
        }
        let chosen = ready.isEmpty ? terminating : ready
        return ResolvedBackend(endpoints: chosen.sorted { $0.key < $1.key },
                               problem: chosen.isEmpty ? "service \(key) has no ready endpoints" : nil,
                               servicePort: "\(key.namespace)/\(key.name):\(port.name ?? "")")
    }
}
