#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClusterModel
import ControlPlane
import NIOCore

/// Everything that runs for one pod: a runner per container, all on one event loop, plus the
/// thread-safe views (`logs`, `stats`) that the runtime hands out.
final class PodWorkload: @unchecked Sendable {
    let key: ObjectKey
    let uid: String?
    let pod: Pod
    let eventLoop: any EventLoop
    let logs: [String: ContainerLog]
    let counters: [String: PodWorkloadCounters]
    private let deps: Dependencies
    /// Loop-confined.
    private var runners: [PodContainerRunner] = []
    private var publishScheduled = false
    private var lastReady: Bool?
    private var lastObserved: PodStatusWriter.Observed?
    private var terminating = false
    private let view: PodLocked<[ContainerView]>
    /// Set once the runtime has begun stopping this pod; guarded by the runtime's state lock.
    var isTerminatingFlag = false

    struct Dependencies: Sendable {
        let writer: PodStatusWriter
        let config: PodRuntimeConfig
        let environment: @Sendable (ObjectKey) -> [String: [EnvVar]]?
        let resolver: @Sendable (String, String) -> [String]
        let probesDriveReadiness: Bool
    }

    /// What `snapshot()` reads of a container without touching loop-confined state.
    struct ContainerView: Sendable {
        var name: String
        var workload: String
        var state: ContainerRunState
        var restartCount: Int
        var instance: (any PodContainerInstance)?
        var loadGen: LoadGeneratorStats?
    }

    init(pod: Pod, eventLoop: any EventLoop, deps: Dependencies) {
        key = pod.key
        uid = pod.metadata.uid
        self.pod = pod
        self.eventLoop = eventLoop
        self.deps = deps
        var logs: [String: ContainerLog] = [:]
        var counters: [String: PodWorkloadCounters] = [:]
        for c in pod.spec.containers {
            logs[c.name] = ContainerLog(byteLimit: deps.config.logByteLimit, lineLimit: deps.config.logLineLimit)
            counters[c.name] = PodWorkloadCounters()
        }
        self.logs = logs
        self.counters = counters
        view = PodLocked(pod.spec.containers.map {
            ContainerView(name: $0.name, workload: "none", state: .waiting(reason: "ContainerCreating"), restartCount: 0)
        })
    }

    // MARK: start

    /// Starts every container once the pod's environment is known (or the wait for it ran out).
    func start() {
        eventLoop.execute { self.awaitEnvironment(since: .now()) }
    }

    private func awaitEnvironment(since: NIODeadline) {
        guard !terminating else { return }
        if let env = deps.environment(key) {
            launch(env)
        } else if NIODeadline.now() - since >= deps.config.environmentWait {
            var env: [String: [EnvVar]] = [:]
            for c in pod.spec.containers { env[c.name] = PodEnvExpansion.declared(c) }
            launch(env)
        } else {
            eventLoop.scheduleTask(in: .milliseconds(50)) { self.awaitEnvironment(since: since) }
        }
    }

    private func launch(_ injected: [String: [EnvVar]]) {
        let inherited = Self.processEnvironment()
        let podIP = pod.status?.podIP ?? ""
        for c in pod.spec.containers {
            let env = PodEnvExpansion.environment(injected: injected[c.name] ?? PodEnvExpansion.declared(c),
                                                  pod: pod, container: c, inherited: inherited)
            let vars = Dictionary(env, uniquingKeysWith: { _, b in b })
            let command = c.command?.map { PodEnvExpansion.expand($0, vars) }
            let args = c.args?.map { PodEnvExpansion.expand($0, vars) }
            let program = PodImageCatalog.program(for: c, command: command, args: args, env: vars, config: deps.config)
            let ctx = PodContainerContext(
                eventLoop: eventLoop, podKey: key, podIP: podIP, hostname: pod.spec.hostname ?? pod.metadata.name ?? "",
                containerName: c.name, env: env, workingDir: c.workingDir, log: logs[c.name]!, counters: counters[c.name]!,
                config: deps.config, resolver: deps.resolver)
            let runner = PodContainerRunner(container: c, ctx: ctx, program: program,
                                            restartPolicy: pod.spec.restartPolicy ?? "Always",
                                            probesDriveReadiness: deps.probesDriveReadiness) { [weak self] in self?.changed() }
            runners.append(runner)
        }
        for r in runners { r.start() }
        changed()
    }

    static func processEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        for k in ["PATH", "HOME"] { if let v = getenv(k) { out[k] = String(cString: v) } }
        return out
    }

    // MARK: status

    /// Coalesces the changes of one event-loop tick into one status write.
    private func changed() {
        view.withLock { views in
            views = runners.map { r in
                ContainerView(name: r.container.name, workload: r.program.workloadName, state: r.state,
                              restartCount: r.restartCount, instance: r.currentInstance, loadGen: r.loadGeneratorStats)
            }
        }
        guard !publishScheduled, !terminating else { return }
        publishScheduled = true
        eventLoop.execute { self.publish() }
    }

    private func publish() {
        publishScheduled = false
        guard !terminating, !runners.isEmpty else { return }
        // Until every container's first start has resolved, the control loop's "running" status
        // stands: publishing now would flap Ready off and on for pods without probes.
        if runners.contains(where: { if case .waiting("ContainerCreating") = $0.state { true } else { false } }) { return }
        let statuses = runners.map { $0.status(ready: $0.isReady) }
        let ready = runners.allSatisfy(\.isReady)
        var phase: String?
        if (pod.spec.restartPolicy ?? "Always") != "Always", runners.allSatisfy(\.isFinished) {
            let failed = runners.contains { if case .terminated(let code, _) = $0.state { code != 0 } else { true } }
            phase = failed ? "Failed" : "Succeeded"
        }
        let observed = PodStatusWriter.Observed(containerStatuses: statuses, phase: phase, ready: ready)
        guard observed != lastObserved else { return }
        let readyChanged = lastReady != ready
        lastObserved = observed
        lastReady = ready
        deps.writer.write(key, uid: uid, observed, readyChanged: readyChanged)
    }

    // MARK: stop

    /// Graceful stop: listeners close, connections drain, processes get SIGTERM, everything is
    /// forced at `deadline`. The future completes when every container has stopped.
    func terminate(deadline: NIODeadline) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            self.terminating = true
            for r in self.runners { r.stop(deadline: deadline) }
            let all = self.runners.map(\.stopped)
            return EventLoopFuture.andAllComplete(all, on: self.eventLoop).always { _ in
                self.changedAfterStop()
            }
        }
    }

    private func changedAfterStop() {
        view.withLock { views in
            views = runners.map { r in
                ContainerView(name: r.container.name, workload: r.program.workloadName, state: r.state,
                              restartCount: r.restartCount, instance: r.currentInstance, loadGen: r.loadGeneratorStats)
            }
        }
    }

    // MARK: views

    func stats() -> PodWorkloadStats {
        let views = view.current
        let containers = views.map { v in
            let c = counters[v.name]
            return ContainerWorkloadStats(
                name: v.name, workload: v.workload, state: v.state, restartCount: v.restartCount,
                requestsServed: c?.requests.load(ordering: .relaxed) ?? 0,
                activeConnections: c?.activeConnections.load(ordering: .relaxed) ?? 0,
                lastError: c?.lastError.current)
        }
        return PodWorkloadStats(podIP: pod.status?.podIP ?? "", containers: containers,
                                loadGenerator: views.compactMap { $0.instance?.loadGeneratorStats ?? $0.loadGen }.first)
    }
}
