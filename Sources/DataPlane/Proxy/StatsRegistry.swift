import Synchronization

/// Hands out the counter cells and affinity tables that outlive routing tables: a service port,
/// endpoint or node keeps its counters (and clients their affinity) across reconciles. Touched
/// only at reconcile time, never on the connection path (connections hold their cells).
final class StatsRegistry: Sendable {
    struct EndpointKey: Hashable {
        var servicePort: String
        var ip: UInt32
        var port: Int
    }

    private struct State: ~Copyable {
        var nextID = 0
        var servicePorts: [String: TrafficCell] = [:]
        var affinity: [String: AffinityTable] = [:]
        var endpoints: [EndpointKey: TrafficCell] = [:]
        var nodes: [String: TrafficCell] = [:]
        var used = Used()
    }

    private struct Used {
        var servicePorts: Set<String> = []
        var endpoints: Set<EndpointKey> = []
        var nodes: Set<String> = []
    }

    private let state = Mutex(State())

    private static func cell<K: Hashable>(_ key: K, in dict: inout [K: TrafficCell], nextID: inout Int) -> TrafficCell {
        if let c = dict[key] { return c }
        nextID += 1
        let c = TrafficCell(id: nextID)
        dict[key] = c
        return c
    }

    func servicePortCell(_ id: String) -> TrafficCell {
        state.withLock { s in
            s.used.servicePorts.insert(id)
            return Self.cell(id, in: &s.servicePorts, nextID: &s.nextID)
        }
    }

    /// The affinity table of a service port; a changed timeout starts a fresh table.
    func affinity(_ id: String, timeoutSeconds: Int) -> AffinityTable {
        state.withLock { s in
            if let t = s.affinity[id], t.timeout == Double(timeoutSeconds) { return t }
            let t = AffinityTable(timeoutSeconds: timeoutSeconds)
            s.affinity[id] = t
            return t
        }
    }

    func endpointCell(servicePort: String, ip: UInt32, port: Int) -> TrafficCell {
        let key = EndpointKey(servicePort: servicePort, ip: ip, port: port)
        return state.withLock { s in
            s.used.endpoints.insert(key)
            return Self.cell(key, in: &s.endpoints, nextID: &s.nextID)
        }
    }

    func nodeCell(_ name: String) -> TrafficCell {
        state.withLock { s in
            s.used.nodes.insert(name)
            return Self.cell(name, in: &s.nodes, nextID: &s.nextID)
        }
    }

    /// Starts a build: cells asked for from now on are the ones in use.
    func beginBuild() { state.withLock { $0.used = Used() } }

    /// Ends a build: forgets cells no longer in the table and without live connections (their
    /// connections keep them alive; they just stop being shown). Returns the ids forgotten, so
    /// the aggregated histograms can go too.
    func endBuild() -> [Int] {
        state.withLock { s in
            var gone: [Int] = []
            let used = s.used
            func prune<K: Hashable>(_ dict: inout [K: TrafficCell], _ keep: Set<K>) {
                for (k, c) in dict where !keep.contains(k) && c.active.load(ordering: .relaxed) == 0 {
                    dict[k] = nil
                    gone.append(c.id)
                }
            }
            prune(&s.servicePorts, used.servicePorts)
            prune(&s.endpoints, used.endpoints)
            prune(&s.nodes, used.nodes)
            for k in s.affinity.keys where !used.servicePorts.contains(k) { s.affinity[k] = nil }
            return gone
        }
    }
}
