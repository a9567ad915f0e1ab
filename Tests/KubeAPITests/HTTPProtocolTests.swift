import ClusterModel
import ControlPlane
import Foundation
import KubeAPI
import NIOPosix
import Testing

/// The HTTP surface without kubectl: content negotiation, non-resource endpoints, and input that
/// must be refused with a Status (never a crash).
@Suite("HTTP protocol")
struct HTTPProtocolTests {
    static let aggV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    static let aggV2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

    struct DiscoveryCase: Sendable, CustomTestStringConvertible {
        var accept: String
        var contentType: String
        var testDescription: String { accept }
    }

    static let discoveryCases: [DiscoveryCase] = [
        .init(accept: "\(aggV2),\(aggV2beta1),application/json", contentType: aggV2),
        // kubectl 1.27–1.29: v2beta1 only; `v=v2` must not be matched inside `v=v2beta1`.
        .init(accept: "\(aggV2beta1),application/json", contentType: aggV2beta1),
        .init(accept: "application/json, */*", contentType: "application/json"),
        .init(accept: "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json", contentType: "application/json"),
        .init(accept: "application/json;q=0.5,\(aggV2);q=0.9", contentType: aggV2),
    ]

    @Test(arguments: discoveryCases)
    func discoveryNegotiation(_ c: DiscoveryCase) async throws {
        let cluster = try await APITestCluster.start()
        for path in ["/api", "/apis"] {
            let r = try cluster.http("GET", path, headers: ["Accept": c.accept])
            #expect(r.status == 200 && r.headers["content-type"] == c.contentType, "\(path): \(r.headers)")
            let kind = r.json["kind"] as? String
            if c.contentType == "application/json" {
                #expect(kind == (path == "/api" ? "APIVersions" : "APIGroupList"))
            } else {
                #expect(kind == "APIGroupDiscoveryList")
                #expect((r.json["apiVersion"] as? String)?.hasSuffix(c.contentType.contains("v2beta1") ? "/v2beta1" : "/v2") == true)
            }
        }
        await cluster.stop()
    }

    @Test func aggregatedDiscoveryListsShortNamesCategoriesAndScale() async throws {
        let c = try await APITestCluster.start()
        let core = try c.http("GET", "/api", headers: ["Accept": Self.aggV2]).json
        let items = core["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1 && (items[0]["metadata"] as? [String: Any])?["name"] as? String == "")
        let resources = ((items[0]["versions"] as? [[String: Any]])?.first?["resources"] as? [[String: Any]]) ?? []
        let svc = try #require(resources.first { $0["resource"] as? String == "services" })
        #expect(svc["shortNames"] as? [String] == ["svc"] && svc["categories"] as? [String] == ["all"])
        #expect(svc["scope"] as? String == "Namespaced")
        let short = Set(resources.flatMap { $0["shortNames"] as? [String] ?? [] })
        #expect(short.isSuperset(of: ["svc", "ep", "po", "ns", "no", "ev"]))
        let apps = try c.http("GET", "/apis", headers: ["Accept": Self.aggV2]).body
        #expect(apps.contains("\"subresource\":\"scale\"") && apps.contains("\"deploy\"") && apps.contains("\"ing\""))
        let legacy = try c.http("GET", "/apis/apps/v1").json
        let names = (legacy["resources"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names == ["deployments", "deployments/status", "deployments/scale"])
        await c.stop()
    }

    @Test func versionHealthAndOpenAPI() async throws {
        let c = try await APITestCluster.start()
        let v = try c.http("GET", "/version").json
        #expect(v["major"] as? String == "1" && v["minor"] as? String == "32" && v["gitVersion"] as? String == "v1.32.0")
        for path in ["/healthz", "/livez", "/readyz"] {
            let r = try c.http("GET", path)
            #expect(r.status == 200 && r.body == "ok")
        }
        let root = try c.http("GET", "/openapi/v3").json
        let paths = root["paths"] as? [String: [String: String]] ?? [:]
        #expect(Set(paths.keys) == ["api/v1", "apis/apps/v1", "apis/discovery.k8s.io/v1", "apis/networking.k8s.io/v1"])
        var kinds: Set<String> = []
        for (_, entry) in paths {
            let doc = try c.http("GET", entry["serverRelativeURL"]!).json
            for (_, ops) in doc["paths"] as? [String: [String: Any]] ?? [:] {
                let patch = ops["patch"] as? [String: Any]
                let gvk = patch?["x-kubernetes-group-version-kind"] as? [String: String]
                #expect((patch?["parameters"] as? [[String: Any]])?.first?["name"] as? String == "fieldValidation")
                #expect(patch?["requestBody"] == nil, "no strategic-merge schema, or kubectl loses its merge keys")
                if let k = gvk?["kind"] { kinds.insert(k) }
            }
        }
        #expect(kinds == Set(ResourceKind.allCases.map(\.kind)))
        #expect(try c.http("GET", "/openapi/v2").status == 404)
        await c.stop()
    }

    @Test func tableAndPartialMetadataNegotiation() async throws {
        let c = try await APITestCluster.start()
        let table = try c.http("GET", "/api/v1/namespaces/default/services?includeObject=Object",
                               headers: ["Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"]).json
        #expect(table["kind"] as? String == "Table")
        let columns = (table["columnDefinitions"] as? [[String: Any]] ?? []).map { $0["name"] as? String ?? "" }
        #expect(columns == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        let row = (table["rows"] as? [[String: Any]])?.first
        #expect((row?["cells"] as? [Any])?.prefix(5).map { "\($0)" } == ["kubernetes", "ClusterIP", "127.232.0.1", "<none>", "443/TCP"])
        #expect((row?["object"] as? [String: Any])?["kind"] as? String == "Service")
        let partial = try c.http("GET", "/api/v1/namespaces/default/services",
                                 headers: ["Accept": "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"]).json
        #expect(partial["kind"] as? String == "PartialObjectMetadataList")
        let list = try c.http("GET", "/api/v1/namespaces/default/services", headers: ["Accept": "application/json"]).json
        #expect(list["kind"] as? String == "ServiceList" && (list["metadata"] as? [String: Any])?["resourceVersion"] != nil)
        await c.stop()
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var contentType: String
        var body: String
        var status: Int
        var reason: String
        var testDescription: String { name }
    }

    static let services = "/api/v1/namespaces/default/services"
    static let badInputs: [BadInput] = [
        .init(name: "malformed JSON", method: "POST", path: services, contentType: "application/json",
              body: #"{"apiVersion":"v1","kind":"Service","metadata":{"#, status: 400, reason: "BadRequest"),
        .init(name: "malformed YAML", method: "POST", path: services, contentType: "application/yaml",
              body: "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n", status: 400, reason: "BadRequest"),
        .init(name: "not an object", method: "POST", path: services, contentType: "application/json",
              body: "[1,2,3]", status: 400, reason: "BadRequest"),
        .init(name: "wrong kind for the URL", method: "POST", path: services, contentType: "application/json",
              body: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[]}}"#, status: 400, reason: "BadRequest"),
        .init(name: "type error in a field", method: "POST", path: services, contentType: "application/json",
              body: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"port":"eighty"}]}}"#,
              status: 400, reason: "BadRequest"),
        .init(name: "namespace differs from the URL", method: "POST", path: services, contentType: "application/json",
              body: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","namespace":"other"},"spec":{"ports":[{"port":80}]}}"#,
              status: 400, reason: "BadRequest"),
        .init(name: "text/plain body", method: "POST", path: services, contentType: "text/plain", body: "hello",
              status: 415, reason: "UnsupportedMediaType"),
        .init(name: "patch as application/json", method: "PATCH", path: services + "/kubernetes", contentType: "application/json",
              body: "{}", status: 415, reason: "UnsupportedMediaType"),
        .init(name: "apply-patch without fieldManager", method: "PATCH", path: services + "/kubernetes",
              contentType: "application/apply-patch+yaml", body: "{}", status: 422, reason: "Invalid"),
        .init(name: "deeply nested JSON", method: "POST", path: services, contentType: "application/json",
              body: String(repeating: "[", count: 200_000), status: 400, reason: "BadRequest"),
        .init(name: "truncated protobuf", method: "POST", path: services, contentType: "application/vnd.kubernetes.protobuf",
              body: "k8s\u{0}\u{0A}\u{7F}", status: 400, reason: "BadRequest"),
        .init(name: "protobuf without the magic", method: "POST", path: services, contentType: "application/vnd.kubernetes.protobuf",
              body: "hello", status: 400, reason: "BadRequest"),
        .init(name: "invalid field selector", method: "GET", path: services + "?fieldSelector=spec.nope%3Dx", contentType: "",
              body: "", status: 400, reason: "BadRequest"),
        .init(name: "unknown resource", method: "GET", path: "/api/v1/widgets", contentType: "", body: "",
              status: 404, reason: "NotFound"),
        .init(name: "missing object", method: "GET", path: services + "/nope", contentType: "", body: "",
              status: 404, reason: "NotFound"),
        .init(name: "delete collection", method: "DELETE", path: services, contentType: "", body: "",
              status: 405, reason: "MethodNotAllowed"),
    ]

    @Test(arguments: badInputs)
    func badInputGetsAStatus(_ b: BadInput) async throws {
        let c = try await APITestCluster.start()
        let headers = b.contentType.isEmpty ? [:] : ["Content-Type": b.contentType]
        let r = try c.http(b.method, b.path, headers: headers, body: b.body)
        #expect(r.status == b.status, "\(r.body)")
        #expect(r.json["kind"] as? String == "Status" && r.json["reason"] as? String == b.reason, "\(r.body)")
        #expect(r.json["code"] as? Int == b.status)
        #expect(try c.http("GET", "/healthz").status == 200, "the server still serves")
        await c.stop()
    }

    @Test func bodiesOverThreeMiBAreRefusedWith413() async throws {
        let c = try await APITestCluster.start()
        let huge = "{\"a\":\"" + String(repeating: "x", count: 3 * 1024 * 1024) + "\"}"
        let declared = try c.http("POST", Self.services, headers: ["Content-Type": "application/json"], body: huge)
        #expect(declared.status == 413 && declared.json["reason"] as? String == "RequestEntityTooLarge", "\(declared.body)")
        // Chunked, with no length up front: cut off once the limit is crossed.
        let conn = try RawConnection(host: c.host, port: c.port)
        conn.send("POST \(Self.services) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "y", count: 1024 * 1024)
        for _ in 0..<4 { if !conn.send(Array((String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n").utf8)) { break } }
        let chunked = try RawHTTP.parse(conn.readAll())
        #expect(chunked.status == 413)
        #expect(try c.http("GET", "/healthz").status == 200)
        await c.stop()
    }

    @Test func dryRunValidatesWithoutStoring() async throws {
        let c = try await APITestCluster.start()
        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"dry"},"spec":{"ports":[{"port":80}]}}"#
        let r = try c.http("POST", Self.services + "?dryRun=All", headers: ["Content-Type": "application/json"], body: body)
        #expect(r.status == 201 && (r.json["spec"] as? [String: Any])?["sessionAffinity"] as? String == "None", "\(r.body)")
        #expect(c.store.get(Service.self, namespace: "default", name: "dry") == nil)
        let bad = try c.http("POST", Self.services + "?dryRun=All", headers: ["Content-Type": "application/json"],
                             body: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"dry"},"spec":{"ports":[{"port":0}]}}"#)
        #expect(bad.status == 422)
        let causes = (bad.json["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
        // targetPort defaults to port, so both are reported, as the API server does.
        #expect(causes.map { $0["field"] as? String } == ["spec.ports[0].port", "spec.ports[0].targetPort"], "\(bad.body)")
        await c.stop()
    }

    @Test func unknownFieldsWarnUnlessStrict() async throws {
        let c = try await APITestCluster.start()
        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"warned"},"spec":{"ports":[{"port":80}],"colour":"blue"}}"#
        let warned = try c.http("POST", Self.services + "?fieldValidation=Warn", headers: ["Content-Type": "application/json"], body: body)
        #expect(warned.status == 201 && warned.headers["warning"] == #"299 - "unknown field \"spec.colour\"""#, "\(warned.headers)")
        let strict = try c.http("POST", Self.services + "?fieldValidation=Strict", headers: ["Content-Type": "application/json"],
                                body: body.replacingOccurrences(of: "warned", with: "strict"))
        #expect(strict.status == 400)
        #expect(strict.json["message"] as? String
                == #"Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.colour""#)
        await c.stop()
    }

    @Test func curlBodiesWithExpectContinue() async throws {
        let c = try await APITestCluster.start()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            if underCI { Issue.record("curl is missing") }
            await c.stop()
            return
        }
        let padding = String(repeating: "x", count: 4000)
        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"curled","annotations":{"pad":"\#(padding)"}},"spec":{"ports":[{"port":80}]}}"#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H", "Content-Type: application/json",
                       "--data-binary", body, "\(c.url)\(Self.services)"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let result = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
        #expect(result.first == "201", "\(result)")
        #expect(Double(result.last ?? "9") ?? 9 < 0.9, "answered 100 Continue instead of making curl wait a second")
        await c.stop()
    }

    @Test func statusAndScaleSubresources() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        let scale = try c.http("GET", "/apis/apps/v1/namespaces/shop/deployments/cart/scale").json
        #expect(scale["kind"] as? String == "Scale" && (scale["spec"] as? [String: Any])?["replicas"] as? Int == 2)
        #expect((scale["status"] as? [String: Any])?["selector"] as? String == "app=cart")
        let patched = try c.http("PATCH", "/apis/apps/v1/namespaces/shop/deployments/cart/scale",
                                 headers: ["Content-Type": "application/merge-patch+json"], body: #"{"spec":{"replicas":3}}"#)
        #expect(patched.status == 200 && (patched.json["spec"] as? [String: Any])?["replicas"] as? Int == 3, "\(patched.body)")
        let status = try c.http("PATCH", "/api/v1/namespaces/shop/services/cart/status",
                                headers: ["Content-Type": "application/merge-patch+json"],
                                body: #"{"status":{"conditions":[{"type":"Probed","status":"True"}]},"spec":{"type":"NodePort"}}"#)
        #expect(status.status == 200, "\(status.body)")
        let svc = try #require(c.store.get(Service.self, namespace: "shop", name: "cart"))
        #expect(svc.status?.conditions?.first?.type == "Probed" && svc.type == "ClusterIP", "status only, spec untouched")
        // A status in a main-resource write is ignored, as on a real cluster.
        let main = try c.http("PATCH", "/api/v1/namespaces/shop/services/cart",
                              headers: ["Content-Type": "application/merge-patch+json"], body: #"{"status":{"conditions":null}}"#)
        #expect(main.status == 200 && c.store.get(Service.self, namespace: "shop", name: "cart")?.status?.conditions?.count == 1)
        await c.stop()
    }
}

@Suite("Listening")
struct ListeningTests {
    @Test(arguments: ["0.0.0.0", "192.168.1.10", "example.com"])
    func refusesNonLoopbackAddresses(_ host: String) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let c = try APITestCluster(secondOctet: 235)
        let server = KubeAPIServer(store: c.store, registry: c.registry, config: .init(host: host, port: 0), group: group)
        await #expect(throws: KubeAPIServer.ServerError.self) { try await server.start() }
        try await group.shutdownGracefully()
    }

    @Test func lenientUnknownFieldsWhenConfigured() async throws {
        let c = try APITestCluster(secondOctet: 235)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = KubeAPIServer.Configuration(host: APITestCluster.apiHost, port: 0)
        config.strictUnknownFields = false
        let server = KubeAPIServer(store: c.store, registry: c.registry, config: config, group: group)
        let address = try await server.start()
        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lenient"},"spec":{"ports":[{"port":80}],"colour":"blue"}}"#
        let r = try RawHTTP.request(address.host, address.port, "POST", "/api/v1/namespaces/default/services?fieldValidation=Strict",
                                    headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        #expect(r.status == 201 && r.headers["warning"]?.contains("spec.colour") == true, "\(r.body)")
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func shutdownEndsOpenWatches() async throws {
        let c = try await APITestCluster.start(secondOctet: 235)
        let watcher = try RawConnection(host: c.host, port: c.port)
        watcher.send("GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: x\r\n\r\n")
        try await c.waitForWatches(1)
        #expect(c.server.activeWatches == 1)
        await c.stop()
        #expect(c.server.activeWatches == 0)
        let rest = String(decoding: watcher.readAll(), as: UTF8.self)
        #expect(rest.hasPrefix("HTTP/1.1 200 OK"), "\(rest)")
    }
}
