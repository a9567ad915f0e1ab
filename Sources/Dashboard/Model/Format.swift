import Telemetry

/// Number and name formatting shared by panes and `--once`, short enough for 80 columns.
public enum Format {
    /// `http:80►8080`, `80:30080►http` (NodePort), k9s' notation with the glyph set's arrow.
    public static func ports(_ ports: [ServicePortSummary], arrow: String) -> String {
        if ports.isEmpty { return "<none>" }
        return ports.map { p in
            var s = p.name.isEmpty ? "" : p.name + ":"
            s += String(p.port)
            if let np = p.nodePort { s += ":\(np)" }
            if p.protocol != "TCP" { s += "/" + p.protocol }
            return s + arrow + p.targetPort
        }.joined(separator: ",")
    }

    /// A per-second rate: `0`, `3.5`, `42`, `1.2k`.
    public static func rate(_ v: Double) -> String {
        if v <= 0 { return "0" }
        if v < 10 { return trimmed(v, 1) }
        if v < 1000 { return String(Int(v.rounded())) }
        if v < 1_000_000 { return trimmed(v / 1000, 1) + "k" }
        return trimmed(v / 1_000_000, 1) + "M"
    }

    /// Microseconds as `850µs`, `1.2ms`, `3.4s` (`us` in ASCII).
    public static func micros(_ us: Int, ascii: Bool = false) -> String {
        if us <= 0 { return "-" }
        if us < 1000 { return "\(us)" + (ascii ? "us" : "µs") }
        if us < 1_000_000 { return trimmed(Double(us) / 1000, us < 10_000 ? 1 : 0) + "ms" }
        return trimmed(Double(us) / 1_000_000, 1) + "s"
    }

    /// Bytes as `512B`, `1.5K`, `20M`, `3.1G`.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var v = Double(n)
        var i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return (i == 0 ? String(n) : trimmed(v, v < 10 ? 1 : 0)) + units[i]
    }

    public static func percent(_ fraction: Double) -> String {
        fraction <= 0 ? "0%" : String(Int((fraction * 100).rounded())) + "%"
    }

    /// `HH:MM:SS` of a Unix time (UTC), for flow records.
    public static func clock(_ t: Double) -> String {
        let s = Int(t) % 86_400
        return [s / 3600, s / 60 % 60, s % 60].map { $0 < 10 ? "0\($0)" : String($0) }.joined(separator: ":")
    }

    /// `HH:MM:SS` out of an RFC 3339 timestamp (`2024-05-01T12:03:04Z`).
    public static func clock(rfc3339 s: String) -> String {
        guard let t = s.firstIndex(of: "T") else { return s }
        return String(s[s.index(after: t)...].prefix(8))
    }

    static func trimmed(_ v: Double, _ digits: Int) -> String {
        if digits == 0 { return String(Int(v.rounded())) }
        let scaled = (v * 10).rounded() / 10
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
