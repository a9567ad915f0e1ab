import ClusterModel
import ControlPlane
@testable import Engine
import Foundation
import Testing

@Suite("Live engine")
struct LiveEngineTests {
    /// A selector-less service whose hand-written Endpoints point at a real local listener:
    /// bytes sent to the service's cluster IP reach it through the engine's proxy.
    @Test func selectorlessServiceCarriesBytesToALocalListener() async throws {
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: 240)
        let engine = try LiveEngine(config: config, eventLoops: 1)
        let backend = try LineServer(host: "127.242.50.1", reply: "hello from backend")
        defer { backend.stop() }
        try await engine.start()
        let errors = engine.cluster.apply([
            .service(Service(metadata: ObjectMeta(name: "external", namespace: "default"),
                             spec: ServiceSpec(selector: nil, ports: [ServicePort(name: "tcp", port: 7000)]))),
            .endpoints(Endpoints(metadata: ObjectMeta(name: "external", namespace: "default"), subsets: [
                EndpointSubset(addresses: [EndpointAddress(ip: "127.242.50.1")],
                               ports: [EndpointPort(name: "tcp", port: Int(backend.port))]),
            ])),
        ])
        #expect(errors.isEmpty)
        await engine.settle()
        let ip = try #require(engine.cluster.store.get(Service.self, namespace: "default", name: "external")?.spec.clusterIP)
        #expect(try LineServer.ask(host: ip, port: 7000) == "hello from backend")
        let snap = await engine.snapshot()
        let stats = snap.proxy?.servicePorts.first(where: { $0.name == "external" })
        #expect((stats?.traffic.counters.totalConnections ?? 0) >= 1)
        await engine.shutdown()
    }
}

/// A blocking one-line TCP server on a chosen loopback address (test backend).
final class LineServer: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    private var thread: Thread?

    init(host: String, reply: String) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = sock
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, host, &addr.sin_addr)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) } }
        guard ok == 0, listen(sock, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
        port = UInt16(bigEndian: addr.sin_port)
        let t = Thread {
            while true {
                let c = accept(sock, nil, nil)
                if c < 0 { return }
                let bytes = Array((reply + "\n").utf8)
                _ = bytes.withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
                close(c)
            }
        }
        t.start()
        thread = t
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    static func ask(host: String, port: UInt16) throws -> String {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED) }
        var buf = [UInt8](repeating: 0, count: 256)
        let n = read(s, &buf, 256)
        return String(decoding: buf.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
