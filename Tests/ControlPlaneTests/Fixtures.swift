import ClusterModel
@testable import ControlPlane

/// Small builders for controller tests; each test gets its own cluster and address block.
enum Fixture {
    static func cluster(block: Int = 10, nodes: Int = 3) throws -> (ControlLoop, ManualClock) {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: block)
        config.nodeCount = nodes
        let clock = ManualClock()
        let loop = try ControlLoop(config: config, clock: clock)
        try loop.bootstrap()
        loop.runUntilIdle()
        return (loop, clock)
    }

    static func deployment(_ name: String, replicas: Int, labels: [String: String], namespace: String = "default",
                           ports: [ContainerPort] = [ContainerPort(name: "http", containerPort: 8080)]) -> APIObject {
        var c = Container(name: "app", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", ports: ports)
        c.args = ["netexec", "--http-port=8080"]
        return .deployment(Deployment(metadata: ObjectMeta(name: name, namespace: namespace),
                                      spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels),
                                                           template: PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                                                                                     spec: PodSpec(containers: [c])))))
    }

    static func service(_ name: String, selector: [String: String]?, namespace: String = "default",
                        ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: .string("http"))],
                        type: String? = nil, clusterIP: String? = nil) -> APIObject {
        var spec = ServiceSpec(type: type, selector: selector, ports: ports)
        spec.clusterIP = clusterIP
        return .service(Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }
}

extension ControlLoop {
    func endpoints(_ name: String, namespace: String = "default") -> Endpoints? {
        store.get(Endpoints.self, namespace: namespace, name: name)
    }

    func readyIPs(_ name: String, namespace: String = "default") -> Set<String> {
        Set((endpoints(name, namespace: namespace)?.subsets ?? []).flatMap { $0.addresses ?? [] }.map(\.ip))
    }

    func notReadyIPs(_ name: String, namespace: String = "default") -> Set<String> {
        Set((endpoints(name, namespace: namespace)?.subsets ?? []).flatMap { $0.notReadyAddresses ?? [] }.map(\.ip))
    }

    func slices(of service: String, namespace: String = "default") -> [EndpointSlice] {
        store.list(EndpointSlice.self, namespace: namespace).filter { $0.labels[EndpointSliceLabel.serviceName] == service }
    }

    func pods(_ labels: [String: String], namespace: String = "default") -> [Pod] {
        store.list(Pod.self, namespace: namespace).filter { p in labels.allSatisfy { p.labels[$0.key] == $0.value } }
    }
}
