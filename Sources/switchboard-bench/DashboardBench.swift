import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Dashboard benchmark (issue 6, Performance): with 10,000 services and 100,000 endpoints,
//  1. frame build time, timed inside `switchboard bench-dashboard --mode frame`;
//  2. CPU of the real ncurses dashboard idle at 1 Hz, and
//  3. bytes it writes to the terminal per second for an unchanged view at 120x40,
// both measured from outside: the dashboard runs in a pty this process holds, which reads
// everything written to it and samples the child's CPU time from /proc.
//   swift build -c release --product switchboard --product switchboard-bench
//   .build/release/switchboard-bench dashboard [--services 10000] [--endpoints 10] [--seconds 30]

/// A pseudo-terminal pair; posix_openpt and friends are hidden from Swift's Glibc module.
struct PseudoTerminal {
    let master: Int32
    let slave: Int32

    init(width: Int, height: Int) throws {
        typealias IntFn = @convention(c) (Int32) -> Int32
        typealias NameFn = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        let handle = dlopen(nil, RTLD_NOW)
        guard let o = dlsym(handle, "posix_openpt"), let g = dlsym(handle, "grantpt"),
              let u = dlsym(handle, "unlockpt"), let p = dlsym(handle, "ptsname") else { throw POSIXError(.ENOSYS) }
        master = unsafeBitCast(o, to: IntFn.self)(O_RDWR | O_NOCTTY)
        guard master >= 0, unsafeBitCast(g, to: IntFn.self)(master) == 0, unsafeBitCast(u, to: IntFn.self)(master) == 0,
              let name = unsafeBitCast(p, to: NameFn.self)(master) else { throw POSIXError(.ENODEV) }
        slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENODEV) }
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }
}

/// Counts what the dashboard writes, on a thread of its own so the pty never fills up.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    var bytes: Int { lock.lock(); defer { lock.unlock() }; return total }

    func drain(_ fd: Int32) {
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buf, buf.count)
                if n <= 0 { return }
                self.lock.lock()
                self.total += n
                self.lock.unlock()
            }
        }
    }
}

/// utime + stime of a process, in seconds.
func cpuSeconds(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state(0) ppid … utime is field 14 of the whole line, index 11 here.
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
}

func runDashboardBench(_ arguments: [String]) throws {
    var services = 10_000, endpoints = 10, seconds = 30.0
    var args = arguments[...]
    while let a = args.popFirst() {
        switch a {
        case "--services": services = Int(args.popFirst() ?? "") ?? services
        case "--endpoints": endpoints = Int(args.popFirst() ?? "") ?? endpoints
        case "--seconds": seconds = Double(args.popFirst() ?? "") ?? seconds
        default: print("usage: switchboard-bench dashboard [--services N] [--endpoints PER-SERVICE] [--seconds S]"); exit(2)
        }
    }
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("switchboard")
    let common = ["bench-dashboard", "--services", String(services), "--endpoints-per-service", String(endpoints)]

    // 1. Frame build time, in process.
    let frame = Process()
    frame.executableURL = binary
    frame.arguments = common + ["--mode", "frame"]
    let pipe = Pipe()
    frame.standardOutput = pipe
    try frame.run()
    let frameText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    frame.waitUntilExit()

    // 2 and 3. The real dashboard in a 120x40 pty, idle at 1 Hz.
    let pty = try PseudoTerminal(width: 120, height: 40)
    let counter = ByteCounter()
    counter.drain(pty.master)
    let ui = Process()
    ui.executableURL = binary
    ui.arguments = common + ["--mode", "run", "--interval", "1"]
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm-256color"
    env["LANG"] = "C.UTF-8"
    env["LC_ALL"] = "C.UTF-8"
    env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "switchboard-bench-none"  // no user keys or theme
    ui.environment = env
    let slave = FileHandle(fileDescriptor: pty.slave, closeOnDealloc: false)
    ui.standardInput = slave
    ui.standardOutput = slave
    ui.standardError = FileHandle.nullDevice
    try ui.run()
    // Warm up: the first samples are ingested and the first full frame drawn.
    Thread.sleep(forTimeInterval: 6)
    let startupBytes = counter.bytes
    let cpu0 = cpuSeconds(pid: ui.processIdentifier), bytes0 = counter.bytes, t0 = monotonic()
    Thread.sleep(forTimeInterval: seconds)
    let cpu1 = cpuSeconds(pid: ui.processIdentifier), bytes1 = counter.bytes, t1 = monotonic()
    _ = "q".withCString { write(pty.master, $0, 1) }
    ui.waitUntilExit()
    let cpuPercent = (cpu1 - cpu0) / (t1 - t0) * 100
    let bytesPerSecond = Double(bytes1 - bytes0) / (t1 - t0)

    print("Dashboard benchmark: \(services) services, \(services * endpoints) endpoints, release build, 120x40 pty, TERM=xterm-256color")
    print("")
    print("| figure | target | measured |")
    print("|---|---:|---:|")
    for line in frameText.split(separator: "\n") {
        let parts = line.split(separator: "\t")
        guard parts.count == 2 else { continue }
        let target = parts[0].hasPrefix("frame:") ? "≤ 5 ms" : "-"
        print("| \(parts[0]) (ms) | \(target) | \(parts[1]) |")
    }
    print("| CPU, view idle, sampling at 1 Hz (% of one core, \(Int(seconds)) s) | ≤ 1% | \(String(format: "%.2f", cpuPercent))% |")
    print("| bytes written to the terminal per second, unchanged view | ≤ 2 KB/s | \(Int(bytesPerSecond.rounded())) B/s |")
    print("| first frame (bytes, once) | - | \(startupBytes) |")
}
