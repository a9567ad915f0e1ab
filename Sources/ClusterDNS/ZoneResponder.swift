import ControlPlane

/// What to do with one query, decided without I/O so every rule can be tested on values.
public enum DNSResolution: Sendable, Hashable {
    /// Send this response.
    case answer(DNSMessage)
    /// Not the cluster's name: ask upstream (or refuse, per configuration) with this question.
    case forward(DNSQuestion)
    /// An authoritative answer ending in a CNAME that leaves the zone (ExternalName): resolve
    /// `target` upstream for `type` and append what comes back; send `partial` alone if that fails.
    case chase(partial: DNSMessage, target: DNSWireName, type: DNSRecordType)
    /// Not a query (a response, or unreadable): answering could feed a reflection loop.
    case drop
}

/// The cluster zone's answering rules on top of `DNSRecordSet.lookup`: message-level checks
/// (opcode, question count, class, EDNS version), the apex SOA/NS, the negative-answer SOA in
/// the authority section (RFC 2308, so resolvers cache NXDOMAIN and NODATA for the zone's 5 s),
/// AA on everything in the zone, and the question echoed exactly as asked.
public struct ZoneResponder: Sendable {
    public var soa: SOAParameters
    /// Answered for `ns.<dns label>.<zone>` (the SOA's MNAME): the server's own address.
    public var nameserverAddress: String
    /// Whether names outside the zone are forwarded (sets RA in responses).
    public var recursionAvailable: Bool
    /// Largest UDP response to EDNS clients, advertised in the OPT record.
    public var maxUDPPayload: Int

    public init(soa: SOAParameters = SOAParameters(), nameserverAddress: String, recursionAvailable: Bool,
                maxUDPPayload: Int = 1232) {
        self.soa = soa
        self.nameserverAddress = nameserverAddress
        self.recursionAvailable = recursionAvailable
        self.maxUDPPayload = maxUDPPayload
    }

    /// Question types that ask for zone transfers or are not questions at all.
    static let transferTypes: Set<UInt16> = [251, 252]  // IXFR, AXFR

    public func respond(to query: DNSMessage, records: DNSRecordSet) -> DNSResolution {
        guard !query.header.isResponse else { return .drop }
        guard query.header.opcode == 0 else { return .answer(reply(to: query, rcode: .notImp)) }
        guard query.questions.count == 1, let question = query.questions.first else {
            return .answer(reply(to: query, rcode: .formErr))
        }
        if let edns = query.edns, edns.version > 0 { return .answer(reply(to: query, rcode: .badVers)) }
        guard question.qclass == DNSQuestion.classIN || question.qclass == 255 else {
            return .answer(reply(to: query, rcode: .refused))
        }
        if question.type == EDNS.optType { return .answer(reply(to: query, rcode: .formErr)) }

        let text = question.name.description
        let key = DNSName.key(text)
        let zone = records.zone
        let inZone = DNSName.isWithin(key, zone: zone)
        if inZone && Self.transferTypes.contains(question.type.rawValue) {
            return .answer(reply(to: query, rcode: .refused))
        }
        var response = reply(to: query, rcode: .noError)
        response.header.authoritative = true
        if inZone, let apex = apexAnswer(key: key, question: question, zone: zone) {
            response.answers = apex
            if apex.isEmpty { response.authority = [soaRecord(zone: zone)] }
            return .answer(response)
        }
        let answer = records.lookup(name: text, type: question.type)
        guard answer.isAuthoritative else { return .forward(question) }
        response.answers = answer.answers.compactMap { r in
            DNSWireRecord(r, owner: DNSName.key(r.name) == key ? question.name : nil)
        }
        response.additional = answer.additional.compactMap { DNSWireRecord($0) }
        if answer.rcode == .nxDomain { response.rcode = .nxDomain }
        if let target = answer.upstreamTarget {
            return .chase(partial: response, target: DNSWireName(target), type: question.type)
        }
        if response.answers.isEmpty, inZone { response.authority = [soaRecord(zone: zone)] }
        return .answer(response)
    }

    /// The empty response to `query`: ID, opcode, RD and the question copied, EDNS echoed.
    public func reply(to query: DNSMessage, rcode: DNSRcode) -> DNSMessage {
        var header = DNSHeader(id: query.header.id)
        header.isResponse = true
        header.opcode = query.header.opcode
        header.recursionDesired = query.header.recursionDesired
        header.checkingDisabled = query.header.checkingDisabled
        header.recursionAvailable = recursionAvailable
        var message = DNSMessage(header: header, questions: rcode == .formErr ? [] : query.questions)
        if let edns = query.edns {
            message.edns = EDNS(udpPayloadSize: UInt16(clamping: maxUDPPayload), dnssecOK: edns.dnssecOK)
        }
        message.rcode = rcode
        return message
    }

    /// An upstream's response re-addressed to the client: its ID and question as asked, our
    /// EDNS, upstream's records and RCODE.
    public func relay(_ upstream: DNSMessage, to query: DNSMessage) -> DNSMessage {
        var message = reply(to: query, rcode: upstream.rcode == .badVers ? .servFail : upstream.rcode)
        message.header.authoritative = upstream.header.authoritative
        message.header.authenticData = upstream.header.authenticData && query.header.authenticData
        message.answers = upstream.answers
        message.authority = upstream.authority
        message.additional = upstream.additional
        return message
    }

    /// The ExternalName answer completed with upstream's records for the target.
    public func complete(_ partial: DNSMessage, with upstream: DNSMessage) -> DNSMessage {
        var message = partial
        message.answers += upstream.answers
        if upstream.rcode == .nxDomain { message.rcode = .nxDomain }
        return message
    }

    /// The largest response a UDP client accepts: 512 without EDNS (RFC 1035), otherwise its
    /// advertised size (never below 512) capped by our own limit.
    public func udpLimit(for query: DNSMessage) -> Int {
        guard let edns = query.edns else { return 512 }
        return min(max(512, Int(edns.udpPayloadSize)), max(512, maxUDPPayload))
    }

    // MARK: Apex

    /// Answers for names the record set does not model: the apex (SOA, NS) and the SOA's
    /// nameserver. nil when the record set decides.
    func apexAnswer(key: String, question: DNSQuestion, zone: String) -> [DNSWireRecord]? {
        let type = question.type
        if key == zone {
            var out: [DNSWireRecord] = []
            if type == .soa || type == .any { out.append(soaRecord(zone: zone, owner: question.name)) }
            if type == .ns || type == .any {
                out.append(DNSWireRecord(name: question.name, type: .ns, ttl: soa.ttl, data: .ns(mname(zone))))
            }
            return out
        }
        if key == DNSName.key(mname(zone).description) {
            guard type == .a || type == .any, case .v4(let b)? = IPAddress(nameserverAddress) else { return [] }
            return [DNSWireRecord(name: question.name, type: .a, ttl: soa.ttl, data: .a(b))]
        }
        return nil
    }

    func mname(_ zone: String) -> DNSWireName { DNSWireName("\(soa.nameserverLabel).\(zone).") }

    /// The apex SOA; in the authority section its TTL is the negative-caching TTL.
    public func soaRecord(zone: String, owner: DNSWireName? = nil) -> DNSWireRecord {
        let data = SOAData(mname: mname(zone), rname: DNSWireName("\(soa.hostmasterLabel).\(zone)."),
                           serial: soa.serial, refresh: soa.refresh, retry: soa.retry, expire: soa.expire,
                           minimum: soa.minimum)
        return DNSWireRecord(name: owner ?? DNSWireName("\(zone)."), type: .soa, ttl: min(soa.ttl, soa.minimum),
                             data: .soa(data))
    }
}
