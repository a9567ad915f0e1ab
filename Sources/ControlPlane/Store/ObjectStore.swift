import ClusterModel

/// What a write did, as a watch stream reports it.
public struct WatchEvent: Sendable, Hashable {
    public enum EventType: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    public var type: EventType
    public var object: APIObject
    /// The object as it was before a modification or deletion; lets consumers diff without a cache.
    public var previous: APIObject?
    public var resourceVersion: Int
}

/// Why a store operation was refused, mapped later to the API's status codes (404, 409, 410, 422).
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case notFound(ResourceKind, ObjectKey)
    case alreadyExists(ResourceKind, ObjectKey)
    case conflict(ResourceKind, ObjectKey)
    case invalid(ResourceKind, ObjectKey, [FieldError])
    case tooOld(requested: Int, oldest: Int)

    public var description: String {
        switch self {
        case .notFound(let k, let key): "\(k.plural) \"\(key.name)\" not found"
        case .alreadyExists(let k, let key): "\(k.plural) \"\(key.name)\" already exists"
        case .conflict(let k, let key):
            "Operation cannot be fulfilled on \(k.plural) \"\(key.name)\": the object has been modified; please apply your changes to the latest version and try again"
        case .invalid(let k, let key, let errs):
            "\(k.kind) \"\(key.name)\" is invalid: " + errs.map(\.description).joined(separator: ", ")
        case .tooOld(let rv, let oldest): "too old resource version: \(rv) (\(oldest))"
        }
    }
}

/// The versioned object store: the single source of truth every controller, the proxy and the API
/// read. Like etcd behind the API server it keeps one global resourceVersion counter and a bounded
/// history of changes, so a watcher can resume from a version or learn it is too old (410).
///
/// Thread-safe; watchers are called after the write, outside the lock, in commit order.
public final class ObjectStore: @unchecked Sendable {
    private let lock = SimpleLock()
    private var objects: [ResourceKind: [ObjectKey: APIObject]] = [:]
    private var version = 0
    private var history: [WatchEvent] = []
    private var historyStart = 0  // index of the oldest event in the ring
    private let historyLimit: Int
    private var watchers: [Int: @Sendable (WatchEvent) -> Void] = [:]
    private var nextWatcher = 0
    private var uidCounter = 0
    private let clock: any ClusterClock
    private let notifyLock = SimpleLock()

    public init(clock: any ClusterClock, historyLimit: Int = 100_000) {
        self.clock = clock
        self.historyLimit = max(1, historyLimit)
        // Reserved up front: growing the ring by doubling would copy it, a latency spike on
        // whichever write crosses the boundary.
        history.reserveCapacity(self.historyLimit)
    }

    public var resourceVersion: Int { lock.withLock { version } }

    // MARK: reads

    public func get(_ kind: ResourceKind, _ key: ObjectKey) -> APIObject? {
        lock.withLock { objects[kind]?[key] }
    }

    public func get<T: KubeObject>(_ type: T.Type, namespace: String = "", name: String) -> T? {
        let ns = T.resource.namespaced ? namespace : ""
        return get(T.resource, ObjectKey(namespace: ns, name: name)).flatMap(T.from)
    }

    /// Every object of a kind (optionally one namespace), sorted by key for stable output.
    public func list(_ kind: ResourceKind, namespace: String? = nil) -> [APIObject] {
        let all = lock.withLock { objects[kind].map { Array($0.values) } ?? [] }
        return all.filter { namespace == nil || $0.key.namespace == namespace }.sorted { $0.key < $1.key }
    }

    public func list<T: KubeObject>(_ type: T.Type, namespace: String? = nil) -> [T] {
        list(T.resource, namespace: namespace).compactMap(T.from)
    }

    public func count(_ kind: ResourceKind) -> Int { lock.withLock { objects[kind]?.count ?? 0 } }

    /// A consistent copy of everything at one resourceVersion (for list+watch and snapshots).
    public func snapshot() -> (resourceVersion: Int, objects: [ResourceKind: [ObjectKey: APIObject]]) {
        lock.withLock { (version, objects) }
    }

    // MARK: writes

    /// Stores a new object: assigns uid, resourceVersion, creationTimestamp and, for `generateName`,
    /// a name. Admission (defaulting, validation, allocation) happens before, in `Registry`.
    @discardableResult
    public func create(_ object: APIObject) throws(StoreError) -> APIObject {
        let (result, event): (APIObject, WatchEvent) = try lock.withLock { () throws(StoreError) in
            var base = object.base
            let kind = object.resource
            if base.metadata.name == nil || base.metadata.name == "", let prefix = base.metadata.generateName {
                base.metadata.name = prefix + Self.randomSuffix(uidCounter + version)
            }
            let key = base.key
            guard objects[kind]?[key] == nil else { throw .alreadyExists(kind, key) }
            version += 1
            uidCounter += 1
            base.metadata.uid = base.metadata.uid ?? Self.uid(uidCounter)
            base.metadata.resourceVersion = String(version)
            base.metadata.creationTimestamp = base.metadata.creationTimestamp ?? Timestamp.rfc3339(clock.now())
            base.metadata.generation = base.metadata.generation ?? 1
            base.apiVersion = kind.apiVersion
            base.kind = kind.kind
            let stored = APIObject(base)
            objects[kind, default: [:]][key] = stored
            let event = WatchEvent(type: .added, object: stored, previous: nil, resourceVersion: version)
            record(event)
            return (stored, event)
        }
        notify(event)
        return result
    }

    /// Replaces an object. A non-empty `metadata.resourceVersion` that is not the current one is a
    /// conflict (optimistic concurrency, as kubectl edit relies on); an empty one writes unconditionally.
    @discardableResult
    public func update(_ object: APIObject) throws(StoreError) -> APIObject {
        let (result, event): (APIObject, WatchEvent?) = try lock.withLock { () throws(StoreError) in
            let kind = object.resource
            let key = object.key
            guard let old = objects[kind]?[key] else { throw .notFound(kind, key) }
            var base = object.base
            if let rv = base.metadata.resourceVersion, !rv.isEmpty, rv != old.metadata.resourceVersion {
                throw .conflict(kind, key)
            }
            base.metadata.uid = old.metadata.uid
            base.metadata.creationTimestamp = old.metadata.creationTimestamp
            base.apiVersion = kind.apiVersion
            base.kind = kind.kind
            base.metadata.resourceVersion = old.metadata.resourceVersion
            base.metadata.generation = old.metadata.generation
            if APIObject(base) == old { return (old, nil) }
            version += 1
            base.metadata.resourceVersion = String(version)
            if Self.specChanged(old, APIObject(base)) { base.metadata.generation = (old.metadata.generation ?? 1) + 1 }
            let stored = APIObject(base)
            objects[kind]![key] = stored
            let event = WatchEvent(type: .modified, object: stored, previous: old, resourceVersion: version)
            record(event)
            return (stored, event)
        }
        if let event { notify(event) }
        return result
    }

    @discardableResult
    public func delete(_ kind: ResourceKind, _ key: ObjectKey) throws(StoreError) -> APIObject {
        let (old, event): (APIObject, WatchEvent) = try lock.withLock { () throws(StoreError) in
            guard let old = objects[kind]?[key] else { throw .notFound(kind, key) }
            objects[kind]![key] = nil
            version += 1
            var base = old.base
            base.metadata.resourceVersion = String(version)
            let event = WatchEvent(type: .deleted, object: APIObject(base), previous: old, resourceVersion: version)
            record(event)
            return (old, event)
        }
        notify(event)
        return old
    }

    // MARK: watch

    /// Events after `resourceVersion`, oldest first. `tooOld` when the history no longer reaches
    /// back that far: the caller must list again, as a watcher does on 410 Gone.
    public func events(since resourceVersion: Int) throws(StoreError) -> [WatchEvent] {
        try lock.withLock { () throws(StoreError) in
            if resourceVersion >= version { return [] }
            guard !history.isEmpty else { throw .tooOld(requested: resourceVersion, oldest: version) }
            // Versions are consecutive in the ring, so positions are arithmetic: no copy of the
            // whole history, only of the events asked for.
            let oldest = history[historyStart].resourceVersion
            guard resourceVersion >= oldest - 1 else { throw .tooOld(requested: resourceVersion, oldest: oldest) }
            let count = version - resourceVersion
            var out: [WatchEvent] = []
            out.reserveCapacity(count)
            var i = (historyStart + (resourceVersion + 1 - oldest)) % history.count
            for _ in 0..<count {
                out.append(history[i])
                i = i + 1 == history.count ? 0 : i + 1
            }
            return out
        }
    }

    /// Calls `handler` for every later write, in order, until `unsubscribe`. Handlers run on the
    /// writer's thread under the notification lock, so they must be quick and must not write to
    /// the store themselves (that would deadlock): mark work and hop, as the proxy and pods do.
    public func subscribe(_ handler: @escaping @Sendable (WatchEvent) -> Void) -> Int {
        lock.withLock {
            nextWatcher += 1
            watchers[nextWatcher] = handler
            return nextWatcher
        }
    }

    public func unsubscribe(_ id: Int) { _ = lock.withLock { watchers.removeValue(forKey: id) } }

    // MARK: private

    private func record(_ event: WatchEvent) {
        if history.count < historyLimit {
            history.append(event)
        } else {
            history[historyStart] = event
            historyStart = (historyStart + 1) % historyLimit
        }
    }

    private func notify(_ event: WatchEvent) {
        // Serialise notifications so watchers see commit order even with concurrent writers.
        notifyLock.withLock {
            let handlers = lock.withLock { watchers.sorted { $0.key < $1.key }.map(\.value) }
            for h in handlers { h(event) }
        }
    }

    private static func specChanged(_ a: APIObject, _ b: APIObject) -> Bool {
        switch (a, b) {
        case (.service(let x), .service(let y)): x.spec != y.spec
        case (.deployment(let x), .deployment(let y)): x.spec != y.spec
        case (.pod(let x), .pod(let y)): x.spec != y.spec
        case (.ingress(let x), .ingress(let y)): x.spec != y.spec
        default: false
        }
    }

    static func uid(_ n: Int) -> String {
        var h = SplitMix64(seed: UInt64(n))
        let a = h.next(), b = h.next()
        func hex(_ v: UInt64, _ digits: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s.suffix(digits)
        }
        return "\(hex(a >> 32, 8))-\(hex(a >> 16 & 0xffff, 4))-4\(hex(a & 0xfff, 3))-\(hex(0x8000 | (b >> 48 & 0x3fff), 4))-\(hex(b & 0xffff_ffff_ffff, 12))"
    }

    /// Kubernetes' name suffix alphabet (no vowels, no confusable digits): `x2k4p`.
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    static func randomSuffix(_ n: Int, length: Int = 5) -> String {
        var g = SplitMix64(seed: UInt64(bitPattern: Int64(n)) &* 31 &+ 7)
        return String((0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}
