import ClusterModel

/// Docker-link style service environment variables, as the kubelet injects them into every container
/// (k/k `pkg/kubelet/envvars/envvars.go` and `kubelet_pods.go`). Programs written for Kubernetes read
/// `<SVC>_SERVICE_HOST`/`_PORT` instead of using DNS, so the emulator must produce the same names.
///
/// Time rule: the kubelet computes these when the container starts, from the services that exist
/// *then*. Every function here takes the visible services as an argument, so the caller decides
/// which services existed at the pod's (container's) start.
public enum ServiceEnvironment {
    /// The namespace whose master services are injected into every pod (`metav1.NamespaceDefault`).
    public static let masterServiceNamespace = "default"
    /// Services injected into every pod regardless of `enableServiceLinks`.
    public static let masterServiceNames: Set<String> = ["kubernetes"]

    /// Upper-case with `-` → `_` and nothing else (`makeEnvVariableName`): a port named `8083`
    /// stays `8083`, which is why consumers cannot assume names start with a letter.
    public static func makeEnvVariableName(_ name: String) -> String {
        String(name.map { $0 == "-" ? "_" : $0 }).uppercased()
    }

    /// `FromServices`: the variables of each service, in the exact upstream order (HOST, SERVICE_PORT,
    /// named SERVICE_PORT_*, PORT, then four link variables per port). Services without a usable
    /// cluster IP (headless, ExternalName, unallocated) contribute nothing, because there is no
    /// stable address to publish.
    public static func variables(for services: [Service]) -> [EnvVar] {
        services.flatMap(variables(for:))
    }

    /// The variables of one service, in `FromServices` order.
    public static func variables(for service: Service) -> [EnvVar] {
        guard !service.isExternalName, let ip = service.spec.clusterIP, ip != "", ip != "None",
              let name = service.metadata.name else { return [] }
        let prefix = makeEnvVariableName(name)
        var result = [EnvVar(name: prefix + "_SERVICE_HOST", value: ip)]
        let ports = service.ports
        // Upstream indexes ports[0] unconditionally (validation guarantees one); a port-less object
        // that slipped through only gets its host variable instead of crashing the pod start.
        guard let first = ports.first else { return result }
        let portName = prefix + "_SERVICE_PORT"
        result.append(EnvVar(name: portName, value: String(first.port)))
        for port in ports {
            if let pn = port.name, !pn.isEmpty {
                result.append(EnvVar(name: portName + "_" + makeEnvVariableName(pn), value: String(port.port)))
            }
        }
        result.append(contentsOf: linkVariables(prefix: prefix, clusterIP: ip, ports: ports))
        return result
    }

    /// `makeLinkVariables`: the Docker-compatible `_PORT*` variables.
    private static func linkVariables(prefix: String, clusterIP ip: String, ports: [ServicePort]) -> [EnvVar] {
        var all: [EnvVar] = []
        for (index, port) in ports.enumerated() {
            let proto = (port.protocol.flatMap { $0.isEmpty ? nil : $0 } ?? "TCP")
            let lower = proto.lowercased()
            let url = "\(lower)://\(joinHostPort(ip, port.port))"
            if index == 0 {
                all.append(EnvVar(name: prefix + "_PORT", value: url))
            }
            let portPrefix = "\(prefix)_PORT_\(port.port)_\(proto.uppercased())"
            all.append(EnvVar(name: portPrefix, value: url))
            all.append(EnvVar(name: portPrefix + "_PROTO", value: lower))
            all.append(EnvVar(name: portPrefix + "_PORT", value: String(port.port)))
            all.append(EnvVar(name: portPrefix + "_ADDR", value: ip))
        }
        return all
    }

    /// `net.JoinHostPort`: IPv6 literals are bracketed so the URL forms stay parseable.
    static func joinHostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `getServiceEnvVarMap`: which services a pod in `namespace` sees, and their variables.
    /// Same-namespace services only with `enableServiceLinks`; the master services of
    /// `masterServiceNamespace` always, unless links are enabled and the pod's own namespace has a
    /// service of the same name (that one wins).
    public static func serviceVariableMap(podNamespace namespace: String, enableServiceLinks: Bool,
                                          services: [Service],
                                          masterServiceNamespace: String = masterServiceNamespace,
                                          masterServiceNames: Set<String> = masterServiceNames) -> [String: String] {
        let selected = selectedServices(podNamespace: namespace, enableServiceLinks: enableServiceLinks,
                                        services: services, masterServiceNamespace: masterServiceNamespace,
                                        masterServiceNames: masterServiceNames)
        var map: [String: String] = [:]
        for v in variables(for: selected) { map[v.name] = v.value ?? "" }
        return map
    }

    /// The service-derived part of a container's environment plus its declared `env`, as the kubelet
    /// builds it (`makeEnvironmentVariables`): declared variables are expanded with `$(VAR)` against
    /// the variables declared *before* them and the service variables, declared ones override
    /// service ones, and service variables are appended for the names left. Kubelet output order is
    /// undefined; here it is declared order, then the service variables sorted by service name.
    /// `valueFrom` is resolved only for `fieldRef` paths the model knows; others become "".
    public static func forPod(_ pod: Pod, container: Container, services: [Service],
                              masterServiceNamespace: String = masterServiceNamespace) -> [EnvVar] {
        let namespace = pod.metadata.namespace ?? "default"
        let selected = selectedServices(podNamespace: namespace,
                                        enableServiceLinks: pod.spec.enableServiceLinks ?? true,
                                        services: services, masterServiceNamespace: masterServiceNamespace)
        let serviceVars = variables(for: selected)
        var serviceEnv: [String: String] = [:]
        for v in serviceVars { serviceEnv[v.name] = v.value ?? "" }
        var declared: [String: String] = [:]
        var declaredOrder: [String] = []
        for envVar in container.env ?? [] {
            var value = envVar.value ?? ""
            if !value.isEmpty {
                value = EnvExpansion.expand(value) { name in declared[name] ?? serviceEnv[name] }
            } else if let source = envVar.valueFrom {
                value = fieldValue(source.fieldRef?.fieldPath, pod: pod) ?? ""
            }
            if declared[envVar.name] == nil { declaredOrder.append(envVar.name) }
            declared[envVar.name] = value
        }
        var result = declaredOrder.map { EnvVar(name: $0, value: declared[$0]) }
        var seen = Set(declaredOrder)
        for v in serviceVars where !seen.contains(v.name) {
            seen.insert(v.name)
            result.append(EnvVar(name: v.name, value: serviceEnv[v.name] ?? v.value))
        }
        return result
    }

    /// The services whose variables a pod in `podNamespace` gets, sorted by name (kubelet iterates
    /// a map; sorting only makes our output stable). Keyed by service name, as upstream, so a
    /// same-namespace `kubernetes` replaces the master one when links are enabled.
    public static func selectedServices(podNamespace: String, enableServiceLinks: Bool, services: [Service],
                                        masterServiceNamespace: String = masterServiceNamespace,
                                        masterServiceNames: Set<String> = masterServiceNames) -> [Service] {
        var selected: [String: Service] = [:]
        for service in services {
            guard let ip = service.spec.clusterIP, ip != "", ip != "None", let name = service.metadata.name
            else { continue }
            let ns = service.metadata.namespace ?? "default"
            if ns == masterServiceNamespace && masterServiceNames.contains(name) {
                if selected[name] == nil { selected[name] = service }
            } else if ns == podNamespace && enableServiceLinks {
                selected[name] = service
            }
        }
        return selected.keys.sorted().map { selected[$0]! }
    }

    /// The downward-API field paths that can be answered from the Pod object alone.
    private static func fieldValue(_ path: String?, pod: Pod) -> String? {
        switch path {
        case "metadata.name": return pod.metadata.name
        case "metadata.namespace": return pod.metadata.namespace ?? "default"
        case "metadata.uid": return pod.metadata.uid
        case "spec.nodeName": return pod.spec.nodeName
        case "spec.serviceAccountName": return pod.spec.serviceAccountName
        case "status.podIP": return pod.ips.first
        case "status.podIPs": return pod.ips.joined(separator: ",")
        case "status.hostIP": return pod.status?.hostIP
        default: return nil
        }
    }
}
