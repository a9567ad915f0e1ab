/// k/k `SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_Probe`,
/// `SetDefaults_HTTPGetAction`, `SetDefaults_ObjectFieldSelector` and the container-port
/// protocol default, for the fields Switchboard models.
extension Defaulting {
    /// Pods get the PodSpec defaults plus the Pod-only ones (`enableServiceLinks`, host ports
    /// under hostNetwork), which decide which service env vars a container sees.
    public static func applyPod(_ pod: inout Pod) {
        applyPodSpec(&pod.spec)
        // Pod-only defaults (not materialised in templates, as upstream).
        if pod.spec.enableServiceLinks == nil { pod.spec.enableServiceLinks = true }
        if pod.spec.hostNetwork == true {
            pod.spec.containers = pod.spec.containers.map(defaultHostNetworkPorts)
            pod.spec.initContainers = pod.spec.initContainers?.map(defaultHostNetworkPorts)
        }
    }

    /// Defaults shared by Pods and pod templates.
    public static func applyPodSpec(_ spec: inout PodSpec) {
        if (spec.dnsPolicy ?? "").isEmpty { spec.dnsPolicy = "ClusterFirst" }
        if (spec.restartPolicy ?? "").isEmpty { spec.restartPolicy = "Always" }
        if spec.terminationGracePeriodSeconds == nil { spec.terminationGracePeriodSeconds = 30 }
        spec.containers = spec.containers.map(defaultContainer)
        spec.initContainers = spec.initContainers?.map(defaultContainer)
    }

    static func defaultHostNetworkPorts(_ c: Container) -> Container {
        var c = c
        c.ports = c.ports?.map { p in
            var p = p
            if (p.hostPort ?? 0) == 0 { p.hostPort = p.containerPort }
            return p
        }
        return c
    }

    static func defaultContainer(_ c: Container) -> Container {
        var c = c
        if (c.imagePullPolicy ?? "").isEmpty { c.imagePullPolicy = imageTag(c.image ?? "") == "latest" ? "Always" : "IfNotPresent" }
        c.ports = c.ports?.map { p in
            var p = p
            if (p.protocol ?? "").isEmpty { p.protocol = "TCP" }
            return p
        }
        c.env = c.env?.map { e in
            var e = e
            if e.valueFrom?.fieldRef != nil, (e.valueFrom?.fieldRef?.apiVersion ?? "").isEmpty {
                e.valueFrom?.fieldRef?.apiVersion = "v1"
            }
            return e
        }
        c.livenessProbe = c.livenessProbe.map(defaultProbe)
        c.readinessProbe = c.readinessProbe.map(defaultProbe)
        c.startupProbe = c.startupProbe.map(defaultProbe)
        return c
    }

    static func defaultProbe(_ p: Probe) -> Probe {
        var p = p
        if (p.timeoutSeconds ?? 0) == 0 { p.timeoutSeconds = 1 }
        if (p.periodSeconds ?? 0) == 0 { p.periodSeconds = 10 }
        if (p.successThreshold ?? 0) == 0 { p.successThreshold = 1 }
        if (p.failureThreshold ?? 0) == 0 { p.failureThreshold = 3 }
        if p.httpGet != nil {
            if (p.httpGet?.path ?? "").isEmpty { p.httpGet?.path = "/" }
            if (p.httpGet?.scheme ?? "").isEmpty { p.httpGet?.scheme = "HTTP" }
        }
        return p
    }

    /// The tag `parsers.ParseImageName` finds: "latest" when neither tag nor digest is given,
    /// "" for a digest-only or unparsable reference.
    static func imageTag(_ image: String) -> String {
        if image.isEmpty { return "" }
        var ref = Substring(image)
        var digest = false
        if let at = ref.firstIndex(of: "@") {
            digest = true
            ref = ref[..<at]
        }
        let lastComponent = ref.lastIndex(of: "/").map { ref[ref.index(after: $0)...] } ?? ref
        var tag = ""
        if let colon = lastComponent.lastIndex(of: ":") { tag = String(lastComponent[lastComponent.index(after: colon)...]) }
        return tag.isEmpty && !digest ? "latest" : tag
    }
}
