/// The ingress-nginx annotations this controller honours, read once per Ingress so that the
/// request path never parses strings. Names and defaults are ingress-nginx's, so manifests
/// written for it behave the same here.
public struct IngressOptions: Hashable, Sendable {
    public static let prefix = "nginx.ingress.kubernetes.io/"

    /// `affinity: cookie`: the first response sets a cookie naming the endpoint; later requests
    /// carrying it go to the same endpoint while it stays usable.
    public var cookieAffinity: CookieAffinity?
    /// `ssl-redirect` (default true): plain-HTTP requests for a host listed in `spec.tls` get a 308
    /// to https, as ingress-nginx does.
    public var sslRedirect: Bool = true

    public struct CookieAffinity: Hashable, Sendable {
        /// `session-cookie-name`, default INGRESSCOOKIE.
        public var name: String = "INGRESSCOOKIE"
        /// `session-cookie-path`, default the matched rule's path (ingress-nginx's default); "/" when empty.
        public var path: String?
        /// `session-cookie-max-age` in seconds; nil = a session cookie.
        public var maxAge: Int?
        public init() {}
    }

    public init() {}

    public init(annotations: [String: String]) {
        func value(_ key: String) -> String? { annotations[Self.prefix + key]?.trimmingASCIIWhitespace().description }
        if value("affinity")?.lowercased() == "cookie" {
            var c = CookieAffinity()
            if let n = value("session-cookie-name"), Self.isCookieName(n) { c.name = n }
            if let p = value("session-cookie-path"), p.hasPrefix("/"), !p.contains(";") { c.path = p }
            if let a = value("session-cookie-max-age").flatMap({ Int($0) }), a > 0 { c.maxAge = a }
            cookieAffinity = c
        }
        if let r = value("ssl-redirect")?.lowercased() { sslRedirect = r != "false" }
    }

    /// RFC 6265 cookie-name = token.
    static func isCookieName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            c > 0x20 && c < 0x7f && !"()<>@,;:\\\"/[]?={}".utf8.contains(c)
        }
    }
}
