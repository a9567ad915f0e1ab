import ClusterModel
import ControlPlane

/// Small pieces of Go's net/http and time behaviour that agnhost's answers depend on.
enum PodHTTPSupport {
    /// agnhost's query: Go's `url.ParseQuery` on the raw path (see `URLQuery`).
    static func query(_ uri: String) -> (path: String, params: [String: String]) {
        URLQuery.parse(uri, decodePath: false)
    }

    /// Go's `time.ParseDuration` for the forms agnhost's `/exit` is given: `0`, `5s`, `1.5s`,
    /// `500ms`, `2m`, `1h30m`. Returns seconds; nil when malformed.
    static func goDuration(_ s: String) -> Double? {
        if s == "0" { return 0 }
        var total = 0.0
        var rest = Substring(s)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let num = rest.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty, let v = Double(num) else { return nil }
            rest = rest.dropFirst(num.count)
            let unit = rest.prefix { !$0.isNumber && $0 != "." }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += v * scale
        }
        return total
    }

    /// What Go prints for `time.Now()` in UTC (`2026-01-01 10:00:00.123456789 +0000 UTC`).
    static func goTime(_ t: Double) -> String {
        let base = Timestamp.rfc3339(t)  // 2026-01-01T10:00:00Z
        let nanos = Int((t - t.rounded(.down)) * 1e9)
        var frac = String(nanos)
        frac = String(repeating: "0", count: 9 - frac.count) + frac
        let date = base.dropLast().replacingOccurrences(of: "T", with: " ")
        return "\(date).\(frac) +0000 UTC"
    }

    static func reason(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 412: "Precondition Failed"
        case 417: "Expectation Failed"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Status \(code)"
        }
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of a: Character, with b: Character) -> String {
        String(map { $0 == a ? b : $0 })
    }
}
