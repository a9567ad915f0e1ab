import ControlPlane
import NIOCore
import NIOHTTP1
import NIOPosix
import Telemetry

/// Owns the listening sockets: binds what the table wants, closes what it no longer wants, and
/// leaves every other listener alone (a change elsewhere never restarts a listener, and closing a
/// listener never touches connections it already accepted). A bind failure is recorded for that
/// listener and retried on the next reconcile; it never stops the others.
actor ListenerManager {
    private struct Live {
        var spec: ListenerSpec
        var channel: (any Channel)?
        var boundPort: Int?
        var state: ListenerStatus.State
        var reason: String?
    }

    private let group: any EventLoopGroup
    private let core: ProxyCore
    private let privilegedLimit: Int
    private var live: [FrontendKey: Live] = [:]
    private var conflicts: [ListenerSpec] = []
    /// How many times a socket was bound, for tests that check nothing is restarted needlessly.
    private(set) var bindCount = 0

    init(group: any EventLoopGroup, core: ProxyCore) {
        self.group = group
        self.core = core
        privilegedLimit = core.config.unprivilegedPortStart ?? PrivilegedPorts.detectLimit()
    }

    func apply(_ specs: [ListenerSpec]) async {
        var desired: [FrontendKey: ListenerSpec] = [:]
        conflicts = []
        for s in specs {
            if s.conflict != nil { conflicts.append(s) } else { desired[s.key] = s }
        }
        for (key, l) in live {
            let want = desired[key]
            if want == nil || want?.wantsBound == false || want?.kind != l.spec.kind {
                if let ch = l.channel { try? await ch.close().get() }
                live[key] = nil
            }
        }
        var pending: [(ListenerSpec, Int, EventLoopFuture<any Channel>)] = []
        for (key, spec) in desired.sorted(by: { $0.key < $1.key }) {
            if !spec.wantsBound {
                live[key] = Live(spec: spec, channel: nil, boundPort: nil, state: .rejecting,
                                 reason: "no usable endpoints: connections are refused (kube-proxy REJECT)")
                continue
            }
            if var l = live[key], l.channel != nil {
                l.spec = spec
                live[key] = l
                continue
            }
            var port = spec.key.port
            if port < privilegedLimit {
                if let offset = core.config.privilegedPortRemap {
                    port += offset
                } else {
                    live[key] = Live(spec: spec, channel: nil, boundPort: nil, state: .failed,
                                     reason: PrivilegedPorts.refusal(port: port, limit: privilegedLimit))
                    continue
                }
            }
            guard (1...65535).contains(port), let address = try? SocketAddress(ipAddress: "\(IPv4(spec.key.ip))", port: port) else {
                live[key] = Live(spec: spec, channel: nil, boundPort: nil, state: .failed,
                                 reason: "port \(spec.key.port) remapped to \(port), outside 1-65535; choose a smaller privilegedPortRemap")
                continue
            }
            bindCount += 1
            pending.append((spec, port, bootstrap(for: spec).bind(to: address)))
        }
        for (spec, port, future) in pending {
            do {
                let ch = try await future.get()
                live[spec.key] = Live(spec: spec, channel: ch, boundPort: port, state: .bound, reason: nil)
            } catch {
                live[spec.key] = Live(spec: spec, channel: nil, boundPort: nil, state: .failed,
                                      reason: Self.explain(error, address: "\(IPv4(spec.key.ip)):\(port)",
                                                           port: port, limit: privilegedLimit))
            }
        }
    }

    func closeAll() async {
        for (_, l) in live {
            if let ch = l.channel { try? await ch.close().get() }
        }
        live = [:]
    }

    func statuses() -> [ListenerStatus] {
        let all = live.values.map { ($0.spec, $0.boundPort, $0.state, $0.reason) }
            + conflicts.map { ($0, nil as Int?, ListenerStatus.State.failed, $0.conflict) }
        return all.map { spec, bound, state, reason in
            ListenerStatus(kind: spec.kind, service: spec.service, portName: spec.portName,
                           address: "\(IPv4(spec.key.ip))", port: spec.key.port, boundPort: bound,
                           nodeName: spec.nodeName, state: state, reason: reason)
        }.sorted { ($0.address, $0.port, $0.kind.rawValue) < ($1.address, $1.port, $1.kind.rawValue) }
    }

    private func bootstrap(for spec: ListenerSpec) -> ServerBootstrap {
        let key = spec.key
        let core = self.core
        let base = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        if spec.kind == .healthCheck {
            return base.childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                    try ch.pipeline.syncOperations.addHandler(HealthCheckHandler(key: key, core: core))
                }
            }
        }
        return base
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { ch in ProxyConnection.accept(ch, key: key, core: core) }
    }

    private static func explain(_ error: any Error, address: String, port: Int, limit: Int) -> String {
        if let e = error as? IOError {
            switch e.errnoCode {
            case EADDRINUSE:
                return "\(address) is already in use by another socket; fix: stop whatever listens there or change the service port"
            case EACCES:
                return PrivilegedPorts.refusal(port: port, limit: max(limit, port + 1))
            case EADDRNOTAVAIL:
                return "\(address) is not an address of this machine; fix: use a loopback (127.0.0.0/8) address"
            default:
                break
            }
        }
        return "bind \(address) failed: \(error)"
    }
}
