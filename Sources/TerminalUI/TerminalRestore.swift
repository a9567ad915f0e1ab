import CNcurses
import Glibc

/// Puts the terminal back however the process ends: normal return, `exit()`, SIGINT/SIGTERM/SIGHUP,
/// or a crash (SIGSEGV, SIGILL from a Swift trap, SIGABRT…). Signal handlers may only use
/// async-signal-safe calls, so at session start we save the termios and the terminfo strings that
/// leave the alternate screen and show the cursor; the handler writes those bytes, restores the
/// termios, and re-raises the signal with its default action so the exit status stays honest.
///
/// This is the one piece of process-global state in the dashboard: signal handlers cannot
/// capture context. It is written only while no handler can run (before installing them, and
/// after restoring the old dispositions).
enum TerminalRestore {
    struct State {
        var fd: Int32 = -1
        var termios = Glibc.termios()
        var haveTermios = false
        var reset: [UInt8] = []
        var active = false
    }

    nonisolated(unsafe) static var state = UnsafeMutablePointer<State>.allocate(capacity: 1)
    nonisolated(unsafe) static var installed = false

    static let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE,
                                        SIGABRT]

    /// Saves what restoring needs and installs the handlers; call before `newterm` so ncurses
    /// leaves SIGINT/SIGTERM to us (it only installs its own where the disposition is default).
    static func arm(fd: Int32) {
        var saved = State()
        saved.fd = fd
        saved.haveTermios = tcgetattr(fd, &saved.termios) == 0
        state.initialize(to: saved)
        if !installed {
            installed = true
            atexit { TerminalRestore.restoreAtExit() }
            for sig in fatalSignals { signal(sig, TerminalRestore.handler) }
        }
    }

    /// Records the escape sequences that undo ncurses' screen setup (after `newterm`).
    static func activate(resetSequence: [UInt8]) {
        state.pointee.reset = resetSequence
        state.pointee.active = true
    }

    /// The session ended normally (`endwin` done): nothing left to restore.
    static func deactivate() {
        state.pointee.active = false
    }

    static func restoreAtExit() {
        guard state.pointee.active else { return }
        endwin()
        state.pointee.active = false
    }

    static let handler: @convention(c) (Int32) -> Void = { sig in
        let s = TerminalRestore.state
        if s.pointee.active {
            s.pointee.active = false
            if s.pointee.haveTermios { _ = tcsetattr(s.pointee.fd, TCSANOW, &s.pointee.termios) }
            s.pointee.reset.withUnsafeBytes { buf in _ = write(s.pointee.fd, buf.baseAddress, buf.count) }
        }
        signal(sig, SIG_DFL)
        raise(sig)
    }

    /// `rmcup` (leave the alternate screen), `sgr0`, `cnorm` (cursor visible), then a newline.
    static func resetSequence() -> [UInt8] {
        var bytes: [UInt8] = []
        for cap in ["sgr0", "cnorm", "rmcup"] {
            guard let p = tigetstr(cap), Int(bitPattern: p) != -1 else { continue }
            bytes += Array(String(cString: p).utf8)
        }
        return bytes + [13, 10]
    }
}
