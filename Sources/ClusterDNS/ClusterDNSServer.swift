import ControlPlane
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Why the server could not start, with what to do about it.
public struct ClusterDNSError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The cluster's DNS server (kube-dns/CoreDNS's place): UDP and TCP on the kube-dns service
/// address, authoritative for the cluster zone from the control loop's record set, forwarding
/// (or refusing) everything else. It reads the record set through `records` on every query, so
/// an answer always reflects the control loop's latest published state — no cache to go stale.
public final class ClusterDNSServer: Sendable {
    public let config: ClusterDNSConfig
    /// The nameservers names outside the zone go to (empty: those are refused).
    public let upstreams: [String]
    private let group: any EventLoopGroup
    private let pipeline: DNSQueryPipeline
    private let connections = ConnectionGate()
    private let channels = Mutex<(udp: (any Channel)?, tcp: (any Channel)?, port: Int?)>((nil, nil, nil))

    /// - Parameter records: the current record set (the engine passes `{ clusterEngine.dns }`).
    public init(config: ClusterDNSConfig, records: @escaping @Sendable () -> DNSRecordSet, group: any EventLoopGroup) {
        self.config = config
        self.group = group
        let upstreamList: [String]
        switch config.forwarding {
        case .refuse: upstreamList = []
        case .upstreams(let list): upstreamList = list
        case .resolvConf(let path): upstreamList = HostEnvironment.nameservers(resolvConfPath: path, excluding: config.address)
        }
        let addresses = upstreamList.compactMap(HostEnvironment.socketAddress)
        upstreams = upstreamList.filter { HostEnvironment.socketAddress($0) != nil }
        var soa = config.soa
        if soa.serial == 0 { soa.serial = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)) }
        let responder = ZoneResponder(soa: soa, nameserverAddress: config.address, recursionAvailable: !addresses.isEmpty,
                                      maxUDPPayload: config.maxUDPPayload)
        let forwarder = addresses.isEmpty ? nil
            : DNSForwarder(upstreams: addresses, timeout: TimeAmount(config.forwardTimeout), maxPending: config.maxPendingForwards)
        pipeline = DNSQueryPipeline(responder: responder, records: records, forwarder: forwarder)
    }

    /// The port actually listened on (after a port-0 pick or a privileged-port remap); nil before `start`.
    public var port: Int? { channels.withLock { $0.port } }

    /// Binds UDP and TCP on the same port. Throws (with the reason and the fix) for a privileged
    /// port the process may not bind unless `privilegedPortRemap` is set, and for a taken address.
    public func start() async throws {
        var port = config.port
        let limit = config.unprivilegedPortStart ?? HostEnvironment.unprivilegedPortStart()
        if port > 0 && port < limit {
            guard let offset = config.privilegedPortRemap else {
                throw ClusterDNSError(HostEnvironment.privilegedRefusal(address: config.address, port: port, limit: limit))
            }
            port += offset
            guard (1...65535).contains(port) else {
                throw ClusterDNSError("cluster DNS port \(config.port) remapped to \(port), outside 1-65535; choose a smaller offset")
            }
        }
        var lastError: (any Error)?
        for _ in 0..<(port == 0 ? 8 : 1) {
            let udp: any Channel
            do {
                udp = try await bindUDP(port: port)
            } catch {
                throw ClusterDNSError("cluster DNS cannot listen on UDP \(config.address):\(port): \(error)")
            }
            let bound = udp.localAddress?.port ?? port
            do {
                let tcp = try await bindTCP(port: bound)
                channels.withLock { $0 = (udp, tcp, bound) }
                return
            } catch {
                lastError = error
                try? await udp.close()
            }
        }
        throw ClusterDNSError("cluster DNS cannot listen on TCP \(config.address):\(port): \(lastError.map { "\($0)" } ?? "unknown")")
    }

    private func bindUDP(port: Int) async throws -> any Channel {
        let pipeline = self.pipeline
        return try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // One byte over the largest accepted query, so oversized datagrams are recognised and dropped.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: DNSQueryPipeline.maxQuerySize + 1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPQueryHandler(pipeline: pipeline))
                }
            }
            .bind(host: config.address, port: port).get()
    }

    private func bindTCP(port: Int) async throws -> any Channel {
        let pipeline = self.pipeline
        let gate = connections
        let idle = TimeAmount(config.tcpIdleTimeout)
        let maxConnections = config.maxTCPConnections
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                guard gate.admit(channel, limit: maxConnections) else {
                    channel.close(promise: nil)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                channel.closeFuture.whenComplete { _ in gate.release(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(DNSFrameDecoder()))
                    try sync.addHandler(TCPQueryHandler(pipeline: pipeline))
                }
            }
            .bind(host: config.address, port: port).get()
    }

    /// Stops listening and closes open TCP connections. Forwarded queries in flight end by their timeout.
    public func shutdown() async {
        let (udp, tcp, _) = channels.withLock { c in
            defer { c = (nil, nil, c.port) }
            return c
        }
        try? await udp?.close()
        try? await tcp?.close()
        for child in connections.drain() { try? await child.close() }
    }

    /// Counters and latency so far, for the dashboard.
    public func stats() -> DNSServerStats { pipeline.stats.snapshot }
}

/// Open TCP connections: counted against the limit, closed on shutdown.
private final class ConnectionGate: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func admit(_ channel: any Channel, limit: Int) -> Bool {
        open.withLock { o in
            guard o.count < limit else { return false }
            o[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func release(_ channel: any Channel) { _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }

    func drain() -> [any Channel] {
        open.withLock { o in
            defer { o = [:] }
            return Array(o.values)
        }
    }
}
