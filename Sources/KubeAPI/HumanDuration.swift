import ControlPlane

/// apimachinery's `duration.HumanDuration`: the AGE column's `5s`, `3m20s`, `2d4h`, `1y30d`.
/// The server renders AGE (kubectl does not recompute it), so it must round exactly as Go does.
enum HumanDuration {
    static func format(seconds d: Double) -> String {
        let seconds = Int(d.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// `translateTimestampSince`: `<unknown>` for an unset timestamp.
    static func since(_ timestamp: String?, now: Double) -> String {
        guard let timestamp, let t = Timestamp.parse(timestamp) else { return "<unknown>" }
        return format(seconds: now - t)
    }
}
