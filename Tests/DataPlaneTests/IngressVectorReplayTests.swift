import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import Testing

/// Every ingress-paths.json case replayed as a real HTTP request with curl through a live
/// controller: each backend `service:port` is a test server that names itself, so the response
/// says which backend the ingress chose; unmatched cases must get the controller's 404.
@Suite("Ingress vector replay", .timeLimit(.minutes(1)))
struct IngressVectorReplayTests {
    @Test(arguments: IngressPathCase.all)
    func replay(_ v: IngressPathCase) async throws {
        let slot = 10 + IngressPathCase.all.firstIndex { $0.id == v.id }!
        let c = try await IngressTestCluster(block: 166, slot: slot)
        // Every backend the case names: one Service per name, one port per reference, one server per port.
        var refs: [String: [IngressBackendRef.Port]] = [:]
        let router = IngressRouter(ingresses: [v.object])
        for r in router.routes where !(refs[r.backend.service]?.contains(r.backend.port) ?? false) {
            refs[r.backend.service, default: []].append(r.backend.port)
        }
        var host = 1
        for (service, ports) in refs.sorted(by: { $0.key < $1.key }) {
            let ip = c.backendIP(host)
            host += 1
            var servicePorts: [ServicePort] = [], slicePorts: [EndpointSlicePort] = []
            for (i, p) in ports.enumerated() {
                let target = 8080 + i
                switch p {
                case .number(let n): servicePorts.append(ServicePort(name: "p\(n)", port: n, targetPort: .int(target)))
                case .name(let name): servicePorts.append(ServicePort(name: name, port: 9000 + i, targetPort: .int(target)))
                }
                slicePorts.append(EndpointSlicePort(name: servicePorts.last!.name, port: target))
                try await c.backend(ip, port: target, name: "\(service):\(p)")
            }
            try c.loop.registry.create(.service(Service(metadata: ObjectMeta(name: service, namespace: "default"),
                                                        spec: ServiceSpec(selector: nil, ports: servicePorts))))
            let meta = ObjectMeta(name: "\(service)-manual", namespace: "default",
                                  labels: [EndpointSliceLabel.serviceName: service, EndpointSliceLabel.managedBy: "test"])
            try c.loop.registry.create(.endpointSlice(EndpointSlice(metadata: meta, endpoints: [
                Endpoint(addresses: [ip], conditions: EndpointConditions(ready: true, serving: true, terminating: false)),
            ], ports: slicePorts)))
        }
        if let tls = v.ingress.tls {
            for t in tls {
                guard let name = t.secretName else { continue }
                try c.loop.registry.create(.secret(Secret(metadata: ObjectMeta(name: name, namespace: "default"), type: "kubernetes.io/tls", data: [
                    "tls.crt": Data(IngressDefaultCertificate.certificatePEM.utf8).base64EncodedString(),
                    "tls.key": Data(IngressDefaultCertificate.privateKeyPEM.utf8).base64EncodedString(),
                ])))
            }
        }
        try await c.apply(v.object)

        let https = v.request.scheme == "https"
        let port = https ? c.httpsPort : c.httpPort
        var args = ["-k", "-X", v.request.method ?? "GET"]
        let url: String
        if let h = v.request.host {
            args += ["--resolve", "\(h):\(port):\(c.address)"]
            url = "\(https ? "https" : "http")://\(h):\(port)\(v.request.path)"
        } else {
            args += ["-H", "Host:"]   // curl sends no Host header at all
            url = "\(https ? "https" : "http")://\(c.address):\(port)\(v.request.path)"
        }
        let r = try await Curl.run(args + [url])
        if let expected = v.expect.backend {
            #expect(r.status == 200, "\(v.id): \(r.status) \(r.body.prefix(120))")
            #expect(r["backend"] == expected, "\(v.id)")
            if v.request.host != nil { #expect(r["host"]?.hasPrefix(v.request.host!) == true) }
            if let m = v.request.method { #expect(r["method"] == m) }
            #expect(r["path"] == v.request.path)
        } else {
            #expect(r.status == 404, "\(v.id): \(r.status) \(r.body.prefix(120))")
        }
        let status = c.store.get(Ingress.self, namespace: "default", name: "case")?.status?.loadBalancer?.ingress
        #expect((status?.first?.ip == c.address) == (v.expect.served != false))
        await c.stop()
    }
}
