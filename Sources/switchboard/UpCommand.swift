import ArgumentParser
import ClusterDNS
import ClusterModel
import ControlPlane
import DataPlane
import Dashboard
import Engine
import Recording
import Foundation
import KubeAPI
import Logging
import TerminalUI

/// `switchboard up [FILE…]`: start the engine on manifests (the demo in demo-data/ when none are
/// given). A set with any invalid object is refused whole, listing every error.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a cluster from manifests: control loop, addresses, endpoints, DNS records.",
        discussion: """
            Opens the dashboard on the live engine. With --headless the engine runs without it and \
            prints the state it computed (nodes, services, endpoints, pods), then follows events \
            until interrupted (SIGINT/SIGTERM stop it cleanly). With --once it runs the engine for one \
            sampling period, prints one view (--view) as text or JSON (-o json) and exits. With no \
            FILE it runs the demo from demo-data/. The Kubernetes API is plain HTTP on loopback; with \
            --api-tls, or an --api-server beyond loopback, it serves HTTPS with a bearer token and writes \
            a kubeconfig (--write-kubeconfig). Headless, it logs to stderr (--log-format text|json) and \
            answers /livez and /readyz.
            """
    )

    @Argument(help: "Manifest files or directories; the demo (demo-data/) when none.")
    var files: [String] = []

    @Flag(help: "Run the engine without the dashboard.")
    var headless = false

    @OptionGroup var onceView: OnceView
    var once: Bool { onceView.once }

    @Option(help: "Sampling period in seconds (dashboard refresh; --once waits one period).")
    var interval: Double = 1

    @Option(name: [.short, .long], help: "Namespace for namespaced objects that name none.")
    var namespace = "default"

    @Option(help: "Number of nodes.")
    var nodes = 3

    @Option(help: "Service CIDR (cluster IPs).")
    var serviceCIDR = AddressPlan().serviceCIDR

    @Option(help: "Pod CIDR; each node gets a /24 of it.")
    var podCIDR = AddressPlan().podCIDR

    @Option(help: "Block the node addresses come from.")
    var nodeCIDR = AddressPlan().nodeCIDR

    @Option(help: "LoadBalancer address pool.")
    var loadBalancerPool = AddressPlan().loadBalancerPool

    @Option(help: "Cluster DNS service address (inside the service CIDR).")
    var clusterDNS = AddressPlan().clusterDNS

    @Option(name: .customLong("dns-upstream"), help: "Where cluster DNS forwards names outside the cluster domain (IP[:PORT], repeatable; default: the host's resolv.conf).")
    var dnsUpstreams: [String] = []

    @Flag(help: "Refuse names outside the cluster domain instead of forwarding them.")
    var noDNSForward = false

    @Option(help: "Where the Kubernetes API listens (HOST:PORT). Plain HTTP on loopback (kubectl --server http://HOST:PORT); any other address (e.g. 0.0.0.0:6443) serves HTTPS with a bearer token and writes a kubeconfig.")
    var apiServer = "127.0.0.1:6443"

    @Flag(name: .customLong("api-tls"), help: "Serve the API over HTTPS with a bearer token on loopback too (and write a kubeconfig).")
    var apiTLS = false

    @Option(help: "PEM serving certificate (chain) for the API; generated with openssl in the state directory when absent.")
    var tlsCertFile: String?

    @Option(help: "PEM private key of --tls-cert-file.")
    var tlsPrivateKeyFile: String?

    @Option(help: "File whose first line is the bearer token clients must send; generated (32 random bytes, hex) beside the kubeconfig when absent.")
    var tokenFile: String?

    @Option(help: "Where to write the kubeconfig for the API (mode 0600). Default with TLS: $XDG_STATE_HOME/switchboard/kubeconfig (~/.local/state/switchboard/kubeconfig).")
    var writeKubeconfig: String?

    @Option(help: "Log format of --headless on stderr: text or json.")
    var logFormat = "text"

    @Option(help: "Data-plane threads (default: one per core).")
    var eventLoops: Int?

    @OptionGroup(title: "Editing from the dashboard")
    var edit: EditOptions

    @Option(help: "Bind privileged ports (below net.ipv4.ip_unprivileged_port_start) at port + OFFSET instead of failing; shown wherever the address is.")
    var privilegedPortOffset: Int?

    @Option(help: "Record the session (snapshots and events, every --interval) to FILE; replay it with switchboard replay FILE. R in the dashboard starts and stops a recording too.")
    var record: String?

    @Option(help: "A k9s skin (YAML file) to colour the dashboard with; its roles are mapped onto ours.")
    var skin: String?

    func run() async throws {
        let stopSignal = headless && !once ? ShutdownSignal.install() : nil
        let dashboardConfig = try Self.dashboardConfig(skin: skin)
        let paths = files.isEmpty ? [Self.demoDirectory()] : files
        let set = ManifestDecoder.load(paths: paths, defaultNamespace: namespace)
        let report = CheckReport(set, strict: false)
        for w in report.issues where w.isWarning { FileHandle.standardError.write(Data("\(w)\n".utf8)) }
        if report.errorCount > 0 {
            for e in report.issues where !e.isWarning { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
            FileHandle.standardError.write(Data("switchboard: refusing to start: \(report.summary)\nFix the manifests (switchboard check FILE… lists the same errors) and run again.\n".utf8))
            throw ExitCode(1)
        }
        var config = ClusterConfig()
        config.nodeCount = nodes
        config.addresses.serviceCIDR = serviceCIDR
        config.addresses.podCIDR = podCIDR
        config.addresses.nodeCIDR = nodeCIDR
        config.addresses.loadBalancerPool = loadBalancerPool
        config.addresses.clusterDNS = clusterDNS
        guard logFormat == "text" || logFormat == "json" else { throw ValidationError("--log-format must be text or json") }
        let serving: APIServing
        do {
            serving = try APIServing.prepare(address: apiServer, tls: apiTLS, certFile: tlsCertFile, keyFile: tlsPrivateKeyFile,
                                             tokenFile: tokenFile, kubeconfig: writeKubeconfig)
        } catch let e as APIServing.SetupError {
            throw ValidationError(e.description)
        }
        // Only the service mode logs: the dashboard owns the terminal and --once owns stdout.
        HeadlessLogging.bootstrap(format: headless && !once ? logFormat : nil)
        let log = Logger(label: "switchboard")
        // The `kubernetes` Service's endpoint: the bound address, or loopback for a wildcard bind.
        config.addresses.apiServerHost = IPv4(serving.host) != nil && serving.host != "0.0.0.0" ? serving.host : "127.0.0.1"
        config.addresses.apiServerPort = serving.port
        do { _ = try config.addresses.validated() } catch {
            throw ValidationError(error.description)
        }
        var proxyConfig = ProxyConfig()
        proxyConfig.privilegedPortRemap = privilegedPortOffset
        var dnsConfig = ClusterDNSConfig(addresses: config.addresses)
        if noDNSForward { dnsConfig.forwarding = .refuse } else if !dnsUpstreams.isEmpty { dnsConfig.forwarding = .upstreams(dnsUpstreams) }
        let state = edit.stateDirectory(for: paths, plan: config.addresses)
        let restored = try edit.restore(from: state)
        let saved = restored.flatMap { r in state?.objects(r, forPlan: config.addresses.planDescription) }
        let engine = try LiveEngine(config: config, proxyConfig: proxyConfig, dnsConfig: dnsConfig, eventLoops: eventLoops) {
            $0.host = serving.host
            $0.port = serving.port
            $0.security = serving.security
        }
        // File by file, each settled before the next, as successive `kubectl apply -f` runs: a
        // pod in an earlier file starts before the Services of later files exist, so it does
        // not get their environment variables (demo-data/00-env-before.yaml shows this). A saved
        // cluster (edits kept in the state directory) is restored in one batch.
        var errors: [(APIObject, StoreError)] = []
        if let saved {
            errors = engine.cluster.apply(saved.objects)
        } else {
            for file in set.files {
                errors += engine.cluster.apply(set.documents.filter { $0.source.file == file }.map(\.object))
            }
        }
        if !errors.isEmpty {
            for (o, e) in errors { FileHandle.standardError.write(Data("\(o.displayName): \(e)\n".utf8)) }
            throw ExitCode(1)
        }
        var notice: String?
        if let restored, let state {
            engine.restore(nodes: restored.nodes)
            notice = "restored the edited cluster from \(state.url.path) (saved \(restored.savedAt)"
                + (saved?.reallocated == true ? "; cluster IPs re-allocated: the address plan changed" : "")
                + "); --fresh starts from the manifests"
            FileHandle.standardError.write(Data("switchboard: \(notice!)\n".utf8))
        }
        do { try await engine.start() } catch {
            await engine.shutdown()
            FileHandle.standardError.write(Data("switchboard: \(error)\n\(Self.hint(for: error))".utf8))
            throw ExitCode(1)
        }
        await engine.settle()
        var kubectlHint = "kubectl --server \(serving.clientURL(port: engine.api.address?.port ?? serving.port))"
        do {
            if let path = try serving.writeKubeconfig(boundPort: engine.api.address?.port ?? serving.port, namespace: namespace) {
                kubectlHint = "kubectl --kubeconfig \(path)"
                log.info("kubeconfig written", metadata: ["path": "\(path)"])
                if !headless { FileHandle.standardError.write(Data("switchboard: kubeconfig for the API written to \(path)\n".utf8)) }
            }
        } catch {
            log.error("cannot write the kubeconfig", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("switchboard: cannot write the kubeconfig: \(error)\n".utf8))
        }
        log.info("Kubernetes API serving", metadata: [
            "url": "\(engine.api.address?.url ?? apiServer)", "tls": "\(serving.security != nil)",
        ])
        let recorder: LiveRecorder
        do {
            recorder = try LiveRecorder(source: DashboardSource(engine: engine), path: record, interval: interval,
                                        title: paths.joined(separator: " "))
        } catch {
            await engine.shutdown()
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(1)
        }
        defer { recorder.close() }
        let source = recorder
        if once {
            let first = await source.snapshot()
            try await Task.sleep(for: .seconds(interval))
            let second = await source.snapshot()
            print(try onceView.render(second, previous: first), terminator: "")
            await engine.shutdown()
            return
        }
        if !headless {
            do {
                try await runDashboard(source: source,
                                       actions: edit.actions(engine: engine, state: state, set: set, namespace: namespace,
                                                             sources: paths),
                                       interval: interval, config: edit.dashboardConfig(notice: notice, base: dashboardConfig),
                                       session: SessionLink(control: recorder, keys: .live))
                await engine.shutdown()
                return
            } catch let error as TerminalError {
                await engine.shutdown()
                FileHandle.standardError.write(Data("switchboard: \(error). Run it in a terminal, or use --headless (no dashboard) or --once (one view as text).\n".utf8))
                throw ExitCode(1)
            }
        }
        print(engine.cluster.report(), terminator: "")
        print("\n\(kubectlHint) get svc    # the Kubernetes API")
        print("dig @\(clusterDNS) kubia.default.svc.cluster.local    # cluster DNS")
        fflush(nil)  // visible at once when stdout is a pipe or a file
        for l in await engine.proxy.snapshot().listeners where l.state != .bound && l.state != .rejecting {
            log.warning("listener not bound", metadata: [
                "address": "\(l.address):\(l.port)", "service": "\(l.service)", "state": "\(l.state.rawValue)",
                "reason": "\(l.reason ?? "")",
            ])
        }
        log.info("ready", metadata: ["readyz": "\(engine.api.address.map { "\($0.url)/readyz" } ?? "")"])
        let events = EventFollower(store: engine.cluster.store, stop: stopSignal)
        let sampling = record == nil ? nil : Task {
            while !Task.isCancelled {
                _ = await recorder.snapshot()
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
        await events.follow()
        sampling?.cancel()
        recorder.close()
        log.info("draining: stopping listeners and closing connections")
        await engine.shutdown()
        log.info("stopped")
    }

    /// demo-data/ next to the working directory, or beside the executable's checkout.
    static func demoDirectory() -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/demo-data"
        if FileManager.default.fileExists(atPath: cwd) { return cwd }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("demo-data").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return cwd
    }
}

/// Prints each new Event as a line until SIGINT/SIGTERM.
struct EventFollower {
    let store: ObjectStore
    /// Caught since start-up (headless); without it SIGINT/SIGTERM are caught from here on.
    var stop: ShutdownSignal? = nil

    func follow() async {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let id = store.subscribe { e in
            guard e.type == .added, case .event(let ev) = e.object else { return }
            let obj = "\(ev.involvedObject.kind ?? "")/\(ev.involvedObject.name ?? "")"
            continuation.yield("\(ev.lastTimestamp ?? "")  \(ev.type ?? "")  \(ev.reason ?? "")  \(obj)  \(ev.message ?? "")")
        }
        stop?.onReceive { continuation.finish() }
        let signals = stop != nil ? [] : [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig)
            src.setEventHandler { continuation.finish() }
            src.resume()
            return src
        }
        for await line in stream {
            print(line)
            fflush(nil)
        }
        store.unsubscribe(id)
        for s in signals { s.cancel() }
    }
}

extension Up {
    /// What to do about a listener that could not start, for the errors a new user meets.
    static func hint(for error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            return "Another process (a second `switchboard up`?) already listens there: stop it, or move this "
                + "engine's addresses: --api-server 127.0.0.1:PORT, --cluster-dns, --load-balancer-pool, "
                + "--service-cidr, --node-cidr (see `switchboard up --help`).\n"
        }
        return ""
    }
}
