import ArgumentParser
import ClusterModel
import ControlPlane
import Dashboard
import Foundation
import KubeClient
import Recording
import Telemetry
import TerminalUI

/// `switchboard top`: the dashboard attached to a running engine (`up --headless`) or a real
/// cluster, through the Kubernetes API only — list + watch for state, merge patches for edits,
/// a Prometheus scrape (or "n/a") for traffic.
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach the dashboard to a running engine or a Kubernetes cluster through its API.",
        discussion: """
            Connects with --server URL (plus --token, --certificate-authority, --insecure-skip-tls-verify) \
            or a kubeconfig (--kubeconfig FILE, --context NAME; $KUBECONFIG or ~/.kube/config when neither \
            is given). State comes from list + watch; a dropped watch resumes where it stopped. Traffic \
            columns come from --metrics-url (Switchboard's or ingress-nginx's /metrics) or show n/a. With \
            --once it prints one view (--view) as text or JSON (-o json), as `up --once` does, and exits.
            """
    )

    @Option(help: "API server URL, e.g. http://127.0.0.1:6443 or https://10.0.0.1:6443.")
    var server: String?

    @Option(help: "Bearer token.")
    var token: String?

    @Option(help: "File holding the bearer token (re-read on every request).")
    var tokenFile: String?

    @Option(help: "PEM file of the certificate authority that signed the server's certificate.")
    var certificateAuthority: String?

    @Flag(help: "Do not verify the server's certificate (throwaway clusters only).")
    var insecureSkipTLSVerify = false

    @Option(help: "Kubeconfig file.")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context (default: its current-context).")
    var context: String?

    @Option(name: [.short, .long], help: "Mirror one namespace only (default: all namespaces).")
    var namespace: String?

    @Flag(help: "Refuse every edit (production contexts).")
    var readOnly = false

    @Option(help: "Prometheus text endpoint for the traffic columns (e.g. http://127.0.0.1:6443/metrics).")
    var metricsURL: String?

    @OptionGroup var onceView: OnceView
    var once: Bool { onceView.once }

    @Option(help: "Sampling period in seconds.")
    var interval: Double = 1

    @Option(help: "Seconds to wait for a connection or an answer before giving up.")
    var requestTimeout: Double = 10

    @Option(help: "The cluster's DNS domain, for the names shown in details.")
    var clusterDomain = "cluster.local"

    @Option(help: "Record the session to FILE, as up --record does (R in the dashboard starts and stops one too).")
    var record: String?

    func run() async throws {
        let client: KubeClient
        let scraper: MetricsScraper?
        do {
            let connection = try connectionSettings()
            client = try KubeClient(connection: connection)
            scraper = try metricsURL.map { text throws(KubeClientError) in
                try MetricsScraper(url: try ClusterConnection.server(text), credentials: connection)
            }
        } catch {
            fail(error.description)
        }
        let mirror = ClusterMirror(client: client, namespace: namespace)
        mirror.start()
        defer { mirror.stop() }
        do {
            try await mirror.waitForSync(timeout: requestTimeout, failFast: true)
        } catch {
            fail(error.description)
        }
        let domain = clusterDomain
        let mirrored = MirrorSnapshotSource(mirror: mirror, metrics: scraper) { c in
            ClusterView.build(services: c.services, endpointSlices: c.endpointSlices, pods: c.pods, nodes: c.nodes,
                              ingresses: c.ingresses, events: c.events, clusterDomain: domain,
                              environment: { ServiceEnvironment.variables(for: $0).map { "\($0.name)=\($0.value ?? "")" } },
                              deployments: c.deployments)
        }
        // Recording works the same attached: the recorder sits between the mirror and the dashboard.
        let source: LiveRecorder
        do {
            source = try LiveRecorder(source: mirrored, path: record, interval: interval,
                                      title: "top \(server ?? kubeconfig ?? "")")
        } catch {
            fail("\(error)")
        }
        defer { source.close() }
        // Edits go through the API (validated there); --read-only refuses them all.
        let actions: any ClusterActions = readOnly
            ? RefusingActions(reason: "read-only session (--read-only): edits are refused") : APIClusterActions(client: client)
        if once {
            let first = await source.snapshot()
            if scraper != nil { try await Task.sleep(for: .seconds(interval)) }
            let second = scraper != nil ? await source.snapshot() : first
            print(try onceView.render(second, previous: scraper != nil ? first : nil), terminator: "")
            return
        }
        do {
            try await runDashboard(source: source, actions: actions, interval: interval,
                                   session: SessionLink(control: source, keys: .live))
        } catch let error as TerminalError {
            fail("\(error). Run it in a terminal, or use --once (one view as text).")
        }
    }

    /// Flags win over the kubeconfig, as with kubectl.
    func connectionSettings() throws(KubeClientError) -> ClusterConnection {
        let env = ProcessInfo.processInfo.environment
        var c: ClusterConnection
        let configPath = kubeconfig ?? (server == nil ? (env["KUBECONFIG"]?.split(separator: ":").first.map(String.init)
            ?? NSHomeDirectory() + "/.kube/config") : nil)
        if let configPath {
            guard kubeconfig != nil || FileManager.default.fileExists(atPath: configPath) else {
                throw .configuration("no API server given: pass --server URL (e.g. http://127.0.0.1:6443 for `switchboard up`) "
                    + "or --kubeconfig FILE")
            }
            c = try Kubeconfig.load(path: configPath).connection(context: context)
            if let server { c.server = try ClusterConnection.server(server) }
        } else {
            c = ClusterConnection(server: try ClusterConnection.server(server!))
        }
        if let token { c.bearerToken = token }
        if let tokenFile { c.tokenFile = tokenFile }
        if let certificateAuthority {
            guard let pem = FileManager.default.contents(atPath: certificateAuthority) else {
                throw .configuration("cannot read --certificate-authority \(certificateAuthority)")
            }
            c.certificateAuthorityPEM = Array(pem)
        }
        if insecureSkipTLSVerify { c.insecureSkipTLSVerify = true }
        c.connectTimeout = min(requestTimeout, 5)
        c.requestTimeout = requestTimeout
        return c
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("switchboard: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
