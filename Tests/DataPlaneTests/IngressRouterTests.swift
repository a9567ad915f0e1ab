import ClusterModel
@testable import DataPlane
import ControlPlane
import Testing

@Suite("Ingress router")
struct IngressRouterTests {
    static func path(_ path: String?, _ type: String = "Prefix", _ svc: String, port: Any = 80) -> HTTPIngressPath {
        IngressFixture.path(path, type, svc, port: port)
    }
    static func ingress(_ name: String, created: String = "2026-01-01T00:00:00Z", class cls: String? = nil,
                        rules: [IngressRule], defaultBackend: String? = nil, tls: [IngressTLS]? = nil,
                        annotations: [String: String]? = nil) -> Ingress {
        IngressFixture.ingress(name, created: created, class: cls, rules: rules, defaultBackend: defaultBackend, tls: tls,
                               annotations: annotations)
    }
    static func rule(_ host: String?, _ paths: HTTPIngressPath...) -> IngressRule {
        var r = IngressFixture.rule(host)
        r.http?.paths = paths
        return r
    }

    func backend(_ r: IngressRouter, _ host: String?, _ path: String) -> String? {
        r.route(IngressRequestTarget(uri: path, hostHeader: host))?.backend.service
    }

    @Test func preciseBeatsWildcardBeatsHostless() {
        let r = IngressRouter(ingresses: [
            Self.ingress("a", rules: [Self.rule(nil, Self.path("/", "Prefix", "any"))]),
            Self.ingress("b", rules: [Self.rule("*.foo.com", Self.path("/", "Prefix", "wild"))]),
            Self.ingress("c", rules: [Self.rule("bar.foo.com", Self.path("/x", "Prefix", "exact-host"))]),
        ])
        #expect(backend(r, "bar.foo.com", "/x/y") == "exact-host")
        #expect(backend(r, "BAR.foo.com:8080", "/x") == "exact-host", "port stripped, case folded")
        #expect(backend(r, "bar.foo.com", "/other") == nil, "host chosen first; no fall-through to wildcard or host-less")
        #expect(backend(r, "baz.foo.com", "/other") == "wild")
        #expect(backend(r, "a.baz.foo.com", "/") == "any", "wildcard covers one label only")
        #expect(backend(r, "foo.com", "/") == "any")
        #expect(backend(r, nil, "/") == "any")
    }

    @Test func rulesMergeAcrossIngressesOldestWinsTies() {
        let r = IngressRouter(ingresses: [
            Self.ingress("new", created: "2026-02-01T00:00:00Z", rules: [Self.rule("h.com", Self.path("/api", "Prefix", "new-api"), Self.path("/web", "Prefix", "web"))]),
            Self.ingress("old", created: "2026-01-01T00:00:00Z", rules: [Self.rule("h.com", Self.path("/api", "Prefix", "old-api"), Self.path("/api/v2", "Exact", "v2"))]),
        ])
        #expect(backend(r, "h.com", "/api/x") == "old-api")
        #expect(backend(r, "h.com", "/web") == "web")
        #expect(backend(r, "h.com", "/api/v2") == "v2")
        #expect(backend(r, "h.com", "/api/v2/x") == "old-api", "Exact does not match sub-paths")
    }

    @Test func implementationSpecificIsPrefixAndEmptyMeansAll() {
        let r = IngressRouter(ingresses: [Self.ingress("a", rules: [Self.rule("h.com", Self.path("/app", "ImplementationSpecific", "app"))]),
                                          Self.ingress("b", rules: [Self.rule("g.com", Self.path(nil, "ImplementationSpecific", "all"))])])
        #expect(backend(r, "h.com", "/app/1") == "app")
        #expect(backend(r, "h.com", "/application") == nil)
        #expect(backend(r, "g.com", "/anything") == "all")
    }

    @Test func defaultBackendOfTheHostsIngressFirst() {
        let r = IngressRouter(ingresses: [
            Self.ingress("global", created: "2026-01-01T00:00:00Z", rules: [], defaultBackend: "global-default"),
            Self.ingress("h", created: "2026-01-02T00:00:00Z", rules: [Self.rule("h.com", Self.path("/a", "Prefix", "a"))], defaultBackend: "h-default"),
        ])
        #expect(backend(r, "h.com", "/zzz") == "h-default")
        #expect(backend(r, "other.com", "/zzz") == "global-default")
        #expect(r.route(IngressRequestTarget(uri: "/zzz", hostHeader: "h.com"))?.isDefaultBackend == true)
    }

    @Test func queryAndFragmentAndAbsoluteForm() {
        let t = IngressRequestTarget(uri: "http://Example.COM:81/foo/bar?x=/baz#f", hostHeader: "ignored.com")
        #expect(t.host == "example.com")
        #expect(t.path == "/foo/bar")
        #expect(IngressRequestTarget(uri: "/p?q", hostHeader: "").host == nil)
        #expect(IngressRequestTarget(uri: "*", hostHeader: "h").path == "*")
    }

    @Test func portByName() {
        let r = IngressRouter(ingresses: [Self.ingress("a", rules: [Self.rule("h.com", Self.path("/", "Prefix", "svc", port: "http"))])])
        #expect(r.route(IngressRequestTarget(uri: "/", hostHeader: "h.com"))?.backend.port == .name("http"))
    }

    @Test func tlsSecretsBySNIPreciseThenWildcard() {
        let r = IngressRouter(ingresses: [
            Self.ingress("a", rules: [], tls: [IngressFixture.tls(["*.foo.com"], secret: "wild"), IngressFixture.tls(["a.foo.com"], secret: "a")]),
        ])
        #expect(r.tlsSecret(for: "a.foo.com")?.name == "a")
        #expect(r.tlsSecret(for: "B.foo.com")?.name == "wild")
        #expect(r.tlsSecret(for: "x.b.foo.com") == nil)
        #expect(r.tlsSecret(for: nil) == nil)
        #expect(r.hasTLS(host: "b.foo.com"))
    }

    @Test func classSelection() {
        let ours = IngressClass(metadata: ObjectMeta(name: "sb"), spec: IngressClassSpec(controller: IngressTestClass.controller))
        let theirs = IngressClass(metadata: ObjectMeta(name: "nginx", annotations: [IngressClassSelection.defaultClassAnnotation: "true"]),
                                  spec: IngressClassSpec(controller: "k8s.io/ingress-nginx"))
        let s = IngressClassSelection(classes: [ours, theirs], controllerName: IngressTestClass.controller)
        #expect(s.serves(Self.ingress("a", class: "sb", rules: [])))
        #expect(!s.serves(Self.ingress("b", class: "nginx", rules: [])))
        #expect(!s.serves(Self.ingress("c", rules: [])), "the default class is someone else's")
        #expect(s.serves(Self.ingress("d", rules: [], annotations: [IngressClassSelection.legacyClassAnnotation: "sb"])))
        let s2 = IngressClassSelection(classes: [IngressTestClass.ours()], controllerName: IngressTestClass.controller)
        #expect(s2.serves(Self.ingress("c", rules: [])))
        #expect(IngressClassSelection(classes: [], controllerName: "x", watchWithoutClass: true).serves(Self.ingress("c", rules: [])))
    }

    @Test func options() {
        let o = IngressOptions(annotations: ["nginx.ingress.kubernetes.io/affinity": "cookie",
                                             "nginx.ingress.kubernetes.io/session-cookie-name": "route",
                                             "nginx.ingress.kubernetes.io/session-cookie-max-age": "60",
                                             "nginx.ingress.kubernetes.io/ssl-redirect": "false"])
        #expect(o.cookieAffinity?.name == "route")
        #expect(o.cookieAffinity?.maxAge == 60)
        #expect(!o.sslRedirect)
        #expect(IngressOptions(annotations: [:]).cookieAffinity == nil)
        #expect(IngressOptions(annotations: ["nginx.ingress.kubernetes.io/affinity": "cookie"]).cookieAffinity?.name == "INGRESSCOOKIE")
    }
}

@Suite("Ingress controller service")
struct IngressControllerServiceTests {
    @Test func objectsValidateAndTheServiceGetsAPoolAddress() throws {
        var cc = ClusterConfig()
        cc.addresses = .compact(secondOctet: 164)
        let loop = try ControlLoop(config: cc, clock: SystemClock())
        try loop.bootstrap()
        loop.runUntilIdle()
        let result = loop.apply(IngressControllerService.objects())
        #expect(result.errors.isEmpty, "\(result.errors)")
        loop.runUntilIdle()
        let ip = try #require(IngressControllerService.address(in: loop.store))
        #expect(ip.hasPrefix("127.164.250."), "from the LoadBalancer pool")
        let selection = IngressClassSelection(classes: loop.store.list(IngressClass.self), controllerName: IngressTestClass.controller)
        #expect(selection.servesClassless)
    }
}
