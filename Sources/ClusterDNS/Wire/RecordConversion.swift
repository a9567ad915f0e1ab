import ControlPlane

extension DNSWireRecord {
    /// The wire form of a record-set record; nil for data the wire cannot carry (an address that
    /// does not parse, a name over 255 bytes), which is left out rather than sent malformed.
    public init?(_ record: DNSRecord, owner: DNSWireName? = nil) {
        let name = owner ?? DNSWireName(record.name)
        guard name.isValid else { return nil }
        let data: DNSWireData
        switch record.data {
        case .a(let text):
            guard case .v4(let b)? = IPAddress(text) else { return nil }
            data = .a(b)
        case .aaaa(let text):
            guard case .v6(let b)? = IPAddress(text) else { return nil }
            data = .aaaa(b)
        case .cname(let target):
            let n = DNSWireName(target)
            guard n.isValid else { return nil }
            data = .cname(n)
        case .ptr(let target):
            let n = DNSWireName(target)
            guard n.isValid else { return nil }
            data = .ptr(n)
        case let .srv(priority, weight, port, target):
            let n = DNSWireName(target)
            guard n.isValid else { return nil }
            data = .srv(priority: priority, weight: weight, port: port, target: n)
        case .txt(let strings):
            data = .txt(strings.map { Array($0.utf8.prefix(255)) })
        }
        self.init(name: name, type: record.type, ttl: record.ttl, data: data)
    }
}
