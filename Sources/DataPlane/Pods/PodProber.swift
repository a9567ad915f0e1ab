import ClusterModel
import NIOCore
import NIOHTTP1
import NIOPosix

/// The kubelet's prober for one container: runs the probe every `periodSeconds` after
/// `initialDelaySeconds` against the pod IP, and turns consecutive results into a verdict with
/// `successThreshold` / `failureThreshold`. Readiness starts false, liveness true, as in the kubelet.
/// Confined to the pod's event loop.
final class PodProber: @unchecked Sendable {
    enum Kind: String { case readiness, liveness }

    let kind: Kind
    private let probe: Probe
    private let container: Container
    private let ctx: PodContainerContext
    private let onChange: (Bool) -> Void
    private var task: Scheduled<Void>?
    private var stopped = false
    private var successes = 0
    private var failures = 0
    private(set) var verdict: Bool

    init(kind: Kind, probe: Probe, container: Container, ctx: PodContainerContext, onChange: @escaping (Bool) -> Void) {
        self.kind = kind
        self.probe = probe
        self.container = container
        self.ctx = ctx
        self.onChange = onChange
        verdict = kind == .liveness
    }

    private func seconds(_ n: Int) -> TimeAmount { .nanoseconds(ctx.config.probeSecond.nanoseconds * Int64(n)) }

    func start() {
        schedule(after: seconds(max(0, probe.initialDelaySeconds ?? 0)))
    }

    func stop() {
        stopped = true
        task?.cancel()
    }

    private func schedule(after delay: TimeAmount) {
        guard !stopped else { return }
        task = ctx.eventLoop.scheduleTask(in: delay) { [weak self] in self?.runOnce() }
    }

    private func runOnce() {
        guard !stopped else { return }
        let timeout = seconds(max(1, probe.timeoutSeconds ?? 1))
        attempt(timeout: timeout).whenComplete { [weak self] result in
            guard let self, !self.stopped else { return }
            let ok = (try? result.get()) ?? false
            self.record(ok)
            self.schedule(after: self.seconds(max(1, self.probe.periodSeconds ?? 10)))
        }
    }

    private func record(_ ok: Bool) {
        if ok { successes += 1; failures = 0 } else { failures += 1; successes = 0 }
        let newVerdict: Bool
        if ok, successes >= max(1, probe.successThreshold ?? 1) {
            newVerdict = true
        } else if !ok, failures >= max(1, probe.failureThreshold ?? 3) {
            newVerdict = false
        } else {
            return
        }
        guard newVerdict != verdict else { return }
        verdict = newVerdict
        onChange(newVerdict)
    }

    // MARK: actions

    private func attempt(timeout: TimeAmount) -> EventLoopFuture<Bool> {
        if let http = probe.httpGet {
            guard let port = port(http.port) else { return fail("\(kind) probe: port \(http.port) not found in container") }
            if (http.scheme ?? "HTTP").uppercased() == "HTTPS" { return fail("\(kind) probe: HTTPS probes are not supported") }
            return httpGet(host: http.host ?? ctx.podIP, port: port, path: http.path ?? "/", timeout: timeout)
        }
        if let tcp = probe.tcpSocket {
            guard let port = port(tcp.port) else { return fail("\(kind) probe: port \(tcp.port) not found in container") }
            return connect(host: tcp.host ?? ctx.podIP, port: port, timeout: timeout, initializer: nil)
                .map { ch in ch.close(promise: nil); return true }
                .recover { _ in false }
        }
        if let exec = probe.exec?.command, !exec.isEmpty {
            return execProbe(exec, timeout: timeout)
        }
        return fail("\(kind) probe has no handler")
    }

    private func fail(_ message: String) -> EventLoopFuture<Bool> {
        ctx.counters.fail(message)
        return ctx.eventLoop.makeSucceededFuture(false)
    }

    private func port(_ p: IntOrString) -> Int? {
        switch p {
        case .int(let n): return n
        case .string(let name):
            if let n = Int(name) { return n }
            return container.ports?.first { $0.name == name }?.containerPort
        }
    }

    private func connect(host: String, port: Int, timeout: TimeAmount,
                         initializer: (@Sendable (any Channel) -> EventLoopFuture<Void>)?) -> EventLoopFuture<any Channel> {
        var b = ClientBootstrap(group: ctx.eventLoop).connectTimeout(timeout)
        if let initializer { b = b.channelInitializer(initializer) }
        return b.connect(host: host, port: port)
    }

    private func httpGet(host: String, port: Int, path: String, timeout: TimeAmount) -> EventLoopFuture<Bool> {
        let handler = PodLoadGenResponseHandler()
        let loop = ctx.eventLoop
        return connect(host: host, port: port, timeout: timeout) { ch in
            ch.eventLoop.makeCompletedFuture {
                try ch.pipeline.syncOperations.addHTTPClientHandlers()
                try ch.pipeline.syncOperations.addHandler(handler)
            }
        }.flatMap { ch -> EventLoopFuture<Bool> in
            let response = handler.expect()
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "\(host):\(port)")
            headers.add(name: "User-Agent", value: "kube-probe/1.31")
            headers.add(name: "Accept", value: "*/*")
            headers.add(name: "Connection", value: "close")
            ch.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)), promise: nil)
            ch.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            let timer = loop.scheduleTask(in: timeout) {
                handler.fail(PodLoadGenError("probe timed out"))
            }
            return response.map { (200..<400).contains($0) }.always { _ in
                timer.cancel()
                ch.close(promise: nil)
            }
        }.recover { _ in false }
    }

    private func execProbe(_ command: [String], timeout: TimeAmount) -> EventLoopFuture<Bool> {
        let probeCtx = PodContainerContext(
            eventLoop: ctx.eventLoop, podKey: ctx.podKey, podIP: ctx.podIP, hostname: ctx.hostname,
            containerName: ctx.containerName, env: ctx.env, workingDir: ctx.workingDir,
            log: ContainerLog(byteLimit: 4096, lineLimit: 16), counters: PodWorkloadCounters(), config: ctx.config,
            resolver: ctx.resolver)
        let loop = ctx.eventLoop
        return PodProcessInstance.start(argv: command, ctx: probeCtx).flatMap { instance -> EventLoopFuture<Bool> in
            let timer = loop.scheduleTask(in: timeout) { instance.terminate(deadline: .now()) }
            return instance.exitFuture.map { code in
                timer.cancel()
                return code == 0
            }
        }.recover { _ in false }
    }
}
