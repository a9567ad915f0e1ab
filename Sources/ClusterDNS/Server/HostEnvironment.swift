import ControlPlane
import Foundation
import NIOCore

/// What the server learns from the host: which ports it may bind, and the host's nameservers.
enum HostEnvironment {
    /// The lowest port this process may bind: 0 with CAP_NET_BIND_SERVICE (or as root),
    /// otherwise `net.ipv4.ip_unprivileged_port_start` (1024 when unreadable).
    static func unprivilegedPortStart() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
                let hex = line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces)
                if let caps = UInt64(hex, radix: 16), caps & (1 << 10) != 0 { return 0 }
            }
        } else if geteuid() == 0 {
            return 0
        }
        if let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_unprivileged_port_start", encoding: .utf8),
           let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return limit
        }
        return 1024
    }

    /// The message for a port the process may not bind: the reason and each way out.
    static func privilegedRefusal(address: String, port: Int, limit: Int) -> String {
        "cluster DNS cannot listen on \(address):\(port): port \(port) is privileged (below "
            + "net.ipv4.ip_unprivileged_port_start = \(limit)) and this process lacks CAP_NET_BIND_SERVICE; fix: run as "
            + "root or grant the capability (sudo setcap cap_net_bind_service=+ep <switchboard binary>), lower the limit "
            + "(sudo sysctl net.ipv4.ip_unprivileged_port_start=\(port)), or opt in to a remap "
            + "(ClusterDNSConfig.privilegedPortRemap, `--privileged-port-offset`) to listen on \(port) + offset"
    }

    /// Nameservers of a resolv.conf, minus our own address (forwarding to ourselves would loop).
    static func nameservers(resolvConfPath path: String, excluding own: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return ResolvConf.parse(text).nameservers.filter { $0 != own }
    }

    /// `"1.2.3.4"`, `"1.2.3.4:5353"`, `"::1"`, `"[::1]:5353"` → a socket address (port 53 by default).
    static func socketAddress(_ text: String) -> SocketAddress? {
        var host = text
        var port = 53
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]) else { return nil }
            port = p
        }
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        guard (1...65535).contains(port) else { return nil }
        return try? SocketAddress(ipAddress: host, port: port)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
