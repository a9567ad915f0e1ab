import ClusterDNS
import ControlPlane
import NIOCore
import NIOPosix
import Synchronization

/// A tiny authoritative-for-everything UDP nameserver standing in for the host's resolver:
/// answers A/AAAA from a table, NXDOMAIN otherwise, and counts what it was asked. With
/// `silent` it reads and never answers (an upstream that is down).
final class StubUpstream: Sendable {
    let table: [String: [String: [String]]]
    let silent: Bool
    let asked = Mutex<[String]>([])
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    init(table: [String: [String: [String]]], silent: Bool = false) {
        self.table = table
        self.silent = silent
    }

    /// Binds `host` at a free port and returns `"host:port"` for the server's upstream list.
    func start(host: String) async throws -> String {
        let ch = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StubHandler(stub: self))
                }
            }
            .bind(host: host, port: 0).get()
        channel.withLock { $0 = ch }
        return "\(host):\(ch.localAddress!.port!)"
    }

    func stop() async { try? await channel.withLock { $0 }?.close() }

    func respond(to bytes: [UInt8]) -> [UInt8]? {
        guard let query = try? DNSMessageParser.parse(bytes), let q = query.questions.first else { return nil }
        asked.withLock { $0.append("\(q.name) \(q.type)") }
        if silent { return nil }
        var header = DNSHeader(id: query.header.id)
        header.isResponse = true
        header.recursionDesired = query.header.recursionDesired
        header.recursionAvailable = true
        var reply = DNSMessage(header: header, questions: query.questions)
        if let byType = table[DNSName.key(q.name.description)] {
            for ip in byType[q.type.description] ?? [] {
                let data: DNSWireData
                switch IPAddress(ip) {
                case .v4(let b)?: data = .a(b)
                case .v6(let b)?: data = .aaaa(b)
                case nil: continue
                }
                reply.answers.append(DNSWireRecord(name: q.name, type: q.type, ttl: 300, data: data))
            }
        } else {
            reply.rcode = .nxDomain
        }
        return DNSMessageWriter.serialize(reply, limit: 512)
    }
}

private final class StubHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let stub: StubUpstream
    init(stub: StubUpstream) { self.stub = stub }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let out = stub.respond(to: Array(envelope.data.readableBytesView)) else { return }
        context.writeAndFlush(NIOAny(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: out))), promise: nil)
    }
}
