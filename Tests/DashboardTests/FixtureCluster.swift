import ClusterModel
import Dashboard
import Foundation
import Telemetry

/// A small cluster like the demo (kubia behind ClusterIP, NodePort and LoadBalancer services, a
/// database, an ExternalName, an ingress), with two proxy samples one second apart so rates,
/// shares and sparklines have values.
enum FixtureCluster {
    static let t0 = 1_714_564_800.0 // 2024-05-01T12:00:00Z

    static func meta(_ name: String, _ ns: String = "default", labels: [String: String]? = nil) -> ObjectMeta {
        ObjectMeta(name: name, namespace: ns, labels: labels)
    }

    static func service(_ name: String, type: String = "ClusterIP", ip: String?, selector: [String: String]?,
                        ports: [ServicePort], affinity: String? = nil) -> Service {
        var spec = ServiceSpec(type: type, selector: selector, ports: ports)
        spec.clusterIP = ip
        spec.sessionAffinity = affinity
        return Service(metadata: meta(name, labels: ["app": name]), spec: spec)
    }

    static func pod(_ name: String, ip: String, node: String, ready: Bool, labels: [String: String],
                    phase: String = "Running", restarts: Int = 0) -> Pod {
        var p = Pod(metadata: meta(name, labels: labels), spec: PodSpec(containers: [Container(name: "app")]))
        p.spec.nodeName = node
        var st = PodStatus(phase: phase)
        st.podIP = ip
        st.conditions = [Condition(type: "Ready", status: ready ? "True" : "False")]
        var cs = ContainerStatus(name: "app", ready: ready)
        cs.restartCount = restarts
        st.containerStatuses = [cs]
        p.status = st
        return p
    }

    static func slice(_ service: String, ports: [(String, Int)], endpoints: [(ip: String, pod: String, node: String, ready: Bool)]) -> EndpointSlice {
        EndpointSlice(
            metadata: meta(service + "-abc12", labels: [EndpointSliceLabel.serviceName: service]),
            endpoints: endpoints.map { e in
                Endpoint(addresses: [e.ip], conditions: EndpointConditions(ready: e.ready, serving: e.ready, terminating: false),
                         nodeName: e.node, targetRef: ObjectReference(kind: "Pod", namespace: "default", name: e.pod))
            },
            ports: ports.map { EndpointSlicePort(name: $0.0, port: $0.1) })
    }

    static var clusterView: ClusterView {
        let kubiaPods = [("kubia-7d9f-abcde", "127.244.1.10", "node-1", true),
                         ("kubia-7d9f-fghij", "127.244.2.10", "node-2", true),
                         ("kubia-7d9f-klmno", "127.244.3.10", "node-3", false)]
        var lb = service("kubia-lb", type: "LoadBalancer", ip: "127.98.87.138", selector: ["app": "kubia"],
                         ports: [ServicePort(name: "http", port: 80, targetPort: .string("http"), nodePort: 31254)])
        lb.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "127.200.0.1")]))
        var ext = service("external-api", type: "ExternalName", ip: nil, selector: nil, ports: [])
        ext.spec.externalName = "api.example.com"
        let services = [
            service("kubernetes", ip: "127.96.0.1", selector: nil,
                    ports: [ServicePort(name: "https", port: 443, targetPort: .int(6443))]),
            service("kubia", ip: "127.108.149.158", selector: ["app": "kubia"],
                    ports: [ServicePort(name: "http", port: 80, targetPort: .string("http")),
                            ServicePort(name: "https", port: 443, targetPort: .int(8443))], affinity: "ClientIP"),
            lb,
            service("kubia-nodeport", type: "NodePort", ip: "127.107.228.244", selector: ["app": "kubia"],
                    ports: [ServicePort(name: "http", port: 80, targetPort: .string("http"), nodePort: 30080)]),
            service("backend-database", ip: "127.97.34.230", selector: ["app": "backend-database"],
                    ports: [ServicePort(name: "postgres", port: 5432, targetPort: .string("postgres"))]),
            ext,
        ]
        let kubiaEndpoints = kubiaPods.map { (ip: $0.1, pod: $0.0, node: $0.2, ready: $0.3) }
        let slices = [
            slice("kubia", ports: [("http", 8080), ("https", 8443)], endpoints: kubiaEndpoints),
            slice("kubia-lb", ports: [("http", 8080)], endpoints: kubiaEndpoints),
            slice("kubia-nodeport", ports: [("http", 8080)], endpoints: kubiaEndpoints),
            slice("kubernetes", ports: [("https", 6443)], endpoints: []),
        ]
        var pods = kubiaPods.map { pod($0.0, ip: $0.1, node: $0.2, ready: $0.3, labels: ["app": "kubia"]) }
        pods.append(pod("backend-database-5c8d-pqrst", ip: "127.244.1.11", node: "node-1", ready: false,
                        labels: ["app": "backend-database"], phase: "Pending", restarts: 2))
        let nodes = (1...3).map { i in
            Node(metadata: ObjectMeta(name: "node-\(i)", labels: ["kubernetes.io/hostname": "node-\(i)"]),
                 spec: NodeSpec(podCIDR: "127.244.\(i).0/24"),
                 status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: "127.0.10.\(i)")],
                                    conditions: [Condition(type: "Ready", status: i == 3 ? "False" : "True")]))
        }
        let ingressJSON = """
        {"metadata":{"name":"kubia","namespace":"default"},"spec":{"ingressClassName":"switchboard",
         "tls":[{"hosts":["kubia.example.com"],"secretName":"kubia-tls"}],
         "rules":[{"host":"kubia.example.com","http":{"paths":[
           {"path":"/","pathType":"Prefix","backend":{"service":{"name":"kubia","port":{"name":"http"}}}},
           {"path":"/api","pathType":"Exact","backend":{"service":{"name":"backend-database","port":{"number":5432}}}}]}},
          {"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"kubia-nodeport","port":{"number":80}}}}]}}]}}
        """
        let ingress = try! JSONDecoder().decode(Ingress.self, from: Data(ingressJSON.utf8))
        let events = [
            Event(metadata: meta("e1"), involvedObject: ObjectReference(kind: "Service", namespace: "default", name: "kubia-lb"),
                  reason: "EnsuredLoadBalancer", message: "Allocated 127.200.0.1", timestamp: "2024-05-01T11:59:58Z",
                  component: "service-controller"),
            Event(metadata: meta("e2"), involvedObject: ObjectReference(kind: "Pod", namespace: "default", name: "kubia-7d9f-klmno"),
                  reason: "Unhealthy", message: "Readiness probe failed: connection refused", type: "Warning",
                  timestamp: "2024-05-01T11:59:59Z", component: "kubelet"),
        ]
        var view = ClusterView.build(services: services, endpointSlices: slices, pods: pods, nodes: nodes,
                                     ingresses: [ingress], events: events,
                                     environment: { s in s.isExternalName ? [] : ["\(s.name.uppercased().replacingOccurrences(of: "-", with: "_"))_SERVICE_HOST"] })
        view.podDetails = [podDetail]
        return view
    }

    /// What the engine reports for kubia-7d9f-abcde when the pod screen is open: it started after
    /// kubernetes and kubia, before the other services.
    static let podDetail = PodDetail(
        namespace: "default", name: "kubia-7d9f-abcde",
        containers: [ContainerEnvironment(container: "app", variables: [
            .init(name: "KUBERNETES_SERVICE_HOST", value: "127.96.0.1", fromService: true),
            .init(name: "KUBERNETES_SERVICE_PORT", value: "443", fromService: true),
            .init(name: "KUBIA_SERVICE_HOST", value: "127.108.149.158", fromService: true),
            .init(name: "KUBIA_SERVICE_PORT", value: "80", fromService: true),
            .init(name: "KUBIA_PORT_80_TCP", value: "tcp://127.108.149.158:80", fromService: true),
            .init(name: "GREETING", value: "hello from kubia", fromService: false),
        ])],
        resolvConf: "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.96.0.10\noptions ndots:5\n")

    static let podLog: FrameRenderer.PodLog = (ObjectRef(namespace: "default", name: "kubia-7d9f-abcde"),
                                               .success(["kubia server starting on :8080",
                                                         "Received request for /hostname from 127.0.0.1",
                                                         "Received request for / from 127.200.0.2"]))

    /// The ingress controller's counters: the kubia route busy, /api failing with 503 (the
    /// backend's only pod is not ready), the hostless rule idle.
    static func ingress(scale: UInt64) -> IngressSnapshot {
        let routes = [
            IngressRouteStats(host: "kubia.example.com", path: "/", backend: "kubia:http", ingress: "default/kubia",
                              requests: 100 * scale, statusClasses: [0, 90 * scale, 5 * scale, 3 * scale, 2 * scale],
                              bytesIn: 20_000 * scale, bytesOut: 90_000 * scale, p50Micros: 800, p99Micros: 4200,
                              endpointRequests: ["127.244.1.10:8080": 60 * scale, "127.244.2.10:8080": 40 * scale]),
            IngressRouteStats(host: "kubia.example.com", path: "/api", backend: "backend-database:5432",
                              ingress: "default/kubia", requests: 10 * scale, statusClasses: [0, 0, 0, 0, 10 * scale],
                              bytesIn: 1000 * scale, bytesOut: 500 * scale, p50Micros: 150, p99Micros: 300,
                              endpointRequests: [:]),
            IngressRouteStats(host: nil, path: "/", backend: "kubia-nodeport:80", ingress: "default/kubia", requests: 0,
                              statusClasses: [0, 0, 0, 0, 0], bytesIn: 0, bytesOut: 0, p50Micros: 0, p99Micros: 0,
                              endpointRequests: [:]),
        ]
        return IngressSnapshot(address: "127.200.0.2", httpPort: 80, httpsPort: 443, ingresses: ["default/kubia"],
                               routes: routes, unmatched: 3, recentFlows: [], tlsProblems: [], resourceVersion: 7)
    }

    static func counters(_ active: Int, _ total: Int, refused: Int = 0) -> TrafficStats {
        TrafficStats(counters: TrafficCounters(activeConnections: active, totalConnections: total, bytesIn: total * 300,
                                               bytesOut: total * 4096, refused: refused),
                     connectLatency: LatencySummary(count: total, p50: 180, p90: 400, p99: 1250, max: 3000))
    }

    static func proxy(time: Double, scale: Int) -> ProxySnapshot {
        let eps = [("127.244.1.10", "node-1"), ("127.244.2.10", "node-2")]
        let kubia = ServicePortStats(
            namespace: "default", name: "kubia", portName: "http", port: 80, traffic: counters(3, 40 * scale),
            endpoints: eps.enumerated().map { i, e in
                EndpointTrafficStats(ip: e.0, port: 8080, nodeName: e.1, ready: true, serving: true, terminating: false,
                                     traffic: counters(i == 0 ? 2 : 1, i == 0 ? 30 * scale : 10 * scale))
            },
            affinity: [AffinityEntry(clientIP: "127.0.0.1", endpoint: "127.244.1.10:8080", lastUsed: time, expiresIn: 10700)],
            sessionAffinityTimeoutSeconds: 10800)
        let nodePort = ServicePortStats(namespace: "default", name: "kubia-nodeport", portName: "http", port: 80,
                                        traffic: counters(0, 5 * scale), endpoints: [], affinity: [],
                                        sessionAffinityTimeoutSeconds: nil)
        let db = ServicePortStats(namespace: "default", name: "backend-database", portName: "postgres", port: 5432,
                                  traffic: counters(0, 0, refused: 4), endpoints: [], affinity: [],
                                  sessionAffinityTimeoutSeconds: nil)
        let flows = [
            FlowRecord(start: time - 0.5, client: "127.0.0.1:51000", frontend: "127.108.149.158:80", frontendKind: .clusterIP,
                       servicePort: "default/kubia:http", endpoint: "127.244.1.10:8080", nodeName: "node-1",
                       bytesIn: 78, bytesOut: 1450, duration: 2300, outcome: .closed),
            FlowRecord(start: time - 0.3, client: "127.0.0.1:51002", frontend: "127.0.10.1:30080", frontendKind: .nodePort,
                       servicePort: "default/kubia-nodeport:http", endpoint: "127.244.2.10:8080", nodeName: "node-1",
                       bytesIn: 78, bytesOut: 1450, duration: 1800, outcome: .closed),
            FlowRecord(start: time - 0.1, client: "127.0.0.1:51004", frontend: "127.97.34.230:5432", frontendKind: .clusterIP,
                       servicePort: "default/backend-database:postgres", endpoint: nil, nodeName: nil,
                       bytesIn: 0, bytesOut: 0, duration: 0, outcome: .refused),
            FlowRecord(start: time - 0.05, client: "127.0.0.1:51010", frontend: "127.200.0.2:80", frontendKind: .ingress,
                       servicePort: "default/kubia:http", endpoint: "127.244.1.10:8080", nodeName: nil,
                       bytesIn: 120, bytesOut: 900, duration: 900, outcome: .closed,
                       http: HTTPExchange(method: "GET", host: "kubia.example.com", path: "/hostname", status: 200,
                                          route: "kubia.example.com/ -> kubia:http")),
            FlowRecord(start: time - 0.02, client: "127.0.0.1:51012", frontend: "127.200.0.2:80", frontendKind: .ingress,
                       servicePort: "default/backend-database:5432", endpoint: nil, nodeName: nil,
                       bytesIn: 95, bytesOut: 180, duration: 300, outcome: .closed,
                       http: HTTPExchange(method: "POST", host: "kubia.example.com", path: "/api", status: 503,
                                          route: "kubia.example.com/api -> backend-database:5432")),
        ]
        let nodes = (1...3).map { i in
            NodeTrafficStats(name: "node-\(i)", address: "127.0.10.\(i)", ready: i != 3,
                             traffic: counters(i == 1 ? 1 : 0, i == 1 ? 5 * scale : 0))
        }
        return ProxySnapshot(time: time, resourceVersion: 42, listeners: [], servicePorts: [kubia, nodePort, db],
                             nodes: nodes, recentFlows: flows)
    }

    static var snapshots: [Snapshot] {
        let view = clusterView
        return [Snapshot(time: t0, proxy: proxy(time: t0, scale: 1), cluster: view, ingress: ingress(scale: 1)),
                Snapshot(time: t0 + 1, proxy: proxy(time: t0 + 1, scale: 2), cluster: view, ingress: ingress(scale: 2))]
    }

    static var model: DashboardModel {
        var m = DashboardModel()
        for s in snapshots { m.ingest(s) }
        return m
    }
}
