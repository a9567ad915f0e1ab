import Foundation

/// SIGINT/SIGTERM for `up --headless` as a service, caught from the start of the command: a
/// service manager may stop it while it is still starting, and that too must end in a clean
/// drain and exit 0 rather than death by signal. A plain signal handler writes a byte to a
/// pipe (async-signal-safe) and a thread reads it, so delivery does not depend on which
/// thread the kernel picks or on when the engine's threads were created.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var handlers: [@Sendable () -> Void] = []

    nonisolated(unsafe) private static var writeFD: Int32 = -1

    static func install() -> ShutdownSignal {
        let s = ShutdownSignal()
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return s }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        writeFD = fds[1]
        let readFD = fds[0]
        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(readFD, &byte, 1)
                if n == 1 { s.fire() } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
        reader.name = "switchboard-signals"
        reader.start()
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                var byte: UInt8 = 1
                _ = write(ShutdownSignal.writeFD, &byte, 1)
            }
        }
        return s
    }

    var received: Bool { lock.withLock { fired } }

    /// Runs `handler` once a signal has come (at once if one already has).
    func onReceive(_ handler: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if !fired { handlers.append(handler) }
            return fired
        }
        if now { handler() }
    }

    private func fire() {
        let run = lock.withLock { () -> [@Sendable () -> Void] in
            guard !fired else { return [] }
            fired = true
            defer { handlers.removeAll() }
            return handlers
        }
        for h in run { h() }
    }
}
