import Dashboard
import CNcurses
import Foundation
import Glibc
import Synchronization
import Telemetry
import Testing
@testable import TerminalUI

/// A pseudo-terminal: the session writes to the slave side; the test reads what a terminal
/// emulator would receive from the master side and types keys into it.
final class PTY: Sendable {
    let master: Int32
    let slave: Int32

    init() throws {
        // posix_openpt/grantpt/unlockpt/ptsname are hidden from Swift's Glibc module (they need
        // _XOPEN_SOURCE), so look them up at run time.
        typealias IntFn = @convention(c) (Int32) -> Int32
        typealias NameFn = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        let handle = dlopen(nil, RTLD_NOW)
        guard let o = dlsym(handle, "posix_openpt"), let g = dlsym(handle, "grantpt"),
              let u = dlsym(handle, "unlockpt"), let p = dlsym(handle, "ptsname") else { throw POSIXError(.ENOSYS) }
        master = unsafeBitCast(o, to: IntFn.self)(O_RDWR | O_NOCTTY)
        guard master >= 0, unsafeBitCast(g, to: IntFn.self)(master) == 0, unsafeBitCast(u, to: IntFn.self)(master) == 0,
              let name = unsafeBitCast(p, to: NameFn.self)(master) else {
            throw POSIXError(.ENODEV)
        }
        slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENODEV) }
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(slave)
        close(master)
    }

    /// Everything written so far.
    func drain() -> String {
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(master, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    func type(_ s: String) {
        _ = s.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    func termios() -> Glibc.termios {
        var t = Glibc.termios()
        tcgetattr(slave, &t)
        return t
    }
}

/// ncurses is process-global: these run one at a time.
@Suite(.serialized) struct TerminalSessionTests {
    @Test func initDrawsDiffsReadsKeysAndRestores() throws {
        let pty = try PTY()
        let before = pty.termios()
        let session = try TerminalSession(input: pty.slave, output: pty.slave, term: "xterm-256color", environment: [:])
        #expect(session.width == 80 && session.height == 24, "terminfo size when the pty has none")
        #expect(session.capabilities.colors == 256)
        #expect(session.capabilities.depth == .ansi256)
        #expect(session.capabilities.fallbackMessage == nil)
        #expect(pty.termios().c_lflag & tcflag_t(ECHO) == 0, "curses mode: no echo")
        _ = pty.drain()

        var canvas = Canvas(width: session.width, height: session.height)
        canvas.put("hello switchboard", x: 2, y: 3, role: .header)
        session.draw(canvas)
        let first = pty.drain()
        #expect(first.contains("hello switchboard"))

        session.draw(canvas)
        let unchanged = pty.drain()
        #expect(unchanged.utf8.count < 16, "an unchanged frame writes (almost) nothing: \(unchanged.debugDescription)")

        canvas.put("J", x: 2, y: 3, role: .header)
        session.draw(canvas)
        let one = pty.drain()
        #expect(one.contains("J"))
        #expect(one.utf8.count < 40, "one changed cell is a short write: \(one.debugDescription)")

        pty.type("q")
        #expect(session.readKey(timeoutMilliseconds: 500) == .char("q"))
        pty.type("\u{1b}OA") // kcuu1 in keypad-transmit mode
        #expect(session.readKey(timeoutMilliseconds: 500) == .up)
        pty.type("\u{3}")
        #expect(session.readKey(timeoutMilliseconds: 500) == .ctrl("c"), "raw mode: Ctrl-C is a key")
        pty.type("\u{1b}")
        #expect(session.readKey(timeoutMilliseconds: 500) == .escape, "a lone Esc arrives after the short ESCDELAY")
        pty.type("é")
        #expect(session.readKey(timeoutMilliseconds: 500) == .char("é"))
        #expect(session.readKey(timeoutMilliseconds: 20) == nil)

        session.end()
        session.end() // idempotent
        let after = pty.termios()
        #expect(after.c_lflag == before.c_lflag, "terminal modes restored")
        #expect(after.c_iflag == before.c_iflag)
    }

    @Test func unknownTermFallsBackWithAMessage() throws {
        let pty = try PTY()
        let session = try TerminalSession(input: pty.slave, output: pty.slave, term: "no-such-terminal-xyz",
                                          environment: [:])
        defer { session.end() }
        #expect(session.capabilities.term == TerminalSession.fallbackTerms[0])
        #expect(session.capabilities.fallbackMessage?.contains("no-such-terminal-xyz") == true)
        _ = pty.drain()
    }

    @Test func vt100AndNoColorHaveNoColour() throws {
        let pty = try PTY()
        let vt = try TerminalSession(input: pty.slave, output: pty.slave, term: "vt100", environment: [:])
        #expect(vt.capabilities.depth == .none)
        vt.end()
        let nc = try TerminalSession(input: pty.slave, output: pty.slave, term: "xterm-256color",
                                     environment: ["NO_COLOR": "1"])
        #expect(nc.capabilities.depth == .none)
        var canvas = Canvas(width: nc.width, height: nc.height)
        canvas.put("x", x: 0, y: 0, role: .error)
        nc.draw(canvas)
        let out = pty.drain()
        #expect(!out.contains("38;5;"), "no colour escapes under NO_COLOR")
        nc.end()
    }

    @Test func notATerminalIsAnError() throws {
        let fds = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        defer { fds.deallocate() }
        #expect(pipe(fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(throws: TerminalError.self) {
            _ = try TerminalSession(input: fds[0], output: fds[1], term: "xterm", environment: [:])
        }
    }

    @Test func keyDecoding() {
        #expect(KeyDecoder.decode(status: OK, value: 9) == .tab)
        #expect(KeyDecoder.decode(status: OK, value: 13) == .enter)
        #expect(KeyDecoder.decode(status: OK, value: 127) == .backspace)
        #expect(KeyDecoder.decode(status: OK, value: 2) == .ctrl("b"))
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, value: UInt32(KEY_RESIZE)) == .resize)
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, value: UInt32(KEY_F0 + 1)) == .function(1))
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, value: UInt32(KEY_BTAB)) == .backTab)
    }
}

/// A source that counts its samples and grows the traffic each time.
final class CountingSource: SnapshotSource {
    let count = Mutex(0)
    func snapshot() async -> Snapshot {
        let n = count.withLock { $0 += 1; return $0 }
        let stats = ServicePortStats(namespace: "default", name: "web", portName: "http", port: 80,
                                     traffic: TrafficStats(counters: TrafficCounters(totalConnections: n * 10)),
                                     endpoints: [], affinity: [], sessionAffinityTimeoutSeconds: nil)
        let svc = ServiceSummary(namespace: "default", name: "web", type: "ClusterIP", clusterIP: "127.96.0.20",
                                 ports: [ServicePortSummary(name: "http", port: 80, targetPort: "8080")], selector: "app=web")
        return Snapshot(time: Double(n) * 0.1,
                        proxy: ProxySnapshot(time: Double(n) * 0.1, resourceVersion: n, listeners: [], servicePorts: [stats],
                                             nodes: [], recentFlows: []),
                        cluster: ClusterView(services: [svc]))
    }
}

extension TerminalSessionTests {
    @Test func runDashboardSamplesDrawsAndQuitsOnQ() async throws {
        let pty = try PTY()
        let before = pty.termios()
        let source = CountingSource()
        let typer = Task {
            try await Task.sleep(for: .milliseconds(600))
            pty.type(":pods\r")
            try await Task.sleep(for: .milliseconds(200))
            pty.type("q")
        }
        var config = DashboardConfig()
        config.interval = 0.1
        try await runDashboard(source: source, interval: nil, config: config,
                               terminal: TerminalTarget(input: pty.slave, output: pty.slave, term: "xterm-256color",
                                                        environment: [:]))
        try await typer.value
        let screen = pty.drain()
        #expect(screen.contains("Services"))
        #expect(screen.contains("web"))
        #expect(screen.contains("100 conn/s"), "10 connections per 0.1 s sample")
        #expect(screen.contains("Pods"), ":pods switched panes")
        #expect(source.count.withLock { $0 } >= 3, "sampled on its own schedule")
        #expect(pty.termios().c_lflag == before.c_lflag, "terminal restored after q")
    }
}
