import ClusterModel
import ControlPlane
import Foundation
import Testing

/// `kubectl apply/create/replace/label/annotate/patch/scale/delete`, each checked in the store.
@Suite("kubectl: writing")
struct KubectlWriteTests {
    static func withCluster(_ body: (APITestCluster, Kubectl) async throws -> Void) async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        do { try await body(c, k) } catch {
            await c.stop()
            throw error
        }
        await c.stop()
    }

    static let web = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: shop
      labels: {app: web}
    spec:
      selector: {app: cart}
      ports:
      - {name: http, port: 80, targetPort: 8080}
    """

    static let webV2 = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: shop
      labels: {app: web, tier: frontend}
    spec:
      selector: {app: cart}
      ports:
      - {name: http, port: 80, targetPort: 8081}
      - {name: metrics, port: 9090}
    """

    @Test func applyCreatesThenConfiguresThenIsUnchanged() async throws {
        try await Self.withCluster { c, k in
            let file = k.file("web.yaml", Self.web)
            let created = try await k.run("apply", "-f", file)
            #expect(created.status == 0 && created.stdout == "service/web created\n", "\(created)")
            let svc = try #require(c.store.get(Service.self, namespace: "shop", name: "web"))
            #expect(svc.spec.clusterIP?.hasPrefix("127.232.") == true)
            #expect(svc.metadata.annotations?["kubectl.kubernetes.io/last-applied-configuration"]?.contains("\"targetPort\":8080") == true)

            let configured = try await k.run("apply", "-f", k.file("web2.yaml", Self.webV2))
            #expect(configured.stdout == "service/web configured\n", "\(configured)")
            let updated = try #require(c.store.get(Service.self, namespace: "shop", name: "web"))
            #expect(updated.ports.map(\.port) == [80, 9090])
            #expect(updated.ports.first?.targetPort == .int(8081))
            #expect(updated.labels == ["app": "web", "tier": "frontend"])
            #expect(updated.spec.clusterIP == svc.spec.clusterIP, "the allocation is kept across updates")

            let unchanged = try await k.run("apply", "-f", k.file("web2.yaml", Self.webV2))
            #expect(unchanged.stdout == "service/web unchanged\n", "\(unchanged)")

            // Back to one port: the strategic patch deletes port 9090 by its merge key.
            let back = try await k.run("apply", "-f", k.file("web.yaml", Self.web))
            #expect(back.stdout == "service/web configured\n", "\(back)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "web")?.ports.map(\.port) == [80])
        }
    }

    @Test func createReplaceAndAlreadyExists() async throws {
        try await Self.withCluster { c, k in
            let ing = k.file("ing.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              rules:
              - host: web.local
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
            """)
            let created = try await k.run("create", "-f", ing)
            #expect(created.stdout == "ingress.networking.k8s.io/web created\n", "\(created)")
            let again = try await k.run("create", "-f", ing)
            #expect(again.status == 1)
            #expect(again.stderr.contains("Error from server (AlreadyExists): error when creating \"\(ing)\": ingresses.networking.k8s.io \"web\" already exists"), "\(again)")

            let replaced = try await k.run("replace", "-f", k.file("ing2.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              ingressClassName: switchboard
              rules:
              - host: other.local
                http:
                  paths:
                  - {path: /api, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
            """))
            #expect(replaced.stdout == "ingress.networking.k8s.io/web replaced\n", "\(replaced)")
            let stored = try #require(c.store.get(Ingress.self, namespace: "shop", name: "web"))
            #expect(stored.spec?.rules?.first?.host == "other.local" && stored.spec?.ingressClassName == "switchboard")
        }
    }

    @Test func labelAnnotateAndStaleResourceVersion() async throws {
        try await Self.withCluster { c, k in
            let labeled = try await k.run("label", "svc", "cart", "-n", "shop", "team=payments")
            #expect(labeled.stdout == "service/cart labeled\n", "\(labeled)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart")?.labels["team"] == "payments")
            let removed = try await k.run("label", "svc", "cart", "-n", "shop", "team-")
            #expect(removed.status == 0, "\(removed)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart")?.labels["team"] == nil)

            let annotated = try await k.run("annotate", "svc", "cart", "-n", "shop", "owner=ops@example.com")
            #expect(annotated.stdout == "service/cart annotated\n", "\(annotated)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart")?.metadata.annotations?["owner"] == "ops@example.com")

            let stale = try await k.run("label", "svc", "cart", "-n", "shop", "x=y", "--resource-version=1")
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("Error from server (Conflict): Operation cannot be fulfilled on services \"cart\": the object has been modified"), "\(stale)")
        }
    }

    @Test func patchMergeJSONAndStrategic() async throws {
        try await Self.withCluster { c, k in
            let merge = try await k.run("patch", "svc", "cart", "-n", "shop", "--type", "merge",
                                        "-p", #"{"spec":{"sessionAffinity":"ClientIP"}}"#)
            #expect(merge.stdout == "service/cart patched\n", "\(merge)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart")?.spec.sessionAffinity == "ClientIP")

            let json = try await k.run("patch", "svc", "cart", "-n", "shop", "--type", "json",
                                       "-p", #"[{"op":"add","path":"/spec/ports/-","value":{"name":"admin","port":9000,"targetPort":9000}}]"#)
            #expect(json.stdout == "service/cart patched\n", "\(json)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart")?.ports.map(\.port) == [80, 9000])

            // Strategic: the container list merges by name, the ports list of the service by port.
            let strategic = try await k.run("patch", "svc", "cart", "-n", "shop",
                                            "-p", #"{"spec":{"ports":[{"port":9000,"targetPort":9999}]}}"#)
            #expect(strategic.stdout == "service/cart patched\n", "\(strategic)")
            let ports = c.store.get(Service.self, namespace: "shop", name: "cart")?.ports ?? []
            #expect(ports.map(\.port) == [80, 9000] && ports.last?.targetPort == .int(9999), "\(ports)")

            let deploy = try await k.run("patch", "deploy", "cart", "-n", "shop",
                                         "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"cart","env":[{"name":"MODE","value":"fast"}]}]}}}}"#)
            #expect(deploy.stdout == "deployment.apps/cart patched\n", "\(deploy)")
            let container = c.store.get(Deployment.self, namespace: "shop", name: "cart")?.spec.template.spec.containers
            #expect(container?.count == 1 && container?.first?.image?.contains("agnhost") == true
                    && container?.first?.env == [EnvVar(name: "MODE", value: "fast")], "\(String(describing: container))")

            let noop = try await k.run("patch", "svc", "cart", "-n", "shop", "--type", "json",
                                       "-p", #"[{"op":"remove","path":"/spec/nothing"}]"#)
            #expect(noop.status == 1 && noop.stderr.contains("doc is missing path: \"/spec/nothing\""), "\(noop)")
        }
    }

    @Test func scaleDeploymentAndDelete() async throws {
        try await Self.withCluster { c, k in
            let scaled = try await k.run("scale", "deploy", "cart", "-n", "shop", "--replicas=4")
            #expect(scaled.stdout == "deployment.apps/cart scaled\n", "\(scaled)")
            c.settle()
            #expect(c.store.list(Pod.self, namespace: "shop").count == 4)
            #expect(c.store.get(Deployment.self, namespace: "shop", name: "cart")?.spec.replicas == 4)
            let pods = try await k.run("get", "deploy", "cart", "-n", "shop")
            #expect(pods.rows.last?[1] == "4/4", "\(pods)")

            let deleted = try await k.run("delete", "svc", "cart-np", "-n", "shop")
            #expect(deleted.stdout == "service \"cart-np\" deleted\n", "\(deleted)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "cart-np") == nil)
            #expect(!c.registry.isNodePortAllocated(30080), "the NodePort is released through the registry")
            let again = try await k.run("delete", "svc", "cart-np", "-n", "shop")
            #expect(again.status == 1 && again.stderr.contains("Error from server (NotFound): services \"cart-np\" not found"), "\(again)")

            // Pods are deleted gracefully; --grace-period=0 --force removes at once.
            let pod = try #require(c.store.list(Pod.self, namespace: "shop").first)
            let killed = try await k.run("delete", "pod", pod.name, "-n", "shop", "--grace-period=0", "--force")
            #expect(killed.status == 0, "\(killed)")
            c.settle()
            #expect(c.store.get(Pod.self, namespace: "shop", name: pod.name) == nil)
            #expect(c.store.list(Pod.self, namespace: "shop").count == 4, "the deployment replaced the pod")
        }
    }

    @Test func validationErrorsCarryFieldPaths() async throws {
        try await Self.withCluster { c, k in
            let twoUnnamed = try await k.run("apply", "-f", k.file("bad.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: two-ports, namespace: shop}
            spec:
              selector: {app: cart}
              ports:
              - {port: 80}
              - {port: 81}
            """))
            #expect(twoUnnamed.status == 1)
            #expect(twoUnnamed.stderr.contains("The Service \"two-ports\" is invalid: "), "\(twoUnnamed)")
            #expect(twoUnnamed.stderr.contains("* spec.ports[0].name: Required value"), "\(twoUnnamed)")
            #expect(twoUnnamed.stderr.contains("* spec.ports[1].name: Required value"), "\(twoUnnamed)")

            let badName = try await k.run("create", "-f", k.file("bad2.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: Bad_Name, namespace: shop}
            spec:
              ports: [{port: 70000}]
            """))
            #expect(badName.stderr.contains("* metadata.name: Invalid value: \"Bad_Name\""), "\(badName)")
            #expect(badName.stderr.contains("* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"), "\(badName)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "two-ports") == nil)

            let unknown = try await k.run("apply", "-f", k.file("typo.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: typo, namespace: shop}
            spec:
              selectr: {app: cart}
              ports: [{port: 80}]
            """))
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("strict decoding error: unknown field \"spec.selectr\""), "\(unknown)")
        }
    }

    @Test func serverSideApplyCreatesAndMerges() async throws {
        try await Self.withCluster { c, k in
            let first = try await k.run("apply", "--server-side", "-f", k.file("web.yaml", Self.web))
            #expect(first.stdout == "service/web serverside-applied\n", "\(first)")
            let second = try await k.run("apply", "--server-side", "-f", k.file("web2.yaml", Self.webV2))
            #expect(second.stdout == "service/web serverside-applied\n", "\(second)")
            let svc = try #require(c.store.get(Service.self, namespace: "shop", name: "web"))
            #expect(svc.ports.map(\.port) == [80, 9090] && svc.labels["tier"] == "frontend")
            let dry = try await k.run("apply", "--server-side", "--dry-run=server", "-f", k.file("dry.yaml",
                Self.web.replacingOccurrences(of: "name: web", with: "name: web-dry")))
            #expect(dry.status == 0, "\(dry)")
            #expect(c.store.get(Service.self, namespace: "shop", name: "web-dry") == nil)
        }
    }
}
