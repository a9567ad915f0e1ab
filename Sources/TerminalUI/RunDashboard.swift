import Dashboard
import Foundation
import Glibc
import Synchronization
import Telemetry

/// The newest sample, handed from the sampler task to the UI thread. The UI never waits for the
/// engine: it takes whatever is newest when it wakes, and a slow sample only delays itself.
final class SampleMailbox: Sendable {
    private let slot = Mutex<DashboardModel?>(nil)
    private let feedback = Mutex<[DashboardFeedback]>([])
    private let stopped = Mutex(false)
    private let interest = Mutex<Set<ObjectRef>>([])

    func put(_ m: DashboardModel) { slot.withLock { $0 = m } }
    func take() -> DashboardModel? { slot.withLock { s in defer { s = nil }; return s } }
    /// Results of actions, in the order they finished; the UI thread drains them.
    func put(_ f: DashboardFeedback) { feedback.withLock { $0.append(f) } }
    func takeFeedback() -> [DashboardFeedback] { feedback.withLock { f in defer { f = [] }; return f } }
    /// Pods the open screen shows in detail (env, resolv.conf), for the next sample.
    func setPodInterest(_ pods: Set<ObjectRef>) { interest.withLock { $0 = pods } }
    var podInterest: Set<ObjectRef> { interest.withLock { $0 } }
    func stop() { stopped.withLock { $0 = true } }
    var isStopped: Bool { stopped.withLock { $0 } }
}

/// Opens the dashboard on this terminal over a live (or replayed) source and returns when the
/// user quits. Samples `source` every `interval` on a task of its own; every ncurses call happens
/// on one dedicated thread. Throws when there is no usable terminal (the caller should then fall
/// back to `--headless`).
///
/// - Parameters:
///   - actions: where edits go (the live engine, an API client); the default refuses them, as a
///     replay or a read-only session does.
///   - interval: seconds between samples; nil uses `config.interval` (default 1 s).
public func runDashboard(source: any SnapshotSource,
                         actions: any ClusterActions = RefusingActions(reason: "this session takes no actions"),
                         interval: Double? = nil, config: DashboardConfig = .load(),
                         session: SessionLink? = nil) async throws {
    try await runDashboard(source: source, actions: actions, interval: interval, config: config,
                           terminal: TerminalTarget(), session: session)
}

/// Which terminal to open: the process's own, or a pty in tests.
struct TerminalTarget: Sendable {
    var input: Int32 = STDIN_FILENO
    var output: Int32 = STDOUT_FILENO
    var term: String?
    var environment: [String: String] = ProcessInfo.processInfo.environment
}

func runDashboard(source: any SnapshotSource,
                  actions: any ClusterActions = RefusingActions(reason: "this session takes no actions"),
                  interval: Double?, config: DashboardConfig, terminal: TerminalTarget,
                  session: SessionLink? = nil) async throws {
    let mailbox = SampleMailbox()
    let period = max(0.05, interval ?? config.interval)
    let sampler = Task {
        // Joins, rates and change marks are computed here, off the UI thread.
        var model = DashboardModel(highlightSeconds: config.highlightSeconds)
        while !Task.isCancelled, !mailbox.isStopped {
            model.ingest(await sample(source, podDetails: mailbox.podInterest))
            mailbox.put(model)
            try? await Task.sleep(for: .milliseconds(Int(period * 1000)))
        }
    }
    defer { sampler.cancel() }
    let poller = session?.poll(until: mailbox)
    defer { poller?.cancel() }
    let result: Result<Void, Error> = await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result {
                try uiLoop(mailbox: mailbox, actions: actions, config: config, terminal: terminal, link: session)
            })
        }
        thread.name = "switchboard-ui"
        thread.start()
    }
    mailbox.stop()
    try result.get()
}

/// The UI thread: owns the TerminalSession from creation to `end()`.
func uiLoop(mailbox: SampleMailbox, actions: any ClusterActions, config: DashboardConfig,
            terminal: TerminalTarget, link: SessionLink? = nil) throws {
    let theme = (try? Theme.load(config.theme, directories: config.themeDirectories)) ?? .dark
    let session = try TerminalSession(input: terminal.input, output: terminal.output, term: terminal.term, theme: theme,
                                      colors: config.colors, ascii: config.ascii, environment: terminal.environment)
    defer { session.end() }
    var loop = DashboardLoop(config: config, glyphs: session.glyphs)
    loop.sessionKeys = link?.keys
    var dirty = true
    var shownMessage = false
    while true {
        if let m = mailbox.take(), loop.receive(prepared: m) {
            dirty = true
            for action in loop.sampleActions { dispatch(action, to: actions, replyTo: mailbox, session: link) }
        }
        if let link { dirty = link.update(&loop) || dirty }
        for f in mailbox.takeFeedback() {
            loop.receive(f)
            dirty = true
        }
        if dirty {
            var canvas = loop.frame(width: session.width, height: session.height)
            if !shownMessage, let m = session.capabilities.fallbackMessage {
                canvas.put(m, x: 0, y: canvas.height - 1, role: .warn)
            }
            session.draw(canvas)
            dirty = false
        }
        guard let key = session.readKey(timeoutMilliseconds: 100) else {
            if terminalHungUp(terminal.input) { return }  // SSH dropped, tmux killed: nobody to draw for
            continue
        }
        shownMessage = true
        let todo = loop.press(key, width: session.width, height: session.height)
        if todo.contains(.quit) { return }
        for action in todo { dispatch(action, to: actions, replyTo: mailbox, session: link) }
        mailbox.setPodInterest(loop.podDetailInterest)
        dirty = true
    }
}

/// Runs an action off the UI thread; its result comes back through the mailbox, so a slow API
/// server never freezes the keys.
func dispatch(_ action: DashboardAction, to actions: any ClusterActions, replyTo mailbox: SampleMailbox,
              session: SessionLink? = nil) {
    switch action {
    case .quit, .freeze: break
    case let .perform(change):
        Task { mailbox.put(.outcome(change, await actions.perform(change))) }
    case let .fetchPodLog(pod, tailLines):
        Task { mailbox.put(.podLog(pod, await actions.podLog(pod, tailLines: tailLines))) }
    case let .exportManifests(path):
        Task { mailbox.put(.exported(path, await actions.exportManifests(to: path))) }
    case let .session(command):
        session?.send(command)
    }
}

/// One sample, with the details of `podDetails` when the source can add them.
func sample(_ source: any SnapshotSource, podDetails: Set<ObjectRef>) async -> Snapshot {
    if !podDetails.isEmpty, let detailed = source as? any DetailedSnapshotSource {
        return await detailed.snapshot(podDetails: podDetails)
    }
    return await source.snapshot()
}

/// True once the terminal is gone: its reads fail for ever, so the dashboard would spin unseen
/// (and keep the engine's ports bound) instead of exiting.
func terminalHungUp(_ fd: Int32) -> Bool {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, 0) > 0 && (Int32(p.revents) & (POLLHUP | POLLERR | POLLNVAL)) != 0
}
