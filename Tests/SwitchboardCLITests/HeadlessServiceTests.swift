import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard up --headless` as a service, through the real binary and real clients: HTTPS
/// with a token on loopback (`--api-tls`), a kubeconfig kubectl uses, `/readyz`, `/metrics`
/// that promtool accepts and that moves with traffic, JSON logs on stderr, and SIGTERM ending
/// it with exit 0. Address block 93 (127.93–95.*).
@Suite("switchboard up --headless as a service", .serialized)
struct HeadlessServiceTests {
    static let api = "127.95.10.254:6443"
    static let flags = ["--service-cidr", "127.93.0.0/16", "--pod-cidr", "127.94.0.0/16",
                        "--node-cidr", "127.95.10.0/24", "--load-balancer-pool", "127.95.200.0/24",
                        "--cluster-dns", "127.93.0.10", "--no-dns-forward", "--api-server", api]
    static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test func servesTLSWithATokenAndDrainsOnSIGTERM() async throws {
        for tool in ["/usr/bin/curl", "/usr/bin/kubectl", "/usr/bin/openssl"] where !FileManager.default.isExecutableFile(atPath: tool) {
            if Self.underCI { Issue.record("\(tool) is missing; CI must install it") } else { print("note: \(tool) missing; skipped") }
            return
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-headless-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let kubeconfig = home.appendingPathComponent("kubeconfig").path
        let ca = home.appendingPathComponent("state/switchboard/pki/ca.crt").path
        let up = try ServiceProcess(["up", "--headless", "--api-tls", "--log-format", "json", "--write-kubeconfig", kubeconfig]
                                    + Self.flags + ["demo-data/"],
                                    environment: ["XDG_STATE_HOME": home.appendingPathComponent("state").path, "HOME": home.path],
                                    scratch: home)
        defer { up.kill() }

        // Ready: /readyz answers without a token once the engine has settled.
        let deadline = Date().addingTimeInterval(30)
        var ready = HTTPSProbe.Response(code: 0, body: "")
        while Date() < deadline && up.isRunning {
            if FileManager.default.fileExists(atPath: ca) { ready = try HTTPSProbe.get("https://\(Self.api)/readyz", ca: ca) }
            if ready.code == 200 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(ready.code == 200 && ready.body == "ok", "readyz: \(ready); stderr: \(up.stderr)")
        try #require(ready.code == 200)

        let mode = try FileManager.default.attributesOfItem(atPath: kubeconfig)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(up.stdout.contains("kubectl --kubeconfig \(kubeconfig) get svc"), "\(up.stdout)")
        let token = try String(contentsOfFile: kubeconfig + ".token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(try HTTPSProbe.get("https://\(Self.api)/api/v1/pods", ca: ca).code == 401)

        // The real kubectl through the written kubeconfig.
        let pods = try kubectl(["get", "pods"], kubeconfig: kubeconfig, home: home)
        #expect(pods.status == 0 && pods.out.contains("kubia-"), "\(pods)")
        let ip = try kubectl(["get", "svc", "kubia", "-o", "jsonpath={.spec.clusterIP}"], kubeconfig: kubeconfig, home: home).out
        #expect(ip.hasPrefix("127.93."), "\(ip)")

        // /metrics: promtool accepts it, and the kubia connection counter moves with curl traffic.
        let series = #"switchboard_proxy_connections_total{namespace="default",service="kubia",port="http"}"#
        let before = try HTTPSProbe.get("https://\(Self.api)/metrics", ca: ca, token: token)
        #expect(before.code == 200)
        let first = Self.value(series, in: before.body)
        #expect(first != nil, "no \(series) in /metrics")
        var served = 0
        let trafficDeadline = Date().addingTimeInterval(15)
        while served < 3 && Date() < trafficDeadline {
            if try HTTPSProbe.get("http://\(ip)/hostname", ca: nil).body.hasPrefix("kubia-") { served += 1 }
            else { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(served == 3)
        // And through the ingress controller (its LoadBalancer address; HTTPS, since the demo's
        // Ingress has TLS and plain HTTP is redirected, as ingress-nginx does).
        let ingressIP = try kubectl(["get", "svc", "-n", "switchboard-system", "-o",
                                     "jsonpath={.items[0].status.loadBalancer.ingress[0].ip}"], kubeconfig: kubeconfig, home: home).out
        #expect(ingressIP.hasPrefix("127.95.200."), "\(ingressIP)")
        let ingress2xx = Self.sum("switchboard_ingress_requests_total{", containing: #"status_class="2xx""#, in: before.body)
        var routed = 0
        for _ in 0..<10 where routed < 2 {
            if try HTTPSProbe.get("https://kubia.example.com/hostname", ca: nil,
                                  extra: ["-k", "--resolve", "kubia.example.com:443:\(ingressIP)"]).code == 200 { routed += 1 }
            else { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(routed == 2)
        let after = try HTTPSProbe.get("https://\(Self.api)/metrics", ca: ca, token: token).body
        let second = Self.value(series, in: after)
        #expect((second ?? 0) >= (first ?? 0) + 3, "\(series): \(String(describing: first)) → \(String(describing: second))")
        #expect(after.contains("switchboard_control_loop_reconciles_total "))
        #expect(Self.sum("switchboard_ingress_requests_total{", containing: #"status_class="2xx""#, in: after) >= ingress2xx + 2,
                "ingress 2xx requests counted")
        try Self.promtool(after)

        // SIGTERM: drains and exits 0 within a bound (hang versus exit only), API closed.
        let status = up.terminate(within: 20)
        #expect(status == 0, "exit status after SIGTERM; stderr: \(up.stderr)")
        #expect(try HTTPSProbe.get("https://\(Self.api)/livez", ca: ca).code == 0, "the API listener is closed")
        // JSON logs on stderr, one object per line.
        let lines = up.stderr.split(separator: "\n")
        let messages = lines.compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] as? String != nil && object?["time"] as? String != nil, "not a JSON log line: \(line)")
            return object?["message"] as? String
        }
        #expect(messages.contains("ready") && messages.contains("stopped") && messages.contains("kubeconfig written"), "\(messages)")
    }

    /// kube-apiserver's flags: a certificate from the user's own CA and a token file. The
    /// kubeconfig trusts the given certificate; logs are swift-log's text lines.
    @Test func givenCertificateAndTokenFile() async throws {
        for tool in ["/usr/bin/curl", "/usr/bin/kubectl", "/usr/bin/openssl"] where !FileManager.default.isExecutableFile(atPath: tool) {
            if Self.underCI { Issue.record("\(tool) is missing; CI must install it") }
            return
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-headless-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        func path(_ name: String) -> String { home.appendingPathComponent(name).path }
        try "subjectAltName=IP:127.95.10.254\nextendedKeyUsage=serverAuth\n".write(toFile: path("ext"), atomically: true, encoding: .utf8)
        for args in [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("ca.key"),
             "-out", path("ca.crt"), "-days", "2", "-subj", "/CN=users-ca", "-addext", "basicConstraints=critical,CA:TRUE"],
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("server.key"),
             "-out", path("server.csr"), "-subj", "/CN=server"],
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
             "-out", path("server.crt"), "-days", "1", "-extfile", path("ext")],
        ] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            try #require(p.terminationStatus == 0, "openssl \(args[0])")
        }
        try "users-own-token\n".write(toFile: path("token"), atomically: true, encoding: .utf8)
        let kubeconfig = path("kubeconfig")
        let up = try ServiceProcess(["up", "--headless", "--tls-cert-file", path("server.crt"), "--tls-private-key-file", path("server.key"),
                                     "--token-file", path("token"), "--write-kubeconfig", kubeconfig] + Self.flags + ["demo-data/"],
                                    environment: ["XDG_STATE_HOME": path("state"), "HOME": home.path], scratch: home)
        defer { up.kill() }
        let deadline = Date().addingTimeInterval(30)
        var ready = HTTPSProbe.Response(code: 0, body: "")
        while Date() < deadline && up.isRunning && ready.code != 200 {
            ready = try HTTPSProbe.get("https://\(Self.api)/readyz", ca: path("ca.crt"))
            if ready.code != 200 { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(ready.code == 200, "readyz: \(ready); stderr: \(up.stderr)")
        #expect(try HTTPSProbe.get("https://\(Self.api)/api/v1/namespaces", ca: path("ca.crt"), token: "users-own-token").code == 200)
        #expect(!FileManager.default.fileExists(atPath: kubeconfig + ".token"), "a given token is not copied")
        let svc = try kubectl(["get", "svc", "kubia"], kubeconfig: kubeconfig, home: home)
        #expect(svc.status == 0 && svc.out.contains("kubia"), "\(svc)")
        #expect(up.terminate(within: 20) == 0)
        #expect(up.stderr.contains("info switchboard:") && up.stderr.contains("ready"), "\(up.stderr)")
    }

    /// A service manager may stop it while it is still starting: still a drain and exit 0.
    @Test func sigtermWhileStartingExitsCleanly() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sb-headless-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // The manifests come from stdin ("-"), so start-up waits, deterministically, for the
        // test: SIGTERM arrives while it is still reading them.
        let input = Pipe()
        let up = try ServiceProcess(["up", "--headless"] + Self.flags + ["-"],
                                    environment: ["XDG_STATE_HOME": home.appendingPathComponent("state").path], scratch: home,
                                    stdin: input)
        defer { up.kill() }
        let deadline = Date().addingTimeInterval(10)
        while up.isRunning && !up.catchesSIGTERM && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(up.catchesSIGTERM, "the command catches SIGTERM from its start")
        up.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(100))
        #expect(up.isRunning, "SIGTERM while starting did not kill it")
        input.fileHandleForWriting.write(Data("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80}]

            """.utf8))
        try input.fileHandleForWriting.close()
        #expect(up.terminate(within: 30) == 0, "it finished starting, then drained: \(up.stderr)")
        #expect(up.stderr.contains("stopped"), "\(up.stderr)")
    }

    @Test func badServingFlagsAreRefusedBeforeStarting() throws {
        let format = try SwitchboardBinary.run(["up", "--once", "--log-format", "xml"] + Self.flags)
        #expect(format.status != 0 && format.stderr.contains("--log-format must be text or json"), "\(format.stderr)")
        let pair = try SwitchboardBinary.run(["up", "--once", "--api-tls", "--tls-cert-file", "/tmp/x.pem"] + Self.flags)
        #expect(pair.status != 0 && pair.stderr.contains("--tls-cert-file and --tls-private-key-file go together"), "\(pair.stderr)")
        let token = try SwitchboardBinary.run(["up", "--once", "--api-tls", "--token-file", "/nonexistent/token"] + Self.flags)
        #expect(token.status != 0 && token.stderr.contains("cannot read --token-file /nonexistent/token"), "\(token.stderr)")
        let address = try SwitchboardBinary.run(["up", "--once"] + Self.flags + ["--api-server", "nonsense"])
        #expect(address.status != 0 && address.stderr.contains("--api-server must be HOST:PORT"), "\(address.stderr)")
    }

    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    static func sum(_ prefix: String, containing: String, in text: String) -> Double {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) && $0.contains(containing) }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    static func promtool(_ text: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            if underCI { Issue.record("promtool is missing; CI must install the prometheus package") }
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool: \(out)")
    }

    func kubectl(_ args: [String], kubeconfig: String, home: URL) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        p.arguments = ["--cache-dir", home.appendingPathComponent("kcache").path, "--request-timeout", "20s"] + args
        p.environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "KUBECONFIG": kubeconfig]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// curl, trusting one CA; code 0 when no HTTP answer came.
enum HTTPSProbe {
    struct Response: CustomStringConvertible {
        var code: Int
        var body: String
        var description: String { "\(code) \(body.prefix(300))" }
    }

    static func get(_ url: String, ca: String?, token: String? = nil, extra: [String] = []) throws -> Response {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var args = ["-s", "-m", "5", "-w", "\n%{http_code}"]
        if let ca { args += ["--cacert", ca] }
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        args += extra
        p.arguments = args + [url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return Response(code: Int(lines.last ?? "") ?? 0, body: lines.dropLast().joined(separator: "\n"))
    }
}

/// The binary in the background, stdout and stderr into files; stopped by its PID.
final class ServiceProcess: @unchecked Sendable {
    private let process = Process()
    private let outURL: URL, errURL: URL

    init(_ arguments: [String], environment: [String: String], scratch: URL, stdin: Pipe? = nil) throws {
        guard let url = SwitchboardBinary.url else { throw CocoaError(.fileNoSuchFile) }
        outURL = scratch.appendingPathComponent("stdout")
        errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
    }

    func signal(_ sig: Int32) { Foundation.kill(process.processIdentifier, sig) }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM no longer has its default action (the command handles it itself): bit 15 of
    /// `SigCgt` or `SigIgn` in /proc/PID/status.
    var catchesSIGTERM: Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return false }
        return status.split(separator: "\n").contains { line in
            guard line.hasPrefix("SigCgt:") || line.hasPrefix("SigIgn:"),
                  let mask = UInt64(line.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
            return mask & (1 << (UInt64(SIGTERM) - 1)) != 0
        }
    }
    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status; SIGKILL (and -1) when it has not exited within `seconds`.
    func terminate(within seconds: Double) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationReason == .exit ? process.terminationStatus : -1
    }

    func kill() { _ = terminate(within: 5) }
}
