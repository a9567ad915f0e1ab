import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plain blocking sockets with short timeouts, so tests talk to pods the way an outside client
/// would (and can choose their source address).
struct PodTestSocket {
    let fd: CInt

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func sockaddr(_ ip: String, _ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &a.sin_addr)
        return a
    }

    static func connect(_ ip: String, _ port: Int, from source: String? = nil, udp: Bool = false) throws -> PodTestSocket {
        #if canImport(Glibc)
        let type = CInt(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        #else
        let type = udp ? SOCK_DGRAM : SOCK_STREAM
        #endif
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var s = sockaddr(source, 0)
            let rc = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard rc == 0 else { Glibc.close(fd); throw Failure(description: "bind \(source): errno \(errno)") }
        }
        var d = sockaddr(ip, port)
        let rc = withUnsafePointer(to: &d) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { Glibc.close(fd); throw Failure(description: "connect \(ip):\(port): errno \(errno)") }
        return PodTestSocket(fd: fd)
    }

    func send(_ s: String) throws {
        let bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            off += n
        }
    }

    /// Reads once (up to 64 KiB); empty at EOF.
    func receive() throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw Failure(description: "recv: errno \(errno)") }
        return Array(buf[..<n])
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }
    func close() { Glibc.close(fd) }
}

/// One HTTP/1.1 response read off a socket (Content-Length bodies, as agnhost sends).
struct PodTestResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

enum PodTestHTTP {
    /// GET over a fresh connection (optionally from `source`).
    static func get(_ ip: String, _ port: Int, _ path: String, from source: String? = nil) throws -> PodTestResponse {
        let s = try PodTestSocket.connect(ip, port, from: source)
        defer { s.close() }
        return try request(s, path, close: true)
    }

    /// Sends one GET on an open connection and reads exactly its response.
    static func request(_ s: PodTestSocket, _ path: String, close: Bool) throws -> PodTestResponse {
        try s.send("GET \(path) HTTP/1.1\r\nHost: test\r\n\(close ? "Connection: close\r\n" : "")\r\n")
        var data: [UInt8] = []
        while true {
            if let r = parse(data) { return r }
            let chunk = try s.receive()
            if chunk.isEmpty {
                if let r = parse(data, atEOF: true) { return r }
                throw PodTestSocket.Failure(description: "connection closed after \(data.count) bytes")
            }
            data += chunk
        }
    }

    private static func parse(_ data: [UInt8], atEOF: Bool = false) -> PodTestResponse? {
        let text = String(decoding: data, as: UTF8.self)
        guard let sep = text.range(of: "\r\n\r\n") else { return nil }
        let headLines = text[..<sep.lowerBound].components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for l in headLines.dropFirst() {
            if let c = l.firstIndex(of: ":") {
                headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
        }
        let body = String(text[sep.upperBound...])
        if let len = headers["content-length"].flatMap(Int.init) {
            guard body.utf8.count >= len else { return nil }
            return PodTestResponse(status: status, headers: headers, body: String(body.utf8.prefix(len))!)
        }
        return atEOF ? PodTestResponse(status: status, headers: headers, body: body) : nil
    }
}
