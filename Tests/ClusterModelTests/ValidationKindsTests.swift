import Testing
@testable import ClusterModel

/// Pod, Deployment, Endpoints, EndpointSlice, Node and Namespace rules, with upstream messages.
@Suite("Validation: other kinds")
struct ValidationKindsTests {
    static func pod(_ containers: [Container], _ tweak: (inout PodSpec) -> Void = { _ in }) -> Pod {
        var spec = PodSpec(containers: containers)
        tweak(&spec)
        var obj = APIObject.pod(Pod(metadata: ObjectMeta(name: "p", namespace: "default"), spec: spec))
        Defaulting.apply(&obj)
        guard case .pod(let p) = obj else { fatalError() }
        return p
    }

    static func messages(_ p: Pod) -> [String] { Validation.validate(.pod(p)).map(\.description) }

    @Test func podContainers() {
        #expect(Self.messages(Self.pod([])) == ["spec.containers: Required value"])
        #expect(Self.messages(Self.pod([Container(name: "a", image: "x"), Container(name: "a", image: "x")]))
                == ["spec.containers[1].name: Duplicate value: \"a\""])
        #expect(Self.messages(Self.pod([Container(name: "Web", image: nil)])).map { String($0.prefix(55)) } == [
            "spec.containers[0].name: Invalid value: \"Web\": a lowerc",
            "spec.containers[0].image: Required value",
        ])
    }

    @Test func containerPorts() {
        let c = Container(name: "a", image: "x", ports: [
            ContainerPort(name: "http", containerPort: 80),
            ContainerPort(name: "http", containerPort: 81),
            ContainerPort(name: "8080", containerPort: 70000, protocol: "ICMP"),
        ])
        #expect(Self.messages(Self.pod([c])) == [
            "spec.containers[0].ports[1].name: Duplicate value: \"http\"",
            "spec.containers[0].ports[2].name: Invalid value: \"8080\": must contain at least one letter (a-z)",
            "spec.containers[0].ports[2].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[2].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        ])
    }

    @Test func envAndProbes() {
        var c = Container(name: "a", image: "x")
        c.env = [EnvVar(name: "GOOD_NAME", value: "1"), EnvVar(name: "A=B", value: "2"), EnvVar(name: "", value: nil)]
        var probe = Probe()
        probe.tcpSocket = TCPSocketAction(port: .string("not_a_name"), host: nil)
        c.readinessProbe = probe
        c.livenessProbe = Probe()
        #expect(Self.messages(Self.pod([c])) == [
            "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
            "spec.containers[0].env[2].name: Required value",
            "spec.containers[0].livenessProbe: Required value: must specify a handler type",
            "spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: \"not_a_name\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ])
    }

    @Test func podLevelFields() {
        let p = Self.pod([Container(name: "a", image: "x")]) { spec in
            spec.dnsPolicy = "None"
            spec.restartPolicy = "Sometimes"
            spec.hostname = "Host"
        }
        let errs = Validation.validate(.pod(p))
        #expect(errs.map(\.field) == ["spec.restartPolicy", "spec.dnsConfig", "spec.hostname"])
        #expect(errs.first?.description == "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"")
        #expect(errs.dropFirst().first?.description == "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None")
    }

    static func deployment(selector: LabelSelector?, labels: [String: String], replicas: Int? = 1) -> Deployment {
        let template = PodTemplateSpec(metadata: ObjectMeta(labels: labels), spec: PodSpec(containers: [Container(name: "web", image: "nginx:1.27")]))
        var obj = APIObject.deployment(Deployment(metadata: ObjectMeta(name: "web", namespace: "default"),
                                                  spec: DeploymentSpec(replicas: replicas, selector: selector, template: template)))
        Defaulting.apply(&obj)
        guard case .deployment(let d) = obj else { fatalError() }
        return d
    }

    @Test func deploymentSelector() {
        let ok = Self.deployment(selector: LabelSelector(matchLabels: ["app": "web"]), labels: ["app": "web", "v": "1"])
        #expect(Validation.validate(.deployment(ok)).isEmpty)
        let mismatch = Self.deployment(selector: LabelSelector(matchLabels: ["app": "web"]), labels: ["app": "api"])
        #expect(Validation.validate(.deployment(mismatch)).map(\.description)
                == ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`"])
        let missing = Self.deployment(selector: nil, labels: ["app": "web"], replicas: -1)
        #expect(Validation.validate(.deployment(missing)).map(\.description)
                == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0", "spec.selector: Required value"])
        let empty = Self.deployment(selector: LabelSelector(), labels: ["app": "web"])
        #expect(Validation.validate(.deployment(empty)).map(\.detail) == ["empty selector is invalid for deployment"])
    }

    @Test func labelSelectorShape() {
        let sel = LabelSelector(matchLabels: ["app": "web"], matchExpressions: [
            LabelSelectorRequirement(key: "tier", operator: "In"),
            LabelSelectorRequirement(key: "env", operator: "Exists", values: ["x"]),
            LabelSelectorRequirement(key: "bad key", operator: "Like", values: ["a"]),
            LabelSelectorRequirement(key: "ok", operator: "NotIn", values: ["fine", "-bad"]),
        ])
        #expect(Validation.validateLabelSelector(sel, at: "spec.selector").map(\.field) == [
            "spec.selector.matchExpressions[0].values",
            "spec.selector.matchExpressions[1].values",
            "spec.selector.matchExpressions[2].operator",
            "spec.selector.matchExpressions[2].key",
            "spec.selector.matchExpressions[3].values[1]",
        ])
    }

    @Test func endpoints() {
        let ep = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"), subsets: [
            EndpointSubset(addresses: [EndpointAddress(ip: "10.1.0.5"), EndpointAddress(ip: "169.254.1.1"), EndpointAddress(ip: "nope")],
                           ports: [EndpointPort(name: "http", port: 80), EndpointPort(port: 0, protocol: "TCP")]),
            EndpointSubset(),
        ])
        #expect(Validation.validate(.endpoints(ep)).map(\.description) == [
            "subsets[0].addresses[1].ip: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            "subsets[0].addresses[2].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            "subsets[0].addresses[2].ip: Invalid value: \"nope\": must be a valid IP address",
            "subsets[0].ports[1].name: Required value",
            "subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
        ])
    }

    @Test func endpointSlices() {
        let slice = EndpointSlice(metadata: ObjectMeta(name: "web-1", namespace: "default"), addressType: "IPv4", endpoints: [
            Endpoint(addresses: ["10.1.0.5"], hostname: "web-0"),
            Endpoint(addresses: ["fd00::1"]),
            Endpoint(addresses: []),
        ], ports: [EndpointSlicePort(name: "http", port: 80), EndpointSlicePort(name: "http", port: 81, protocol: "HTTP")])
        #expect(Validation.validate(.endpointSlice(slice)).map(\.description) == [
            "endpoints[1].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address",
            "endpoints[2].addresses: Required value: must contain at least 1 address",
            "ports[1].name: Duplicate value: \"http\"",
            "ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        ])
        let badType = EndpointSlice(metadata: ObjectMeta(name: "x", namespace: "default"), addressType: "IPv5")
        #expect(Validation.validate(.endpointSlice(badType)).map(\.field) == ["addressType"])
    }

    @Test func nodesAndNamespaces() {
        #expect(Validation.validate(.node(Node(metadata: ObjectMeta(name: "node-1.local"), spec: NodeSpec(podCIDR: "10.244.1.0/24")))).isEmpty)
        #expect(Validation.validate(.node(Node(metadata: ObjectMeta(name: "n", namespace: "default"), spec: NodeSpec(podCIDR: "10.244.1.0/33"))))
            .map(\.field) == ["metadata.namespace", "spec.podCIDRs[0]"])
        #expect(Validation.validate(.namespace(Namespace(metadata: ObjectMeta(name: "team.a")))).map(\.field) == ["metadata.name"])
        #expect(Validation.validate(.namespace(Namespace(metadata: ObjectMeta(name: "team-a")))).isEmpty)
    }

    @Test func objectMetaRules() {
        var meta = ObjectMeta(name: "ok", namespace: "Bad_NS", labels: ["app": "-x", "a/b/c": "v"], annotations: ["Example.COM/Key": "x"])
        meta.generateName = "ok-"
        let errs = Validation.validateObjectMeta(meta, namespaced: true, name: Validation.nameIsDNSSubdomain)
        #expect(errs.map(\.field) == ["metadata.namespace", "metadata.labels", "metadata.labels"])
    }

    @Test func ipParsing() {
        for ok in ["1.2.3.4", "001.002.003.004", "::", "::1", "2001:db8::ffff", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8", "fe80::1:2"] {
            #expect(IPAddress.parse(ok) != nil, "\(ok)")
        }
        for bad in ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "1::2::3", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "garbage-ip", "1:2:3:4:5:6:7::8:9", "1.2.3.4/32"] {
            #expect(IPAddress.parse(bad) == nil, "\(bad)")
        }
        #expect(IPAddress.parse("::ffff:10.0.0.1")?.isIPv4 == true)
        #expect(IPAddress.parseCIDR("1.2.3.0/24") != nil)
        #expect(IPAddress.parseCIDR("1.2.3.4/33") == nil)
        #expect(IPAddress.parseCIDR("2001:db8::/64") != nil)
        #expect(IPAddress.parseCIDR("foo.bar") == nil)
    }
}
