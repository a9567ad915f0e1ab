import Telemetry

/// What the runtime must do after a key. The dashboard decides, the runner does: it is the only
/// part that talks to the engine (through `ClusterActions`), so the pure loop stays testable.
public enum DashboardAction: Sendable, Hashable {
    case quit
    /// Stop (true) or resume (false) taking new samples into the view.
    case freeze(Bool)
    /// Apply a change to the cluster; the outcome comes back as `DashboardFeedback.outcome`.
    case perform(ClusterAction)
    /// Fetch the tail of a pod's log; it comes back as `DashboardFeedback.podLog`.
    case fetchPodLog(ObjectRef, tailLines: Int)
    /// `:w FILE`: export the cluster as manifests; the outcome comes back as `.exported`.
    case exportManifests(String)
    /// Steer the session (replay clock, live recording); see `SessionKeys`.
    case session(SessionCommand)
}

/// What the runner hands back to the loop once an asynchronous action has finished.
public enum DashboardFeedback: Sendable, Hashable {
    case outcome(ClusterAction, ActionOutcome)
    case podLog(ObjectRef, Result<[String], ActionRefusal>)
    case exported(String, ActionOutcome)
}
