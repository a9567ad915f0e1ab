/// The healthCheckNodePort responder (kube-proxy `service_health.go` `hcHandler.ServeHTTP`) as a
/// pure function. Load balancers use it to send ETP=Local traffic only to nodes with local
/// endpoints, so status and body must match what they parse.
public struct HealthCheckResponse: Hashable, Sendable {
    /// 200 when the node has local ready endpoints and the proxy is healthy, else 503.
    public var status: Int
    public var headers: [(String, String)] {
        [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")]
    }
    /// The JSON text exactly as upstream prints it (tab-indented, no trailing newline).
    public var body: String

    /// Any request path gets the same answer.
    public init(namespace: String, name: String, localEndpoints: Int, proxyHealthy: Bool) {
        status = localEndpoints != 0 && proxyHealthy ? 200 : 503
        body = """
            {
            \t"service": {
            \t\t"namespace": \(Self.quote(namespace)),
            \t\t"name": \(Self.quote(name))
            \t},
            \t"localEndpoints": \(localEndpoints),
            \t"serviceProxyHealthy": \(proxyHealthy)
            }
            """
    }

    public static func == (l: HealthCheckResponse, r: HealthCheckResponse) -> Bool {
        l.status == r.status && l.body == r.body
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(body)
    }

    /// Go `%q` for the names involved (DNS labels): quotes, with `"` and `\` escaped.
    private static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
