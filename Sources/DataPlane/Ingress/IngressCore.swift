import NIOCore
import Synchronization

/// What every connection handler shares: the current table, the pools, the stats.
final class IngressCore: Sendable {
    let config: IngressConfig
    let stats: IngressStatsCollector
    /// Where finished requests are listed beside L4 flows (see `FlowRing`).
    let flows: FlowRing
    private let table = Mutex(IngressTable.empty)
    private let pools: [ObjectIdentifier: PoolBox]
    private let counter = Atomic<UInt64>(0)
    /// Requests sent again (connect failures, upstreams that closed before answering).
    let retries = Atomic<Int>(0)

    /// A pool is touched only on its own event loop.
    struct PoolBox: @unchecked Sendable { let pool: IngressUpstreamPool }

    init(config: IngressConfig, loops: [any EventLoop], flows: FlowRing) {
        self.config = config
        self.flows = flows
        stats = IngressStatsCollector()
        var p: [ObjectIdentifier: PoolBox] = [:]
        for l in loops {
            p[ObjectIdentifier(l)] = PoolBox(pool: IngressUpstreamPool(
                eventLoop: l, maxIdle: config.maxIdlePerEndpoint, idleTimeout: config.upstreamIdleTimeout,
                connectTimeout: config.connectTimeout))
        }
        pools = p
    }

    var current: IngressTable { table.withLock { $0 } }
    func install(_ t: IngressTable) { table.withLock { $0 = t } }

    func pool(for loop: any EventLoop) -> IngressUpstreamPool {
        pools[ObjectIdentifier(loop)]!.pool
    }

    var allPools: [PoolBox] { Array(pools.values) }

    /// Round robin over the endpoints not tried yet for this request.
    func pick(_ endpoints: [UpstreamEndpoint], excluding tried: Set<String>) -> UpstreamEndpoint? {
        let candidates = tried.isEmpty ? endpoints : endpoints.filter { !tried.contains($0.key) }
        guard !candidates.isEmpty else { return nil }
        let n = counter.add(1, ordering: .relaxed).newValue
        return candidates[Int(n % UInt64(candidates.count))]
    }

    /// The certificate for an SNI name under the current table.
    func certificate(for name: String?) -> IngressCertificate? {
        table.withLock { t in t.router.tlsSecret(for: name).flatMap { t.certificates[$0] } }
    }
}
