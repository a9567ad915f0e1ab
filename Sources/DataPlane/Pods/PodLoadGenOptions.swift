/// The load generator's settings, from args (`--url=http://kubia/hostname --rate=20
/// --concurrency=2 --keep-alive --duration=30s --host=kubia.example.com`) over env
/// (`LOADGEN_URL`, `LOADGEN_RATE`, `LOADGEN_CONCURRENCY`, `LOADGEN_KEEPALIVE`,
/// `LOADGEN_DURATION`, `LOADGEN_HOST`).
struct LoadGenOptions: Sendable, Equatable {
    var url: String
    var host: String
    var port: Int
    /// Path and query, as sent on the request line.
    var target: String
    var rate: Double
    var concurrency: Int
    /// Reuse connections. Off by default: one connection per request, as `curl` in a loop does,
    /// so an L4 service proxy balances every request.
    var keepAlive: Bool
    /// Stop (exit 0) after this many seconds; nil runs until the pod goes.
    var duration: Double?
    /// The Host header to send instead of the URL's (as `hey -host`): reaches an Ingress rule
    /// by name while connecting to the controller's address.
    var hostHeader: String? = nil

    static func parse(args: [String], env: [String: String], config: PodRuntimeConfig) -> PodProgram {
        func value(_ flag: String, _ envName: String) -> String? {
            PodImageCatalog.flag(flag, in: args) ?? env[envName]
        }
        func invalid(_ message: String) -> PodProgram {
            .unavailable(reason: "InvalidLoadGeneratorConfig", message: message)
        }
        guard let url = value("url", "LOADGEN_URL"), !url.isEmpty else {
            return invalid("the load generator needs a target: --url=http://<service>[:port]/path or env LOADGEN_URL")
        }
        guard let parsed = parseURL(url) else {
            return invalid("--url \"\(url)\" is not an http:// URL")
        }
        let rateText = value("rate", "LOADGEN_RATE") ?? "10"
        guard let rate = Double(rateText), rate > 0 else { return invalid("--rate \"\(rateText)\" is not a positive number") }
        let concText = value("concurrency", "LOADGEN_CONCURRENCY") ?? "1"
        guard let conc = Int(concText), conc > 0 else { return invalid("--concurrency \"\(concText)\" is not a positive integer") }
        var keepAlive = args.contains("--keep-alive") || args.contains("-keep-alive")
        if let k = PodImageCatalog.flag("keep-alive", in: args.filter { $0 != "--keep-alive" && $0 != "-keep-alive" })
            ?? env["LOADGEN_KEEPALIVE"] {
            keepAlive = ["1", "true", "yes"].contains(k.lowercased())
        }
        var duration: Double?
        if let d = value("duration", "LOADGEN_DURATION") {
            guard let secs = PodHTTPSupport.goDuration(d) ?? Double(d) else { return invalid("--duration \"\(d)\" is not a duration") }
            duration = secs
        }
        return .loadgen(LoadGenOptions(url: url, host: parsed.host, port: parsed.port, target: parsed.target,
                                       rate: min(rate, config.loadgenMaxRate),
                                       concurrency: min(conc, config.loadgenMaxConcurrency),
                                       keepAlive: keepAlive, duration: duration,
                                       hostHeader: value("host", "LOADGEN_HOST").flatMap { $0.isEmpty ? nil : $0 }))
    }

    /// `http://host[:port][/path][?query]`; nil for anything else (https is not spoken).
    static func parseURL(_ url: String) -> (host: String, port: Int, target: String)? {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.contains("://") { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var target = String(rest.dropFirst(authority.count))
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        var host = Substring(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        return (String(host), port, target)
    }
}
