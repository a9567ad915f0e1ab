import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import Testing

/// Hostile and broken clients over raw sockets: each gets 400/431 or a close, and only its own
/// connection is affected.
@Suite("Ingress robustness", .timeLimit(.minutes(1)))
struct IngressRobustnessTests {
    typealias F = IngressFixture

    struct Smuggle: Sendable, CustomTestStringConvertible {
        var name: String
        var request: String
        var status = 400
        var testDescription: String { name }
    }

    static let smuggling: [Smuggle] = [
        Smuggle(name: "Content-Length and Transfer-Encoding",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Smuggle(name: "Transfer-Encoding then Content-Length",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
        Smuggle(name: "conflicting Content-Length",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"),
        Smuggle(name: "repeated Content-Length",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd"),
        Smuggle(name: "Content-Length list",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nContent-Length: 4, 4\r\n\r\nabcd"),
        Smuggle(name: "bad chunk size",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        Smuggle(name: "chunk size overflow",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
        Smuggle(name: "Transfer-Encoding not ending in chunked",
                request: "POST / HTTP/1.1\r\nHost: r.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        Smuggle(name: "obs-fold",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\nX-Folded: a\r\n b\r\n\r\n"),
        Smuggle(name: "bare LF line endings",
                request: "GET / HTTP/1.1\nHost: r.test\n\n"),
        Smuggle(name: "bare CR in a header",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\nX-A: a\rX-B: b\r\n\r\n"),
        Smuggle(name: "space before colon",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\nContent-Length : 4\r\n\r\nabcd"),
        Smuggle(name: "two Host headers",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\nHost: other.test\r\n\r\n"),
        Smuggle(name: "header section too large",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n", status: 431),
        Smuggle(name: "too many header fields",
                request: "GET / HTTP/1.1\r\nHost: r.test\r\n" + (0..<150).map { "X-H\($0): v\r\n" }.joined() + "\r\n", status: 431),
    ]

    static func cluster(_ block: Int, slot: Int = 1) async throws -> IngressTestCluster {
        let c = try await IngressTestCluster(block: block, slot: slot)
        try await c.backend(c.backendIP(1), name: "r")
        try await c.service("r", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("r", rules: [F.rule("r.test", F.path("/", "Prefix", "r"))]))
        return c
    }

    @Test(arguments: smuggling)
    func smugglingIsRejectedAndTheConnectionClosed(_ s: Smuggle) async throws {
        let c = try await Self.cluster(161, slot: 10 + Self.smuggling.firstIndex { $0.name == s.name }!)
        let raw = try ProxyRawSocket(to: c.address, c.httpPort)
        raw.send(s.request)
        let answer = try await offPool { raw.receive() }
        raw.close()
        #expect(answer.text.hasPrefix("HTTP/1.1 \(s.status) "), "\(s.name): \(answer.text.prefix(200))")
        #expect(answer.ended == "eof" || answer.ended == "reset", "connection closed: \(answer.ended)")
        // Nothing of a rejected request reaches the backend, and the ingress still serves.
        #expect(c.loop.store.resourceVersion > 0)
        let ok = try await c.curl("r.test")
        #expect(ok.status == 200)
        await c.stop()
    }

    @Test func pipelinedRequestsAnsweredInOrder() async throws {
        let c = try await Self.cluster(162)
        let raw = try ProxyRawSocket(to: c.address, c.httpPort)
        raw.send((1...5).map { "GET /p\($0) HTTP/1.1\r\nHost: r.test\r\n\r\n" }.joined()
                 + "GET /last HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n")
        let answer = try await offPool { raw.receive() }
        raw.close()
        let paths = answer.text.split(separator: "\n").filter { $0.hasPrefix("path=") }.map(String.init)
        #expect(paths == ["path=/p1", "path=/p2", "path=/p3", "path=/p4", "path=/p5", "path=/last"])
        #expect(answer.ended == "eof")
        await c.stop()
    }

    @Test func slowAndBrokenClientsAffectOnlyThemselves() async throws {
        let c = try await Self.cluster(163)
        // Slowloris: a head that never completes is closed after requestHeadTimeout (500 ms here).
        let slow = try ProxyRawSocket(to: c.address, c.httpPort, receiveTimeout: 3)
        slow.send("GET / HTTP/1.1\r\nHost: r.test\r\nX-Slow: ")
        let start = Date()
        let slowAnswer = try await offPool { slow.receive() }
        slow.close()
        #expect(slowAnswer.ended == "eof" && Date().timeIntervalSince(start) < 2.5, "\(slowAnswer)")
        // Truncated request then close; invalid UTF-8 in the path; garbage.
        let trunc = try ProxyRawSocket(to: c.address, c.httpPort)
        trunc.send("POST / HTTP/1.1\r\nHost: r.test\r\nContent-Length: 100\r\n\r\nabc")
        trunc.close()
        let utf = try ProxyRawSocket(to: c.address, c.httpPort)
        utf.send("GET /\u{FF}caf\u{E9} HTTP/1.1\r\nHost: nomatch.test\r\nConnection: close\r\n\r\n")
        let utfAnswer = try await offPool { utf.receive() }
        utf.close()
        #expect(utfAnswer.text.hasPrefix("HTTP/1.1 404") || utfAnswer.text.hasPrefix("HTTP/1.1 400"), "\(utfAnswer.text.prefix(100))")
        let junk = try ProxyRawSocket(to: c.address, c.httpPort)
        junk.send("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}garbage\r\n\r\n")
        let junkAnswer = try await offPool { junk.receive() }
        junk.close()
        #expect(junkAnswer.text.hasPrefix("HTTP/1.1 400"))
        #expect(try await c.curl("r.test").status == 200)
        await c.stop()
    }

    @Test func upstreamReadTimeoutIs504() async throws {
        let c = try await Self.cluster(164)
        let r = try await c.curl("r.test", "/slow")
        #expect(r.status == 504, "readTimeout is 2 s in tests")
        #expect(r.body.contains("did not answer in time"))
        await c.stop()
    }

    @Test func largeBodiesStreamBothWays() async throws {
        let c = try await Self.cluster(165)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-body-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        FileManager.default.createFile(atPath: file, contents: Data(repeating: 0x61, count: 8 << 20))
        let r = try await c.curl("r.test", "/upload", ["--data-binary", "@\(file)"])
        #expect(r.status == 200)
        #expect(r["body-bytes"] == String(8 << 20))
        let chunked = try await c.curl("r.test", "/upload", ["--data-binary", "@\(file)", "-H", "Transfer-Encoding: chunked"])
        #expect(chunked["body-bytes"] == String(8 << 20))
        await c.stop()
    }
}

extension IngressRobustnessTests {
    @Test func upgradeRequestIsServedPlainAndClosed() async throws {
        let c = try await Self.cluster(163, slot: 2)
        let raw = try ProxyRawSocket(to: c.address, c.httpPort)
        raw.send("GET /ws HTTP/1.1\r\nHost: r.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        let answer = try await offPool { raw.receive() }
        raw.close()
        #expect(answer.text.hasPrefix("HTTP/1.1 200"))
        #expect(answer.text.contains("path=/ws"))
        #expect(answer.ended == "eof", "closed instead of hanging on a stopped decoder")
        await c.stop()
    }
}
