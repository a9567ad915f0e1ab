#if canImport(Glibc)
import Glibc
#endif

/// Blocking IPv4 sockets with a receive timeout, for sending bytes no DNS client would.
struct RawSocket {
    let fd: Int32

    init(udp: Bool) {
        fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func connect(_ host: String, _ port: Int) -> Bool {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Up to `max` bytes, or nil on timeout; `[]` when the peer closed.
    func receive(max: Int = 65_536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
        return n < 0 ? nil : Array(buffer[0..<n])
    }

    /// Exactly `count` bytes from a stream, nil on timeout or close.
    func receiveExactly(_ count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        while out.count < count {
            guard let chunk = receive(max: count - out.count), !chunk.isEmpty else { return nil }
            out += chunk
        }
        return out
    }

    func close() { _ = Glibc.close(fd) }
}
