import Telemetry

/// Turns each sample into its JSON tree re-using the previous sample's subtrees for the parts
/// that did not change (the cluster's objects most seconds, idle service ports, flows still in
/// the ring), and diffs only the parts that did. Encoding a 100-service cluster from scratch
/// every second would cost more than the 2 % of a core recording may take.
struct SnapshotTreeCache {
    private var previous: Snapshot?
    private var top: [String: JSONTree] = [:]
    private var ports: [ServicePortStats: JSONTree] = [:]
    private var flows: [FlowRecord: JSONTree] = [:]

    /// The tree of `s` (equal to `JSONTree.encode(s)`) and the patch from the previous sample's
    /// tree (nil for the first sample, or when nothing changed: see `changed`).
    mutating func next(_ s: Snapshot) throws -> (tree: JSONTree, patch: JSONTree?, first: Bool) {
        guard case var .object(out) = try JSONTree.encode(Snapshot(time: s.time)) else { throw JSONDelta.PatchError() }
        let prev = previous
        if let c = s.cluster {
            out["cluster"] = try prev?.cluster == c ? top["cluster"]! : JSONTree.encode(c)
        }
        if let i = s.ingress {
            out["ingress"] = try prev?.ingress == i ? top["ingress"]! : JSONTree.encode(i)
        }
        if let p = s.proxy {
            if prev?.proxy == p {
                out["proxy"] = top["proxy"]!
            } else {
                var shell = p
                shell.servicePorts = []
                shell.recentFlows = []
                guard case var .object(o) = try JSONTree.encode(shell) else { throw JSONDelta.PatchError() }
                let portTrees = try p.servicePorts.map { try ports[$0] ?? JSONTree.encode($0) }
                let flowTrees = try p.recentFlows.map { try flows[$0] ?? JSONTree.encode($0) }
                o["servicePorts"] = .array(portTrees)
                o["recentFlows"] = .array(flowTrees)
                out["proxy"] = .object(o)
                ports = Dictionary(zip(p.servicePorts, portTrees), uniquingKeysWith: { a, _ in a })
                flows = Dictionary(zip(p.recentFlows, flowTrees), uniquingKeysWith: { a, _ in a })
            }
        }
        defer {
            previous = s
            top = out
        }
        guard let prev else { return (.object(out), nil, true) }
        // Diff part by part, skipping parts equal as values (cheaper than comparing trees).
        var changed: [String: JSONTree] = [:]
        var removed: [JSONTree] = []
        for key in Set(out.keys).union(top.keys) {
            switch (top[key], out[key]) {
            case (nil, let n?): changed[key] = .object(["=": n])
            case (_?, nil): removed.append(.string(key))
            case let (o?, n?):
                if key == "cluster", prev.cluster == s.cluster { continue }
                if key == "ingress", prev.ingress == s.ingress { continue }
                if key == "proxy", prev.proxy == s.proxy { continue }
                if let d = JSONDelta.diff(o, n) { changed[key] = d }
            default: break
            }
        }
        var patch: [String: JSONTree] = [:]
        if !changed.isEmpty { patch["o"] = .object(changed) }
        if !removed.isEmpty { patch["-"] = .array(removed.sorted { "\($0)" < "\($1)" }) }
        return (.object(out), patch.isEmpty ? nil : .object(patch), false)
    }
}
