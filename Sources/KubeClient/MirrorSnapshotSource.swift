import ClusterModel
import Foundation
import Synchronization
import Telemetry

/// Scrapes a Prometheus text endpoint (Switchboard's or ingress-nginx's `/metrics`).
public final class MetricsScraper: Sendable {
    public let url: URL
    private let transport: HTTPTransport
    private let lastError = Mutex<KubeClientError?>(nil)

    /// - Parameter credentials: the API connection; its TLS trust and token are reused when the
    ///   metrics URL is on the same host and port (the engine's own `/metrics`).
    public init(url: URL, credentials: ClusterConnection? = nil) throws(KubeClientError) {
        self.url = url
        var c = ClusterConnection(server: url, connectTimeout: 2, requestTimeout: 5)
        if let credentials, credentials.host == c.host, credentials.port == c.port {
            c.certificateAuthorityPEM = credentials.certificateAuthorityPEM
            c.insecureSkipTLSVerify = credentials.insecureSkipTLSVerify
            c.tlsServerName = credentials.tlsServerName
            c.bearerToken = credentials.bearerToken
            c.tokenFile = credentials.tokenFile
            c.clientCertificatePEM = credentials.clientCertificatePEM
            c.clientKeyPEM = credentials.clientKeyPEM
        }
        var base = c
        base.server = URL(string: "\(url.scheme ?? "http")://\(c.host):\(c.port)")!
        transport = try HTTPTransport(connection: base, group: .singletonMultiThreadedEventLoopGroup)
    }

    /// The last scrape's failure, if it failed.
    public var problem: KubeClientError? { lastError.withLock { $0 } }

    public func scrape() async -> TrafficMetrics? {
        var path = url.path.isEmpty ? "/metrics" : url.path
        if let q = url.query { path += "?\(q)" }
        do throws(KubeClientError) {
            let (status, body) = try await transport.send(method: .GET, path: path, maxBytes: 32 << 20)
            guard (200..<300).contains(status) else {
                throw KubeClient.statusError(status, body, server: transport.serverName)
            }
            lastError.withLock { $0 = nil }
            return TrafficMetrics(text: String(decoding: body, as: UTF8.self))
        } catch {
            lastError.withLock { $0 = error }
            return nil
        }
    }
}

/// Snapshots of a cluster seen through its API: the mirror's objects projected by `project`
/// (the same `ClusterView.build` the live engine's dashboard uses, passed in by the command line
/// because the Dashboard floor is above this one), and traffic only from a configured metrics
/// scrape. Without one, `proxy` stays nil and the traffic columns say so.
public struct MirrorSnapshotSource: SnapshotSource {
    public let mirror: ClusterMirror
    public let project: @Sendable (MirrorContents) -> ClusterView
    public let metrics: MetricsScraper?
    public let clock: @Sendable () -> Double

    public init(mirror: ClusterMirror, metrics: MetricsScraper? = nil,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                project: @escaping @Sendable (MirrorContents) -> ClusterView) {
        self.mirror = mirror
        self.metrics = metrics
        self.clock = clock
        self.project = project
    }

    public func snapshot() async -> Snapshot {
        let scrape = await metrics?.scrape()
        let now = clock()
        var view = project(mirror.contents())
        // What the dashboard cannot see is said where it looks for news: as Warning events.
        if let problem = mirror.problem {
            view.events.append(Self.warning("APIConnection", "APIServer/\(mirror.client.serverName)", problem, at: now))
        }
        if let metrics, let problem = metrics.problem {
            view.events.append(Self.warning("MetricsUnavailable", "Metrics/\(metrics.url.absoluteString)", problem, at: now))
        }
        var s = Snapshot(time: now, cluster: view)
        if let scrape {
            s.proxy = scrape.proxySnapshot(time: now)
            s.ingress = scrape.ingressSnapshot()
        }
        return s
    }

    static func warning(_ reason: String, _ object: String, _ problem: KubeClientError, at time: Double) -> EventSummary {
        let f = ISO8601DateFormatter()
        return EventSummary(time: f.string(from: Date(timeIntervalSince1970: time)), type: "Warning", reason: reason,
                            object: object, message: problem.description + " (retrying)")
    }
}
