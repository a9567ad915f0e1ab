import ClusterModel
import ControlPlane
import Foundation
import Synchronization

/// Request counters and watch gauge for `/metrics`, rendered in the Prometheus text exposition
/// format (0.0.4), named after the API server's own metrics where one exists so dashboards
/// written for a real cluster read them.
final class APIMetrics: Sendable {
    private struct RequestKey: Hashable {
        var verb: String
        var resource: String
        var code: Int
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var watches = 0
        var watchesClosedSlow = 0
    }

    private let state = Mutex(State())

    func record(verb: String, resource: String, code: Int) {
        state.withLock { $0.requests[RequestKey(verb: verb, resource: resource, code: code), default: 0] += 1 }
    }

    func watchStarted() { state.withLock { $0.watches += 1 } }
    func watchEnded() { state.withLock { $0.watches -= 1 } }
    func watchDroppedSlow() { state.withLock { $0.watchesClosedSlow += 1 } }

    var activeWatches: Int { state.withLock { $0.watches } }

    func render(store: ObjectStore) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP apiserver_request_total Counter of API requests, by verb, resource and HTTP response code.\n"
        out += "# TYPE apiserver_request_total counter\n"
        for (key, count) in s.requests.sorted(by: { ($0.key.verb, $0.key.resource, $0.key.code) < ($1.key.verb, $1.key.resource, $1.key.code) }) {
            out += "apiserver_request_total{code=\"\(key.code)\",resource=\"\(Self.escape(key.resource))\",verb=\"\(key.verb)\"} \(count)\n"
        }
        out += "# HELP apiserver_registered_watchers Number of currently open watch streams.\n"
        out += "# TYPE apiserver_registered_watchers gauge\n"
        out += "apiserver_registered_watchers \(s.watches)\n"
        out += "# HELP switchboard_api_watches_closed_slow_total Watch streams closed because the client did not keep up.\n"
        out += "# TYPE switchboard_api_watches_closed_slow_total counter\n"
        out += "switchboard_api_watches_closed_slow_total \(s.watchesClosedSlow)\n"
        out += "# HELP apiserver_storage_objects Number of stored objects, by resource.\n"
        out += "# TYPE apiserver_storage_objects gauge\n"
        for kind in ResourceKind.allCases.sorted(by: { APIError.qualified($0) < APIError.qualified($1) }) {
            out += "apiserver_storage_objects{resource=\"\(APIError.qualified(kind))\"} \(store.count(kind))\n"
        }
        out += "# HELP switchboard_store_resource_version The store's current resourceVersion.\n"
        out += "# TYPE switchboard_store_resource_version gauge\n"
        out += "switchboard_store_resource_version \(store.resourceVersion)\n"
        return out
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
