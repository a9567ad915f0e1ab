import ClusterModel
import ControlPlane
@testable import Engine
import Foundation
import Testing

@Suite("Process pods see their service environment")
struct ProcessPodEnvironmentTests {
    /// A pod started after two services sees exactly their variables — spelled as Kubernetes
    /// spells them, written out here by hand — plus `kubernetes`'s, and not a service made later.
    @Test func podStartedAfterTwoServicesSeesExactlyTheirVariables() async throws {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: 244)
        let engine = try LiveEngine(config: config, eventLoops: 1)
        try await engine.start()
        var db = ServiceSpec(selector: ["app": "db"], ports: [ServicePort(name: "postgres", port: 5432), ServicePort(name: "metrics", port: 9187)])
        db.clusterIP = "127.244.0.50"
        var cache = ServiceSpec(selector: ["app": "cache"], ports: [ServicePort(port: 6379, targetPort: .int(6379))])
        cache.clusterIP = "127.244.0.51"
        var errors = engine.cluster.apply([
            .service(Service(metadata: ObjectMeta(name: "backend-database", namespace: "default"), spec: db)),
            .service(Service(metadata: ObjectMeta(name: "redis", namespace: "default"), spec: cache)),
        ])
        #expect(errors.isEmpty)
        var c = Container(name: "shell", image: "debian")
        c.command = ["/bin/sh", "-c", "env | sort; sleep 30"]
        errors = engine.cluster.apply([.deployment(Deployment(
            metadata: ObjectMeta(name: "client", namespace: "default"),
            spec: DeploymentSpec(replicas: 1, selector: LabelSelector(matchLabels: ["app": "client"]),
                                 template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "client"]), spec: PodSpec(containers: [c])))))])
        #expect(errors.isEmpty)
        let pod = try #require(engine.cluster.store.list(Pod.self, namespace: "default").first { $0.labels["app"] == "client" })
        // A service created after the pod started must not appear.
        var late = ServiceSpec(selector: ["app": "late"], ports: [ServicePort(port: 80)])
        late.clusterIP = "127.244.0.52"
        #expect(engine.cluster.apply([.service(Service(metadata: ObjectMeta(name: "late", namespace: "default"), spec: late))]).isEmpty)

        var log = ""
        for _ in 0..<100 {
            log = engine.pods.logs(of: pod.key)
            if log.contains("REDIS_SERVICE_HOST") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let env = Dictionary(log.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let eq = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<eq]), String(line[line.index(after: eq)...]))
        }, uniquingKeysWith: { a, _ in a })
        let expected: [String: String] = [
            "BACKEND_DATABASE_SERVICE_HOST": "127.244.0.50",
            "BACKEND_DATABASE_SERVICE_PORT": "5432",
            "BACKEND_DATABASE_SERVICE_PORT_POSTGRES": "5432",
            "BACKEND_DATABASE_SERVICE_PORT_METRICS": "9187",
            "BACKEND_DATABASE_PORT": "tcp://127.244.0.50:5432",
            "BACKEND_DATABASE_PORT_5432_TCP": "tcp://127.244.0.50:5432",
            "BACKEND_DATABASE_PORT_5432_TCP_PROTO": "tcp",
            "BACKEND_DATABASE_PORT_5432_TCP_PORT": "5432",
            "BACKEND_DATABASE_PORT_5432_TCP_ADDR": "127.244.0.50",
            "BACKEND_DATABASE_PORT_9187_TCP": "tcp://127.244.0.50:9187",
            "BACKEND_DATABASE_PORT_9187_TCP_PROTO": "tcp",
            "BACKEND_DATABASE_PORT_9187_TCP_PORT": "9187",
            "BACKEND_DATABASE_PORT_9187_TCP_ADDR": "127.244.0.50",
            "REDIS_SERVICE_HOST": "127.244.0.51",
            "REDIS_SERVICE_PORT": "6379",
            "REDIS_PORT": "tcp://127.244.0.51:6379",
            "REDIS_PORT_6379_TCP": "tcp://127.244.0.51:6379",
            "REDIS_PORT_6379_TCP_PROTO": "tcp",
            "REDIS_PORT_6379_TCP_PORT": "6379",
            "REDIS_PORT_6379_TCP_ADDR": "127.244.0.51",
            "KUBERNETES_SERVICE_HOST": "127.244.0.1",
            "KUBERNETES_SERVICE_PORT": "443",
            "KUBERNETES_SERVICE_PORT_HTTPS": "443",
            "KUBERNETES_PORT": "tcp://127.244.0.1:443",
            "KUBERNETES_PORT_443_TCP": "tcp://127.244.0.1:443",
            "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
            "KUBERNETES_PORT_443_TCP_PORT": "443",
            "KUBERNETES_PORT_443_TCP_ADDR": "127.244.0.1",
        ]
        let serviceVars = env.filter { k, _ in k.contains("_SERVICE_") || k.hasSuffix("_PORT") || k.contains("_PORT_") }
            .filter { k, _ in !["PORT"].contains(k) }
        #expect(serviceVars == expected)
        #expect(env["POD_NAME"] == pod.name)
        #expect(env["POD_IP"] == engine.cluster.store.get(Pod.self, namespace: "default", name: pod.name)?.status?.podIP)
        #expect(env["LATE_SERVICE_HOST"] == nil)
        await engine.shutdown()
    }
}
