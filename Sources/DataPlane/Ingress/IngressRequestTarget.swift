/// The parts of a request that routing looks at, normalised the way ingress controllers do before
/// matching: the Host header without its port, lower-cased and without a trailing dot; the path
/// of the request target without query or fragment (absolute-form targets give both).
public struct IngressRequestTarget: Hashable, Sendable {
    /// nil when the request had no (or an empty) Host header: only host-less rules can match.
    public var host: String?
    public var path: String

    public init(host: String?, path: String) {
        self.host = host.flatMap(Self.normalizeHost)
        self.path = path.isEmpty ? "/" : path
    }

    /// From an HTTP/1.1 request line target and Host header value. An absolute-form target
    /// (`http://h/p`, as proxies receive) wins over the Host header, as RFC 9112 §3.2.2 says.
    public init(uri: String, hostHeader: String?) {
        var host = hostHeader
        var rest = Substring(uri)
        if let schemeEnd = rest.range(of: "://"), rest[..<schemeEnd.lowerBound].allSatisfy({ $0.isLetter }) {
            let afterScheme = rest[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
            host = String(afterScheme[..<authorityEnd])
            rest = afterScheme[authorityEnd...]
        }
        let pathEnd = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? rest.endIndex
        self.init(host: host, path: String(rest[..<pathEnd]))
    }

    /// `Foo.Example.com:8080` → `foo.example.com`; `[::1]:80` → `[::1]`; empty → nil.
    public static func normalizeHost(_ raw: String) -> String? {
        var h = Substring(raw.trimmingASCIIWhitespace())
        if h.hasPrefix("[") {
            if let close = h.firstIndex(of: "]") { h = h[...close] }
        } else if let colon = h.lastIndex(of: ":") {
            h = h[..<colon]
        }
        if h.hasSuffix(".") { h = h.dropLast() }
        return h.isEmpty ? nil : h.lowercased()
    }
}

extension String {
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
