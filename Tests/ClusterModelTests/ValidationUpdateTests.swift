import Testing
@testable import ClusterModel

/// Update-time rules: immutable fields and the registry's carry-over of allocated values.
@Suite("Validation: updates")
struct ValidationUpdateTests {
    static func allocated(_ type: String = "ClusterIP") -> Service {
        var spec = ServiceSpec(type: type, selector: ["app": "web"], ports: [ServicePort(name: "http", port: 80)])
        spec.clusterIP = "10.96.0.20"
        var svc = Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: spec)
        svc.metadata.uid = "u-1"
        svc.metadata.resourceVersion = "5"
        var obj = APIObject.service(svc)
        Defaulting.apply(&obj)
        guard case .service(let s) = obj else { fatalError() }
        return s
    }

    @Test func clusterIPIsImmutable() {
        let old = Self.allocated()
        var new = old
        new.spec.clusterIP = "10.96.0.21"
        new.spec.clusterIPs = ["10.96.0.21"]
        #expect(Validation.validateUpdate(old: .service(old), new: .service(new)).map(\.description)
                == ["spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.21\"}: may not change once set"])
    }

    @Test func nameAndNamespaceAreImmutable() {
        let old = Self.allocated()
        var new = old
        new.metadata.name = "web2"
        new.metadata.namespace = "other"
        #expect(Validation.validateUpdate(old: .service(old), new: .service(new)).map(\.description) == [
            "metadata.name: Invalid value: \"web2\": field is immutable",
            "metadata.namespace: Invalid value: \"other\": field is immutable",
        ])
    }

    @Test func switchingToExternalNameReleasesIPs() {
        let old = Self.allocated()
        var new = old
        new.spec.type = "ExternalName"
        new.spec.externalName = "db.example.com"
        new.spec.clusterIP = nil
        new.spec.clusterIPs = nil
        new.spec.ipFamilies = nil
        new.spec.ipFamilyPolicy = nil
        new.spec.internalTrafficPolicy = nil
        #expect(Validation.validateUpdate(old: .service(old), new: .service(new)).isEmpty)
    }

    @Test func reappliedManifestKeepsAllocations() {
        var old = Self.allocated("LoadBalancer")
        old.spec.ports?[0].nodePort = 31000
        old.spec.externalTrafficPolicy = "Local"
        old.spec.healthCheckNodePort = 32000
        // The same manifest applied again: no IPs, node ports or health-check port in it.
        var new = Service(metadata: ObjectMeta(name: "web", namespace: "default"),
                          spec: ServiceSpec(type: "LoadBalancer", selector: ["app": "web"], ports: [ServicePort(name: "http", port: 80)]))
        new.spec.externalTrafficPolicy = "Local"
        Defaulting.patchAllocatedValues(old: old, new: &new)
        var obj = APIObject.service(new)
        Defaulting.apply(&obj)
        guard case .service(let patched) = obj else { return }
        #expect(patched.spec.clusterIP == "10.96.0.20")
        #expect(patched.spec.ports?[0].nodePort == 31000)
        #expect(patched.spec.healthCheckNodePort == 32000)
        #expect(Validation.validateUpdate(old: .service(old), new: obj).isEmpty)

        var moved = patched
        moved.spec.healthCheckNodePort = 32001
        #expect(Validation.validateUpdate(old: .service(old), new: .service(moved)).map(\.description)
                == ["spec.healthCheckNodePort: Forbidden: field is immutable"])
    }

    @Test func loadBalancerClassIsImmutable() {
        var old = Self.allocated("LoadBalancer")
        old.spec.loadBalancerClass = "example.com/lb"
        var new = old
        new.spec.loadBalancerClass = "example.com/other"
        #expect(Validation.validateUpdate(old: .service(old), new: .service(new)).map(\.description)
                == ["spec.loadBalancerClass: Invalid value: \"example.com/other\": may not change once set"])
    }

    @Test func deploymentSelectorIsImmutable() {
        let template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "web", "tier": "fe"]),
                                       spec: PodSpec(containers: [Container(name: "web", image: "nginx:1.27")]))
        var obj = APIObject.deployment(Deployment(metadata: ObjectMeta(name: "web", namespace: "default"),
                                                  spec: DeploymentSpec(replicas: 2, selector: LabelSelector(matchLabels: ["app": "web"]), template: template)))
        Defaulting.apply(&obj)
        guard case .deployment(let old) = obj else { return }
        var new = old
        new.spec.selector = LabelSelector(matchLabels: ["app": "web", "tier": "fe"])
        #expect(Validation.validateUpdate(old: .deployment(old), new: .deployment(new)).map(\.description) == [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"tier\":\"fe\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
        ])
        new = old
        new.spec.replicas = 5
        #expect(Validation.validateUpdate(old: .deployment(old), new: .deployment(new)).isEmpty)
    }

    @Test func endpointSliceAddressTypeIsImmutable() {
        let old = EndpointSlice(metadata: ObjectMeta(name: "web-abc", namespace: "default"), addressType: "IPv4",
                                endpoints: [Endpoint(addresses: ["10.1.0.5"])], ports: [EndpointSlicePort(name: "", port: 80)])
        var new = old
        new.addressType = "IPv6"
        new.endpoints = [Endpoint(addresses: ["fd00::5"])]
        #expect(Validation.validateUpdate(old: .endpointSlice(old), new: .endpointSlice(new)).map(\.description)
                == ["addressType: Invalid value: \"IPv6\": field is immutable"])
    }

    @Test func podSpecIsMostlyImmutable() {
        var obj = APIObject.pod(Pod(metadata: ObjectMeta(name: "p", namespace: "default"),
                                    spec: PodSpec(containers: [Container(name: "a", image: "nginx:1")])))
        Defaulting.apply(&obj)
        guard case .pod(let old) = obj else { return }
        var new = old
        new.spec.containers[0].image = "nginx:2"
        new.spec.nodeName = "node-1"  // binding
        #expect(Validation.validateUpdate(old: .pod(old), new: .pod(new)).isEmpty)
        new.spec.hostname = "other"
        #expect(Validation.validateUpdate(old: .pod(old), new: .pod(new)).map(\.field) == ["spec"])
    }

    @Test func kindCannotChange() {
        let ns = APIObject.namespace(Namespace(metadata: ObjectMeta(name: "a")))
        let node = APIObject.node(Node(metadata: ObjectMeta(name: "a")))
        #expect(Validation.validateUpdate(old: ns, new: node).map(\.field) == ["kind"])
    }
}
