import NIOHTTP1

/// Header rewriting between client and upstream (RFC 9110 §7.6.1 hop-by-hop fields; the
/// X-Forwarded-* set ingress-nginx sends).
enum IngressHeaders {
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer",
                                        "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization"]

    /// Removes hop-by-hop fields and those the Connection field names.
    static func stripHopByHop(_ headers: inout HTTPHeaders) {
        var named = Set<String>()
        for v in headers[canonicalForm: "connection"] { named.insert(v.lowercased()) }
        for name in hopByHop.union(named) { headers.remove(name: name) }
    }

    /// The request head as the upstream sees it: HTTP/1.1, keep-alive, Host kept (name-based
    /// virtual hosting in the pod keeps working), client identity in X-Forwarded-For (appended
    /// to what a previous proxy sent), X-Real-IP, X-Forwarded-Proto/-Host/-Port. An upgrade
    /// request keeps asking for its protocol (`Connection: Upgrade`, `Upgrade:`), as nginx's
    /// WebSocket proxying sets them again after dropping the hop-by-hop fields.
    static func upstreamHead(_ head: HTTPRequestHead, clientIP: String, scheme: String, port: Int,
                             upgrade: String? = nil) -> HTTPRequestHead {
        var h = head.headers
        let chunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        stripHopByHop(&h)
        let originalHost = head.headers.first(name: "host")
        let prior = h[canonicalForm: "x-forwarded-for"].joined(separator: ", ")
        h.remove(name: "x-forwarded-for")
        h.add(name: "X-Forwarded-For", value: prior.isEmpty ? clientIP : "\(prior), \(clientIP)")
        h.replaceOrAdd(name: "X-Real-IP", value: clientIP)
        h.replaceOrAdd(name: "X-Forwarded-Proto", value: scheme)
        if let originalHost { h.replaceOrAdd(name: "X-Forwarded-Host", value: originalHost) }
        h.replaceOrAdd(name: "X-Forwarded-Port", value: String(port))
        h.replaceOrAdd(name: "X-Forwarded-Scheme", value: scheme)
        if chunked, !h.contains(name: "content-length") {
            h.add(name: "Transfer-Encoding", value: "chunked")
        }
        if let upgrade {
            h.add(name: "Connection", value: "Upgrade")
            h.add(name: "Upgrade", value: upgrade)
        }
        let out = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: h)
        return out
    }

    /// The response head as the client sees it.
    static func clientHead(_ head: HTTPResponseHead, version: HTTPVersion, close: Bool, setCookie: String?) -> HTTPResponseHead {
        var h = head.headers
        stripHopByHop(&h)
        if let setCookie { h.add(name: "Set-Cookie", value: setCookie) }
        if close { h.add(name: "Connection", value: "close") } else if version == .http1_0 { h.add(name: "Connection", value: "keep-alive") }
        return HTTPResponseHead(version: version, status: head.status, headers: h)
    }

    /// The upstream's 101 as the client sees it: the switch is agreed end to end, so the
    /// protocol the upstream chose is passed on with `Connection: Upgrade`.
    static func switchingHead(_ head: HTTPResponseHead) -> HTTPResponseHead {
        var h = head.headers
        let proto = h.first(name: "upgrade")
        stripHopByHop(&h)
        h.add(name: "Connection", value: "Upgrade")
        if let proto { h.add(name: "Upgrade", value: proto) }
        return HTTPResponseHead(version: .http1_1, status: .switchingProtocols, headers: h)
    }

    /// A response the controller writes itself (404, 502, 503, 504, 400, 431, 308).
    static func localHead(_ status: HTTPResponseStatus, version: HTTPVersion, bodyLength: Int, close: Bool,
                          extra: [(String, String)] = []) -> HTTPResponseHead {
        var h = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(bodyLength)),
                             ("Server", "switchboard-ingress")])
        h.add(contentsOf: extra)
        if close { h.add(name: "Connection", value: "close") }
        return HTTPResponseHead(version: version == .http1_0 ? .http1_0 : .http1_1, status: status, headers: h)
    }

    /// Request method is idempotent (RFC 9110 §9.2.2): safe to send twice.
    static func isIdempotent(_ m: HTTPMethod) -> Bool {
        switch m {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }

    /// Printable, bounded text of client-supplied strings for bodies we write.
    static func printable(_ s: String, limit: Int = 200) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.prefix(limit).map { ($0.value >= 0x20 && $0.value < 0x7f) ? $0 : "?" }))
    }
}

/// Cookie affinity as ingress-nginx does it: the cookie value names the endpoint (a stable hash
/// of its address), so any controller replica — or this one after a restart — sends the client
/// back to the same pod while that pod is an endpoint.
enum IngressAffinity {
    static func token(_ endpoint: UpstreamEndpoint) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in endpoint.key.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The value of cookie `name` in the request's Cookie fields.
    static func cookie(_ name: String, in headers: HTTPHeaders) -> String? {
        for field in headers[canonicalForm: "cookie"] {
            for pair in field.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: " ") == name {
                    return String(kv[1].trimmingCharacters(in: " \""))
                }
            }
        }
        return nil
    }

    static func setCookie(_ c: IngressOptions.CookieAffinity, value: String, routePath: String) -> String {
        let path = c.path ?? (routePath.isEmpty ? "/" : routePath)
        var s = "\(c.name)=\(value); Path=\(path)"
        if let age = c.maxAge { s += "; Max-Age=\(age)" }
        return s + "; HttpOnly"
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}
