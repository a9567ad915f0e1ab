#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Spawning and signalling a container's child process with posix_spawn. The child gets its own
/// process group, so SIGTERM/SIGKILL reach a shell and what it started (`sh -c "env; sleep 30"`),
/// and one pipe that carries both stdout and stderr, interleaved as `kubectl logs` shows them.
enum PodChildProcess {
    struct Spawned {
        var pid: pid_t
        /// The read end of the output pipe (non-blocking, close-on-exec); the caller owns it.
        var output: CInt
    }

    struct SpawnError: Error, CustomStringConvertible {
        var errno: CInt
        var argv0: String
        var description: String {
            let what = String(cString: strerror(errno))
            return errno == ENOENT ? "exec: \"\(argv0)\": executable file not found in $PATH" : "exec \"\(argv0)\": \(what)"
        }
    }

    /// Starts `argv` (looked up in this process's PATH when it has no slash) with exactly `env`.
    /// Stdin is /dev/null. Cheap (vfork-style), so it runs on the pod's event loop.
    static func spawn(argv: [String], env: [(String, String)], workingDir: String?) throws -> Spawned {
        precondition(!argv.isEmpty)
        var argv = argv
        if let dir = workingDir, !dir.isEmpty {
            // posix_spawn has no portable chdir action: a shell changes directory, then execs.
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir] + argv
        }
        var fds: [CInt] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(errno: errno, argv0: argv[0]) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attr = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attr: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attr)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attr)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        // The child must not inherit the engine's sockets (NIO's are not close-on-exec): a
        // listener held open by a child would keep accepting after its pod has gone.
        #if canImport(Glibc)
        closeInheritedDescriptors(&actions)
        #endif
        // A fresh process group, default dispositions for the signals a server usually ignores
        // (SIGPIPE is ignored by NIO and would be inherited), and no blocked signals.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, s) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.0)=\($0.1)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = cArgs.withUnsafeBufferPointer { a in
            cEnv.withUnsafeBufferPointer { e in
                posix_spawnp(&pid, argv[0], &actions, &attr, a.baseAddress!, e.baseAddress!)
            }
        }
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            throw SpawnError(errno: rc, argv0: argv[0])
        }
        return Spawned(pid: pid, output: readEnd)
    }

    #if canImport(Glibc)
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because
    /// Swift's Glibc module does not declare the GNU extensions.
    private static let addCloseFrom: CloseFrom? = {
        guard let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(sym, to: CloseFrom.self)
    }()
    #endif

    #if canImport(Glibc)
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom = addCloseFrom, closeFrom(&actions, 3) == 0 { return }
        // Fallback: close what is open now (a descriptor opened concurrently may still leak).
        guard let dir = opendir("/proc/self/fd") else { return }
        defer { closedir(dir) }
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = CInt(name), fd > 2, fd != own { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }
    #endif

    /// The exit code a container runtime reports: the status, or 128 + signal.
    enum WaitResult { case running, exited(Int32) }

    /// Non-blocking reap of one child.
    static func poll(_ pid: pid_t) -> WaitResult {
        var status: CInt = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == 0 { return .running }
        if r < 0 { return errno == EINTR ? .running : .exited(255) }
        let low = status & 0x7f
        if low == 0 { return .exited((status >> 8) & 0xff) }  // WIFEXITED
        return .exited(128 + low)                             // WIFSIGNALED
    }

    /// Signals the child's whole process group.
    static func signal(_ pid: pid_t, _ sig: CInt) {
        if kill(-pid, sig) != 0 { _ = kill(pid, sig) }
    }
}
