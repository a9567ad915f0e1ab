import ClusterModel

extension ControlLoop {
    /// Creates what every cluster has before users arrive: the namespaces `default`,
    /// `kube-system` and `kube-public`; the nodes with loopback addresses and pod CIDRs; the
    /// `kubernetes` service (first service IP, endpoint = the API server) that every pod's
    /// environment names; and `kube-dns` at the cluster DNS address. Idempotent.
    public func bootstrap() throws(StoreError) {
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] where store.get(Namespace.self, name: ns) == nil {
            try registry.create(.namespace(Namespace(metadata: ObjectMeta(name: ns))))
        }
        guard let cidrs = try? config.addresses.validated() else { return }
        for i in 0..<config.nodeCount {
            let name = "\(config.nodeNamePrefix)\(i + 1)"
            guard store.get(Node.self, name: name) == nil else { continue }
            guard let podCIDR = cidrs.pod.subnet(i + 1, prefix: config.addresses.nodePodPrefix) else { break }
            let ip = cidrs.node.address(at: UInt32(i + 1))
            var meta = ObjectMeta(name: name, labels: [
                "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                "topology.kubernetes.io/zone": "zone-\(Character(UnicodeScalar(UInt8(97 + i % 3))))",
            ])
            meta.annotations = ["switchboard.dev/pod-cidr": podCIDR.description]
            let node = Node(metadata: meta, spec: NodeSpec(podCIDR: podCIDR.description),
                            status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: ip.description),
                                                           NodeAddress(type: "Hostname", address: name)],
                                               conditions: [Condition(type: "Ready", status: "True", reason: "KubeletReady",
                                                                      message: "kubelet is posting ready status",
                                                                      lastTransitionTime: Timestamp.rfc3339(clock.now()))]))
            try registry.create(.node(node))
        }
        let serviceCIDR = cidrs.service
        if store.get(Service.self, namespace: "default", name: "kubernetes") == nil {
            var spec = ServiceSpec(type: ServiceType.clusterIP, selector: nil,
                                   ports: [ServicePort(name: "https", protocol: "TCP", port: 443,
                                                       targetPort: .int(config.addresses.apiServerPort))])
            spec.clusterIP = serviceCIDR.address(at: 1).description
            try registry.create(.service(Service(metadata: ObjectMeta(name: "kubernetes", namespace: "default", labels: [
                "component": "apiserver", "provider": "kubernetes",
            ]), spec: spec)))
            try registry.create(.endpoints(Endpoints(metadata: ObjectMeta(name: "kubernetes", namespace: "default"), subsets: [
                EndpointSubset(addresses: [EndpointAddress(ip: config.addresses.apiServerHost)],
                               ports: [EndpointPort(name: "https", port: config.addresses.apiServerPort, protocol: "TCP")]),
            ])))
        }
        if store.get(Service.self, namespace: "kube-system", name: "kube-dns") == nil,
           let dnsIP = IPv4(config.addresses.clusterDNS), serviceCIDR.contains(dnsIP) {
            var spec = ServiceSpec(type: ServiceType.clusterIP, selector: nil, ports: [
                ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: .int(53)),
                ServicePort(name: "dns-tcp", protocol: "TCP", port: 53, targetPort: .int(53)),
            ])
            spec.clusterIP = dnsIP.description
            var meta = ObjectMeta(name: "kube-dns", namespace: "kube-system", labels: [
                "k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS",
            ])
            meta.annotations = ["switchboard.dev/served-by": "cluster-dns"]
            try registry.create(.service(Service(metadata: meta, spec: spec)))
        }
    }

    /// Loads objects as `kubectl apply -f` would, creating the namespaces they name first.
    /// Returns the objects stored; the first refusal stops nothing else — all errors are returned.
    @discardableResult
    public func apply(_ objects: [APIObject]) -> (applied: [APIObject], errors: [(APIObject, StoreError)]) {
        var applied: [APIObject] = []
        var errors: [(APIObject, StoreError)] = []
        for obj in objects.sorted(by: { $0.resource < $1.resource }) {
            if obj.resource.namespaced {
                let ns = obj.metadata.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
                if store.get(Namespace.self, name: ns) == nil {
                    _ = try? registry.create(.namespace(Namespace(metadata: ObjectMeta(name: ns))))
                }
            }
            do { applied.append(try registry.apply(obj)) } catch { errors.append((obj, error)) }
        }
        return (applied, errors)
    }
}
