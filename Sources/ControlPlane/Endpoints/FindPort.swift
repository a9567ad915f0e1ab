import ClusterModel

extension EndpointsDerivation {
    /// endpointslice `FindPort`: the number a service port's `targetPort` means for one pod. An
    /// int is used as is (container ports are not consulted); a name is looked up in the app
    /// containers' ports in order, then in sidecars' (init containers with `restartPolicy:
    /// Always`), and only a port whose name **and** protocol match counts. nil means this pod does
    /// not serve this service port: it stays an endpoint for the service's other ports.
    ///
    /// An unset, `0` or `""` targetPort is read as the service port itself, as API defaulting
    /// would have filled it, so undefaulted manifests give the same answer.
    public static func findPort(pod: Pod, servicePort: ServicePort) -> Int? {
        let target = servicePort.targetPort.flatMap { $0.isZero ? nil : $0 } ?? .int(servicePort.port)
        switch target {
        case .int(let number):
            return number
        case .string(let name):
            let proto = defaultedProtocol(servicePort.protocol)
            if let number = namedPort(name, protocol: proto, in: pod.spec.containers) { return number }
            let sidecars = (pod.spec.initContainers ?? []).filter { $0.restartPolicy == "Always" }
            return namedPort(name, protocol: proto, in: sidecars)
        }
    }

    private static func namedPort(_ name: String, protocol proto: String, in containers: [Container]) -> Int? {
        for container in containers {
            for port in container.ports ?? [] where port.name == name && defaultedProtocol(port.protocol) == proto {
                return port.containerPort
            }
        }
        return nil
    }

    /// endpointslice `getEndpointPorts`: one slice port per service port this pod resolves, in
    /// service order. The name is the *service* port's (consumers match slice ports to service
    /// ports by name; unnamed is `""`, as upstream writes it), the number the resolved target.
    public static func endpointPorts(service: Service, pod: Pod) -> [EndpointSlicePort] {
        resolvedPorts(service: service, pod: pod).map { slicePort(service.ports[$0.index], number: $0.port) }
    }

    static func slicePort(_ servicePort: ServicePort, number: Int) -> EndpointSlicePort {
        EndpointSlicePort(name: servicePort.name ?? "", port: number, protocol: defaultedProtocol(servicePort.protocol),
                          appProtocol: servicePort.appProtocol)
    }

    /// The legacy form of one resolved port (`endpointPortFromServicePort`); an empty name is
    /// omitted, as Go's `omitempty` does.
    static func legacyEndpointPort(_ servicePort: ServicePort, number: Int) -> EndpointPort {
        let name = servicePort.name.flatMap { $0.isEmpty ? nil : $0 }
        return EndpointPort(name: name, port: number, protocol: defaultedProtocol(servicePort.protocol),
                            appProtocol: servicePort.appProtocol)
    }

    /// A service port index and the number it resolved to for one pod.
    struct ResolvedPort: Hashable, Comparable {
        var index: Int
        var port: Int
        static func < (a: ResolvedPort, b: ResolvedPort) -> Bool { (a.index, a.port) < (b.index, b.port) }
    }

    /// The service ports this pod serves, in service order, with their resolved numbers.
    static func resolvedPorts(service: Service, pod: Pod) -> [ResolvedPort] {
        var result: [ResolvedPort] = []
        let ports = service.ports
        result.reserveCapacity(ports.count)
        for (i, sp) in ports.enumerated() {
            if let n = findPort(pod: pod, servicePort: sp) { result.append(ResolvedPort(index: i, port: n)) }
        }
        return result
    }
}
