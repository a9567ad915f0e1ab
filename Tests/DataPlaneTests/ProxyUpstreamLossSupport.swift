#if canImport(Glibc)
import Glibc
#endif
import ClusterModel
import Foundation
import ControlPlane
@testable import DataPlane
import NIOCore
import NIOPosix
import Telemetry
import Testing

/// A proxy over a hand-driven cluster in the 62–64 or 66–68 blocks (ProxyTestCluster keeps to
/// 100…158): the same store, clock and proxy wiring, for the tests of upstreams that vanish.
final class UpstreamLossCluster: @unchecked Sendable {
    let loop: ControlLoop
    let clock = ManualClock()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let proxy: ServiceProxy
    let block: Int

    init(block: Int, configure: (inout ProxyConfig) -> Void = { _ in }) async throws {
        precondition(block == 62 || block == 66, "upstream-loss tests own 62–64 and 66–68")
        var config = ClusterConfig()
        config.addresses = .isolated(secondOctet: block)
        config.nodeCount = 2
        loop = try ControlLoop(config: config, clock: clock)
        try loop.bootstrap()
        loop.runUntilIdle()
        self.block = block
        var pc = ProxyConfig()
        pc.clock = clock
        pc.connectTimeout = .seconds(2)
        configure(&pc)
        proxy = ServiceProxy(store: loop.store, group: group, config: pc)
        try await proxy.start()
    }

    func stop() async {
        await proxy.shutdown()
        try? await group.shutdownGracefully()
    }

    func sync() async {
        loop.runUntilIdle()
        await proxy.waitForSync()
    }

    func podIP(node: Int, _ host: Int) -> String { "127.\(block + 1).\(node).\(host)" }
    func outsideIP(_ host: Int) -> String { "127.\(block + 2).50.\(host)" }

    func service(_ name: String, edit: (inout ServiceSpec) -> Void = { _ in }) async throws -> String {
        var spec = ServiceSpec(type: ServiceType.clusterIP, selector: nil,
                               ports: [ServicePort(name: "http", port: 80, targetPort: .int(8080))])
        edit(&spec)
        try loop.registry.create(.service(Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)))
        await sync()
        return try #require(loop.store.get(Service.self, namespace: "default", name: name)?.spec.clusterIP)
    }

    /// The service's one EndpointSlice, all endpoints ready, on port 8080.
    func slice(_ service: String, _ ips: [String]) async throws {
        let meta = ObjectMeta(name: "\(service)-manual", namespace: "default",
                              labels: [EndpointSliceLabel.serviceName: service, EndpointSliceLabel.managedBy: "test"])
        let slice = EndpointSlice(metadata: meta, endpoints: ips.enumerated().map { i, ip in
            Endpoint(addresses: [ip], conditions: EndpointConditions(ready: true, serving: true, terminating: false),
                     nodeName: "node-\(i % 2 + 1)")
        }, ports: [EndpointSlicePort(name: "http", port: 8080)])
        let obj = APIObject.endpointSlice(slice)
        if loop.store.get(.endpointSlices, obj.key) != nil {
            try loop.registry.update(obj)
        } else {
            try loop.registry.create(obj)
        }
        await sync()
    }

    /// The proxy's open-connection count for the service, once it stops changing for the better
    /// (a connection's flow ends a moment after its client sees the end).
    func settledActive(_ service: String) async -> Int {
        var active = await proxy.snapshot().port(service)?.traffic.counters.activeConnections ?? -1
        for _ in 0..<150 where active != 0 {
            try? await Task.sleep(for: .milliseconds(20))
            active = await proxy.snapshot().port(service)?.traffic.counters.activeConnections ?? -1
        }
        return active
    }
}

/// A listening socket that never accepts: the proxy's connect completes into its backlog, and
/// closing it resets every connection still queued — a pod whose server stops listening.
final class BacklogListener: @unchecked Sendable {
    let fd: Int32

    init(_ ip: String, _ port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 4)
        var a = ProxyRawSocket.address(ip, port)
        let r = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0, listen(fd, 64) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw ProxyRawSocket.Failure("listen \(ip):\(port): errno \(e)", errno: e)
        }
    }

    /// Accepts one queued connection (blocking) and closes it at once: with `reset` by SO_LINGER 0,
    /// otherwise with FIN (or RST, if the kernel holds unread bytes from the peer).
    func acceptAndClose(reset: Bool) {
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return }
        if reset {
            var l = linger(l_onoff: 1, l_linger: 0)
            setsockopt(c, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        }
        Glibc.close(c)
    }

    func close() { Glibc.close(fd) }
}

/// How a proxied request ended for its client: never "timeout" (a hang) in these tests.
struct ClientEnding: Sendable, CustomStringConvertible {
    var how: String
    var text: String
    var description: String { "\(how)(\(text.prefix(40)))" }
    var ended: Bool { how == "eof" || how == "reset" || how == "refused" || how == "count" }
}

extension UpstreamLossCluster {
    /// Connects through the proxy, sends an HTTP request (and FIN first if `finFirst`), and reads
    /// until the end; `timeout` far beyond any legitimate answer or the proxy's connect timeout.
    func attempt(_ vip: String, from source: String? = nil, finFirst: Bool = false, finAfter: Bool = false,
                 timeout: Double = 8) async -> ClientEnding {
        let request = "GET /hostname HTTP/1.1\r\nHost: kubia\r\n\r\n"
        return await onOwnThread { () -> ClientEnding in
            let s: ProxyRawSocket
            do {
                s = try ProxyRawSocket(to: vip, 80, from: source, receiveTimeout: timeout)
            } catch {
                let e = (error as? ProxyRawSocket.Failure)?.errno ?? 0
                return ClientEnding(how: e == ECONNREFUSED ? "refused" : "connect errno \(e)", text: "")
            }
            defer { s.close() }
            if finFirst {
                s.shutdownWrite()
            } else {
                s.send(request)
                if finAfter { s.shutdownWrite() }
            }
            let r = s.receive()
            return ClientEnding(how: r.ended, text: r.text)
        }
    }
}

/// Runs blocking socket work on a thread of its own. Not `offPool`: on Linux the Swift
/// executor shares libdispatch's thread pool, which grows by about one thread a second while
/// workers block, so many blocked `recv`s there would stall every other test in the process.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { c in
        let t = Thread { c.resume(returning: body()) }
        t.stackSize = 1 << 20
        t.start()
    }
}
