#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// A blocking POSIX TCP client for tests that need exact control (half-close, reset, garbage,
/// thousands of idle connections). Blocking calls run off the cooperative pool via `offPool`.
final class ProxyRawSocket: @unchecked Sendable {
    let fd: Int32

    init(to ip: String, _ port: Int, from source: String? = nil, receiveTimeout: Double = 3) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IP), 24 /* IP_BIND_ADDRESS_NO_PORT */, &one, 4)
            var a = Self.address(source, 0)
            let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard r == 0 else { Glibc.close(fd); throw Failure("bind \(source): errno \(errno)") }
        }
        var a = Self.address(ip, port)
        let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else {
            let e = errno
            Glibc.close(fd)
            throw Failure("connect \(ip):\(port): errno \(e)", errno: e)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        var errno: Int32 = 0
        init(_ d: String, errno: Int32 = 0) {
            description = d
            self.errno = errno
        }
    }

    static func address(_ ip: String, _ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &a.sin_addr)
        return a
    }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.send(fd, &bytes, bytes.count, Int32(MSG_NOSIGNAL))
    }

    /// Reads until `count` bytes, EOF, error or timeout; returns text and how it ended.
    func receive(upTo count: Int = 1 << 20) -> (text: String, ended: String) {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < count {
            let n = recv(fd, &buf, buf.count, 0)
            if n > 0 { out += buf[0..<n]; continue }
            let how = n == 0 ? "eof" : (errno == EAGAIN || errno == EWOULDBLOCK ? "timeout" : (errno == ECONNRESET ? "reset" : "errno \(errno)"))
            return (String(decoding: out, as: UTF8.self), how)
        }
        return (String(decoding: out, as: UTF8.self), "count")
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Closes with a reset (SO_LINGER 0).
    func reset() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(fd)
    }

    func close() { Glibc.close(fd) }
}

/// Runs blocking work on a Dispatch thread so the test's cooperative threads stay free.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}
