import Synchronization

/// What the DNS server has done, for the dashboard: a value copied out of the server, so the UI
/// can hold and diff it freely.
public struct DNSServerStats: Sendable, Hashable {
    /// Queries answered or dropped, all transports.
    public var queries = 0
    public var udpQueries = 0
    public var tcpQueries = 0
    /// By question type mnemonic (`A`, `SRV`, `TYPE65`).
    public var byType: [String: Int] = [:]
    /// By response code (`NOERROR`, `NXDOMAIN`, `REFUSED`, …).
    public var byRcode: [String: Int] = [:]
    /// UDP responses cut short with TC set (the client retries over TCP).
    public var truncated = 0
    /// Questions sent upstream (outside the zone, and ExternalName targets).
    public var forwarded = 0
    /// Upstream exchanges that timed out or failed on every nameserver.
    public var forwardFailures = 0
    /// Datagrams/frames ignored: too short, unreadable without a header, responses, oversized.
    public var dropped = 0
    /// TCP connections closed for sending nothing within the idle timeout.
    public var tcpIdleTimeouts = 0
    public var latency = LatencyHistogram()

    public init() {}
}

/// Response latency in fixed buckets (no allocation per sample): enough for p50/p99 on a dashboard.
public struct LatencyHistogram: Sendable, Hashable {
    /// Bucket upper bounds in microseconds; the last bucket is everything slower.
    public static let boundsMicroseconds: [Int] = [
        25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    ]
    public var counts = [Int](repeating: 0, count: LatencyHistogram.boundsMicroseconds.count + 1)
    public var count = 0
    public var totalMicroseconds = 0
    public var maxMicroseconds = 0

    public init() {}

    public mutating func record(microseconds us: Int) {
        let i = Self.boundsMicroseconds.firstIndex(where: { us <= $0 }) ?? Self.boundsMicroseconds.count
        counts[i] += 1
        count += 1
        totalMicroseconds += us
        maxMicroseconds = max(maxMicroseconds, us)
    }

    /// The upper bound of the bucket holding quantile `q` (0...1); the maximum for the last bucket.
    public func quantileMicroseconds(_ q: Double) -> Int {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= rank { return i < Self.boundsMicroseconds.count ? min(Self.boundsMicroseconds[i], maxMicroseconds) : maxMicroseconds }
        }
        return maxMicroseconds
    }
}

/// The server's counters behind a lock; one short critical section per query.
final class DNSStatsRecorder: Sendable {
    private let state = Mutex(DNSServerStats())

    enum Transport { case udp, tcp }

    func answered(type: String, rcode: String, transport: Transport, truncated: Bool, microseconds: Int) {
        state.withLock { s in
            s.queries += 1
            if transport == .udp { s.udpQueries += 1 } else { s.tcpQueries += 1 }
            s.byType[type, default: 0] += 1
            s.byRcode[rcode, default: 0] += 1
            if truncated { s.truncated += 1 }
            s.latency.record(microseconds: microseconds)
        }
    }

    func update(_ body: (inout DNSServerStats) -> Void) { state.withLock { body(&$0) } }

    var snapshot: DNSServerStats { state.withLock { $0 } }
}
