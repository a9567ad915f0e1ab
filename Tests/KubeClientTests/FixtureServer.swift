import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server that answers with recorded API server responses (the JSON fixtures
/// beside this file), byte for byte as kube-apiserver frames them: `Content-Length` bodies for
/// lists and Status errors, `Transfer-Encoding: chunked` for watches. Raw bytes on purpose, so
/// chunk boundaries and closes are under the test's control.
final class FixtureServer: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var query: String
        var headers: [String: String]
        var body: String

        func queryValue(_ name: String) -> String? {
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.first.map(String.init) == name { return kv.count > 1 ? String(kv[1]) : "" }
            }
            return nil
        }
    }

    enum Reply: Sendable {
        /// A complete answer with this status and JSON body.
        case json(Int, String)
        /// A chunked 200 whose chunks go out `delay` seconds apart; then the stream ends (and the
        /// connection closes) unless `keepOpen`.
        case chunks([String], delay: Double, keepOpen: Bool)
        /// Accept and never answer.
        case silence
    }

    let group: MultiThreadedEventLoopGroup
    private let route: @Sendable (Request) -> Reply
    private let log = RequestLog()
    private let channel = Mutex<(any Channel)?>(nil)

    init(route: @escaping @Sendable (Request) -> Reply) {
        self.route = route
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds `host` on a free port; returns the port.
    func start(host: String) async throws -> Int {
        let route = route
        let log = log
        let ch = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FixtureHandler(route: route, log: log))
                }
            }
            .bind(host: host, port: 0).get()
        channel.withLock { $0 = ch }
        return ch.localAddress?.port ?? 0
    }

    var requests: [Request] { log.all }

    func stop() async {
        let ch = channel.withLock { $0 }
        try? await ch?.close()
        try? await group.shutdownGracefully()
    }

    /// A fixture file's text.
    static func fixture(_ name: String) -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "missing fixture \(name)"
    }

    /// An empty `<Kind>List` at `resourceVersion`.
    static func emptyList(_ kind: String, resourceVersion: String = "1") -> Reply {
        .json(200, #"{"kind":"\#(kind)List","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"},"items":[]}"#)
    }
}

final class RequestLog: Sendable {
    private let m = Mutex<[FixtureServer.Request]>([])
    func append(_ r: FixtureServer.Request) { m.withLock { $0.append(r) } }
    var all: [FixtureServer.Request] { m.withLock { $0 } }
}

private final class FixtureHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let route: @Sendable (FixtureServer.Request) -> FixtureServer.Reply
    let log: RequestLog
    var pending: [UInt8] = []
    var answered = false

    init(route: @escaping @Sendable (FixtureServer.Request) -> FixtureServer.Reply, log: RequestLog) {
        self.route = route
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        pending += unwrapInboundIn(data).readableBytesView
        let marker: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = pending.indices.dropLast(3).first(where: { Array(pending[$0..<$0 + 4]) == marker }) else { return }
        let headText = String(decoding: pending[..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard pending.count >= end + 4 + length else { return }
        answered = true
        let body = String(decoding: pending[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        let target = requestLine.count > 1 ? String(requestLine[1]) : "/"
        let parts = target.split(separator: "?", maxSplits: 1)
        let request = FixtureServer.Request(method: String(requestLine.first ?? ""), path: String(parts.first ?? ""),
                                            query: parts.count > 1 ? String(parts[1]) : "", headers: headers, body: body)
        log.append(request)
        switch route(request) {
        case .json(let code, let text):
            let bytes = Array(text.utf8)
            write(context, "HTTP/1.1 \(code) \(code == 200 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(bytes.count)\r\nConnection: close\r\n\r\n" + text)
            context.close(promise: nil)
        case .chunks(let chunks, let delay, let keepOpen):
            write(context, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            send(chunks[...], delay: delay, keepOpen: keepOpen, context: context)
        case .silence:
            break
        }
    }

    private func send(_ chunks: ArraySlice<String>, delay: Double, keepOpen: Bool, context: ChannelHandlerContext) {
        guard let first = chunks.first else {
            if !keepOpen {
                write(context, "0\r\n\r\n")
                context.close(promise: nil)
            }
            return
        }
        write(context, String(Array(first.utf8).count, radix: 16) + "\r\n" + first + "\r\n")
        let rest = chunks.dropFirst()
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
            self.send(rest, delay: delay, keepOpen: keepOpen, context: context)
        }
    }

    private func write(_ context: ChannelHandlerContext, _ text: String) {
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Splits a text into pieces of `size` bytes (on character boundaries; the fixtures are ASCII).
func pieces(_ text: String, size: Int) -> [String] {
    var out: [String] = []
    var s = Substring(text)
    while !s.isEmpty {
        out.append(String(s.prefix(size)))
        s = s.dropFirst(size)
    }
    return out
}

/// The clients' own event loops: the process-wide singleton is shared with every other suite,
/// and a loaded suite must not turn a bound that tells a hang from success into a flake.
let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)

/// Polls `condition` until it holds or `timeout` passes (a bound that tells a hang from success).
func eventually(timeout: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}
