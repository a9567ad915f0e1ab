import ClusterModel
import ControlPlane
import Foundation
import Telemetry

/// The live engine's actions, with nothing lost: after each applied action the cluster is saved
/// in the state directory before the outcome is returned, so once the dashboard shows "applied",
/// a restart (or `kill -9`) keeps it. Saves are serialised, so a later state never loses to an
/// earlier one.
public final class PersistingActions: ClusterActions, @unchecked Sendable {
    public let engine: LiveEngine
    public let state: StateDirectory?
    public let writeBack: ManifestWriteBack?
    let addressPlan: String
    public let sources: [String]
    private let lock = NSLock()

    public init(engine: LiveEngine, state: StateDirectory?, writeBack: ManifestWriteBack? = nil, sources: [String]) {
        self.engine = engine
        addressPlan = engine.cluster.config.addresses.planDescription
        self.state = state
        self.writeBack = writeBack
        self.sources = sources
    }

    public func perform(_ action: ClusterAction) async -> ActionOutcome {
        let outcome = await engine.perform(action)
        guard outcome.isApplied else { return outcome }
        return await offPool { self.persist(after: action, outcome) }
    }

    /// Saves (state directory or write-back) and says so in the message.
    func persist(after action: ClusterAction, _ outcome: ActionOutcome) -> ActionOutcome {
        lock.lock()
        defer { lock.unlock() }
        var message = outcome.message
        if let writeBack {
            message += "; " + writeBack.apply(action, store: engine.cluster.store)
        } else if let state {
            do {
                try state.save(StateDirectory.capture(engine.cluster.store, sources: sources, addressPlan: addressPlan))
                message += " (saved)"
            } catch {
                message += " — NOT saved: \(error)"
            }
        }
        return .applied(message)
    }

    public func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        await engine.podLog(pod, tailLines: tailLines)
    }

    public func exportManifests(to path: String) async -> ActionOutcome {
        await engine.exportManifests(to: path)
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in Thread.detachNewThread { c.resume(returning: body()) } }
    }
}

extension AddressPlan {
    /// The blocks that decide which cluster IPs and node addresses are valid, as one line.
    public var planDescription: String {
        "service \(serviceCIDR) pod \(podCIDR) node \(nodeCIDR) lb \(loadBalancerPool) dns \(clusterDNS)"
    }
}

extension LiveEngine {
    /// `:w FILE`: YAML unless the name ends in `.json` (a `kind: List`). Cluster IPs are left out
    /// (another cluster allocates its own); NodePorts written in the manifests are kept.
    public func exportManifests(to path: String) async -> ActionOutcome {
        let store = cluster.store
        return await withCheckedContinuation { c in
            Thread.detachNewThread {
                let expanded = (path as NSString).expandingTildeInPath
                let objects = ClusterExport.objects(in: store, keepAllocations: false)
                do {
                    let data: Data
                    if expanded.hasSuffix(".json") {
                        data = try ClusterExport.listJSON(objects)
                    } else {
                        data = Data(try ClusterExport.yaml(objects, header: "Exported by switchboard \(Timestamp.rfc3339(Date().timeIntervalSince1970)).\nswitchboard check FILE; kubectl apply -f FILE").utf8)
                    }
                    try StateDirectory.writeAtomically(data, to: URL(fileURLWithPath: expanded))
                    c.resume(returning: .applied("wrote \(objects.count) objects to \(expanded)"))
                } catch {
                    c.resume(returning: .refused("cannot export to \(expanded): \(error)"))
                }
            }
        }
    }

    /// Puts back the nodes' cordon and failure state from a saved cluster (objects are applied
    /// like manifests by the caller).
    public func restore(nodes: [StateDirectory.SavedNode]) {
        for n in nodes {
            guard let live = cluster.store.get(Node.self, name: n.name) else { continue }
            if (live.spec?.unschedulable ?? false) != n.unschedulable {
                _ = performNow(.cordonNode(n.name, cordoned: n.unschedulable))
            }
            if live.isReady != n.ready { _ = performNow(.setNodeReady(n.name, ready: n.ready)) }
        }
    }
}
