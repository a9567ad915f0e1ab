import ClusterModel
import Foundation
import KubeClient
import Telemetry
import Testing

/// The client against recorded kube-apiserver responses (Fixtures/): lists, a watch stream cut
/// at arbitrary chunk boundaries, and Status errors, served by `FixtureServer` on 127.236.0.x.
@Suite struct RecordedResponseTests {
    static let host = "127.236.0.1"

    func client(_ port: Int, token: String? = "t0k", timeout: Double = 5) throws -> KubeClient {
        try KubeClient(connection: ClusterConnection(server: URL(string: "http://\(Self.host):\(port)")!, bearerToken: token,
                                                     connectTimeout: timeout, requestTimeout: timeout), group: clientGroup)
    }

    @Test func listDecodesARealServiceListWithItsResourceVersion() async throws {
        let server = FixtureServer { _ in .json(200, FixtureServer.fixture("services-list.json")) }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let list = try await client(port).list(Service.self)
        #expect(list.resourceVersion == "48213")
        #expect(list.items.map(\.name) == ["kubernetes", "web"])
        let web = try #require(list.items.last)
        #expect(web.spec.type == "LoadBalancer")
        #expect(web.spec.ports?.first?.nodePort == 31380)
        #expect(web.spec.ports?.first?.targetPort == .string("http"))
        #expect(web.status?.loadBalancer?.ingress?.first?.ip == "172.18.255.200")
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/services")
        #expect(request.headers["authorization"] == "Bearer t0k")
    }

    @Test func realPodsAndEndpointSlicesDecodeIncludingNullEndpoints() async throws {
        let server = FixtureServer { r in
            r.path.hasSuffix("/pods") ? .json(200, FixtureServer.fixture("pods-list.json"))
                : .json(200, FixtureServer.fixture("endpointslices-list.json"))
        }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let c = try client(port)
        let pods = try await c.list(Pod.self).items
        #expect(pods.count == 1)
        #expect(pods.first?.isReady == true)
        #expect(pods.first?.status?.containerStatuses?.first?.restartCount == 2)
        #expect(pods.first?.ips == ["10.244.1.7"])
        let slices = try await c.list(EndpointSlice.self, namespace: "shop").items
        #expect(slices.map(\.name) == ["web-7xq2p", "empty-bx9k2"])
        #expect(slices.first?.endpoints.count == 2)
        #expect(slices.last?.endpoints.isEmpty == true)
        #expect(server.requests.last?.path == "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices")
    }

    @Test func watchDecodesEveryEventTypeWhateverTheChunkBoundaries() async throws {
        let stream = FixtureServer.fixture("services-watch.jsonl")
        let server = FixtureServer { _ in .chunks(pieces(stream, size: 7), delay: 0, keepOpen: false) }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        var seen: [String] = []
        for try await event in try client(port).watch(Service.self, resourceVersion: "48213") {
            switch event {
            case .added(let s): seen.append("ADDED \(s.name) \(s.metadata.resourceVersion ?? "")")
            case .modified(let s): seen.append("MODIFIED \(s.name) \(s.spec.selector?["track"] ?? "")")
            case .deleted(let s): seen.append("DELETED \(s.name)")
            case .bookmark(let rv): seen.append("BOOKMARK \(rv)")
            }
        }
        #expect(seen == ["ADDED cart 48220", "MODIFIED cart canary", "BOOKMARK 48240", "DELETED web"])
        let request = try #require(server.requests.first)
        #expect(request.queryValue("watch") == "true")
        #expect(request.queryValue("resourceVersion") == "48213")
    }

    @Test func statusErrorsBecomeTheServersOwnWords() async throws {
        let server = FixtureServer { r in
            switch (r.method, r.path) {
            case ("GET", "/api/v1/services"): .json(401, FixtureServer.fixture("status-401.json"))
            case ("GET", "/api/v1/nodes"): .json(403, FixtureServer.fixture("status-403.json"))
            case ("GET", "/api/v1/namespaces/shop/services/nope"): .json(404, FixtureServer.fixture("status-404.json"))
            case ("GET", "/api/v1/namespaces/shop/services/web"):
                .json(200, #"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":"web"}}}"#)
            case ("PATCH", _): .json(422, FixtureServer.fixture("status-422.json"))
            default: .json(500, "oops")
            }
        }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let c = try client(port)
        do {
            _ = try await c.list(Service.self)
            Issue.record("a 401 must throw")
        } catch {
            #expect(error.statusCode == 401)
            #expect(error.description.contains("refused the credentials (401 Unauthorized)"), "\(error)")
        }
        do {
            _ = try await c.list(Node.self)
            Issue.record("a 403 must throw")
        } catch {
            #expect(error.description.contains("403 Forbidden"), "\(error)")
            #expect(error.description.contains("cannot list resource \"nodes\""), "\(error)")
        }
        do {
            _ = try await c.get(Service.self, namespace: "shop", name: "nope")
            Issue.record("a 404 must throw")
        } catch {
            #expect(error.description == #"Error from server (NotFound): services "nope" not found"#)
        }
        let outcome = await APIClusterActions(client: c).perform(
            .setServiceSelector(ObjectRef(namespace: "shop", name: "web"), selector: ["app": "Bad Value"]))
        #expect(!outcome.isApplied)
        #expect(outcome.message.hasPrefix(#"Error from server (Invalid): Service "web" is invalid: spec.selector"#), "\(outcome.message)")
        let patch = try #require(server.requests.first { $0.method == "PATCH" })
        #expect(patch.headers["content-type"] == "application/merge-patch+json")
        // The dropped key is nulled, so the merge patch replaces the selector rather than adding to it.
        #expect(patch.body.contains(#""app":"Bad Value""#))
        #expect(server.requests.contains { $0.method == "GET" && $0.path == "/api/v1/namespaces/shop/services/web" })
    }

    @Test func aMirrorResumesFromTheLastResourceVersionAndRelistsOn410() async throws {
        let watches = Counter()
        let server = FixtureServer { r in
            let kind = r.path.split(separator: "/").last.map(String.init) ?? ""
            guard kind == "services" else {
                return r.queryValue("watch") == "true" ? .chunks([], delay: 0, keepOpen: true) : FixtureServer.emptyList(kind)
            }
            if r.queryValue("watch") != "true" { return .json(200, FixtureServer.fixture("services-list.json")) }
            switch watches.next() {
            case 0: return .chunks(pieces(FixtureServer.fixture("services-watch.jsonl"), size: 50), delay: 0, keepOpen: false)
            case 1: return .chunks([FixtureServer.fixture("watch-expired.jsonl")], delay: 0, keepOpen: false)
            default: return .chunks([], delay: 0, keepOpen: true)
            }
        }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let mirror = ClusterMirror(client: try client(port), initialBackoff: 0.05, maxBackoff: 0.2)
        mirror.start()
        defer { mirror.stop() }
        try await mirror.waitForSync(timeout: 30)
        let serviceRequests = { server.requests.filter { $0.path == "/api/v1/services" } }
        #expect(await eventually { serviceRequests().count(where: { $0.queryValue("watch") == nil }) >= 2 })
        let watchRVs = serviceRequests().filter { $0.queryValue("watch") == "true" }.map { $0.queryValue("resourceVersion") ?? "" }
        // The first watch starts at the list's RV; the second resumes after the last event (DELETED web, 48252).
        #expect(Array(watchRVs.prefix(2)) == ["48213", "48252"])
        // After the 410 the mirror relisted: the list's two services, the watch's changes replaced.
        #expect(await eventually { mirror.contents().services.map(\.name).sorted() == ["kubernetes", "web"] })
    }

    @Test func aFailingWatchShowsAsAWarningEventNotAsMadeUpTraffic() async throws {
        let server = FixtureServer { r in
            let kind = r.path.split(separator: "/").last.map(String.init) ?? ""
            if r.queryValue("watch") != "true" { return FixtureServer.emptyList(kind) }
            return kind == "pods" ? .json(500, #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcdserver: request timed out","reason":"InternalError","code":500}"#)
                : .chunks([], delay: 0, keepOpen: true)
        }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let mirror = ClusterMirror(client: try client(port), initialBackoff: 0.05, maxBackoff: 0.2)
        mirror.start()
        defer { mirror.stop() }
        try await mirror.waitForSync(timeout: 30)
        let source = MirrorSnapshotSource(mirror: mirror) { c in
            ClusterView(services: c.services.map { ServiceSummary(namespace: $0.namespace, name: $0.name, type: "ClusterIP",
                                                                   clusterIP: nil, ports: [], selector: nil) })
        }
        var snapshot = await source.snapshot()
        #expect(await eventually {
            snapshot = await source.snapshot()
            return snapshot.cluster?.events.contains { $0.type == "Warning" && $0.message.contains("etcdserver: request timed out") } == true
        })
        #expect(snapshot.proxy == nil, "no metrics URL: no traffic numbers")
        #expect(snapshot.ingress == nil)
    }

    @Test func anUnreachableServerFailsFastWithAClearMessage() async throws {
        let start = Date()
        do {
            _ = try await client(1, timeout: 3).list(Service.self)
            Issue.record("nothing listens on port 1")
        } catch {
            #expect("\(error)".contains("cannot connect to http://127.236.0.1:1: connection refused"), "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func aSilentServerTimesOutInsteadOfHanging() async throws {
        let server = FixtureServer { _ in .silence }
        let port = try await server.start(host: Self.host)
        defer { Task { await server.stop() } }
        let start = Date()
        do {
            _ = try await client(port, timeout: 0.5).list(Service.self)
            Issue.record("a silent server must time out")
        } catch {
            #expect("\(error)".contains("did not answer GET /api/v1/services within 0.5 s"), "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 30)
    }
}

/// A thread-safe counter for fixture routes.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

import Synchronization
