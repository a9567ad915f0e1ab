import ClusterModel
import Telemetry

/// The inline editor behind `e` (a Service's selector) and `l` (a Pod's labels): a line editor
/// whose text is parsed on every key, with the error's column and a preview of the effect.
/// Enter returns the action to perform only when the text parses; otherwise it stays open with
/// the error shown in place, so an invalid selector never reaches the cluster.
public struct SelectorEditor: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case serviceSelector(ObjectRef)
        case podLabels(ObjectRef)

        public var ref: ObjectRef {
            switch self {
            case .serviceSelector(let r), .podLabels(let r): r
            }
        }

        public var title: String {
            switch self {
            case .serviceSelector(let r): "selector of service \(r)"
            case .podLabels(let r): "labels of pod \(r)"
            }
        }
    }

    public enum Result: Sendable, Hashable {
        /// Still editing.
        case editing
        case cancel
        case apply(ClusterAction)
    }

    public let target: Target
    /// The selector or labels when the editor opened: what undo goes back to.
    public let original: [String: String]
    public private(set) var line: LineEditor
    /// The parse of the current text (refreshed on every key).
    public private(set) var parsed: Swift.Result<[String: String], EditorError>

    public init(target: Target, original: [String: String], history: [String] = []) {
        self.target = target
        self.original = original
        let text = EqualitySelector.format(original)
        line = LineEditor(text, history: history)
        parsed = .success(original)
        reparse()
    }

    public var text: String { line.text }
    public var error: EditorError? { if case .failure(let e) = parsed { e } else { nil } }

    public mutating func handle(_ key: KeyPress) -> Result {
        switch line.handle(key) {
        case .cancel: return .cancel
        case .submit:
            switch parsed {
            case .failure: return .editing
            case .success(let map):
                switch target {
                case .serviceSelector(let ref): return .apply(.setServiceSelector(ref, selector: map))
                case .podLabels(let ref): return .apply(.setPodLabels(ref, labels: map))
                }
            }
        case .edited:
            reparse()
            return .editing
        case .ignored: return .editing
        }
    }

    /// Types `text` key by key (tests; pasting).
    public mutating func type(_ text: String) {
        for c in text { _ = handle(.char(c)) }
    }

    private mutating func reparse() {
        let what = if case .podLabels = target { "a pod's labels" } else { "a service's selector" }
        parsed = EqualitySelector.parse(line.text, what: what)
    }

    /// The preview against the dashboard's latest sample; nil while the text does not parse or
    /// the object is gone.
    public func preview(in cluster: ClusterView) -> EditPreview? {
        guard case .success(let map) = parsed else { return nil }
        switch target {
        case .serviceSelector(let ref):
            guard let svc = cluster.services.first(where: { $0.namespace == ref.namespace && $0.name == ref.name })
            else { return nil }
            return .service(svc, selector: map, pods: cluster.pods)
        case .podLabels(let ref):
            guard let pod = cluster.pods.first(where: { $0.namespace == ref.namespace && $0.name == ref.name })
            else { return nil }
            return .podLabels(pod, labels: map, services: cluster.services)
        }
    }
}
