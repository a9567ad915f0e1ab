import Foundation
import Testing
@testable import ClusterModel

/// One test per defaulting rule, plus idempotence over every kind.
@Suite("Defaulting")
struct DefaultingTests {
    static func defaulted(_ object: APIObject) -> APIObject {
        var o = object
        Defaulting.apply(&o)
        return o
    }

    static func service(_ spec: ServiceSpec, name: String = "web") -> Service {
        Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
    }

    static func defaultedService(_ svc: Service) -> Service {
        guard case .service(let s) = defaulted(.service(svc)) else { fatalError() }
        return s
    }

    static let minimalService = service(ServiceSpec(selector: ["app": "web"], ports: [ServicePort(port: 80)]))

    @Test func serviceBasics() {
        let s = Self.defaultedService(Self.minimalService)
        #expect(s.spec.type == "ClusterIP")
        #expect(s.spec.sessionAffinity == "None")
        #expect(s.spec.sessionAffinityConfig == nil)
        #expect(s.spec.ports?[0].protocol == "TCP")
        #expect(s.spec.ports?[0].targetPort == .int(80))
        #expect(s.spec.externalTrafficPolicy == nil)  // not externally accessible
        #expect(s.spec.internalTrafficPolicy == "Cluster")
        #expect(s.spec.allocateLoadBalancerNodePorts == nil)
        #expect(s.spec.ipFamilyPolicy == "SingleStack")
        #expect(s.spec.ipFamilies == ["IPv4"])
        #expect(Validation.validate(.service(s)).isEmpty)
    }

    @Test func targetPortZeroOrEmptyBecomesPort() {
        var svc = Self.minimalService
        svc.spec.ports = [ServicePort(name: "a", port: 80, targetPort: .int(0)), ServicePort(name: "b", port: 81, targetPort: .string("")),
                          ServicePort(name: "c", port: 82, targetPort: .string("http"))]
        let s = Self.defaultedService(svc)
        #expect(s.spec.ports?.map(\.targetPort) == [.int(80), .int(81), .string("http")])
    }

    @Test func sessionAffinity() {
        var svc = Self.minimalService
        svc.spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 5))
        #expect(Self.defaultedService(svc).spec.sessionAffinityConfig == nil)  // cleared for None
        svc.spec.sessionAffinity = "ClientIP"
        #expect(Self.defaultedService(svc).spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == 5)
        svc.spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: nil))
        #expect(Self.defaultedService(svc).spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
        svc.spec.sessionAffinityConfig = nil
        #expect(Self.defaultedService(svc).spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
    }

    @Test func externalTrafficPolicyOnlyWhenExternallyAccessible() {
        var svc = Self.minimalService
        svc.spec.externalIPs = ["192.0.2.10"]
        #expect(Self.defaultedService(svc).spec.externalTrafficPolicy == "Cluster")
        svc.spec.externalIPs = nil
        svc.spec.type = "NodePort"
        #expect(Self.defaultedService(svc).spec.externalTrafficPolicy == "Cluster")
        svc.spec.type = "LoadBalancer"
        let lb = Self.defaultedService(svc)
        #expect(lb.spec.externalTrafficPolicy == "Cluster")
        #expect(lb.spec.allocateLoadBalancerNodePorts == true)
        #expect(Validation.validate(.service(lb)).isEmpty)
        svc.spec.externalTrafficPolicy = "Local"
        #expect(Self.defaultedService(svc).spec.externalTrafficPolicy == "Local")
    }

    @Test func loadBalancerStatusIPMode() {
        var svc = Self.minimalService
        svc.spec.type = "LoadBalancer"
        svc.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.1"),
                                                                             LoadBalancerIngress(ip: nil, hostname: "lb.example")]))
        let s = Self.defaultedService(svc)
        #expect(s.status?.loadBalancer?.ingress?.map(\.ipMode) == ["VIP", nil])
    }

    @Test func externalNameGetsNoTrafficPolicyOrFamilies() {
        var spec = ServiceSpec(type: "ExternalName")
        spec.externalName = "db.example.com"
        let s = Self.defaultedService(Self.service(spec))
        #expect(s.spec.internalTrafficPolicy == nil)
        #expect(s.spec.externalTrafficPolicy == nil)
        #expect(s.spec.ipFamilyPolicy == nil && s.spec.ipFamilies == nil)
        #expect(Validation.validate(.service(s)).isEmpty)
    }

    @Test func registryIPFields() {
        var svc = Self.minimalService
        svc.spec.clusterIP = "10.96.0.10"
        var s = Self.defaultedService(svc)
        #expect(s.spec.clusterIPs == ["10.96.0.10"])
        #expect(s.spec.ipFamilies == ["IPv4"])

        svc.spec.clusterIP = "None"
        s = Self.defaultedService(svc)
        #expect(s.spec.clusterIPs == ["None"])
        #expect(s.spec.ipFamilyPolicy == "SingleStack")  // headless with a selector

        svc.spec.selector = nil
        s = Self.defaultedService(svc)
        #expect(s.spec.ipFamilyPolicy == "RequireDualStack")  // headless without selector
        #expect(s.spec.ipFamilies == ["IPv4", "IPv6"])
        #expect(Validation.validate(.service(s)).isEmpty)
    }

    @Test func podDefaults() {
        var c = Container(name: "app", image: "nginx", ports: [ContainerPort(name: "http", containerPort: 80, protocol: nil)])
        var probe = Probe()
        probe.httpGet = HTTPGetAction(path: nil, port: .string("http"), host: nil, scheme: nil)
        c.readinessProbe = probe
        c.env = [EnvVar(name: "POD_IP", value: nil)]
        c.env?[0].valueFrom = EnvVarSource(fieldRef: ObjectFieldSelector(apiVersion: nil, fieldPath: "status.podIP"))
        let pinned = Container(name: "side", image: "registry.local:5000/busybox:1.36")
        let pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default"), spec: PodSpec(containers: [c, pinned]))
        guard case .pod(let p) = Self.defaulted(.pod(pod)) else { Issue.record("kind changed"); return }
        #expect(p.spec.restartPolicy == "Always")
        #expect(p.spec.dnsPolicy == "ClusterFirst")
        #expect(p.spec.enableServiceLinks == true)
        #expect(p.spec.terminationGracePeriodSeconds == 30)
        #expect(p.spec.containers[0].ports?[0].protocol == "TCP")
        #expect(p.spec.containers[0].imagePullPolicy == "Always")
        #expect(p.spec.containers[1].imagePullPolicy == "IfNotPresent")
        let r = p.spec.containers[0].readinessProbe
        #expect(r?.httpGet?.path == "/" && r?.httpGet?.scheme == "HTTP")
        #expect(r?.timeoutSeconds == 1 && r?.periodSeconds == 10 && r?.successThreshold == 1 && r?.failureThreshold == 3)
        #expect(p.spec.containers[0].env?[0].valueFrom?.fieldRef?.apiVersion == "v1")
        #expect(Validation.validate(.pod(p)).isEmpty)
    }

    @Test func hostNetworkPodsGetHostPorts() {
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default"),
                      spec: PodSpec(containers: [Container(name: "a", image: "x:1", ports: [ContainerPort(containerPort: 8080)])]))
        pod.spec.hostNetwork = true
        guard case .pod(let p) = Self.defaulted(.pod(pod)) else { return }
        #expect(p.spec.containers[0].ports?[0].hostPort == 8080)
    }

    @Test func deploymentDefaults() {
        let template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "web"]),
                                       spec: PodSpec(containers: [Container(name: "web", image: "nginx:1.27")]))
        let d = Deployment(metadata: ObjectMeta(name: "web", namespace: "default"),
                           spec: DeploymentSpec(replicas: nil, selector: LabelSelector(matchLabels: ["app": "web"]), template: template))
        guard case .deployment(let out) = Self.defaulted(.deployment(d)) else { return }
        #expect(out.spec.replicas == 1)
        #expect(out.spec.revisionHistoryLimit == 10)
        #expect(out.spec.progressDeadlineSeconds == 600)
        #expect(out.spec.strategy?["type"] == .string("RollingUpdate"))
        #expect(out.spec.strategy?["rollingUpdate"]?["maxSurge"] == .string("25%"))
        #expect(out.spec.template.spec.restartPolicy == "Always")
        #expect(out.spec.template.spec.enableServiceLinks == nil)  // Pod-only default
        #expect(Validation.validate(.deployment(out)).isEmpty)
    }

    @Test func secretDefaults() {
        var s = Secret(metadata: ObjectMeta(name: "s", namespace: "default"), data: ["a": "b2xk", "b": "Yg=="])
        s.stringData = ["a": "new value"]
        guard case .secret(let out) = Self.defaulted(.secret(s)) else { return }
        #expect(out.type == "Opaque")
        #expect(out.stringData == nil)
        #expect(out.data == ["a": Data("new value".utf8).base64EncodedString(), "b": "Yg=="])
    }

    @Test func endpointAndSliceProtocols() {
        let ep = Endpoints(metadata: ObjectMeta(name: "e", namespace: "default"),
                           subsets: [EndpointSubset(addresses: [EndpointAddress(ip: "10.1.0.5")], ports: [EndpointPort(port: 80, protocol: nil)])])
        guard case .endpoints(let e) = Self.defaulted(.endpoints(ep)) else { return }
        #expect(e.subsets?[0].ports?[0].protocol == "TCP")
        let slice = EndpointSlice(metadata: ObjectMeta(name: "s", namespace: "default"), endpoints: [],
                                  ports: [EndpointSlicePort(name: nil, port: 80, protocol: nil)])
        guard case .endpointSlice(let sl) = Self.defaulted(.endpointSlice(slice)) else { return }
        #expect(sl.ports?[0].protocol == "TCP")
        #expect(sl.ports?[0].name == "")
    }

    @Test func namespaceDefaults() {
        guard case .namespace(let ns) = Self.defaulted(.namespace(Namespace(metadata: ObjectMeta(name: "team-a")))) else { return }
        #expect(ns.metadata.labels == ["kubernetes.io/metadata.name": "team-a"])
        #expect(ns.status?.phase == "Active")
    }

    static let everyKind: [APIObject] = {
        var lb = minimalService
        lb.spec.type = "LoadBalancer"
        var clientIP = minimalService
        clientIP.spec.sessionAffinity = "ClientIP"
        var headless = minimalService
        headless.spec.clusterIP = "None"
        headless.spec.selector = nil
        var secret = Secret(metadata: ObjectMeta(name: "s", namespace: "default"))
        secret.stringData = ["k": "v"]
        var ic = IngressClass(metadata: ObjectMeta(name: "c"), spec: IngressClassSpec(controller: "x.io/y"))
        ic.spec?.parameters = .object(["kind": .string("Params"), "name": .string("p")])
        var c = Container(name: "a", image: "nginx", ports: [ContainerPort(containerPort: 80, protocol: nil)])
        c.livenessProbe = Probe()
        c.livenessProbe?.tcpSocket = TCPSocketAction(port: .int(80), host: nil)
        let template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "a"]), spec: PodSpec(containers: [c]))
        return [
            .service(minimalService), .service(lb), .service(clientIP), .service(headless),
            .pod(Pod(metadata: ObjectMeta(name: "p", namespace: "default"), spec: PodSpec(containers: [c]))),
            .deployment(Deployment(metadata: ObjectMeta(name: "d", namespace: "default"),
                                   spec: DeploymentSpec(replicas: nil, selector: LabelSelector(matchLabels: ["app": "a"]), template: template))),
            .secret(secret), .ingressClass(ic),
            .namespace(Namespace(metadata: ObjectMeta(name: "n"))),
            .endpointSlice(EndpointSlice(metadata: ObjectMeta(name: "e", namespace: "default"),
                                         ports: [EndpointSlicePort(name: nil, port: 80, protocol: nil)])),
            .node(Node(metadata: ObjectMeta(name: "node-1"))),
        ]
    }()

    @Test(arguments: everyKind)
    func idempotent(_ object: APIObject) {
        let once = Self.defaulted(object)
        #expect(Self.defaulted(once) == once)
        #expect(Validation.validate(once).isEmpty, "\(Validation.validate(once).map(\.description))")
    }
}
