import Telemetry
import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import NIOPosix
import Testing

/// Real sockets: curl → the ingress controller → test backends on pod-like addresses.
@Suite("Ingress proxy", .timeLimit(.minutes(1)))
struct IngressProxyTests {
    typealias F = IngressFixture

    @Test func twoHostsSeveralPathsOneAddressAndStatus() async throws {
        let c = try await IngressTestCluster(block: 151)
        try await c.backend(c.backendIP(1), name: "web")
        try await c.backend(c.backendIP(2), name: "api")
        try await c.backend(c.backendIP(3), name: "blog")
        try await c.service("web", ips: [c.backendIP(1)])
        try await c.service("api", port: 8080, portName: "api", ips: [c.backendIP(2)])
        try await c.service("blog", ips: [c.backendIP(3)])
        try await c.apply(F.ingress("shop", rules: [
            F.rule("shop.example.com", F.path("/", "Prefix", "web"), F.path("/api", "Prefix", "api", port: "api")),
        ]))
        try await c.apply(F.ingress("blog", rules: [F.rule("blog.example.com", F.path("/", "Prefix", "blog"))]))
        let web = try await c.curl("shop.example.com", "/cart?x=1")
        #expect(web.status == 200)
        #expect(web["backend"] == "web")
        #expect(web["path"] == "/cart?x=1", "path and query passed through unchanged")
        #expect(web["host"]?.hasPrefix("shop.example.com") == true)
        let api = try await c.curl("shop.example.com", "/api/v1")
        #expect(api["backend"] == "api", "port by name resolves through the Service")
        #expect(try await c.curl("blog.example.com", "/post/1")["backend"] == "blog")
        let none = try await c.curl("other.example.com", "/")
        #expect(none.status == 404)
        #expect(none.body.contains("No Ingress rule matches host \"other.example.com\""))
        // kubectl get ingress shows the address.
        for name in ["shop", "blog"] {
            let ing = try #require(c.store.get(Ingress.self, namespace: "default", name: name))
            #expect(ing.status?.loadBalancer?.ingress?.first?.ip == c.address)
        }
        // A client that asks to close after the response is counted like any other.
        #expect(try await c.curl("blog.example.com", "/bye", ["-H", "Connection: close"])["backend"] == "blog")
        let snap = c.controller.snapshot()
        let apiRoute = try #require(snap.routes.first { $0.backend == "api:api" })
        #expect(apiRoute.requests == 1 && apiRoute.count2xx == 1)
        let blogRoute = try #require(snap.routes.first { $0.ingress.hasSuffix("/blog") })
        #expect(blogRoute.requests == 2 && blogRoute.count2xx == 2, "\(blogRoute)")
        #expect(snap.unmatched == 1)
        await c.stop()
    }

    @Test func forwardedHeadersReachTheBackend() async throws {
        let c = try await IngressTestCluster(block: 152)
        try await c.backend(c.backendIP(1), name: "echo")
        try await c.service("echo", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("e", rules: [F.rule("echo.test", F.path("/", "Prefix", "echo"))]))
        let r = try await c.curl("echo.test", "/h", ["-H", "X-Forwarded-For: 10.1.2.3"])
        #expect(r["x-forwarded-for"] == "10.1.2.3, 127.0.0.1")
        #expect(r["x-real-ip"] == "127.0.0.1")
        #expect(r["x-forwarded-proto"] == "http")
        #expect(r["x-forwarded-host"]?.hasPrefix("echo.test") == true)
        await c.stop()
    }

    @Test func keepAlivePoolSurvivesClientConnectionClose() async throws {
        let c = try await IngressTestCluster(block: 153)
        let b = try await c.backend(c.backendIP(1), name: "pool")
        try await c.service("pool", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("p", rules: [F.rule("pool.test", F.path("/", "Prefix", "pool"))]))
        for _ in 0..<10 {
            let r = try await c.curl("pool.test", "/", ["-H", "Connection: close"])
            #expect(r.status == 200)
            #expect(r["connection"] == "", "the client's Connection: close is not forwarded")
        }
        #expect(b.requestCount == 10)
        #expect(b.acceptCount <= 2, "upstream connections are pooled per event loop (2 loops): \(b.acceptCount)")
        await c.stop()
    }

    @Test func noEndpointsIs503RefusedIs502AndRetriesAnotherEndpoint() async throws {
        let c = try await IngressTestCluster(block: 154)
        try await c.service("empty", ips: [])
        try await c.service("dead", ips: [c.backendIP(9)])   // nothing listens there
        try await c.backend(c.backendIP(1), name: "alive")
        try await c.service("mixed", ips: [c.backendIP(1), c.backendIP(8)])
        try await c.apply(F.ingress("x", rules: [F.rule("x.test", F.path("/empty", "Prefix", "empty"),
                                                        F.path("/dead", "Prefix", "dead"), F.path("/mixed", "Prefix", "mixed"),
                                                        F.path("/missing", "Prefix", "nosuchservice"))]))
        let empty = try await c.curl("x.test", "/empty")
        #expect(empty.status == 503)
        #expect(empty.body.contains("no ready endpoints"))
        let dead = try await c.curl("x.test", "/dead")
        #expect(dead.status == 502)
        #expect(dead.body.contains("refused"))
        let deadPost = try await c.curl("x.test", "/dead", ["-X", "POST", "-d", "hello"])
        #expect(deadPost.status == 502)
        #expect(try await c.curl("x.test", "/missing").status == 503)
        for _ in 0..<6 {
            let r = try await c.curl("x.test", "/mixed")
            #expect(r.status == 200 && r["backend"] == "alive", "a refused endpoint is retried on the other one")
        }
        await c.stop()
    }

    @Test func endpointChangesApplyLive() async throws {
        let c = try await IngressTestCluster(block: 155)
        try await c.backend(c.backendIP(1), name: "v1")
        try await c.backend(c.backendIP(2), name: "v2")
        try await c.service("app", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("a", rules: [F.rule("app.test", F.path("/", "Prefix", "app"))]))
        #expect(try await c.curl("app.test")["backend"] == "v1")
        try c.endpoints("app", ips: [c.backendIP(2)])
        await c.sync()
        #expect(try await c.curl("app.test")["backend"] == "v2")
        await c.stop()
    }

    @Test func cookieAffinitySticks() async throws {
        let c = try await IngressTestCluster(block: 156)
        for i in 1...3 { try await c.backend(c.backendIP(i), name: "pod\(i)") }
        try await c.service("sticky", ips: (1...3).map(c.backendIP))
        try await c.apply(F.ingress("s", rules: [F.rule("sticky.test", F.path("/", "Prefix", "sticky"))],
                                    annotations: ["nginx.ingress.kubernetes.io/affinity": "cookie",
                                                  "nginx.ingress.kubernetes.io/session-cookie-name": "route",
                                                  "nginx.ingress.kubernetes.io/session-cookie-max-age": "300"]))
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-jar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let first = try await c.curl("sticky.test", "/", ["-c", jar])
        #expect(first.headers.lowercased().contains("set-cookie: route="))
        #expect(first.headers.contains("Max-Age=300"))
        let pod = try #require(first["backend"])
        // 50 requests in one curl run (cookie jar read and written), all to the same pod.
        let urls = Array(repeating: "http://sticky.test:\(c.httpPort)/", count: 49)
        let rest = try await Curl.run(["--resolve", "sticky.test:\(c.httpPort):\(c.address)", "-b", jar, "-c", jar] + urls)
        let pods = rest.body.split(separator: "\n").compactMap { line -> String? in
            line.range(of: "backend=").map { String(line[$0.lowerBound...]) }
        }
        #expect(pods.count == 49)
        #expect(Set(pods) == ["backend=\(pod)"])
        // Without the cookie, requests spread.
        var spread = Set<String>()
        for _ in 0..<9 { spread.insert(try await c.curl("sticky.test")["backend"] ?? "") }
        #expect(spread.count > 1)
        await c.stop()
    }

    @Test func classesAndDefaultBackend() async throws {
        let c = try await IngressTestCluster(block: 157, defaultClass: false)
        try await c.backend(c.backendIP(1), name: "dflt")
        try await c.service("dflt", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("classless", rules: [], defaultBackend: "dflt"))
        try await c.apply(F.ingress("foreign", class: "nginx", rules: [F.rule("f.test", F.path("/", "Prefix", "dflt"))]))
        #expect(try await c.curl("any.test").status == 404, "class-less Ingresses are not ours without a default class")
        #expect(c.store.get(Ingress.self, namespace: "default", name: "classless")?.status?.loadBalancer?.ingress == nil)
        try await c.apply(F.ingress("mine", class: "switchboard", rules: [], defaultBackend: "dflt"))
        let r = try await c.curl("any.test", "/whatever", ["-X", "DELETE"])
        #expect(r["backend"] == "dflt" && r["method"] == "DELETE" && r["path"] == "/whatever")
        #expect(c.store.get(Ingress.self, namespace: "default", name: "foreign")?.status?.loadBalancer?.ingress == nil)
        await c.stop()
    }

    @Test func privilegedPortsFailWithAFixOrRemap() async throws {
        let store = try ControlLoop(config: { var cc = ClusterConfig(); cc.addresses = .compact(secondOctet: 158); return cc }(),
                                    clock: SystemClock())
        try store.bootstrap()
        let group = MultiThreadedEventLoopGroupHolder.make()
        var config = IngressConfig(address: "127.158.240.1")
        config.unprivilegedPortStart = 1024
        config.httpsPort = nil
        let refused = IngressController(store: store.store, registry: store.registry, group: group, config: config)
        await #expect(throws: IngressControllerError.self) { try await refused.start() }
        do { try await refused.start() } catch {
            #expect("\(error)".contains("port 80 is privileged") && "\(error)".contains("privilegedPortRemap"))
        }
        config.privilegedPortRemap = 20000 + Int.random(in: 0..<20000)
        let remapped = IngressController(store: store.store, registry: store.registry, group: group, config: config)
        try await remapped.start()
        #expect(remapped.httpPort == 80 + config.privilegedPortRemap!)
        await remapped.shutdown()
        try await group.shutdownGracefully()
    }
}

enum MultiThreadedEventLoopGroupHolder {
    static func make() -> NIOPosix.MultiThreadedEventLoopGroup { .init(numberOfThreads: 1) }
}
