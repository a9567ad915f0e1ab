import Histogram
import Synchronization
import Telemetry

/// Accumulates stats from every event loop under one lock, held for a few additions per request.
final class IngressStatsCollector: Sendable {
    struct Key: Hashable { var route: IngressRoute }
    struct Accumulator {
        var requests: UInt64 = 0
        var classes = [UInt64](repeating: 0, count: 5)
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .two)
        var endpoints: [String: UInt64] = [:]
    }
    private struct State {
        var routes: [IngressRoute: Accumulator] = [:]
        var unmatched: UInt64 = 0
    }
    private let state = Mutex(State())

    func record(route: IngressRoute?, endpoint: String?, status: Int, latencyMicros: UInt64,
                bytesIn: UInt64, bytesOut: UInt64) {
        state.withLock { s in
            if let route {
                var a = s.routes[route] ?? Accumulator()
                a.requests += 1
                a.classes[min(4, max(0, status / 100 - 1))] += 1
                a.bytesIn += bytesIn
                a.bytesOut += bytesOut
                _ = a.latency.record(latencyMicros)
                if let endpoint { a.endpoints[endpoint, default: 0] += 1 }
                s.routes[route] = a
            } else if status == 404 {
                s.unmatched += 1
            }
        }
    }

    func read(routes: [IngressRoute]) -> (routes: [IngressRouteStats], unmatched: UInt64) {
        state.withLock { s in
            let stats = routes.map { r in
                let a = s.routes[r] ?? Accumulator()
                return IngressRouteStats(
                    host: r.host, path: r.isDefaultBackend ? "(default)" : r.path, backend: r.backend.description,
                    ingress: r.ingress.description, requests: a.requests, statusClasses: a.classes, bytesIn: a.bytesIn,
                    bytesOut: a.bytesOut, p50Micros: a.requests == 0 ? 0 : a.latency.valueAtPercentile(50),
                    p99Micros: a.requests == 0 ? 0 : a.latency.valueAtPercentile(99), endpointRequests: a.endpoints)
            }
            return (stats, s.unmatched)
        }
    }
}
