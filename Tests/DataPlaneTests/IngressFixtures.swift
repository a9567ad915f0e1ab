import ClusterModel
import Foundation

/// Builders of Ingress objects for the tests. The networking types have no public memberwise
/// initialisers, so the pieces are decoded from their JSON form — the shape manifests have.
enum IngressFixture {
    static func decode<T: Decodable>(_ type: T.Type, _ value: Any) -> T {
        let data = try! JSONSerialization.data(withJSONObject: value)
        return try! JSONDecoder().decode(T.self, from: data)
    }

    /// `port`: an Int (port number) or a String (port name).
    static func backendJSON(_ service: String, _ port: Any) -> [String: Any] {
        ["service": ["name": service, "port": port is Int ? ["number": port] : ["name": port]]]
    }

    static func path(_ path: String?, _ type: String = "Prefix", _ service: String, port: Any = 80) -> HTTPIngressPath {
        var p: [String: Any] = ["pathType": type, "backend": backendJSON(service, port)]
        if let path { p["path"] = path }
        return decode(HTTPIngressPath.self, p)
    }

    static func rule(_ host: String?, _ paths: HTTPIngressPath...) -> IngressRule {
        var r = decode(IngressRule.self, [String: Any]())
        r.host = host
        r.http = decode(HTTPIngressRuleValue.self, ["paths": [[String: Any]]()])
        r.http?.paths = paths
        return r
    }

    static func tls(_ hosts: [String], secret: String) -> IngressTLS {
        decode(IngressTLS.self, ["hosts": hosts, "secretName": secret])
    }

    static func ingress(_ name: String, namespace: String = "default", created: String? = "2026-01-01T00:00:00Z",
                        class cls: String? = nil, rules: [IngressRule], defaultBackend: String? = nil,
                        defaultPort: Any = 80, tls: [IngressTLS]? = nil, annotations: [String: String]? = nil) -> Ingress {
        var meta = ObjectMeta(name: name, namespace: namespace, annotations: annotations)
        meta.creationTimestamp = created
        let db = defaultBackend.map { decode(IngressBackend.self, backendJSON($0, defaultPort)) }
        return Ingress(metadata: meta, spec: IngressSpec(ingressClassName: cls, defaultBackend: db, tls: tls, rules: rules))
    }
}
