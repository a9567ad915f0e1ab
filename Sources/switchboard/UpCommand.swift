import ArgumentParser
import ClusterDNS
import ClusterModel
import ControlPlane
import DataPlane
import Dashboard
import Engine
import Foundation
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
            FILE it runs the demo from demo-data/.
            """
    )

    @Argument(help: "Manifest files or directories; the demo (demo-data/) when none.")
    var files: [String] = []

    @Flag(help: "Run the engine without the dashboard.")
    var headless = false

    @Flag(help: "Run one sampling period, print one view and exit (for scripts).")
    var once = false

    @Option(help: "The view --once prints: svc, ep, ing, flow, pods, nodes, events.")
    var view = "svc"

    @Option(name: [.customShort("o"), .long], help: "Output of --once: text or json.")
    var output = "text"

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

    @Option(help: "Where the Kubernetes API listens (HOST:PORT on loopback), for kubectl --server http://HOST:PORT.")
    var apiServer = "127.0.0.1:6443"

    @Option(help: "Data-plane threads (default: one per core).")
    var eventLoops: Int?

    @Option(help: "Bind privileged ports (below net.ipv4.ip_unprivileged_port_start) at port + OFFSET instead of failing; shown wherever the address is.")
    var privilegedPortOffset: Int?

    @Option(help: "A k9s skin (YAML file) to colour the dashboard with; its roles are mapped onto ours.")
    var skin: String?

    func run() async throws {
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
        guard let pane = PaneKind.parse(view), pane != .details else {
            throw ValidationError("--view must be one of svc, ep, ing, flow, pods, nodes, events")
        }
        guard output == "text" || output == "json" else { throw ValidationError("-o must be text or json") }
        var config = ClusterConfig()
        config.nodeCount = nodes
        config.addresses.serviceCIDR = serviceCIDR
        config.addresses.podCIDR = podCIDR
        config.addresses.nodeCIDR = nodeCIDR
        config.addresses.loadBalancerPool = loadBalancerPool
        config.addresses.clusterDNS = clusterDNS
        let api = apiServer.split(separator: ":")
        guard api.count == 2, let apiPort = Int(api[1]), IPv4(String(api[0]))?.isLoopback == true else {
            throw ValidationError("--api-server must be a loopback HOST:PORT, e.g. 127.0.0.1:6443")
        }
        config.addresses.apiServerHost = String(api[0])
        config.addresses.apiServerPort = apiPort
        do { _ = try config.addresses.validated() } catch {
            throw ValidationError(error.description)
        }
        var proxyConfig = ProxyConfig()
        proxyConfig.privilegedPortRemap = privilegedPortOffset
        var dnsConfig = ClusterDNSConfig(addresses: config.addresses)
        if noDNSForward { dnsConfig.forwarding = .refuse } else if !dnsUpstreams.isEmpty { dnsConfig.forwarding = .upstreams(dnsUpstreams) }
        let engine = try LiveEngine(config: config, proxyConfig: proxyConfig, dnsConfig: dnsConfig, eventLoops: eventLoops)
        let errors = engine.cluster.apply(set.objects)
        if !errors.isEmpty {
            for (o, e) in errors { FileHandle.standardError.write(Data("\(o.displayName): \(e)\n".utf8)) }
            throw ExitCode(1)
        }
        do { try await engine.start() } catch {
            await engine.shutdown()
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(1)
        }
        await engine.settle()
        let source = DashboardSource(engine: engine)
        if once {
            let first = await source.snapshot()
            try await Task.sleep(for: .seconds(interval))
            let second = await source.snapshot()
            let text = output == "json" ? OnceOutput.json(pane, snapshot: second, previous: first)
                : OnceOutput.text(pane, snapshot: second, previous: first)
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            await engine.shutdown()
            return
        }
        if !headless {
            do {
                try await runDashboard(source: source, interval: interval, config: dashboardConfig)
                await engine.shutdown()
                return
            } catch let error as TerminalError {
                await engine.shutdown()
                FileHandle.standardError.write(Data("switchboard: \(error). Run it in a terminal, or use --headless (no dashboard) or --once (one view as text).\n".utf8))
                throw ExitCode(1)
            }
        }
        print(engine.cluster.report(), terminator: "")
        print("\nkubectl --server http://\(apiServer) get svc    # the Kubernetes API")
        print("dig @\(clusterDNS) kubia.default.svc.cluster.local    # cluster DNS")
        fflush(nil)  // visible at once when stdout is a pipe or a file
        for l in await engine.proxy.snapshot().listeners where l.state != .bound && l.state != .rejecting {
            FileHandle.standardError.write(Data("switchboard: listener \(l.address):\(l.port) for \(l.service): \(l.state.rawValue) \(l.reason ?? "")\n".utf8))
        }
        let events = EventFollower(store: engine.cluster.store)
        await events.follow()
        await engine.shutdown()
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

    func follow() async {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let id = store.subscribe { e in
            guard e.type == .added, case .event(let ev) = e.object else { return }
            let obj = "\(ev.involvedObject.kind ?? "")/\(ev.involvedObject.name ?? "")"
            continuation.yield("\(ev.lastTimestamp ?? "")  \(ev.type ?? "")  \(ev.reason ?? "")  \(obj)  \(ev.message ?? "")")
        }
        let signals = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
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
