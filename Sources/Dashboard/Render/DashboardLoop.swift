import Telemetry

/// The dashboard's whole behaviour without a terminal: samples and keys in, frames and actions
/// out. The ncurses runner is a thin shell around this, and tests drive it directly.
public struct DashboardLoop: Sendable {
    public private(set) var model: DashboardModel
    public private(set) var state: ViewState
    public var options: RenderOptions
    /// The verbs (edit, scale, kill, …): prompts, undo and history.
    public private(set) var actions: ActionController
    /// A sample that arrived while frozen, taken in when unfrozen.
    private var held: Snapshot?
    private var heldModel: DashboardModel?

    public init(config: DashboardConfig = DashboardConfig(), glyphs: Glyphs = .unicode) {
        model = DashboardModel(highlightSeconds: config.highlightSeconds)
        state = ViewState(pane: config.initialPane)
        options = RenderOptions(glyphs: glyphs, bindings: config.bindings)
        options.readOnly = config.readOnly
        actions = ActionController(readOnly: config.readOnly)
        if let warning = config.warnings.first { state.message = warning }
    }

    /// Takes a new sample in, unless frozen (then it waits). Returns whether the frame changed.
    @discardableResult
    public mutating func receive(_ snapshot: Snapshot) -> Bool {
        if state.frozen {
            held = snapshot
            return false
        }
        model.ingest(snapshot)
        return true
    }

    /// Takes a model already advanced by another thread (the runner ingests off the UI thread,
    /// so a 10,000-service sample never stalls keys). Held while frozen, like `receive(_:)`.
    @discardableResult
    public mutating func receive(prepared next: DashboardModel) -> Bool {
        if state.frozen {
            heldModel = next
            return false
        }
        model = next
        return true
    }

    /// Which session keys apply (replay controls, or live recording); nil: none.
    public var sessionKeys: SessionKeys?
    /// The replay's timeline (or a live recording in progress), drawn as the last row.
    public var timeline: SessionTimeline?

    /// Takes a message from the session (a seek's marker label, "recording saved to …").
    public mutating func receive(sessionMessage: String) { state.message = sessionMessage }

    /// Applies a key; the returned actions tell the runner to quit.
    public mutating func press(_ key: KeyPress, width: Int, height: Int) -> [DashboardAction] {
        // Session keys (R, m, space…) only when no prompt is open: the selector editor types them.
        if case .normal = state.mode, actions.prompt == nil, let command = sessionKeys?.command(for: key) {
            return [.session(command)]
        }
        let height = timeline == nil ? height : height - 1
        let context = FrameRenderer.navigationContext(model: model, state: state, width: width, height: height,
                                                      options: options, podLog: podLog)
        if case .command(let text) = state.mode, key == .enter, let path = ExportCommand.path(text) {
            state.mode = .normal
            state.message = path.isEmpty ? "usage: :w FILE (.yaml or .json)" : "exporting to \(path) ..."
            return path.isEmpty ? [] : [.exportManifests(path)]
        }
        if self.actions.prompt != nil || (state.mode == .normal && options.bindings.intent(for: key) == nil),
           let handled = self.actions.press(key, screen: state.current, selectedKey: context.selectedKey,
                                            cluster: model.cluster, generation: model.generation) {
            state.message = handled.message
            return handled.actions
        }
        let actions = state.handle(key, bindings: options.bindings, context: context)
        if actions.contains(.freeze(false)) {
            if let h = held {
                held = nil
                model.ingest(h)
            }
            if let m = heldModel {
                heldModel = nil
                model = m
            }
        }
        return actions
    }

    /// The latest pod log fetched for the view, with the pod it belongs to.
    public private(set) var podLog: (pod: ObjectRef, lines: Result<[String], ActionRefusal>)?

    /// Takes the result of an action the runner performed: its message goes to the footer (an
    /// applied change or the API server's refusal, verbatim), a log to the view that asked.
    public mutating func receive(_ feedback: DashboardFeedback) {
        actions.receive(feedback, generation: model.generation)
        switch feedback {
        case let .outcome(_, outcome):
            state.message = outcome.message
        case let .exported(_, outcome):
            state.message = outcome.message
        case let .podLog(pod, lines):
            podLog = (pod, lines)
            if case let .failure(refusal) = lines { state.message = refusal.message }
        }
    }

    public func frame(width: Int, height: Int) -> Canvas {
        let frameHeight = timeline != nil && height > 2 ? height - 1 : height
        var canvas = FrameRenderer.render(model: model, state: state, width: width, height: frameHeight, options: options,
                                          podLog: podLog)
        if let prompt = actions.prompt, width >= FrameRenderer.minimumWidth, frameHeight >= FrameRenderer.minimumHeight {
            ActionOverlay.draw(&canvas, prompt: prompt, cluster: model.cluster, options: options)
        } else if state.mode == .normal, state.message == nil, width >= FrameRenderer.minimumWidth,
                  frameHeight >= FrameRenderer.minimumHeight {
            ActionOverlay.drawHints(&canvas, pane: state.current.pane, readOnly: options.readOnly)
        }
        guard let timeline, height > 2 else { return canvas }
        return TimelineBar.compose(canvas, timeline: timeline, options: options)
    }

    /// The pods whose environment and resolv.conf the open screen shows: the runner passes them
    /// to a `DetailedSnapshotSource`, so only these are computed at each sample.
    public var podDetailInterest: Set<ObjectRef> {
        guard state.current.pane == .podDetails, let id = state.current.context,
              let ref = ViewState.objectRef(id) else { return [] }
        return [ref]
    }

    /// What to ask for after a new sample: the open pod's log again, so its tail stays live.
    public var sampleActions: [DashboardAction] {
        guard !state.frozen, let ref = podDetailInterest.first else { return [] }
        return [.fetchPodLog(ref, tailLines: ViewState.podLogLines)]
    }
}
