import ControlPlane
import NIOCore

/// One query from bytes to response bytes, the same for UDP and TCP: parse (FORMERR or drop on
/// bad input), decide with `ZoneResponder` against the record set as it is now, forward or chase
/// upstream when asked, serialise within the transport's size limit, count.
final class DNSQueryPipeline: Sendable {
    /// No real query comes near this; bigger datagrams are garbage and are dropped unread.
    static let maxQuerySize = 4096

    let responder: ZoneResponder
    let records: @Sendable () -> DNSRecordSet
    let forwarder: DNSForwarder?
    let stats = DNSStatsRecorder()

    init(responder: ZoneResponder, records: @escaping @Sendable () -> DNSRecordSet, forwarder: DNSForwarder?) {
        self.responder = responder
        self.records = records
        self.forwarder = forwarder
    }

    /// The response to send, or nil to send nothing.
    func handle(_ bytes: [UInt8], transport: DNSStatsRecorder.Transport, on loop: any EventLoop) -> EventLoopFuture<[UInt8]?> {
        let start = NIODeadline.now()
        guard bytes.count >= 12, bytes.count <= Self.maxQuerySize || transport == .tcp else {
            stats.update { $0.dropped += 1 }
            return loop.makeSucceededFuture(nil)
        }
        let query: DNSMessage
        do {
            query = try DNSMessageParser.parse(bytes)
        } catch {
            guard let header = DNSMessageParser.parseHeaderOnly(bytes), !header.isResponse else {
                stats.update { $0.dropped += 1 }
                return loop.makeSucceededFuture(nil)
            }
            let reply = responder.reply(to: DNSMessage(header: header), rcode: .formErr)
            return loop.makeSucceededFuture(finish(reply, query: nil, transport: transport, limit: 512, start: start))
        }
        let limit = transport == .udp ? responder.udpLimit(for: query) : DNSMessageParser.maxMessageSize
        switch responder.respond(to: query, records: records()) {
        case .drop:
            stats.update { $0.dropped += 1 }
            return loop.makeSucceededFuture(nil)
        case .answer(let message):
            return loop.makeSucceededFuture(finish(message, query: query, transport: transport, limit: limit, start: start))
        case .forward(let question):
            guard let forwarder else {
                let refused = responder.reply(to: query, rcode: .refused)
                return loop.makeSucceededFuture(finish(refused, query: query, transport: transport, limit: limit, start: start))
            }
            stats.update { $0.forwarded += 1 }
            return forwarder.query(question, recursionDesired: query.header.recursionDesired, on: loop).map { upstream in
                let message: DNSMessage
                if let upstream {
                    message = self.responder.relay(upstream, to: query)
                } else {
                    self.stats.update { $0.forwardFailures += 1 }
                    message = self.responder.reply(to: query, rcode: .servFail)
                }
                return self.finish(message, query: query, transport: transport, limit: limit, start: start)
            }
        case let .chase(partial, target, type):
            guard let forwarder else {
                return loop.makeSucceededFuture(finish(partial, query: query, transport: transport, limit: limit, start: start))
            }
            stats.update { $0.forwarded += 1 }
            return forwarder.query(DNSQuestion(name: target, type: type), recursionDesired: true, on: loop).map { upstream in
                var message = partial
                if let upstream {
                    message = self.responder.complete(partial, with: upstream)
                } else {
                    self.stats.update { $0.forwardFailures += 1 }
                }
                return self.finish(message, query: query, transport: transport, limit: limit, start: start)
            }
        }
    }

    private func finish(_ message: DNSMessage, query: DNSMessage?, transport: DNSStatsRecorder.Transport, limit: Int,
                        start: NIODeadline) -> [UInt8] {
        let bytes = DNSMessageWriter.serialize(message, limit: limit)
        let truncated = bytes.count > 2 && bytes[2] & 0x02 != 0
        let micros = Int((NIODeadline.now() - start).nanoseconds / 1000)
        stats.answered(type: query?.questions.first?.type.description ?? "NONE", rcode: message.rcode.description,
                       transport: transport, truncated: truncated, microseconds: micros)
        return bytes
    }
}
