import ArgumentParser
import ClusterModel
import ControlPlane
import Dashboard
import Engine
import Foundation
import Telemetry

/// `up`'s options for changing the cluster from the dashboard and keeping the changes.
struct EditOptions: ParsableArguments {
    @Option(help: "Where the edited cluster is saved after each action and restored from (default: $XDG_STATE_HOME/switchboard/<name of the manifests>).")
    var stateDir: String?

    @Flag(help: "Start from the manifests, ignoring a saved edited cluster (the next action overwrites it).")
    var fresh = false

    @Flag(help: "Write each applied edit into the source manifests (comments and order kept) instead of the state directory.")
    var writeBack = false

    @Flag(help: "No actions from the dashboard (shown in its header).")
    var readOnly = false

    func validate() throws {
        if readOnly && writeBack { throw ValidationError("--read-only and --write-back exclude each other") }
    }

    func stateDirectory(for paths: [String], plan: AddressPlan) -> StateDirectory? {
        if writeBack { return nil }
        if let stateDir { return StateDirectory(url: URL(fileURLWithPath: (stateDir as NSString).expandingTildeInPath)) }
        return StateDirectory(url: StateDirectory.defaultURL(for: paths, plan: plan.planDescription))
    }

    /// The saved cluster to start from, if any (nil with --fresh or --write-back). A state file
    /// that cannot be read stops `up`, leaving the file alone: starting over would lose it.
    func restore(from state: StateDirectory?) throws -> StateDirectory.Saved? {
        guard let state, !fresh else { return nil }
        do { return try state.load() } catch {
            FileHandle.standardError.write(Data("switchboard: cannot read the saved cluster: \(error)\nRun with --fresh to start from the manifests (the file is left as it is), or --state-dir DIR to use another.\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Where the dashboard sends actions: the engine with saving, or a refusal in --read-only.
    func actions(engine: LiveEngine, state: StateDirectory?, set: ManifestSet, namespace: String,
                 sources: [String]) -> any ClusterActions {
        if readOnly { return ReadOnlyActions(engine: engine) }
        return PersistingActions(engine: engine, state: state,
                                 writeBack: writeBack ? ManifestWriteBack(set, defaultNamespace: namespace) : nil,
                                 sources: sources)
    }

    func dashboardConfig(notice: String?, base: DashboardConfig = .load()) -> DashboardConfig {
        var config = base
        config.readOnly = readOnly
        if let notice { config.warnings.insert(notice, at: 0) }
        return config
    }
}

/// `--read-only`: every change refused; logs and `:w` export still work (they change nothing).
struct ReadOnlyActions: ClusterActions {
    let engine: LiveEngine
    func perform(_ action: ClusterAction) async -> ActionOutcome { .refused(ActionController.readOnlyMessage) }
    func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        await engine.podLog(pod, tailLines: tailLines)
    }
    func exportManifests(to path: String) async -> ActionOutcome { await engine.exportManifests(to: path) }
}
