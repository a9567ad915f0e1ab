import ClusterModel

/// The pure functions of Kubernetes' two endpoints controllers (the legacy Endpoints controller in
/// k/k `pkg/controller/endpoint` and the EndpointSlice reconciler in `k8s.io/endpointslice`). The
/// control loop lists a service's pods and nodes and calls these; nothing here touches the store,
/// so every rule can be checked against upstream's own test tables.
///
/// The functions are split by concern across `Endpoints/*.swift`: this file holds the membership
/// rules and small shared helpers; `FindPort.swift` the port resolution; `EndpointSliceBuilder.swift`
/// and `LegacyEndpoints.swift` the two objects.
public enum EndpointsDerivation {
    /// Upstream's `maxCapacity`: the legacy Endpoints object stops growing here, so that one huge
    /// service cannot produce an object etcd refuses; EndpointSlices have no such cap.
    public static let maxEndpointsCapacity = 1000

    /// Upstream's default `--max-endpoints-per-slice`: small slices keep watch updates small when a
    /// single pod of a big service changes.
    public static let maxEndpointsPerSlice = 100

    /// `endpoints.kubernetes.io/over-capacity`, set to `truncated` on a legacy Endpoints object that
    /// lost addresses to the capacity cap, so readers know the list is incomplete.
    public static let overCapacityAnnotation = "endpoints.kubernetes.io/over-capacity"
    public static let overCapacityTruncated = "truncated"

    /// The node label whose value becomes an endpoint's `zone` (topology-aware routing reads it).
    public static let zoneLabel = "topology.kubernetes.io/zone"

    /// endpointslice util `ShouldPodBeInEndpoints`: terminal pods and pods without an IP never
    /// count; terminating ones only when the caller asks (the legacy controller passes
    /// `publishNotReadyAddresses`, the EndpointSlice controller always `true`). Readiness is not
    /// checked here: Pending and unready pods are candidates and land as not ready.
    public static func shouldPodBeInEndpoints(_ pod: Pod, includeTerminating: Bool) -> Bool {
        if pod.isTerminal { return false }
        let podIP = pod.status?.podIP ?? ""
        let podIPs = pod.status?.podIPs ?? []
        if podIP.isEmpty && podIPs.isEmpty { return false }
        if !includeTerminating && pod.isTerminating { return false }
        return true
    }

    /// endpointslice util `ShouldSetHostname`: a pod publishes its `hostname` on an endpoint only
    /// for the headless service named by its `subdomain` in its own namespace, which is what makes
    /// `<hostname>.<subdomain>.<ns>.svc` resolve (DNS reads the hostname from the endpoint).
    public static func shouldSetHostname(pod: Pod, service: Service) -> Bool {
        let hostname = pod.spec.hostname ?? ""
        return !hostname.isEmpty && (pod.spec.subdomain ?? "") == service.name
            && service.namespace == pod.namespace
    }

    /// Whether the endpoints controllers manage this service at all: ExternalName services get
    /// nothing, and selector-less ones get whatever users write by hand (`syncService`). A non-nil
    /// empty selector is managed (it selects every pod of the namespace).
    public static func managesEndpoints(of service: Service) -> Bool {
        !service.isExternalName && service.spec.selector != nil
    }

    /// The `includeTerminating` each controller passes to `shouldPodBeInEndpoints`: the legacy
    /// controller keeps terminating pods only for `publishNotReadyAddresses` services, the
    /// EndpointSlice controller always keeps them (their conditions say they are terminating).
    public static func includeTerminating(legacyEndpointsOf service: Service) -> Bool {
        service.spec.publishNotReadyAddresses ?? false
    }
    public static let includeTerminatingInEndpointSlices = true

    // MARK: - Shared helpers

    /// apis/core/v1/helper `IsServiceIPSet`: neither empty nor `None`. Services without one carry
    /// the `service.kubernetes.io/headless` label on their endpoints objects.
    static func isServiceIPSet(_ service: Service) -> Bool {
        let ip = service.spec.clusterIP ?? ""
        return !ip.isEmpty && ip != "None"
    }

    /// Textual family test, as `utilnet.IsIPv6String` would answer for well-formed addresses.
    static func isIPv6(_ ip: String) -> Bool { ip.utf8.contains(UInt8(ascii: ":")) }

    static func defaultedProtocol(_ p: String?) -> String {
        guard let p, !p.isEmpty else { return "TCP" }
        return p
    }

    /// The address type an IP belongs to (`IPv4` / `IPv6`).
    static func addressType(of ip: String) -> String { isIPv6(ip) ? "IPv6" : "IPv4" }

    /// Labels shared by both endpoints objects: the service's own labels, with the headless label
    /// added when the service has no cluster IP and removed otherwise.
    static func headlessAdjusted(_ labels: [String: String], service: Service) -> [String: String] {
        var labels = labels
        if isServiceIPSet(service) {
            labels.removeValue(forKey: EndpointSliceLabel.headless)
        } else {
            labels[EndpointSliceLabel.headless] = ""
        }
        return labels
    }

    /// The pod reference an endpoint carries, so that readers (DNS, `kubectl describe`) can get
    /// back to the pod.
    static func podReference(_ pod: Pod) -> ObjectReference {
        ObjectReference(kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name,
                        uid: pod.metadata.uid)
    }
}
