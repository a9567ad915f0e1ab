#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which ports this process may bind, and what to tell the user when it may not: a service asking
/// for port 80 must neither crash the engine nor quietly land somewhere else.
enum PrivilegedPorts {
    /// The lowest port an unprivileged bind may use: 0 with CAP_NET_BIND_SERVICE (root), otherwise
    /// `net.ipv4.ip_unprivileged_port_start` (1024 when unreadable, the traditional limit).
    static func detectLimit() -> Int {
        if hasNetBindService() { return 0 }
        if let text = readFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"),
           let v = Int(text.trimmedWhitespace()) {
            return v
        }
        return 1024
    }

    static func hasNetBindService() -> Bool {
        if let status = readFile("/proc/self/status") {
            for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
                let hex = line.dropFirst("CapEff:".count).trimmedWhitespace()
                if let caps = UInt64(hex, radix: 16) { return caps & (1 << 10) != 0 }
            }
        }
        return geteuid() == 0
    }

    static func refusal(port: Int, limit: Int) -> String {
        "port \(port) is privileged (below net.ipv4.ip_unprivileged_port_start = \(limit)) and this process "
            + "lacks CAP_NET_BIND_SERVICE; fix: run as root or grant the capability "
            + "(sudo setcap cap_net_bind_service=+ep <switchboard binary>), lower the limit "
            + "(sudo sysctl net.ipv4.ip_unprivileged_port_start=\(port)), or opt in to "
            + "ProxyConfig.privilegedPortRemap to bind port + offset instead"
    }

    static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    func trimmedWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
