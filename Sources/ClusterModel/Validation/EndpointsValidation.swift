/// k/k `ValidateEndpoints` (core/v1) and discovery `ValidateEndpointSlice`.
extension Validation {
    static let supportedAddressTypes = ["FQDN", "IPv4", "IPv6"]
    static let maxEndpointsPerSlice = 1000
    static let maxAddressesPerEndpoint = 100
    static let maxPortsPerSlice = 20000

    /// Hand-written Endpoints back selector-less Services, so their addresses and ports are
    /// checked as the API server does (no loopback or link-local IPs, named multi-ports).
    public static func validateEndpoints(_ endpoints: Endpoints) -> [FieldError] {
        var errs = validateObjectMeta(endpoints.metadata, namespaced: true, name: nameIsDNSSubdomain)
        for (i, subset) in (endpoints.subsets ?? []).enumerated() {
            let p = FieldPath("subsets").index(i)
            let addresses = subset.addresses ?? [], notReady = subset.notReadyAddresses ?? []
            if addresses.isEmpty && notReady.isEmpty {
                errs.append(.required(p, "must specify `addresses` or `notReadyAddresses`"))
            }
            for (j, a) in addresses.enumerated() { errs += validateEndpointAddress(a, at: p.child("addresses").index(j)) }
            for (j, a) in notReady.enumerated() { errs += validateEndpointAddress(a, at: p.child("notReadyAddresses").index(j)) }
            let ports = subset.ports ?? []
            for (j, port) in ports.enumerated() {
                errs += validateEndpointPort(port, requireName: ports.count > 1, at: p.child("ports").index(j))
            }
        }
        return errs
    }

    static func validateEndpointAddress(_ a: EndpointAddress, at path: FieldPath) -> [FieldError] {
        var errs = validIP(a.ip, path.child("ip"))
        if let h = a.hostname, !h.isEmpty { errs += dns1123Label(h, path.child("hostname")) }
        if let node = a.nodeName {
            errs += nameIsDNSSubdomain(node, false).map { .invalid(path.child("nodeName"), node, $0) }
        }
        return errs + endpointIP(a.ip, path.child("ip"))
    }

    static func validateEndpointPort(_ port: EndpointPort, requireName: Bool, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        let name = port.name ?? ""
        if requireName && name.isEmpty {
            errs.append(.required(path.child("name")))
        } else if !name.isEmpty {
            errs += dns1123Label(name, path.child("name"))
        }
        errs += Names.portNumber(port.port).map { .invalid(path.child("port"), port.port, $0) }
        errs += portProtocol(port.protocol, path.child("protocol"))
        if let app = port.appProtocol { errs += qualifiedName(app, path.child("appProtocol")) }
        return errs
    }

    /// Slices feed the data plane directly: addresses must match `addressType`, port names be
    /// unique (consumers match slice ports to service ports by name).
    public static func validateEndpointSlice(_ slice: EndpointSlice) -> [FieldError] {
        var errs = validateObjectMeta(slice.metadata, namespaced: true, name: nameIsDNSSubdomain)
        let addressType = slice.addressType
        if addressType.isEmpty {
            errs.append(.required("addressType"))
        } else if !supportedAddressTypes.contains(addressType) {
            errs.append(.notSupported("addressType", addressType, supportedAddressTypes))
        }
        let epPath = FieldPath("endpoints")
        if slice.endpoints.count > maxEndpointsPerSlice {
            errs.append(.tooMany(epPath, slice.endpoints.count, maxEndpointsPerSlice))
        } else {
            for (i, ep) in slice.endpoints.enumerated() {
                errs += validateSliceEndpoint(ep, addressType: addressType, at: epPath.index(i))
            }
        }
        let ports = slice.ports ?? []
        let portsPath = FieldPath("ports")
        if ports.count > maxPortsPerSlice { return errs + [.tooMany(portsPath, ports.count, maxPortsPerSlice)] }
        var names = Set<String>()
        for (i, port) in ports.enumerated() {
            let p = portsPath.index(i)
            let name = port.name ?? ""
            if !name.isEmpty { errs += dns1123Label(name, p.child("name")) }
            if !names.insert(name).inserted { errs.append(.duplicate(p.child("name"), name)) }
            if let proto = port.protocol {
                if !supportedPortProtocols.contains(proto) { errs.append(.notSupported(p.child("protocol"), proto, supportedPortProtocols)) }
            } else {
                errs.append(.required(p.child("protocol")))
            }
            if let app = port.appProtocol { errs += qualifiedName(app, p.child("appProtocol")) }
        }
        return errs
    }

    static func validateSliceEndpoint(_ ep: Endpoint, addressType: String, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        let addrPath = path.child("addresses")
        if ep.addresses.isEmpty {
            errs.append(.required(addrPath, "must contain at least 1 address"))
        } else if ep.addresses.count > maxAddressesPerEndpoint {
            errs.append(.tooMany(addrPath, ep.addresses.count, maxAddressesPerEndpoint))
        }
        for (i, address) in ep.addresses.enumerated() {
            let p = addrPath.index(i)
            let ip = IPAddress.parse(address)
            switch addressType {
            case "IPv4":
                if ip?.isIPv4 == true { errs += endpointIP(address, p) } else { errs.append(.invalid(p, address, "must be a valid IPv4 address")) }
            case "IPv6":
                if ip?.isIPv6 == true { errs += endpointIP(address, p) } else { errs.append(.invalid(p, address, "must be a valid IPv6 address")) }
            case "FQDN":
                errs += fullyQualifiedDomainName(address, p)
            default: break  // unknown types are reported on addressType only
            }
        }
        if let node = ep.nodeName {
            errs += nameIsDNSSubdomain(node, false).map { .invalid(path.child("nodeName"), node, $0) }
        }
        if let h = ep.hostname { errs += dns1123Label(h, path.child("hostname")) }
        return errs
    }

    /// `IsFullyQualifiedDomainName`: at least two labels, trailing dot optional.
    static func fullyQualifiedDomainName(_ name: String, _ path: FieldPath) -> [FieldError] {
        var n = name
        if n.hasSuffix(".") { n.removeLast() }
        if n.isEmpty { return [.required(path)] }
        var errs = dns1123Subdomain(n, path)
        if errs.isEmpty && !n.contains(".") {
            errs.append(.invalid(path, name, "should be a domain with at least two segments separated by dots"))
        }
        return errs
    }

    /// `ValidateEndpointSliceUpdate`: addressType is immutable.
    public static func validateEndpointSliceUpdate(new: EndpointSlice, old: EndpointSlice) -> [FieldError] {
        validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
            + immutable(new.addressType, old.addressType, "addressType")
            + validateEndpointSlice(new)
    }
}
