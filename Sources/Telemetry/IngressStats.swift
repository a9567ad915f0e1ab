/// Traffic of one route (host + path → service:port) as the dashboard shows it.
public struct IngressRouteStats: Sendable, Codable, Hashable {
    public var host: String?
    public var path: String
    public var backend: String
    public var ingress: String
    public var requests: UInt64
    /// Responses by class: index 0 = 1xx … 4 = 5xx.
    public var statusClasses: [UInt64]
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    /// Request latency (head received → response end) in microseconds.
    public var p50Micros: UInt64
    public var p99Micros: UInt64
    /// Requests per backend endpoint (`ip:port`).
    public var endpointRequests: [String: UInt64]

    public init(host: String?, path: String, backend: String, ingress: String, requests: UInt64,
                statusClasses: [UInt64], bytesIn: UInt64, bytesOut: UInt64, p50Micros: UInt64, p99Micros: UInt64,
                endpointRequests: [String: UInt64]) {
        self.host = host
        self.path = path
        self.backend = backend
        self.ingress = ingress
        self.requests = requests
        self.statusClasses = statusClasses
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.p50Micros = p50Micros
        self.p99Micros = p99Micros
        self.endpointRequests = endpointRequests
    }

    public var count2xx: UInt64 { statusClasses[1] }
    public var count3xx: UInt64 { statusClasses[2] }
    public var count4xx: UInt64 { statusClasses[3] }
    public var count5xx: UInt64 { statusClasses[4] }
}

/// One finished HTTP exchange, for the flow ring the dashboard shows beside L4 flows.
public struct IngressFlowRecord: Sendable, Codable, Hashable {
    public var client: String
    public var method: String
    public var host: String
    public var path: String
    public var status: Int
    public var latencyMicros: UInt64
    /// `ip:port` of the endpoint, nil when the controller answered itself (404, 503, …).
    public var endpoint: String?
    public var route: String?

    public init(client: String, method: String, host: String, path: String, status: Int, latencyMicros: UInt64,
                endpoint: String?, route: String?) {
        self.client = client
        self.method = method
        self.host = host
        self.path = path
        self.status = status
        self.latencyMicros = latencyMicros
        self.endpoint = endpoint
        self.route = route
    }
}

/// Everything the ingress controller knows at one instant: the routes it serves with their
/// traffic, so the dashboard's ingress pane and a recording see the L7 hop as they see L4.
public struct IngressSnapshot: Sendable, Codable, Hashable {
    public var address: String
    /// Bound ports: requested port → actual port (differs with a remap or port 0).
    public var httpPort: Int?
    public var httpsPort: Int?
    /// Served Ingresses (namespace/name).
    public var ingresses: [String]
    public var routes: [IngressRouteStats]
    /// Requests no route matched (404 from the controller).
    public var unmatched: UInt64
    public var recentFlows: [IngressFlowRecord]
    /// TLS Secrets that could not be used, with why (never their content).
    public var tlsProblems: [String]
    public var resourceVersion: Int

    public init(address: String, httpPort: Int?, httpsPort: Int?, ingresses: [String], routes: [IngressRouteStats],
                unmatched: UInt64, recentFlows: [IngressFlowRecord], tlsProblems: [String], resourceVersion: Int) {
        self.address = address
        self.httpPort = httpPort
        self.httpsPort = httpsPort
        self.ingresses = ingresses
        self.routes = routes
        self.unmatched = unmatched
        self.recentFlows = recentFlows
        self.tlsProblems = tlsProblems
        self.resourceVersion = resourceVersion
    }
}
