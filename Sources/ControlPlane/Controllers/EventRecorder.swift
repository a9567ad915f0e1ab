import ClusterModel

/// Writes Events as controllers do (`kubectl get events` and the events pane read them), keeping
/// only the newest `limit` so a long run does not grow without bound.
struct EventRecorder {
    let limit: Int
    let component: String
    private var names: [ObjectKey] = []
    private var head = 0
    private var counter = 0

    init(limit: Int, component: String = "switchboard") {
        self.limit = max(1, limit)
        self.component = component
    }

    mutating func record(_ store: ObjectStore, about object: ObjectReference, reason: String, message: String,
                         type: String = "Normal", now: Double) {
        counter += 1
        let ns = object.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let name = "\(object.name ?? "cluster").\(String(counter, radix: 16))"
        let event = Event(metadata: ObjectMeta(name: name, namespace: ns), involvedObject: object, reason: reason,
                          message: message, type: type, timestamp: Timestamp.rfc3339(now), component: component)
        guard (try? store.create(.event(event))) != nil else { return }
        let key = ObjectKey(namespace: ns, name: name)
        if names.count < limit {
            names.append(key)
        } else {
            _ = try? store.delete(.events, names[head])
            names[head] = key
            head = (head + 1) % limit
        }
    }
}

extension KubeObject {
    /// An ObjectReference to this object, for Events and targetRefs.
    public var reference: ObjectReference {
        var r = ObjectReference(kind: Self.resource.kind, namespace: Self.resource.namespaced ? namespace : nil,
                                name: name, uid: metadata.uid)
        r.apiVersion = Self.resource.apiVersion
        return r
    }
}
