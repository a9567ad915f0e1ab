import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process that inherits nothing but the pipes it is given. Foundation's Process lets a
/// child inherit the test process's sockets (NIO's are not close-on-exec), which would keep
/// other tests' ports bound while the child runs; this spawns with every descriptor above 2
/// closed, as `runWithoutInheritedDescriptors` does, but without waiting, and with stdout and
/// stderr captured.
final class CleanChild: @unchecked Sendable {
    let pid: pid_t
    private let stdoutFD: Int32
    private let stderrFD: Int32

    /// - Parameter directory: the child's working directory (through `/bin/sh -c 'cd … && exec …'`).
    init(_ argv: [String], directory: String? = nil) throws {
        var command = argv
        if let directory {
            command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
        }
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw POSIXError(.EMFILE) }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        if let closeFrom = addCloseFrom {
            _ = closeFrom(&actions, 3)
        }
        let cArgs = command.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var child: pid_t = 0
        let rc = cArgs.withUnsafeBufferPointer { posix_spawnp(&child, command[0], &actions, nil, $0.baseAddress!, environ) }
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0])
            close(err[0])
            throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .ENOENT)
        }
        pid = child
        stdoutFD = out[0]
        stderrFD = err[0]
    }

    /// Reads both outputs to their end and waits for the exit status; SIGKILL after `limit`.
    func finish(limit: Double) -> (status: Int32, stdout: String, stderr: String) {
        let pid = pid
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: killer)
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let errFD = stderrFD
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.data = Self.readAll(errFD)
            done.signal()
        }.start()
        let outData = Self.readAll(stdoutFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        killer.cancel()
        // stderr ends when the child, its only writer, has exited.
        _ = done.wait(timeout: .now() + 5)
        let err = box.data
        close(stdoutFD)
        close(stderrFD)
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (code, String(decoding: outData, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; reaps the child.
    func stop(grace: Double = 10) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return data
    }
}

private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private let addCloseFrom: CloseFrom? = {
    guard let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(sym, to: CloseFrom.self)
}()
