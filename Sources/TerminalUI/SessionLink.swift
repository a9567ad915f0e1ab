import Dashboard
import Synchronization
import Telemetry

/// Connects the UI thread to a `SessionControl` (the replay clock, or the live recorder): keys
/// become commands performed off the UI thread, and the timeline and messages come back here
/// for the UI thread to take, as samples do through `SampleMailbox`.
public final class SessionLink: Sendable {
    public let control: any SessionControl
    public let keys: SessionKeys
    private let timeline = Mutex<SessionTimeline??>(nil)
    private let messages = Mutex<[String]>([])

    public init(control: any SessionControl, keys: SessionKeys) {
        self.control = control
        self.keys = keys
        if let hint = keys.hint { messages.withLock { $0.append(hint) } }
    }

    func send(_ command: SessionCommand) {
        Task {
            let message = await control.perform(command)
            if let message { messages.withLock { $0.append(message) } }
            await refresh()
        }
    }

    func refresh() async {
        let t = await control.timeline()
        timeline.withLock { $0 = .some(t) }
    }

    /// Polls the timeline a few times a second (the playhead moves between samples).
    func poll(until stopped: SampleMailbox) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled, !stopped.isStopped {
                await refresh()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The newest timeline, once (nil when nothing new arrived).
    func takeTimeline() -> SessionTimeline?? { timeline.withLock { t in defer { t = nil }; return t } }
    func takeMessages() -> [String] { messages.withLock { m in defer { m = [] }; return m } }

    /// Applies what arrived to the loop; returns whether the frame changed.
    func update(_ loop: inout DashboardLoop) -> Bool {
        var dirty = false
        if case let .some(t) = takeTimeline(), t != loop.timeline {
            loop.timeline = t
            dirty = true
        }
        for m in takeMessages() {
            loop.receive(sessionMessage: m)
            dirty = true
        }
        return dirty
    }
}
