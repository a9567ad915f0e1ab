import ClusterModel
import DataPlane
import SwitchboardTestSupport
import Testing

/// One case of ingress-paths.json.
struct IngressPathCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Request: Decodable, Sendable {
        var scheme: String
        var host: String?
        var path: String
        var method: String?
    }
    struct Expect: Decodable, Sendable {
        var backend: String?
        var status: Int?
        var served: Bool?
    }
    var id: String
    var ingress: IngressSpec
    var request: Request
    var expect: Expect

    var testDescription: String { id }

    static let all = Vectors.decode([IngressPathCase].self, "ingress-paths.json", at: "cases")

    /// The case's Ingress as stored: default namespace, our default class unless it names one.
    var object: Ingress {
        Ingress(metadata: ObjectMeta(name: "case", namespace: "default"), spec: ingress)
    }
}

enum IngressTestClass {
    static let controller = "switchboard.dev/ingress-controller"
    static func ours(default isDefault: Bool = true, name: String = "switchboard") -> IngressClass {
        IngressClass(metadata: ObjectMeta(name: name, annotations: isDefault ? [IngressClassSelection.defaultClassAnnotation: "true"] : nil),
                     spec: IngressClassSpec(controller: controller))
    }
}

@Suite("Ingress routing vectors")
struct IngressRouterVectorTests {
    @Test func vectorFileIsComplete() {
        #expect(IngressPathCase.all.count >= 30)
        // Every case states an outcome: a backend, no match, or not served.
        for c in IngressPathCase.all {
            #expect(c.expect.backend != nil || c.expect.status == 404 || c.expect.served == false
                    || c.id.hasPrefix("docs-") || c.id.hasPrefix("api-"), "\(c.id)")
        }
    }

    @Test(arguments: IngressPathCase.all)
    func routes(_ c: IngressPathCase) {
        let selection = IngressClassSelection(classes: [IngressTestClass.ours()], controllerName: IngressTestClass.controller)
        let served = [c.object].filter(selection.serves)
        if c.expect.served == false {
            #expect(served.isEmpty, "an Ingress of a class we do not own is ignored")
            return
        }
        #expect(served.count == 1)
        let router = IngressRouter(ingresses: served)
        let route = router.route(IngressRequestTarget(uri: c.request.path, hostHeader: c.request.host))
        #expect(route?.backend.description == c.expect.backend, "\(c.id): got \(route?.label ?? "404")")
        if c.expect.backend == nil { #expect(route == nil) }
        if let route, c.ingress.defaultBackend != nil, c.ingress.rules?.isEmpty ?? true {
            #expect(route.isDefaultBackend)
        }
    }
}
