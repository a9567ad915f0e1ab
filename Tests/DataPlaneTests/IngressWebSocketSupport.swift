#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// RFC 6455 pieces both test ends share: the accept token (SHA-1, base64) and frames.
enum WebSocketWire {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    static func accept(for key: String) -> String {
        Data(sha1(Array((key + guid).utf8))).base64EncodedString()
    }

    /// One frame, FIN set; masked as clients must, unmasked as servers must.
    static func frame(opcode: UInt8, _ payload: [UInt8], masked: Bool) -> [UInt8] {
        var out: [UInt8] = [0x80 | opcode]
        let m: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            out.append(m | UInt8(payload.count))
        } else {
            precondition(payload.count <= 0xFFFF)
            out += [m | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        guard masked else { return out + payload }
        let key: [UInt8] = (0..<4).map { _ in UInt8.random(in: 0...255) }
        return out + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    /// Parses one frame at the start of `bytes`: (opcode, unmasked payload, length consumed).
    static func parse(_ bytes: ArraySlice<UInt8>) -> (opcode: UInt8, payload: [UInt8], used: Int)? {
        let b = Array(bytes)
        guard b.count >= 2 else { return nil }
        let masked = b[1] & 0x80 != 0
        var len = Int(b[1] & 0x7F)
        var at = 2
        if len == 126 {
            guard b.count >= 4 else { return nil }
            len = Int(b[2]) << 8 | Int(b[3])
            at = 4
        }
        let keyAt = at
        if masked { at += 4 }
        guard b.count >= at + len else { return nil }
        var payload = Array(b[at..<(at + len)])
        if masked { for i in payload.indices { payload[i] ^= b[keyAt + i % 4] } }
        return (b[0] & 0x0F, payload, at + len)
    }

    static func sha1(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var m = message + [0x80]
        while m.count % 64 != 56 { m.append(0) }
        let bits = UInt64(message.count) * 8
        for i in (0..<8).reversed() { m.append(UInt8((bits >> (UInt64(i) * 8)) & 0xFF)) }
        func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
        for chunk in stride(from: 0, to: m.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 80)
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(m[chunk + i * 4 + $1]) }
            }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
        return h.flatMap { v in (0..<4).reversed().map { UInt8((v >> (UInt32($0) * 8)) & 0xFF) } }
    }
}

/// A pod-like WebSocket echo server on raw bytes (no HTTP codec, as an application would have
/// after its own upgrade): plain requests get `200 ok` (keep-alive), `/reject` gets 403, an
/// upgrade request gets 101 with the right accept token — immediately followed, in the same
/// write, by a greeting frame — and then every frame is echoed back.
final class WebSocketTestBackend: Sendable {
    let channel: any Channel
    private let counter: Counter

    /// Connections accepted so far (an upgrade must arrive on a fresh one).
    var connections: Int { counter.n.load(ordering: .relaxed) }

    private final class Counter: Sendable { let n = Atomic<Int>(0) }

    private init(channel: any Channel, counter: Counter) {
        self.channel = channel
        self.counter = counter
    }

    static func start(group: any EventLoopGroup, ip: String, port: Int) async throws -> WebSocketTestBackend {
        let counter = Counter()
        let ch = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                counter.n.add(1, ordering: .relaxed)
                return ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Handler()) }
            }
            .bind(to: try SocketAddress(ipAddress: ip, port: port)).get()
        return WebSocketTestBackend(channel: ch, counter: counter)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var pending: [UInt8] = []
        var upgraded = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(buffer: unwrapInboundIn(data))
            var out: [UInt8] = []
            var close = false
            while true {
                if !upgraded {
                    guard let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) else { break }
                    let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                    pending.removeSubrange(..<end.upperBound)
                    let lines = head.split(separator: "\r\n")
                    let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                    var fields: [String: String] = [:]
                    for l in lines.dropFirst() {
                        guard let c = l.firstIndex(of: ":") else { continue }
                        fields[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
                    }
                    let wantsUpgrade = fields["upgrade"]?.lowercased() == "websocket"
                        && fields["connection"]?.lowercased().contains("upgrade") == true
                    if path == "/reject" {
                        out += Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\nno ws\n".utf8)
                    } else if wantsUpgrade, let key = fields["sec-websocket-key"] {
                        out += Array(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                      + "Sec-WebSocket-Accept: \(WebSocketWire.accept(for: key))\r\n\r\n").utf8)
                        out += WebSocketWire.frame(opcode: 1, Array("hello from backend".utf8), masked: false)
                        upgraded = true
                    } else {
                        out += Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".utf8)
                    }
                } else {
                    guard let f = WebSocketWire.parse(pending[...]) else { break }
                    pending.removeFirst(f.used)
                    out += WebSocketWire.frame(opcode: f.opcode, f.payload, masked: false)
                    if f.opcode == 8 {
                        close = true
                        break
                    }
                }
            }
            guard !out.isEmpty else { return }
            let done = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: out)))
            if close {
                let ch = context.channel
                done.whenComplete { _ in ch.close(promise: nil) }
            }
        }
    }
}

/// The client end: a blocking socket with a read buffer.
final class WebSocketTestClient: @unchecked Sendable {
    let socket: ProxyRawSocket
    private var buffer: [UInt8] = []

    init(_ ip: String, _ port: Int) throws { socket = try ProxyRawSocket(to: ip, port, receiveTimeout: 5) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBufferPointer { Glibc.send(socket.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// false on EOF, error or timeout.
    private func fill() -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = recv(socket.fd, &buf, buf.count, 0)
        guard n > 0 else { return false }
        buffer += buf[0..<n]
        return true
    }

    /// The response head (through the blank line), or nil.
    func readHead() -> String? {
        while true {
            if let r = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<r.upperBound], as: UTF8.self)
                buffer.removeSubrange(..<r.upperBound)
                return head
            }
            guard fill() else { return nil }
        }
    }

    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        while true {
            if let f = WebSocketWire.parse(buffer[...]) {
                buffer.removeFirst(f.used)
                return (f.opcode, f.payload)
            }
            guard fill() else { return nil }
        }
    }

    /// Everything until EOF (or timeout), after what is buffered.
    func readToEnd() -> (bytes: [UInt8], eof: Bool) {
        while true {
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = recv(socket.fd, &buf, buf.count, 0)
            if n > 0 { buffer += buf[0..<n]; continue }
            let out = buffer
            buffer = []
            return (out, n == 0)
        }
    }

    func close() { socket.close() }
}
