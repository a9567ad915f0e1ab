import ClusterModel
import ControlPlane
@testable import DataPlane
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// A live cluster for ingress tests: the control loop (driven by the test), the ingress
/// controller on 127.<block+2>.200.1 with ephemeral ports, and tiny HTTP backends on
/// 127.<block+1>.9.x standing in for pods. Ingress tests use blocks 151…166.
final class IngressTestCluster: @unchecked Sendable {
    let loop: ControlLoop
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let controller: IngressController
    let block: Int
    private let backends = Mutex<[IngressTestBackend]>([])

    var store: ObjectStore { loop.store }
    /// Lets parameterised cases of one test share a block: each gets its own addresses.
    let slot: Int
    var address: String { "127.\(block).240.\(slot)" }
    var httpPort: Int { controller.httpPort ?? -1 }
    var httpsPort: Int { controller.httpsPort ?? -1 }
    func backendIP(_ n: Int) -> String { "127.\(block).\(150 + slot).\(n)" }

    init(block: Int, slot: Int = 1, defaultClass: Bool = true, flowRing: FlowRing? = nil,
         configure: (inout IngressConfig) -> Void = { _ in }) async throws {
        precondition((151...166).contains(block), "ingress tests use second octets 151…168")
        self.block = block
        self.slot = slot
        var cc = ClusterConfig()
        cc.addresses = .compact(secondOctet: block)
        cc.nodeCount = 1
        loop = try ControlLoop(config: cc, clock: SystemClock())
        try loop.bootstrap()
        loop.runUntilIdle()
        try loop.registry.create(.ingressClass(IngressTestClass.ours(default: defaultClass)))
        var config = IngressConfig(address: "127.\(block).240.\(slot)")
        config.httpPort = 0
        config.httpsPort = 0
        config.connectTimeout = .seconds(1)
        config.readTimeout = .seconds(2)
        config.requestHeadTimeout = .milliseconds(500)
        configure(&config)
        controller = IngressController(store: loop.store, registry: loop.registry, group: group, config: config,
                                       flowRing: flowRing)
        try await controller.start()
    }

    func stop() async {
        await controller.shutdown()
        for b in backends.withLock({ $0 }) { try? await b.channel.close() }
        try? await group.shutdownGracefully()
    }

    func sync() async {
        loop.runUntilIdle()
        await controller.waitForSync()
    }

    /// A selector-less Service whose EndpointSlice lists `ips` (ready) on port `targetPort`.
    func service(_ name: String, port: Int = 80, portName: String = "http", targetPort: Int = 8080, ips: [String]) async throws {
        try loop.registry.create(.service(Service(metadata: ObjectMeta(name: name, namespace: "default"),
                                                  spec: ServiceSpec(selector: nil, ports: [ServicePort(name: portName, port: port, targetPort: .int(targetPort))]))))
        try endpoints(name, portName: portName, targetPort: targetPort, ips: ips)
        await sync()
    }

    func endpoints(_ service: String, portName: String = "http", targetPort: Int = 8080, ips: [String]) throws {
        let meta = ObjectMeta(name: "\(service)-manual", namespace: "default",
                              labels: [EndpointSliceLabel.serviceName: service, EndpointSliceLabel.managedBy: "test"])
        let slice = APIObject.endpointSlice(EndpointSlice(metadata: meta, endpoints: ips.map {
            Endpoint(addresses: [$0], conditions: EndpointConditions(ready: true, serving: true, terminating: false))
        }, ports: [EndpointSlicePort(name: portName, port: targetPort)]))
        if store.get(.endpointSlices, slice.key) != nil { try loop.registry.update(slice) } else { try loop.registry.create(slice) }
    }

    func apply(_ ingress: Ingress) async throws {
        var i = ingress
        i.metadata.creationTimestamp = nil
        _ = try loop.registry.apply(.ingress(i))
        await sync()
    }

    @discardableResult
    func backend(_ ip: String, port: Int = 8080, name: String) async throws -> IngressTestBackend {
        let b = try await IngressTestBackend.start(group: group, ip: ip, port: port, name: name)
        backends.withLock { $0.append(b) }
        return b
    }

    /// curl against the controller: `host` is resolved to the controller's address.
    func curl(_ host: String, _ path: String = "/", https: Bool = false, _ extra: [String] = []) async throws -> CurlResult {
        let port = https ? httpsPort : httpPort
        let scheme = https ? "https" : "http"
        return try await Curl.run(["--resolve", "\(host):\(port):\(address)", "\(scheme)://\(host):\(port)\(path)"] + extra)
    }
}

struct CurlResult: Sendable {
    var status: Int
    var body: String
    var headers: String
    var exitCode: Int32
    var stderr: String
}

/// The real curl. Missing curl is a failure, never a skip.
enum Curl {
    static func run(_ args: [String]) async throws -> CurlResult {
        try await offPool {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-curl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let headerFile = dir.appendingPathComponent("h").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-sS", "--max-time", "5", "-D", headerFile, "-w", "\n%{http_code}"] + args
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            var text = String(decoding: o, as: UTF8.self)
            var status = 0
            if let nl = text.lastIndex(of: "\n") {
                status = Int(text[text.index(after: nl)...]) ?? 0
                text = String(text[..<nl])
            }
            let headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
            return CurlResult(status: status, body: text, headers: headers, exitCode: p.terminationStatus,
                              stderr: String(decoding: e, as: UTF8.self))
        }
    }

    static func tool(_ path: String, _ args: [String], stdin: String? = nil) async throws -> (out: String, err: String, code: Int32) {
        try await offPool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = args
            let out = Pipe(), err = Pipe(), inp = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = inp
            try p.run()
            if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? inp.fileHandleForWriting.close()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self), p.terminationStatus)
        }
    }
}

/// A tiny keep-alive HTTP/1.1 server standing in for a pod: answers every request with
/// `backend=<name>` and the request's method, path and forwarding headers, one per line.
/// `/slow` never answers (timeouts); a POST's body is counted and reported as `body-bytes=`.
final class IngressTestBackend: Sendable {
    let channel: any Channel
    let name: String
    private let accepts = Atomic<Int>(0)
    private let requests = Atomic<Int>(0)

    var acceptCount: Int { accepts.load(ordering: .relaxed) }
    var requestCount: Int { requests.load(ordering: .relaxed) }

    private init(channel: any Channel, name: String) {
        self.channel = channel
        self.name = name
    }

    private final class Holder: @unchecked Sendable { var backend: IngressTestBackend? }

    static func start(group: any EventLoopGroup, ip: String, port: Int, name: String) async throws -> IngressTestBackend {
        let holder = Holder()
        let ch = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                holder.backend?.accepts.add(1, ordering: .relaxed)
                return ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                    try ch.pipeline.syncOperations.addHandler(Handler(name: name, holder: holder))
                }
            }
            .bind(to: try SocketAddress(ipAddress: ip, port: port)).get()
        let b = IngressTestBackend(channel: ch, name: name)
        holder.backend = b
        return b
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let name: String
        let holder: Holder
        var head: HTTPRequestHead?
        var bodyBytes = 0
        init(name: String, holder: Holder) {
            self.name = name
            self.holder = holder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                bodyBytes = 0
                holder.backend?.requests.add(1, ordering: .relaxed)
            case .body(let b): bodyBytes += b.readableBytes
            case .end:
                guard let h = head else { return }
                if h.uri.hasPrefix("/slow") { return }
                var lines = ["backend=\(name)", "method=\(h.method)", "path=\(h.uri)", "host=\(h.headers.first(name: "host") ?? "")",
                             "body-bytes=\(bodyBytes)"]
                for k in ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "connection"] {
                    lines.append("\(k)=\(h.headers[k].joined(separator: ","))")
                }
                let body = lines.joined(separator: "\n") + "\n"
                var rh = HTTPHeaders([("Content-Length", String(body.utf8.count)), ("Content-Type", "text/plain"),
                                      ("X-Backend", name)])
                if !h.isKeepAlive { rh.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .ok, headers: rh))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                let keep = h.isKeepAlive
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    if !keep { channel.close(promise: nil) }
                }
            }
        }
    }
}

extension CurlResult {
    /// `key=value` lines of the test backend's body.
    subscript(_ key: String) -> String? {
        for line in body.split(separator: "\n") where line.hasPrefix(key + "=") { return String(line.dropFirst(key.count + 1)) }
        return nil
    }
}
