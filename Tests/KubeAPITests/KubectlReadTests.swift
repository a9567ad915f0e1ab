import ClusterModel
import ControlPlane
import Foundation
import Testing

/// `kubectl get` / `describe` against the API server: the columns a real cluster prints.
@Suite("kubectl: reading")
struct KubectlReadTests {
    static func withShop(_ body: (APITestCluster, Kubectl) async throws -> Void) async throws {
        let c = try await APITestCluster.start()
        defer { Task { await c.stop() } }
        try c.apply(Fixtures.shop)
        guard let k = Kubectl.make(server: c.url) else { await c.stop(); return }
        try await body(c, k)
        await c.stop()
    }

    @Test func getServicesPrintsTheRealColumns() async throws {
        try await Self.withShop { c, k in
            let r = try await k.run("get", "svc", "-n", "shop")
            #expect(r.status == 0, "\(r)")
            let rows = r.rows
            #expect(rows.first == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], "\(r)")
            let svc = try #require(c.store.get(Service.self, namespace: "shop", name: "cart"))
            let cart = try #require(rows.first { $0.first == "cart" }, "\(r)")
            #expect(Array(cart.prefix(5)) == ["cart", "ClusterIP", svc.spec.clusterIP!, "<none>", "80/TCP"])
            let np = try #require(rows.first { $0.first == "cart-np" })
            #expect(np[1] == "NodePort" && np[4] == "80:30080/TCP", "\(np)")
            let lb = try #require(rows.first { $0.first == "cart-lb" })
            let lbService = try #require(c.store.get(Service.self, namespace: "shop", name: "cart-lb"))
            #expect(lb[1] == "LoadBalancer" && lb[3] == lbService.status?.loadBalancer?.ingress?.first?.ip, "\(lb)")
            #expect(lb[3].hasPrefix("127.234.200."))

            let wide = try await k.run("get", "svc", "cart", "-n", "shop", "-o", "wide")
            #expect(wide.rows.first?.last == "SELECTOR" && wide.rows.last?.last == "app=cart", "\(wide)")
        }
    }

    @Test func getPodsWideShowsReadinessIPAndNode() async throws {
        try await Self.withShop { c, k in
            let r = try await k.run("get", "pods", "-n", "shop", "-o", "wide")
            #expect(r.status == 0, "\(r)")
            #expect(r.rows.first == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], "\(r)")
            let pods = c.store.list(Pod.self, namespace: "shop")
            #expect(pods.count == 2)
            for pod in pods {
                let row = try #require(r.rows.first { $0.first == pod.name }, "\(r)")
                #expect(row[1] == "1/1" && row[2] == "Running" && row[3] == "0", "\(row)")
                #expect(row[5] == pod.status?.podIP && row[6] == pod.spec.nodeName, "\(row)")
            }
        }
    }

    @Test func getEndpointsIngressNodesDeploymentsNamespaces() async throws {
        try await Self.withShop { c, k in
            let ep = try await k.run("get", "ep", "-n", "shop", "cart")
            let ips = c.store.list(Pod.self, namespace: "shop").compactMap(\.status?.podIP).sorted()
            #expect(ep.rows.first == ["NAME", "ENDPOINTS", "AGE"], "\(ep)")
            let cell = ep.rows.last?[1] ?? ""
            #expect(cell.split(separator: ",").map { String($0.split(separator: ":")[0]) }.sorted() == ips, "\(ep)")
            #expect(cell.split(separator: ",").allSatisfy { $0.hasSuffix(":8080") })

            let ing = try await k.run("get", "ing", "-n", "shop")
            #expect(ing.rows.first == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], "\(ing)")
            #expect(Array(ing.rows.last?.prefix(3) ?? []) == ["shop", "<none>", "shop.local"], "\(ing)")

            let nodes = try await k.run("get", "nodes")
            #expect(nodes.rows.first == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], "\(nodes)")
            #expect(nodes.rows.dropFirst().map { Array($0.prefix(3)) } == [["node-1", "Ready", "<none>"], ["node-2", "Ready", "<none>"]])

            let deploy = try await k.run("get", "deploy", "-n", "shop")
            #expect(deploy.rows.first == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], "\(deploy)")
            #expect(deploy.rows.last?.first == "cart", "\(deploy)")

            let ns = try await k.run("get", "ns")
            #expect(ns.rows.first == ["NAME", "STATUS", "AGE"] && ns.rows.contains { $0.prefix(2) == ["shop", "Active"] }, "\(ns)")

            let all = try await k.run("get", "svc,ep,ing", "-A")
            #expect(all.status == 0, "\(all)")
            #expect(all.stdout.contains("service/cart ") && all.stdout.contains("endpoints/cart ")
                    && all.stdout.contains("ingress.networking.k8s.io/shop "), "\(all)")
            #expect(all.rows.contains { $0.prefix(2) == ["default", "service/kubernetes"] }, "\(all)")
        }
    }

    @Test func getYAMLAndJSONPath() async throws {
        try await Self.withShop { c, k in
            let ip = try await k.run("get", "svc", "cart", "-n", "shop", "-o", "jsonpath={.spec.clusterIP}")
            #expect(ip.stdout == c.store.get(Service.self, namespace: "shop", name: "cart")?.spec.clusterIP, "\(ip)")
            let yaml = try await k.run("get", "svc", "-n", "shop", "-o", "yaml")
            #expect(yaml.stdout.contains("kind: List") && yaml.stdout.contains("name: cart-np"), "\(yaml)")
            let missing = try await k.run("get", "svc", "nope", "-n", "shop")
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("Error from server (NotFound): services \"nope\" not found"), "\(missing)")
            let empty = try await k.run("get", "svc", "-n", "nowhere")
            #expect(empty.stderr.contains("No resources found in nowhere namespace."), "\(empty)")
        }
    }

    @Test func describeServiceShowsEndpointsFromSlices() async throws {
        try await Self.withShop { c, k in
            let r = try await k.run("describe", "svc", "cart", "-n", "shop")
            #expect(r.status == 0, "\(r)")
            let svc = try #require(c.store.get(Service.self, namespace: "shop", name: "cart"))
            #expect(r.stdout.contains("IP:                       \(svc.spec.clusterIP!)"), "\(r)")
            let ips = c.store.list(Pod.self, namespace: "shop").compactMap(\.status?.podIP)
            let endpointsLine = r.stdout.split(separator: "\n").first { $0.hasPrefix("Endpoints:") } ?? ""
            #expect(ips.allSatisfy { endpointsLine.contains("\($0):8080") }, "\(r)")
            #expect(r.stdout.contains("Selector:                 app=cart"))
        }
    }

    @Test func getPodsByLabelSelector() async throws {
        try await Self.withShop { c, k in
            try c.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: a-pod, namespace: sel, labels: {app: a}}
            spec: {containers: [{name: c, image: x}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b-pod, namespace: sel, labels: {app: b, env: prod}}
            spec: {containers: [{name: c, image: x}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: c-pod, namespace: sel, labels: {app: c}}
            spec: {containers: [{name: c, image: x}]}
            """)
            let r = try await k.run("get", "pods", "-n", "sel", "-l", "app in (a,b)", "-o", "name")
            #expect(r.stdout.split(separator: "\n") == ["pod/a-pod", "pod/b-pod"], "\(r)")
            let notin = try await k.run("get", "pods", "-n", "sel", "-l", "app notin (a),!env", "-o", "name")
            #expect(notin.stdout.split(separator: "\n") == ["pod/c-pod"], "\(notin)")
            let bad = try await k.run("get", "pods", "-n", "sel", "-l", "app in (a")
            #expect(bad.status == 1)
            // kubectl wraps the server's 400 in its "Unable to find … that match label selector" line.
            #expect(bad.stderr.hasPrefix("Error from server (BadRequest): "), "\(bad)")
            #expect(bad.stderr.contains("unable to parse requirement: found '', expected: ',' or ')'"), "\(bad)")
            let field = try await k.run("get", "pods", "-A", "--field-selector", "metadata.namespace=sel,metadata.name!=a-pod", "-o", "name")
            #expect(field.stdout.split(separator: "\n") == ["pod/b-pod", "pod/c-pod"], "\(field)")
        }
    }
}
