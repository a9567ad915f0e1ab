import ClusterModel
import ControlPlane
import DataPlane
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Readiness probes, container exits, and the load generator.
@Suite("Pod lifecycle", .serialized)
struct PodLifecycleTests {
    static func probe(_ json: String) throws -> Probe {
        try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
    }

    @Test("readiness probes (httpGet, tcpSocket, exec) drive the pod's Ready condition both ways")
    func readinessProbes() async throws {
        let c = try PodTestCluster(block: 194)
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-ready-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        var http = PodFixture.netexec()
        http.readinessProbe = try Self.probe(#"{"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 1}"#)
        var tcp = PodFixture.container(image: "switchboard.dev/tcp-echo", port: 7000)
        tcp.readinessProbe = try Self.probe(#"{"tcpSocket": {"port": 7000}, "periodSeconds": 1}"#)
        var exec = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "sleep 30"], port: nil)
        exec.readinessProbe = try Self.probe(#"{"exec": {"command": ["test", "-f", "\#(marker)"]}, "periodSeconds": 1, "failureThreshold": 2}"#)
        var wrongPort = PodFixture.netexec()
        wrongPort.readinessProbe = try Self.probe(#"{"httpGet": {"path": "/healthz", "port": 9999}, "periodSeconds": 1}"#)
        c.apply(PodFixture.pod("http", [http]), PodFixture.pod("tcp", [tcp]), PodFixture.pod("exec", [exec]),
                PodFixture.pod("wrong", [wrongPort]))
        // Pods with a readiness probe start not ready and wait for the prober.
        #expect(await c.eventually { c.pod("exec")?.status?.podIP != nil })
        #expect(c.pod("exec")?.isReady == false)
        #expect(await c.eventually { c.pod("http")?.isReady == true && c.pod("tcp")?.isReady == true })
        #expect(c.pod("http")?.status?.containerStatuses?.first?.ready == true)
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(c.pod("exec")?.isReady == false)
        #expect(c.pod("wrong")?.isReady == false)
        // The exec probe flips with the marker file, both ways.
        FileManager.default.createFile(atPath: marker, contents: Data())
        #expect(await c.eventually { c.pod("exec")?.isReady == true })
        try FileManager.default.removeItem(atPath: marker)
        #expect(await c.eventually { c.pod("exec")?.isReady == false })
        await c.close()
    }

    @Test("/exit?code=3 restarts the container under restartPolicy Always and fails the pod under Never")
    func exitEndpoint() async throws {
        let c = try PodTestCluster(block: 197)
        c.apply(PodFixture.pod("always", [PodFixture.netexec()]),
                PodFixture.pod("never", [PodFixture.netexec()], restartPolicy: "Never"))
        var ips: [String: String] = [:]
        #expect(await c.eventually {
            for n in ["always", "never"] {
                guard let ip = c.pod(n)?.status?.podIP, (try? PodTestHTTP.get(ip, 8080, "/healthz"))?.status == 200 else { return false }
                ips[n] = ip
            }
            return true
        })
        for ip in ips.values { _ = try? PodTestHTTP.get(ip, 8080, "/exit?code=3") }  // agnhost exits without answering
        #expect(await c.eventually { c.pod("always")?.restartCount == 1 && c.pod("never")?.status?.phase == "Failed" })
        let always = try #require(c.pod("always")?.status?.containerStatuses?.first)
        #expect(always.lastState?["terminated"]?["exitCode"] == .int(3),
                "\(c.runtime.logs(of: ObjectKey(namespace: "default", name: "always")))")
        // Restarted at once (first restart has no back-off) and serving again.
        #expect(await c.eventually { (try? PodTestHTTP.get(ips["always"]!, 8080, "/hostname"))?.body == "always" })
        #expect(await c.eventually { c.pod("always")?.isReady == true })
        let never = try #require(c.pod("never"))
        #expect(never.containerState?["terminated"]?["exitCode"] == .int(3))
        #expect(!never.isReady)
        #expect((try? PodTestHTTP.get(ips["never"]!, 8080, "/hostname")) == nil)
        // Graceful exit: the response comes first, then the container exits 0… and restarts.
        _ = try PodTestHTTP.get(ips["always"]!, 8080, "/exit?code=0&timeout=1s")
        #expect(await c.eventually { c.pod("always")?.restartCount == 2 })
        await c.close()
    }

    @Test("loadgen sends about rate × time requests from its own pod IP, resolving names through the resolver")
    func loadGenerator() async throws {
        // A test-owned HTTP server records the peer address of every request.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = PodPeerRecorder()
        let block = 200
        let serverIP = "127.\(block + 2).10.200"
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                    try ch.pipeline.syncOperations.addHandler(PodPeerRecordingHandler(recorder: recorder))
                }
            }
            .bind(host: serverIP, port: 8080).get()
        let c = try PodTestCluster(block: block, resolver: { name, ns in
            name == "target" && ns == "default" ? [serverIP] : []
        })
        let loadgen = PodFixture.container(image: "switchboard.dev/loadgen:latest",
                                           args: ["--url=http://target:8080/clientip", "--rate=20", "--concurrency=2",
                                                  "--host=kubia.example.com"], port: nil)
        let lost = PodFixture.container(image: "switchboard.dev/loadgen", args: ["--url=http://nowhere/", "--rate=5"], port: nil)
        c.apply(PodFixture.pod("client", [loadgen]), PodFixture.pod("lost", [lost]))
        let key = ObjectKey(namespace: "default", name: "client")
        #expect(await c.eventually { (c.stats(key)?.loadGenerator?.sent ?? 0) > 0 })
        let first = Date()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        c.drive()
        let stats = try #require(c.stats(key)?.loadGenerator)
        let elapsed = Date().timeIntervalSince(first)
        let podIP = try #require(c.pod("client")?.status?.podIP)
        // 20/s for the time that really passed (a loaded run sleeps longer): about rate × time,
        // never a flood.
        #expect(Double(stats.sent) >= 20 * elapsed * 0.4 && Double(stats.sent) <= 20 * (elapsed + 0.5) + 5,
                "sent \(stats.sent) in \(elapsed) s")
        #expect(stats.ok >= stats.sent - 3 && stats.errors == 0, "\(stats)")
        #expect(stats.latencyP99Milliseconds > 0 && stats.latencyP50Milliseconds <= stats.latencyP99Milliseconds)
        let peers = recorder.peers
        #expect(peers.count >= stats.ok - 3, "every answered request reached the recording server")
        #expect(peers.allSatisfy { $0 == podIP }, "peers: \(Set(peers))")
        // --host sets the Host header (to reach an Ingress rule by name at the controller's address).
        #expect(Set(recorder.hosts) == ["kubia.example.com"], "hosts: \(Set(recorder.hosts))")
        let lostStats = try #require(c.stats(ObjectKey(namespace: "default", name: "lost"))?.loadGenerator)
        #expect(lostStats.errors > 0 && lostStats.ok == 0)
        #expect(lostStats.lastError?.contains("no such host") == true)
        await c.close()
        try await server.close()
        try await group.shutdownGracefully()
    }
}

final class PodPeerRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    private var hostHeaders: [String] = []
    func add(_ ip: String) { lock.lock(); seen.append(ip); lock.unlock() }
    func add(host: String) { lock.lock(); hostHeaders.append(host); lock.unlock() }
    var peers: [String] { lock.lock(); defer { lock.unlock() }; return seen }
    var hosts: [String] { lock.lock(); defer { lock.unlock() }; return hostHeaders }
}

final class PodPeerRecordingHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let recorder: PodPeerRecorder
    init(recorder: PodPeerRecorder) { self.recorder = recorder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let head) = part { recorder.add(host: head.headers["Host"].first ?? "") }
        guard case .end = part else { return }
        recorder.add(context.remoteAddress?.ipAddress ?? "?")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "2")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: "ok")))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

@Suite("Pod liveness", .serialized)
struct PodLivenessTests {
    @Test("a failing liveness probe restarts the container; a pod without probes never flaps Ready")
    func liveness() async throws {
        let c = try PodTestCluster(block: 212)
        var sick = PodFixture.netexec()
        sick.livenessProbe = try PodLifecycleTests.probe(#"{"httpGet": {"path": "/healthz", "port": 9999}, "periodSeconds": 1, "failureThreshold": 2}"#)
        // Watch every write of "fine": Ready must never go False after it was True.
        let flapped = PodFlapDetector()
        let sub = c.store.subscribe { e in
            if case .pod(let p) = e.object, p.name == "fine" { flapped.observe(p.isReady) }
        }
        defer { c.store.unsubscribe(sub) }
        let fine = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "exec sleep 30"], port: nil)
        c.apply(PodFixture.pod("sick", [sick]), PodFixture.pod("fine", [fine]))
        #expect(await c.eventually { (c.pod("sick")?.restartCount ?? 0) >= 1 })
        #expect(c.runtime.logs(of: ObjectKey(namespace: "default", name: "sick")).contains("Liveness probe failed"))
        #expect(c.pod("fine")?.isReady == true && c.pod("fine")?.restartCount == 0)
        #expect(!flapped.flapped)
        await c.close()
    }
}

final class PodFlapDetector: @unchecked Sendable {
    private let lock = NSLock()
    private var wasReady = false
    private var sawFlap = false
    func observe(_ ready: Bool) {
        lock.lock()
        if wasReady && !ready { sawFlap = true }
        wasReady = wasReady || ready
        lock.unlock()
    }
    var flapped: Bool { lock.lock(); defer { lock.unlock() }; return sawFlap }
}
