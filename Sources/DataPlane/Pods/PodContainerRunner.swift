import ClusterModel
import ControlPlane
import NIOCore

/// The kubelet's per-container loop: start the program, watch it exit, restart it per the pod's
/// restartPolicy with crash-loop back-off, and probe it while it runs. Confined to the pod's
/// event loop; reports every change through `onChange` (the pod coalesces them into one status write).
final class PodContainerRunner: @unchecked Sendable {
    let container: Container
    let ctx: PodContainerContext
    let program: PodProgram
    private let restartPolicy: String
    private let probesDriveReadiness: Bool
    private let onChange: () -> Void

    private(set) var state: ContainerRunState = .waiting(reason: "ContainerCreating")
    private(set) var waitingMessage: String?
    private(set) var restartCount = 0
    private(set) var startedAt: Double?
    private(set) var lastTermination: (code: Int32, reason: String, startedAt: Double?, finishedAt: Double)?
    private var instance: (any PodContainerInstance)?
    private var readiness: PodProber?
    private var liveness: PodProber?
    private var nextBackoff: TimeAmount?
    private var restartTask: Scheduled<Void>?
    private var stopping = false
    private var launching = false
    private let stoppedPromise: EventLoopPromise<Void>

    init(container: Container, ctx: PodContainerContext, program: PodProgram, restartPolicy: String,
         probesDriveReadiness: Bool, onChange: @escaping () -> Void) {
        self.container = container
        self.ctx = ctx
        self.program = program
        self.restartPolicy = restartPolicy
        self.probesDriveReadiness = probesDriveReadiness
        self.onChange = onChange
        stoppedPromise = ctx.eventLoop.makePromise()
    }

    /// Ready as the kubelet reports it: running, and its readiness probe (if any) passed.
    var isReady: Bool {
        guard case .running = state else { return false }
        guard probesDriveReadiness, let readiness else { return true }
        return readiness.verdict
    }

    /// Whether this container will never run again (it ended and its policy says so).
    var isFinished: Bool {
        if case .terminated = state { return true }
        return false
    }

    var currentInstance: (any PodContainerInstance)? { instance }
    var stopped: EventLoopFuture<Void> { stoppedPromise.futureResult }
    var loadGeneratorStats: LoadGeneratorStats? { instance?.loadGeneratorStats ?? lastLoadGen }
    private var lastLoadGen: LoadGeneratorStats?

    // MARK: running

    func start() {
        if case .unavailable(let reason, let message) = program {
            state = .waiting(reason: reason)
            waitingMessage = message
            ctx.log.line("\(reason): \(message)")
            ctx.counters.fail(message)
            onChange()
            return
        }
        run()
    }

    private func run() {
        guard !stopping else { return }
        let launched: EventLoopFuture<any PodContainerInstance>
        switch program {
        case .netexec(let http, let udp): launched = PodNetexecInstance.start(httpPort: http, udpPort: udp, ctx: ctx)
        case .tcpEcho(let port): launched = PodTCPEchoInstance.start(port: port, ctx: ctx)
        case .loadgen(let options): launched = PodLoadGenInstance.start(options: options, ctx: ctx)
        case .process(let argv): launched = PodProcessInstance.start(argv: argv, ctx: ctx)
        case .pause: launched = ctx.eventLoop.makeSucceededFuture(PodPauseInstance(eventLoop: ctx.eventLoop))
        case .unavailable: return
        }
        let began = SystemClock().now()
        launching = true
        launched.whenComplete { [self] result in
            launching = false
            switch result {
            case .success(let inst):
                if stopping {
                    inst.terminate(deadline: .now())
                    inst.exitFuture.whenComplete { _ in self.finishStop() }
                    return
                }
                instance = inst
                startedAt = began
                state = .running
                waitingMessage = nil
                startProbes()
                onChange()
                inst.exitFuture.whenSuccess { code in self.exited(code: code, reason: code == 0 ? "Completed" : "Error") }
            case .failure(let error):
                ctx.log.line("Error: \(error)")
                ctx.counters.fail("\(error)")
                startedAt = nil
                exited(code: 128, reason: "StartError", message: "\(error)")
            }
        }
    }

    private func startProbes() {
        if probesDriveReadiness, let p = container.readinessProbe {
            readiness = PodProber(kind: .readiness, probe: p, container: container, ctx: ctx) { [weak self] _ in self?.onChange() }
            readiness?.start()
        }
        if let p = container.livenessProbe {
            liveness = PodProber(kind: .liveness, probe: p, container: container, ctx: ctx) { [weak self] alive in
                guard let self, !alive else { return }
                self.ctx.log.line("Liveness probe failed: container \(self.container.name) will be restarted")
                self.instance?.terminate(deadline: .now() + .seconds(Int64(2)))
            }
            liveness?.start()
        }
    }

    private func stopProbes() {
        readiness?.stop()
        liveness?.stop()
        readiness = nil
        liveness = nil
    }

    private func exited(code: Int32, reason: String, message: String? = nil) {
        lastLoadGen = instance?.loadGeneratorStats ?? lastLoadGen
        instance = nil
        stopProbes()
        let now = SystemClock().now()
        lastTermination = (code, reason, startedAt, now)
        if stopping {
            state = .terminated(exitCode: code, reason: reason)
            finishStop()
            return
        }
        let restart = switch restartPolicy {
        case "Never": false
        case "OnFailure": code != 0
        default: true
        }
        guard restart else {
            state = .terminated(exitCode: code, reason: reason)
            onChange()
            return
        }
        // The kubelet restarts a first crash at once, then waits 10 s, 20 s, 40 s … 300 s; a
        // container that ran long enough before exiting starts the sequence over.
        if let startedAt, now - startedAt >= Double(ctx.config.backoffResetAfter.nanoseconds) / 1e9 { nextBackoff = nil }
        let delay = nextBackoff ?? .zero
        nextBackoff = nextBackoff.map { min($0 * 2, ctx.config.backoffMax) } ?? ctx.config.backoffBase
        if delay > .zero {
            state = .waiting(reason: "CrashLoopBackOff")
            waitingMessage = "back-off \(Self.format(delay)) restarting failed container=\(container.name) pod=\(ctx.podKey.name)_\(ctx.podKey.namespace)"
            onChange()
        }
        restartTask = ctx.eventLoop.scheduleTask(in: delay) { [weak self] in
            guard let self, !self.stopping else { return }
            self.restartCount += 1
            self.run()
        }
    }

    static func format(_ t: TimeAmount) -> String {
        let ms = t.nanoseconds / 1_000_000
        if ms % 60_000 == 0 { return "\(ms / 60_000)m0s" }
        if ms % 1000 == 0 { return ms >= 60_000 ? "\(ms / 60_000)m\(ms % 60_000 / 1000)s" : "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    // MARK: stopping

    /// Stops for good (pod deleted): SIGTERM / drain now, force at `deadline`. No restart follows.
    func stop(deadline: NIODeadline) {
        guard !stopping else { return }
        stopping = true
        restartTask?.cancel()
        stopProbes()
        if let instance {
            instance.terminate(deadline: deadline)
        } else if !launching {
            finishStop()
        }
    }

    private func finishStop() {
        stoppedPromise.succeed(())
    }

    // MARK: status

    /// The container's `status.containerStatuses[]` entry.
    func status(ready: Bool) -> ContainerStatus {
        var cs = ContainerStatus(name: container.name, ready: ready, restartCount: restartCount)
        cs.image = container.image
        switch state {
        case .running:
            cs.started = true
            cs.state = .object(["running": .object(["startedAt": .string(Timestamp.rfc3339(startedAt ?? 0))])])
        case .waiting(let reason):
            cs.started = false
            var w: [String: JSONValue] = ["reason": .string(reason)]
            if let waitingMessage { w["message"] = .string(waitingMessage) }
            cs.state = .object(["waiting": .object(w)])
        case .terminated(let code, let reason):
            cs.started = false
            cs.state = Self.terminated(code, reason, lastTermination?.startedAt, lastTermination?.finishedAt)
        }
        if let t = lastTermination, !isFinished {
            cs.lastState = Self.terminated(t.code, t.reason, t.startedAt, t.finishedAt)
        }
        return cs
    }

    private static func terminated(_ code: Int32, _ reason: String, _ started: Double?, _ finished: Double?) -> JSONValue {
        var t: [String: JSONValue] = ["exitCode": .int(Int(code)), "reason": .string(reason)]
        if let started { t["startedAt"] = .string(Timestamp.rfc3339(started)) }
        if let finished { t["finishedAt"] = .string(Timestamp.rfc3339(finished)) }
        return .object(["terminated": .object(t)])
    }
}
