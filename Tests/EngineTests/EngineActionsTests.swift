import ClusterModel
import ControlPlane
@testable import Engine
import Foundation
import Telemetry
import Testing

/// The live engine applying the dashboard's actions through the API write path, recording
/// Events, and keeping the edited cluster in a state directory.
@Suite("Engine actions", .serialized)
struct EngineActionsTests {
    static func objects() -> [APIObject] {
        func deployment(_ name: String, replicas: Int) -> APIObject {
            var container = Container(name: "web")
            container.image = "registry.k8s.io/pause:3.9"
            let template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": name]), spec: PodSpec(containers: [container]))
            return .deployment(Deployment(metadata: ObjectMeta(name: name, namespace: "default"),
                                          spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: ["app": name]),
                                                               template: template)))
        }
        var lb = ServiceSpec(type: "LoadBalancer", selector: ["app": "kubia"], ports: [ServicePort(name: "http", port: 80)])
        lb.externalTrafficPolicy = "Cluster"
        return [
            deployment("kubia", replicas: 2), deployment("hello", replicas: 1),
            .service(Service(metadata: ObjectMeta(name: "kubia", namespace: "default"),
                             spec: ServiceSpec(selector: ["app": "kubia"], ports: [ServicePort(name: "http", port: 80)]))),
            .service(Service(metadata: ObjectMeta(name: "kubia-lb", namespace: "default"), spec: lb)),
        ]
    }

    static func engine() async throws -> LiveEngine {
        var config = ClusterConfig()
        config.addresses = .compact(secondOctet: 249)
        let engine = try LiveEngine(config: config, eventLoops: 1)
        #expect(engine.cluster.apply(objects()).isEmpty)
        try await engine.start()
        return engine
    }

    @Test func actionsGoThroughTheRegistryAndBecomeEvents() async throws {
        let engine = try await Self.engine()
        let store = engine.cluster.store
        let kubia = ObjectRef(namespace: "default", name: "kubia")
        let applied = await engine.perform(.setServiceSelector(kubia, selector: ["app": "hello"]))
        #expect(applied == .applied("set selector of service default/kubia to app=hello"))
        #expect(store.get(Service.self, namespace: "default", name: "kubia")?.spec.selector == ["app": "hello"])
        let events = store.list(Event.self).filter { $0.source?.component == LiveEngine.actionComponent }
        #expect(events.compactMap(\.reason) == ["SelectorChanged"])
        #expect(events.first?.message == "set selector of service default/kubia to app=hello")
        #expect(events.first?.involvedObject.name == "kubia")

        // Refusals carry the API server's message verbatim and change nothing.
        let bad = await engine.perform(.setServiceSelector(kubia, selector: ["bad key": "x"]))
        #expect(!bad.isApplied)
        #expect(bad.message.hasPrefix("Service \"kubia\" is invalid: spec.selector"), "\(bad.message)")
        #expect(store.get(Service.self, namespace: "default", name: "kubia")?.spec.selector == ["app": "hello"])
        let negative = await engine.perform(.scaleDeployment(kubia, replicas: -1))
        #expect(negative.message.contains("spec.replicas"), "\(negative.message)")
        let clusterIP = await engine.perform(.setExternalTrafficPolicy(kubia, local: true))
        #expect(!clusterIP.isApplied && clusterIP.message.contains("externalTrafficPolicy"), "\(clusterIP.message)")
        let missing = await engine.perform(.deletePod(ObjectRef(namespace: "default", name: "nope")))
        #expect(missing == .refused("pods \"nope\" not found"))

        // The others.
        #expect(await engine.perform(.scaleDeployment(ObjectRef(namespace: "default", name: "hello"), replicas: 3)).isApplied)
        #expect(store.get(Deployment.self, namespace: "default", name: "hello")?.spec.replicas == 3)
        let lb = ObjectRef(namespace: "default", name: "kubia-lb")
        #expect(await engine.perform(.setExternalTrafficPolicy(lb, local: true)).isApplied)
        #expect(store.get(Service.self, namespace: "default", name: "kubia-lb")?.spec.healthCheckNodePort != nil)
        #expect(await engine.perform(.setSessionAffinity(lb, clientIP: true)).isApplied)
        #expect(store.get(Service.self, namespace: "default", name: "kubia-lb")?.spec.sessionAffinity == "ClientIP")
        #expect(await engine.perform(.cordonNode("node-1", cordoned: true)).isApplied)
        #expect(store.get(Node.self, name: "node-1")?.spec?.unschedulable == true)
        let pod = try #require(store.list(Pod.self).first { $0.labels["app"] == "kubia" })
        let podRef = ObjectRef(namespace: "default", name: pod.name)
        var labels = pod.labels
        labels["canary"] = "yes"
        #expect(await engine.perform(.setPodLabels(podRef, labels: labels)).isApplied)
        #expect(store.get(Pod.self, namespace: "default", name: pod.name)?.labels["canary"] == "yes")
        #expect(await engine.perform(.deletePod(podRef)).isApplied)
        #expect(await engine.perform(.setNodeReady("node-2", ready: false)).isApplied)
        #expect(store.get(Node.self, name: "node-2")?.isReady == false)
        let reasons = store.list(Event.self).filter { $0.source?.component == LiveEngine.actionComponent }.compactMap(\.reason)
        for r in ["Scaled", "TrafficPolicyChanged", "SessionAffinityChanged", "Cordoned", "LabelsChanged", "Killed", "NodeFailed"] {
            #expect(reasons.contains(r), "event \(r)")
        }
        await engine.shutdown()
    }

    @Test func stateDirectorySavesAtomicallyAndRestores() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let engine = try await Self.engine()
        let state = StateDirectory(url: dir)
        let actions = PersistingActions(engine: engine, state: state, sources: ["demo-data"])
        let kubia = ObjectRef(namespace: "default", name: "kubia")
        let outcome = await actions.perform(.setServiceSelector(kubia, selector: ["app": "hello"]))
        #expect(outcome.message.hasSuffix("(saved)"), "\(outcome.message)")
        _ = await actions.perform(.cordonNode("node-3", cordoned: true))
        let ip = engine.cluster.store.get(Service.self, namespace: "default", name: "kubia")?.spec.clusterIP
        await engine.shutdown()
        // Only the file is left in the directory (the temporary one was renamed over it).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [StateDirectory.fileName])
        let saved = try #require(try state.load())
        #expect(saved.sources == ["demo-data"])
        #expect(saved.nodes.first { $0.name == "node-3" }?.unschedulable == true)
        // A new engine from the saved objects has the edit and the same cluster IP.
        var config = ClusterConfig()
        config.addresses = .compact(secondOctet: 249)
        let again = try LiveEngine(config: config, eventLoops: 1)
        #expect(again.cluster.apply(saved.objects).isEmpty)
        again.restore(nodes: saved.nodes)
        let svc = again.cluster.store.get(Service.self, namespace: "default", name: "kubia")
        #expect(svc?.spec.selector == ["app": "hello"])
        #expect(svc?.spec.clusterIP == ip)
        #expect(again.cluster.store.get(Node.self, name: "node-3")?.spec?.unschedulable == true)
        #expect(again.cluster.store.list(Service.self).filter { $0.name == "kubernetes" }.count == 1)
        try? await again.group.shutdownGracefully()
        #expect(saved.addressPlan == config.addresses.planDescription)
        #expect(state.objects(saved, forPlan: config.addresses.planDescription).reallocated == false)
        // On another address plan the saved cluster IPs would be refused: they are re-allocated.
        var other = ClusterConfig()
        other.addresses = .compact(secondOctet: 250)
        let moved = state.objects(saved, forPlan: other.addresses.planDescription)
        #expect(moved.reallocated)
        let elsewhere = try ClusterEngine(config: other)
        #expect(elsewhere.apply(moved.objects).isEmpty)
        #expect(elsewhere.store.get(Service.self, namespace: "default", name: "kubia")?.spec.clusterIP?.hasPrefix("127.250.") == true)
        #expect(elsewhere.store.get(Service.self, namespace: "default", name: "kubia")?.spec.selector == ["app": "hello"])
    }

    @Test func defaultStateDirectoryIsNamedAfterTheManifests() {
        let a = StateDirectory.defaultURL(for: ["demo-data/"], environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/h"])
        #expect(a.path.hasPrefix("/x/state/switchboard/demo-data-"))
        #expect(a == StateDirectory.defaultURL(for: ["./demo-data"], environment: ["XDG_STATE_HOME": "/x/state"]))
        #expect(a != StateDirectory.defaultURL(for: ["demo-data/"], plan: "service 127.250.0.0/18",
                                               environment: ["XDG_STATE_HOME": "/x/state"]),
                "another address plan keeps its own state")
        let b = StateDirectory.defaultURL(for: ["other.yaml"], environment: ["HOME": "/h"])
        #expect(b.path.hasPrefix("/h/.local/state/switchboard/other-yaml-"))
        #expect(a.lastPathComponent != StateDirectory.defaultURL(for: ["demo-data", "x.yaml"], environment: [:]).lastPathComponent)
    }

    @Test func exportIsReadBackAsTheSameManifests() throws {
        let yamlText = try ClusterExport.yaml(Self.objects(), header: "exported")
        let result = ManifestDecoder.decode(Data(yamlText.utf8), file: "export.yaml")
        #expect(result.issues.filter { !$0.isWarning }.isEmpty, "\(result.issues)")
        #expect(result.documents.count == 4)
        #expect(Set(result.documents.map(\.object.displayName))
                == Set(Self.objects().map(\.displayName)))
        let list = try ClusterExport.listJSON(Self.objects())
        let fromJSON = ManifestDecoder.decode(list, file: "export.json")
        #expect(fromJSON.documents.count == 4 && fromJSON.issues.filter { !$0.isWarning }.isEmpty)
    }

    @Test func writeBackEditsTheLineAndKeepsComments() throws {
        let text = """
            # kubia: the demo
            apiVersion: v1
            kind: Service
            metadata:
              name: kubia   # the name
            spec:
              # who gets traffic
              selector:
                app: kubia
                tier: web
              ports:
              - port: 80 # http
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: kubia
            spec:
              selector:
                matchLabels: {app: kubia}
              template:
                metadata:
                  labels: {app: kubia}
                spec:
                  containers:
                  - name: web
                    image: registry.k8s.io/pause:3.9
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sb-wb-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let set = ManifestDecoder.load(paths: [file.path])
        #expect(!set.hasErrors, "\(set.issues)")
        let wb = ManifestWriteBack(set)
        let store = ObjectStore(clock: SystemClock())
        let kubia = ObjectRef(namespace: "default", name: "kubia")
        #expect(wb.apply(.setServiceSelector(kubia, selector: ["app": "hello"]), store: store) == "written to \(file.path)")
        #expect(wb.apply(.scaleDeployment(kubia, replicas: 4), store: store) == "written to \(file.path)")
        #expect(wb.apply(.setSessionAffinity(kubia, clientIP: true), store: store) == "written to \(file.path)")
        #expect(wb.apply(.deletePod(kubia), store: store).hasPrefix("not written back"))
        #expect(wb.apply(.scaleDeployment(ObjectRef(namespace: "default", name: "x"), replicas: 1), store: store)
                == "not written back: Deployment default/x is not in the manifests")
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(after.contains("# kubia: the demo") && after.contains("name: kubia   # the name")
                && after.contains("# who gets traffic") && after.contains("- port: 80 # http"), "\(after)")
        #expect(after.contains("  selector:\n    app: hello\n  ports:"), "\(after)")
        #expect(after.contains("spec:\n  sessionAffinity: ClientIP\n  # who gets traffic"), "\(after)")
        #expect(after.contains("spec:\n  replicas: 4\n  selector:\n    matchLabels: {app: kubia}"), "\(after)")
        let reread = ManifestDecoder.load(paths: [file.path])
        #expect(!reread.hasErrors)
        guard case .service(let svc)? = reread.objects.first else { Issue.record("no service"); return }
        #expect(svc.spec.selector == ["app": "hello"])
    }
}
