import ClusterModel

/// What a container runs, decided from its image and (already `$(VAR)`-expanded) command/args.
enum PodProgram: Sendable, Equatable {
    /// agnhost `netexec`: HTTP on `httpPort`, UDP on `udpPort` (nil = disabled with -1).
    case netexec(httpPort: Int, udpPort: Int?)
    /// agnhost `pause` and the pause image: runs, serves nothing.
    case pause
    case tcpEcho(port: Int)
    case loadgen(LoadGenOptions)
    /// A child process (`command` given, or an image we do not know but that names one).
    case process(argv: [String])
    /// Cannot run: reported as Waiting with this reason and message.
    case unavailable(reason: String, message: String)

    var workloadName: String {
        switch self {
        case .netexec: "agnhost netexec"
        case .pause: "pause"
        case .tcpEcho: "tcp-echo"
        case .loadgen: "loadgen"
        case .process: "process"
        case .unavailable: "none"
        }
    }
}

/// The images Switchboard runs in-process, matched by repository whatever the tag or digest.
enum PodImageCatalog {
    static let agnhost: Set<String> = [
        "registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost",
        "gcr.io/kubernetes-e2e-test-images/agnhost",
    ]
    static let pause: Set<String> = ["registry.k8s.io/pause", "k8s.gcr.io/pause"]
    static let tcpEcho = "switchboard.dev/tcp-echo"
    static let loadgen = "switchboard.dev/loadgen"

    static let builtInList =
        "registry.k8s.io/e2e-test-images/agnhost (netexec), registry.k8s.io/pause, \(tcpEcho), \(loadgen)"

    /// The image name without tag or digest: `registry.k8s.io/e2e-test-images/agnhost:2.53` →
    /// `registry.k8s.io/e2e-test-images/agnhost`. A colon before the last slash is a registry port.
    static func repository(_ image: String) -> String {
        var s = image
        if let at = s.firstIndex(of: "@") { s = String(s[..<at]) }
        if let colon = s.lastIndex(of: ":"), !s[colon...].contains("/") { s = String(s[..<colon]) }
        return s
    }

    /// Decides the program. `command`/`args` follow Kubernetes: `command` replaces the image's
    /// entrypoint, `args` its default arguments.
    static func program(for container: Container, command: [String]?, args: [String]?,
                        env: [String: String], config: PodRuntimeConfig) -> PodProgram {
        let repo = repository(container.image ?? "")
        let command = command.flatMap { $0.isEmpty ? nil : $0 }
        if agnhost.contains(repo) {
            var argv = args ?? []
            if let command {
                // `command: ["/agnhost", "netexec", ...]` is agnhost itself; anything else is a process.
                guard command[0].hasSuffix("agnhost") else { return .process(argv: command + argv) }
                argv = Array(command.dropFirst()) + argv
            }
            return agnhostProgram(argv)
        }
        if pause.contains(repo) { return command.map { .process(argv: $0 + (args ?? [])) } ?? .pause }
        if repo == tcpEcho, command == nil {
            let port = flag("port", in: args ?? []).flatMap { Int($0) } ?? container.ports?.first?.containerPort ?? 7
            return .tcpEcho(port: port)
        }
        if repo == loadgen, command == nil {
            return LoadGenOptions.parse(args: args ?? [], env: env, config: config)
        }
        if let command { return .process(argv: command + (args ?? [])) }
        return .unavailable(
            reason: "ImageNotBuiltIn",
            message: "image \"\(container.image ?? "")\" is not built into Switchboard and the container has no "
                + "command; built-in images: \(builtInList); or give the container a `command` to run as a local process")
    }

    static func agnhostProgram(_ argv: [String]) -> PodProgram {
        switch argv.first {
        case "netexec":
            let rest = Array(argv.dropFirst())
            let http = flag("http-port", in: rest).flatMap { Int($0) } ?? 8080
            let udp = flag("udp-port", in: rest).flatMap { Int($0) } ?? 8081
            return .netexec(httpPort: http, udpPort: udp < 0 ? nil : udp)
        case "pause":
            return .pause
        default:
            return .unavailable(reason: "AgnhostCommandNotBuiltIn",
                                message: "agnhost \(argv.first.map { "\"\($0)\"" } ?? "without a subcommand") is not built in; "
                                    + "supported: netexec, pause")
        }
    }

    /// `--name=value` or `--name value` (also a single dash), as Go's flag package accepts.
    static func flag(_ name: String, in args: [String]) -> String? {
        var i = 0
        while i < args.count {
            let a = args[i]
            for prefix in ["--\(name)", "-\(name)"] {
                if a.hasPrefix(prefix + "=") { return String(a.dropFirst(prefix.count + 1)) }
                if a == prefix, i + 1 < args.count { return args[i + 1] }
            }
            i += 1
        }
        return nil
    }
}
