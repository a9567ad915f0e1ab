#if canImport(Glibc)
import Glibc
#endif
import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Pod churn behind an Ingress: a Deployment of agnhost netexec pods run by the pod runtime,
/// the ingress controller in front, a client sending 200 GET/s while pods are deleted at 5 per
/// second. Every request must succeed: retries on connect failure and on upstreams that close
/// before answering, endpoints that stop being ready leave the table, pooled connections to
/// terminated pods are not used. Address block 56 (compact plan).
///
/// Opt-in (`SWITCHBOARD_LOAD_TESTS=1`): five seconds of pod churn beside the parallel suite
/// pushes other tests' one-second bounds (refusals, `switchboard up` start-up) over on a loaded
/// two-core machine. Run it alone: `SWITCHBOARD_LOAD_TESTS=1 swift test --filter IngressChurn`.
@Suite("Ingress churn", .serialized, .timeLimit(.minutes(1)),
       .enabled(if: ProcessInfo.processInfo.environment["SWITCHBOARD_LOAD_TESTS"] == "1",
                "load test: set SWITCHBOARD_LOAD_TESTS=1 and run it alone"))
struct IngressChurnTests {
    typealias F = IngressFixture
    static let replicas = 6

    /// The control loop driven by the test (under a lock), the pod runtime and the controller.
    final class Cluster: @unchecked Sendable {
        let loop: ControlLoop
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let runtime: PodRuntime
        let controller: IngressController
        private let lock = NSLock()

        init() async throws {
            var cc = ClusterConfig()
            cc.addresses = .compact(secondOctet: 56)
            cc.nodeCount = 2
            loop = try ControlLoop(config: cc, clock: SystemClock())
            try loop.bootstrap()
            loop.runUntilIdle()
            runtime = PodRuntime(store: loop.store, registry: loop.registry, group: group, config: .fastForTests,
                                 environment: { _ in [:] }, resolver: { _, _ in [] })
            try loop.registry.create(.ingressClass(IngressTestClass.ours(default: true)))
            var config = IngressConfig(address: "127.56.240.1")
            config.httpPort = 0
            config.httpsPort = nil
            config.connectTimeout = .seconds(1)
            config.readTimeout = .seconds(3)
            controller = IngressController(store: loop.store, registry: loop.registry, group: group, config: config)
            runtime.start()
            try await controller.start()
        }

        func drive() {
            lock.lock()
            defer { lock.unlock() }
            loop.runUntilIdle()
        }

        func locked<T>(_ body: () throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }

        func pods() -> [Pod] {
            loop.store.list(Pod.self, namespace: "default").filter { $0.labels["app"] == "churn" }
        }

        func stop() async {
            await controller.shutdown()
            await runtime.shutdown()
            try? await group.shutdownGracefully()
        }
    }

    final class TallyBox: @unchecked Sendable { var value = Tally() }

    /// What one client connection saw.
    struct Tally: Sendable {
        var sent = 0
        var succeeded = 0
        var failures: [String] = []
        var latencies: [Double] = []
        var hostnames: Set<String> = []
    }

    @Test func zeroFailedRequestsWhilePodsAreDeletedFivePerSecond() async throws {
        let c = try await Cluster()
        c.locked {
            _ = c.loop.apply([PodFixture.deployment("churn", replicas: Self.replicas, labels: ["app": "churn"], container: PodFixture.netexec()),
                              PodFixture.service("churn", selector: ["app": "churn"])])
        }
        _ = try c.locked { try c.loop.registry.apply(.ingress(F.ingress("churn", created: nil, rules: [
            F.rule("churn.test", F.path("/", "Prefix", "churn")),
        ]))) }
        // Four ready pods serving, and the controller sees them.
        let port = try #require(c.controller.httpPort)
        var ready = false
        for _ in 0..<250 where !ready {
            await onOwnThread { c.drive() }
            await c.controller.waitForSync()
            let up = c.pods().filter { p in p.isReady && p.metadata.deletionTimestamp == nil }
            if up.count == Self.replicas {
                let r = try? await Curl.run(["--resolve", "churn.test:\(port):127.56.240.1", "http://churn.test:\(port)/hostname"])
                ready = r?.status == 200
            }
            if !ready { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        try #require(ready, "the deployment came up behind the ingress")

        // The control loop keeps running (replacements, endpoints) while the test deletes pods.
        // Both loops block (the control loop runs synchronously, under a lock), so each gets a
        // thread of its own: they never hold the cooperative pool the rest of the suite needs,
        // nor wait for a Dispatch worker behind the blocked client threads.
        // Both loops block (the control loop runs synchronously, under a lock), so each gets a
        // thread of its own: they never hold the cooperative pool the rest of the suite needs,
        // nor wait for a Dispatch worker behind the blocked client threads.
        let stop = Atomic<Bool>(false)
        let driver = Task {
            await onOwnThread {
                while !stop.load(ordering: .relaxed) {
                    c.drive()
                    usleep(10_000)
                }
            }
        }
        let deleted = Atomic<Int>(0)
        let killer = Task {
            await onOwnThread {
                for _ in 0..<25 {
                    usleep(200_000)
                    c.locked {
                        let victims = c.pods().filter { $0.metadata.deletionTimestamp == nil && $0.isReady }
                        guard let v = victims.randomElement() else { return }
                        if (try? c.loop.registry.delete(.pods, v.key)) != nil { deleted.add(1, ordering: .relaxed) }
                    }
                }
            }
        }
        // 200 GET/s: four keep-alive client connections, each paced at 50/s for 5 s.
        let start = Date()
        let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
            for _ in 0..<4 {
                // Own threads, not Dispatch workers: blocking the shared pool for 5 s would
                // delay every other test's blocking work in this process.
                group.addTask {
                    let box = TallyBox()
                    await onOwnThread { box.value = Self.client(port: port, start: start, count: 250, interval: 0.02) }
                    return box.value
                }
            }
            var all: [Tally] = []
            for try await t in group { all.append(t) }
            return all
        }
        let seconds = Date().timeIntervalSince(start)
        await killer.value
        stop.store(true, ordering: .relaxed)
        await driver.value

        let sent = tallies.map(\.sent).reduce(0, +)
        let ok = tallies.map(\.succeeded).reduce(0, +)
        let failures = tallies.flatMap(\.failures)
        let latencies = tallies.flatMap(\.latencies).sorted()
        let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        let hostnames = tallies.reduce(into: Set<String>()) { $0.formUnion($1.hostnames) }
        print(String(format: "ingress churn: sent=%d succeeded=%d failed=%d retries=%d pods-deleted=%d pods-seen=%d "
                     + "p99=%.1fms max=%.1fms duration=%.1fs rate=%.0f/s", sent, ok, failures.count, c.controller.retries,
                     deleted.load(ordering: .relaxed), hostnames.count, p99 * 1000, (latencies.last ?? 0) * 1000, seconds,
                     Double(sent) / seconds))
        // Let the Deployment settle before shutting down, so no pod is stopped mid-launch.
        for _ in 0..<150 {
            await onOwnThread { c.drive() }
            let pods = c.pods()
            if pods.count == Self.replicas && pods.allSatisfy({ $0.isReady && $0.metadata.deletionTimestamp == nil }) { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(sent == 1000)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(ok == sent)
        #expect(deleted.load(ordering: .relaxed) >= 20, "pods were deleted throughout")
        // pods-seen is reported, not asserted: how many replacements get traffic within 5 s
        // depends on how fast a loaded machine starts them (until then the terminating pods
        // still serve, as Kubernetes' serving-terminating fallback allows).
        await c.stop()
    }

    /// One paced keep-alive client: sends `count` GETs `interval` apart (open loop: a slow
    /// answer does not delay the schedule beyond itself), reconnecting only when the ingress
    /// closed the connection (which would be a failure in itself).
    static func client(port: Int, start: Date, count: Int, interval: Double) -> Tally {
        var t = Tally()
        var conn: HTTPKeepAliveClient?
        for i in 0..<count {
            let due = start.addingTimeInterval(Double(i) * interval)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            t.sent += 1
            let began = Date()
            do {
                if conn == nil { conn = try HTTPKeepAliveClient("127.56.240.1", port) }
                let r = try conn!.get("/hostname", host: "churn.test")
                if r.status == 200 {
                    t.succeeded += 1
                    t.hostnames.insert(r.body)
                } else {
                    t.failures.append("status \(r.status): \(r.body.prefix(200))")
                }
                if r.close { conn?.close(); conn = nil }
            } catch {
                t.failures.append("\(error)")
                conn?.close()
                conn = nil
            }
            t.latencies.append(Date().timeIntervalSince(began))
        }
        conn?.close()
        return t
    }
}

/// Runs blocking work on a dedicated thread (not the cooperative pool, not a Dispatch worker).
func onOwnThread(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        Thread {
            body()
            c.resume()
        }.start()
    }
}

/// A minimal blocking HTTP/1.1 keep-alive client (Content-Length bodies only).
final class HTTPKeepAliveClient {
    let socket: ProxyRawSocket
    private var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(_ ip: String, _ port: Int) throws { socket = try ProxyRawSocket(to: ip, port, receiveTimeout: 5) }

    func get(_ path: String, host: String) throws -> (status: Int, body: String, close: Bool) {
        socket.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n")
        while buffer.firstRange(of: Array("\r\n\r\n".utf8)) == nil { try fill() }
        let end = buffer.firstRange(of: Array("\r\n\r\n".utf8))!
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        buffer.removeSubrange(..<end.upperBound)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var length = 0
        var close = false
        for l in lines.dropFirst() {
            let lower = l.lowercased()
            if lower.hasPrefix("content-length:") { length = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0 }
            if lower.hasPrefix("connection:") && lower.contains("close") { close = true }
            if lower.hasPrefix("transfer-encoding:") { throw Failure(description: "unexpected \(l)") }
        }
        while buffer.count < length { try fill() }
        let body = String(decoding: buffer[..<length], as: UTF8.self)
        buffer.removeSubrange(..<length)
        return (status, body, close)
    }

    private func fill() throws {
        var buf = [UInt8](repeating: 0, count: 16384)
        let n = recv(socket.fd, &buf, buf.count, 0)
        guard n > 0 else { throw Failure(description: n == 0 ? "connection closed by the ingress" : "recv errno \(errno)") }
        buffer += buf[0..<n]
    }

    func close() { socket.close() }
}
