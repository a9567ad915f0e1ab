#if canImport(Glibc)
import Glibc

/// Runs a program with only stdin/stdout/stderr (all /dev/null) and waits for it, returning
/// its exit status (-1 when it could not start).
///
/// Why not system(3) or Foundation's Process: the test process holds many sockets that other
/// tests running in parallel opened (NIO's are not close-on-exec). A daemon started from here —
/// a tmux server — would inherit them and keep their ports bound after the tests closed them,
/// so a later test on the same address block fails. This closes every descriptor above 2 in the
/// child.
public func runWithoutInheritedDescriptors(_ argv: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in 0...2 {
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    if let closeFrom = addCloseFrom, closeFrom(&actions, 3) == 0 {
        // every descriptor above 2 is closed in the child
    } else if let dir = opendir("/proc/self/fd") {
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2, fd != own { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        closedir(dir)
    }
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let rc = cArgs.withUnsafeBufferPointer { posix_spawnp(&pid, argv[0], &actions, nil, $0.baseAddress!, environ) }
    guard rc == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
/// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because
/// Swift's Glibc module does not declare the GNU extensions.
private let addCloseFrom: CloseFrom? = {
    guard let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(sym, to: CloseFrom.self)
}()
#endif
