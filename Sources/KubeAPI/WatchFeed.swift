import ClusterModel
import ControlPlane
import Synchronization

/// Carries store events from the writer's thread to one watch stream's event loop, bounded: a
/// client that stops reading cannot make the server hold more than `limit` events for it. When
/// the limit is hit the queue is dropped and the stream is closed (the client re-lists, as
/// informers do after any watch ends), so memory stays bounded whatever the client does.
final class WatchFeed: Sendable {
    private struct State {
        var events: [WatchEvent] = []
        var overflowed = false
        var scheduled = false
        var closed = false
    }

    private let state = Mutex(State())
    private let limit: Int
    private let accepts: @Sendable (WatchEvent) -> Bool
    private let wake: @Sendable () -> Void

    /// - Parameters:
    ///   - accepts: a cheap pre-filter (kind, namespace) run on the writer's thread.
    ///   - wake: asks the stream's event loop to drain; called once per batch, not per event.
    init(limit: Int, accepts: @escaping @Sendable (WatchEvent) -> Bool, wake: @escaping @Sendable () -> Void) {
        self.limit = max(1, limit)
        self.accepts = accepts
        self.wake = wake
    }

    func push(_ event: WatchEvent) {
        guard accepts(event) else { return }
        let shouldWake: Bool = state.withLock { s in
            if s.closed || s.overflowed { return false }
            if s.events.count >= limit {
                s.overflowed = true
                s.events = []
                return true
            }
            s.events.append(event)
            if s.scheduled { return false }
            s.scheduled = true
            return true
        }
        if shouldWake { wake() }
    }

    /// Everything queued so far, oldest first.
    func take() -> [WatchEvent] {
        state.withLock { s in
            s.scheduled = false
            let out = s.events
            s.events = []
            return out
        }
    }

    var overflowed: Bool { state.withLock { $0.overflowed } }

    var pending: Int { state.withLock { $0.events.count } }

    func close() {
        state.withLock { s in
            s.closed = true
            s.events = []
        }
    }
}

/// What a watch request asked for.
struct WatchPlan: Sendable {
    var filter: ObjectFilter
    var format: OutputFormat
    /// nil or 0: start with a synthetic ADDED per current object; N: events after N only.
    var resourceVersion: Int?
    var timeoutSeconds: Int?
    var includeObject: String
}

extension APIHandler {
    func watchPlan(_ request: APIRequest) throws(APIError) -> WatchPlan {
        let segments = request.path.split(separator: "/").map(String.init)
        let route: ResourceRoute?
        if segments.first == "api", segments.count > 2, segments[1] == "v1" {
            route = ResourceRoute.parse(group: "", version: "v1", segments: Array(segments.dropFirst(2)))
        } else if segments.first == "apis", segments.count > 3 {
            route = ResourceRoute.parse(group: segments[1], version: segments[2], segments: Array(segments.dropFirst(3)))
        } else {
            route = nil
        }
        guard var route, route.subresource == nil else { throw APIError.pathNotFound }
        var filter = try filter(request, route)
        if let name = route.name {
            filter.fields.terms.append(.init(field: "metadata.name", value: name, equal: true))
            route.name = nil
        }
        var rv: Int?
        if let text = request.query["resourceVersion"], !text.isEmpty {
            guard let n = Int(text), n >= 0 else {
                throw APIError.badRequest("resourceVersion: Invalid value: \"\(text)\": must be a non-negative integer")
            }
            rv = n == 0 ? nil : n
        }
        let timeout = request.query["timeoutSeconds"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        return WatchPlan(filter: filter, format: OutputFormat(accept: request.accept), resourceVersion: rv,
                         timeoutSeconds: timeout, includeObject: request.query["includeObject"] ?? "Metadata")
    }

    /// The event a watcher with `filter` sees for a store event, if any: an object entering the
    /// selection is ADDED, one leaving it DELETED, as the API server's watch cache reports.
    static func visible(_ event: WatchEvent, _ filter: ObjectFilter) -> (type: String, object: APIObject)? {
        let now = filter.matches(event.object)
        let before = event.previous.map(filter.matches) ?? false
        switch event.type {
        case .added: return now ? ("ADDED", event.object) : nil
        case .deleted: return now || before ? ("DELETED", event.object) : nil
        case .modified:
            if now && before { return ("MODIFIED", event.object) }
            if now { return ("ADDED", event.object) }
            if before { return ("DELETED", event.object) }
            return nil
        }
    }

    /// One watch line's object, rendered as negotiated.
    func watchObject(_ object: APIObject, plan: WatchPlan, headers: Bool) -> JSONValue {
        let r = Rendering(now: now, serverVersion: config.version.gitVersion, includeObject: plan.includeObject)
        switch plan.format {
        case .object: return JSONText.value(object)
        case .partialMetadata(let v): return r.partial(object, version: v)
        case .table(let v):
            return r.table([object], kind: object.resource, resourceVersion: object.metadata.resourceVersion,
                           version: v, headers: headers)
        }
    }
}
