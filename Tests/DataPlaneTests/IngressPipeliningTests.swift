@testable import DataPlane
import Foundation
import Testing

/// Pipelining handled by the controller itself (not NIO's pipeline handler): answers leave in
/// request order whether the controller answers (404) or a pod does, and a client that
/// pipelines a lot is read no faster than it is served.
@Suite("Ingress pipelining", .timeLimit(.minutes(1)))
struct IngressPipeliningTests {
    typealias F = IngressFixture

    @Test func localAndProxiedAnswersLeaveInRequestOrder() async throws {
        let c = try await IngressTestCluster(block: 151, slot: 5)
        try await c.backend(c.backendIP(1), name: "web")
        try await c.service("web", ips: [c.backendIP(1)])
        try await c.apply(F.ingress("web", rules: [F.rule("p.test", F.path("/", "Prefix", "web"))]))
        // 200 requests in one write, every third one for a host nothing routes.
        var text = ""
        for i in 1...200 { text += "GET /r\(i) HTTP/1.1\r\nHost: \(i % 3 == 0 ? "nowhere.test" : "p.test")\r\n\r\n" }
        text += "GET /last HTTP/1.1\r\nHost: p.test\r\nConnection: close\r\n\r\n"
        let raw = try ProxyRawSocket(to: c.address, c.httpPort, receiveTimeout: 10)
        raw.send(text)
        let answer = try await offPool { raw.receive(upTo: 1 << 24) }
        raw.close()
        // Each answer names its request: the pod echoes the path, the 404 body the path it missed.
        var order: [String] = []
        for line in answer.text.split(separator: "\n") {
            if line.hasPrefix("path=") { order.append(String(line.dropFirst(5))) }
            if line.hasPrefix("No Ingress rule matches host"), let r = line.range(of: "and path \"") {
                order.append(String(line[r.upperBound...].prefix { $0 != "\"" }))
            }
        }
        #expect(order == (1...200).map { "/r\($0)" } + ["/last"])
        #expect(answer.ended == "eof")
        await c.stop()
    }
}
