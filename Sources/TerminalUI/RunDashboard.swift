import Dashboard
import Foundation
import Synchronization
import Telemetry

/// The newest sample, handed from the sampler task to the UI thread. The UI never waits for the
/// engine: it takes whatever is newest when it wakes, and a slow sample only delays itself.
final class SampleMailbox: Sendable {
    private let slot = Mutex<Snapshot?>(nil)
    private let stopped = Mutex(false)

    func put(_ s: Snapshot) { slot.withLock { $0 = s } }
    func take() -> Snapshot? { slot.withLock { s in defer { s = nil }; return s } }
    func stop() { stopped.withLock { $0 = true } }
    var isStopped: Bool { stopped.withLock { $0 } }
}

/// Opens the dashboard on this terminal over a live (or replayed) source and returns when the
/// user quits. Samples `source` every `interval` on a task of its own; every ncurses call happens
/// on one dedicated thread. Throws when there is no usable terminal (the caller should then fall
/// back to `--headless`).
///
/// - Parameters:
///   - interval: seconds between samples; nil uses `config.interval` (default 1 s).
public func runDashboard(source: any SnapshotSource, interval: Double? = nil,
                         config: DashboardConfig = .load()) async throws {
    let mailbox = SampleMailbox()
    let period = max(0.05, interval ?? config.interval)
    let sampler = Task {
        while !Task.isCancelled, !mailbox.isStopped {
            mailbox.put(await source.snapshot())
            try? await Task.sleep(for: .milliseconds(Int(period * 1000)))
        }
    }
    defer { sampler.cancel() }
    let result: Result<Void, Error> = await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result { try uiLoop(mailbox: mailbox, config: config) })
        }
        thread.name = "switchboard-ui"
        thread.start()
    }
    mailbox.stop()
    try result.get()
}

/// The UI thread: owns the TerminalSession from creation to `end()`.
func uiLoop(mailbox: SampleMailbox, config: DashboardConfig) throws {
    let theme = (try? Theme.load(config.theme, directories: config.themeDirectories)) ?? .dark
    let session = try TerminalSession(theme: theme, colors: config.colors, ascii: config.ascii)
    defer { session.end() }
    var loop = DashboardLoop(config: config, glyphs: session.glyphs)
    var dirty = true
    var shownMessage = false
    while true {
        if let s = mailbox.take() { dirty = loop.receive(s) || dirty }
        if dirty {
            var canvas = loop.frame(width: session.width, height: session.height)
            if !shownMessage, let m = session.capabilities.fallbackMessage {
                canvas.put(m, x: 0, y: canvas.height - 1, role: .warn)
            }
            session.draw(canvas)
            dirty = false
        }
        guard let key = session.readKey(timeoutMilliseconds: 100) else { continue }
        shownMessage = true
        let actions = loop.press(key, width: session.width, height: session.height)
        if actions.contains(.quit) { return }
        dirty = true
    }
}
