import ClusterModel

extension EndpointsDerivation {
    /// k/k `endpoints.RepackSubsets` as an accumulator: the legacy controller first emits one
    /// subset per (pod, port) and repacks them into the canonical layout where every subset holds
    /// the ports offered by exactly the same set of (address, readiness) pairs. Building that
    /// layout directly keeps it linear in pods × ports, instead of materialising the per-port
    /// subsets first.
    ///
    /// Addresses are told apart by IP and pod UID, as upstream does; when one address is both
    /// ready and not ready for a port, not ready wins.
    struct SubsetRepacker {
        /// One resolved port; `order` (service port index, number) is what subsets and ports are
        /// sorted by.
        struct Port: Hashable {
            var endpointPort: EndpointPort
            var order: ResolvedPort
        }

        private struct AddressKey: Hashable {
            var ip: String
            var uid: String
        }

        private struct Member: Hashable {
            var rank: Int
            var ready: Bool
        }

        private var addresses: [EndpointAddress] = []
        private var indexByKey: [AddressKey: Int] = [:]
        /// Per address: the ports (indices into `ports`) it offers, with its readiness for each.
        private var portsOfAddress: [[(port: Int, ready: Bool)]] = []
        /// nil is upstream's "no ports" sentinel of a headless service without ports.
        private var ports: [Port?] = []
        private var portIndex: [Port?: Int] = [:]

        /// Records that `address` offers `port` (nil: no ports at all). Pass back the returned
        /// handle for the same address's next port to skip looking the address up again.
        @discardableResult
        mutating func add(_ address: EndpointAddress, port: Port?, ready: Bool, handle: Int? = nil) -> Int {
            let a: Int
            if let handle {
                a = handle
            } else {
                let key = AddressKey(ip: address.ip, uid: address.targetRef?.uid ?? "")
                if let existing = indexByKey[key] {
                    a = existing
                } else {
                    a = addresses.count
                    addresses.append(address)
                    portsOfAddress.append([])
                    indexByKey[key] = a
                }
            }
            let p: Int
            if let existing = portIndex[port] {
                p = existing
            } else {
                p = ports.count
                ports.append(port)
                portIndex[port] = p
            }
            if let j = portsOfAddress[a].firstIndex(where: { $0.port == p }) {
                if portsOfAddress[a][j].ready { portsOfAddress[a][j].ready = ready }
            } else {
                portsOfAddress[a].append((p, ready))
            }
            return a
        }

        /// The repacked subsets: addresses sorted by IP then pod UID (`LessEndpointAddress`),
        /// ports and subsets in service-port order.
        func subsets() -> [EndpointSubset] {
            let order = addresses.indices.sorted { i, j in
                let a = addresses[i], b = addresses[j]
                if a.ip != b.ip { return a.ip < b.ip }
                return (a.targetRef?.uid ?? "") < (b.targetRef?.uid ?? "")
            }
            var members = Array(repeating: [Member](), count: ports.count)
            for (rank, a) in order.enumerated() {
                for entry in portsOfAddress[a] { members[entry.port].append(Member(rank: rank, ready: entry.ready)) }
            }

            let sentinel = ResolvedPort(index: -1, port: -1)
            let portOrder = ports.indices.sorted { (ports[$0]?.order ?? sentinel) < (ports[$1]?.order ?? sentinel) }
            var groupOf: [[Member]: Int] = [:]
            var groups: [(members: [Member], ports: [Int])] = []
            for p in portOrder {
                if let g = groupOf[members[p]] {
                    groups[g].ports.append(p)
                } else {
                    groupOf[members[p]] = groups.count
                    groups.append((members[p], [p]))
                }
            }

            return groups.map { group in
                var ready: [EndpointAddress] = [], notReady: [EndpointAddress] = []
                for m in group.members {
                    let address = addresses[order[m.rank]]
                    if m.ready { ready.append(address) } else { notReady.append(address) }
                }
                // Upstream keeps only real ports (number > 0); the sentinel leaves `ports` unset.
                let endpointPorts = group.ports.compactMap { ports[$0]?.endpointPort }.filter { $0.port > 0 }
                return EndpointSubset(addresses: ready.isEmpty ? nil : ready,
                                      notReadyAddresses: notReady.isEmpty ? nil : notReady,
                                      ports: endpointPorts.isEmpty ? nil : endpointPorts)
            }
        }
    }
}
