import ControlPlane
import Synchronization
import Telemetry

/// ClientIP session affinity of one service port, as kube-proxy's iptables "recent" lists do it:
/// a client IP seen within the last `timeout` seconds goes back to the endpoint it was recorded
/// for, if that endpoint is still a candidate; every new connection refreshes the record (a
/// sliding window). Shared by all event loops (one client may land on any loop), so it is the
/// one place a new connection takes a lock — only for services that ask for affinity.
final class AffinityTable: Sendable {
    struct Entry: Sendable {
        var ip: UInt32
        var port: Int
        var lastUsed: Double
    }

    let timeout: Double
    private let state = Mutex<[UInt32: Entry]>([:])
    /// Above this many records a new connection sweeps out the expired ones.
    private static let sweepThreshold = 50_000

    init(timeoutSeconds: Int) { timeout = Double(timeoutSeconds) }

    /// The endpoint for a new connection from `client`, recording the choice.
    func choose(client: UInt32, candidates: [RouteEndpoint], now: Double, random: any ProxyRandomSource) -> RouteEndpoint {
        state.withLock { table in
            if let e = table[client], now - e.lastUsed < timeout,
               let ep = candidates.first(where: { $0.ip == e.ip && $0.port == e.port }) {
                table[client]!.lastUsed = now
                return ep
            }
            if table.count > Self.sweepThreshold {
                table = table.filter { now - $0.value.lastUsed < timeout }
            }
            let ep = candidates[random.next(below: candidates.count)]
            table[client] = Entry(ip: ep.ip, port: ep.port, lastUsed: now)
            return ep
        }
    }

    /// Live records, expired ones removed (as `--reap` would), sorted by client.
    func entries(now: Double) -> [AffinityEntry] {
        let live = state.withLock { table in
            table = table.filter { now - $0.value.lastUsed < timeout }
            return table
        }
        return live.sorted { $0.key < $1.key }.map { client, e in
            AffinityEntry(clientIP: IPv4(client).description, endpoint: "\(IPv4(e.ip)):\(e.port)",
                          lastUsed: e.lastUsed, expiresIn: max(0, e.lastUsed + timeout - now))
        }
    }
}
