import ClusterModel
import ControlPlane

/// Small builders for the endpoints tests: a pod, a service and nodes with just the fields the
/// endpoints controllers read.
enum EndpointsFixtures {
    static func pod(_ name: String, ip: String?, namespace: String = "default", ready: Bool = true,
                    phase: String = "Running", terminating: Bool = false, node: String? = "node-1",
                    uid: String? = nil, containers: [Container] = [Container(name: "app")],
                    initContainers: [Container]? = nil, hostname: String? = nil, subdomain: String? = nil) -> Pod {
        var spec = PodSpec(containers: containers)
        spec.initContainers = initContainers
        spec.nodeName = node
        spec.hostname = hostname
        spec.subdomain = subdomain
        var status = PodStatus(phase: phase)
        if let ip {
            status.podIP = ip
            status.podIPs = [PodIP(ip: ip)]
        }
        status.conditions = [Condition(type: "Ready", status: ready ? "True" : "False")]
        var meta = ObjectMeta(name: name, namespace: namespace, labels: ["app": "x"])
        meta.uid = uid ?? "uid-\(name)"
        if terminating { meta.deletionTimestamp = "2025-01-01T00:00:00Z" }
        return Pod(metadata: meta, spec: spec, status: status)
    }

    static func service(_ name: String = "svc", namespace: String = "default", clusterIP: String? = "10.96.0.10",
                        ports: [ServicePort]? = [ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(8080))],
                        selector: [String: String]? = ["app": "x"], publishNotReadyAddresses: Bool? = nil,
                        labels: [String: String]? = nil, type: String? = nil) -> Service {
        var spec = ServiceSpec(type: type, selector: selector, ports: ports)
        spec.clusterIP = clusterIP
        spec.publishNotReadyAddresses = publishNotReadyAddresses
        var meta = ObjectMeta(name: name, namespace: namespace, labels: labels)
        meta.uid = "uid-service-\(name)"
        return Service(metadata: meta, spec: spec)
    }

    static func node(_ name: String = "node-1", zone: String? = nil) -> Node {
        Node(metadata: ObjectMeta(name: name, labels: zone.map { [EndpointsDerivation.zoneLabel: $0] }))
    }

    static let nodes: [String: Node] = ["node-1": node("node-1"), "node-2": node("node-2", zone: "zone-b")]

    static func container(_ name: String, ports: [ContainerPort], restartPolicy: String? = nil) -> Container {
        var c = Container(name: name, ports: ports)
        c.restartPolicy = restartPolicy
        return c
    }

    /// Every IP in a legacy Endpoints object, by list.
    static func addressIPs(_ endpoints: Endpoints) -> (ready: [String], notReady: [String]) {
        let subsets = endpoints.subsets ?? []
        return (subsets.flatMap { $0.addresses ?? [] }.map(\.ip),
                subsets.flatMap { $0.notReadyAddresses ?? [] }.map(\.ip))
    }

    static func sliceIPs(_ slices: [EndpointSlice]) -> [String] {
        slices.flatMap(\.endpoints).flatMap(\.addresses)
    }
}
