import ClusterModel
@testable import DataPlane
import Testing

/// The pure pieces of the pod runtime: image matching, argument parsing, logs, Go formats.
@Suite("Pod runtime units")
struct PodUnitTests {
    @Test(arguments: [
        ("registry.k8s.io/e2e-test-images/agnhost:2.53", "registry.k8s.io/e2e-test-images/agnhost"),
        ("registry.k8s.io/e2e-test-images/agnhost@sha256:abc", "registry.k8s.io/e2e-test-images/agnhost"),
        ("localhost:5000/tools/tcp-echo", "localhost:5000/tools/tcp-echo"),
        ("localhost:5000/tools/tcp-echo:v1", "localhost:5000/tools/tcp-echo"),
        ("switchboard.dev/loadgen", "switchboard.dev/loadgen"),
    ])
    func repository(image: String, repo: String) {
        #expect(PodImageCatalog.repository(image) == repo)
    }

    @Test func programs() {
        let config = PodRuntimeConfig()
        func program(_ image: String, command: [String]? = nil, args: [String]? = nil, ports: [Int] = []) -> PodProgram {
            let c = Container(name: "c", image: image, ports: ports.map { ContainerPort(containerPort: $0) })
            return PodImageCatalog.program(for: c, command: command, args: args, env: [:], config: config)
        }
        let agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.40"
        #expect(program(agnhost, args: ["netexec", "--http-port=8080", "--udp-port=-1"]) == .netexec(httpPort: 8080, udpPort: nil))
        #expect(program(agnhost, args: ["netexec", "--http-port", "9000"]) == .netexec(httpPort: 9000, udpPort: 8081))
        #expect(program(agnhost, command: ["/agnhost", "netexec"]) == .netexec(httpPort: 8080, udpPort: 8081))
        #expect(program(agnhost, command: ["/bin/sh", "-c", "true"]) == .process(argv: ["/bin/sh", "-c", "true"]))
        if case .unavailable(let reason, _) = program(agnhost, args: ["dns-server"]) {
            #expect(reason == "AgnhostCommandNotBuiltIn")
        } else {
            Issue.record("agnhost dns-server should not be runnable")
        }
        #expect(program("switchboard.dev/tcp-echo", ports: [9000]) == .tcpEcho(port: 9000))
        #expect(program("switchboard.dev/tcp-echo:2", args: ["--port=7001"], ports: [9000]) == .tcpEcho(port: 7001))
        #expect(program("registry.k8s.io/pause:3.9") == .pause)
        #expect(program("python:3", command: ["python3", "-m", "http.server"], args: ["8000"])
            == .process(argv: ["python3", "-m", "http.server", "8000"]))
        if case .unavailable(let reason, let message) = program("nginx") {
            #expect(reason == "ImageNotBuiltIn")
            #expect(message.contains("switchboard.dev/loadgen") && message.contains("command"))
        } else {
            Issue.record("nginx without command must not run")
        }
    }

    @Test func loadgenOptions() {
        var config = PodRuntimeConfig()
        config.loadgenMaxRate = 100
        let p = LoadGenOptions.parse(args: ["--url=http://kubia/hostname", "--rate=500", "--concurrency", "3"],
                                     env: ["LOADGEN_RATE": "1"], config: config)
        guard case .loadgen(let o) = p else { Issue.record("\(p)"); return }
        #expect(o.host == "kubia" && o.port == 80 && o.target == "/hostname")
        #expect(o.rate == 100)  // clamped
        #expect(o.concurrency == 3 && !o.keepAlive)
        let fromEnv = LoadGenOptions.parse(args: ["--keep-alive"], env: ["LOADGEN_URL": "http://10.0.0.1:8080?x=1",
                                                                          "LOADGEN_DURATION": "1m"], config: config)
        guard case .loadgen(let e) = fromEnv else { Issue.record("\(fromEnv)"); return }
        #expect(e.host == "10.0.0.1" && e.port == 8080 && e.target == "/?x=1" && e.keepAlive && e.rate == 10 && e.duration == 60)
        for bad in [["--url=https://x/"], ["--url=http://x", "--rate=0"], [], ["--url=http://x:99999/"]] {
            if case .loadgen = LoadGenOptions.parse(args: bad, env: [:], config: config) { Issue.record("accepted \(bad)") }
        }
    }

    @Test func containerLogIsBounded() {
        let log = ContainerLog(byteLimit: 1024, lineLimit: 10)
        for i in 0..<25 { log.append(bytes: Array("line \(i)\n".utf8)) }
        log.append(bytes: Array("partial".utf8))
        let lines = log.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "line 15")
        #expect(lines.last == "partial")
        #expect(log.lineCount == 10)
        let big = ContainerLog(byteLimit: 1024, lineLimit: 10_000)
        for _ in 0..<100 { big.line(String(repeating: "x", count: 99)) }
        #expect(big.text.utf8.count <= 1024)
        #expect(big.lineCount == 10)
    }

    @Test func goFormats() {
        #expect(PodHTTPSupport.goDuration("1.5s") == 1.5)
        #expect(PodHTTPSupport.goDuration("1m30s") == 90)
        #expect(PodHTTPSupport.goDuration("250ms") == 0.25)
        #expect(PodHTTPSupport.goDuration("0") == 0)
        #expect(PodHTTPSupport.goDuration("5") == nil)
        #expect(PodHTTPSupport.goDuration("abc") == nil)
        let q = PodHTTPSupport.query("/echo?msg=a+b%20c&msg=second&code=")
        #expect(q.path == "/echo" && q.params["msg"] == "a b c" && q.params["code"] == "")
        #expect(PodHTTPSupport.goTime(1_767_225_600.25) == "2026-01-01 00:00:00.250000000 +0000 UTC")
        #expect(PodContainerRunner.format(.milliseconds(100)) == "100ms")
        #expect(PodContainerRunner.format(.seconds(10)) == "10s")
        #expect(PodContainerRunner.format(.seconds(300)) == "5m0s")
        #expect(PodContainerRunner.format(.seconds(80)) == "1m20s")
    }

    @Test func environmentOrderAndDefaults() {
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "ns"), spec: PodSpec(containers: []))
        pod.spec.nodeName = "node-1"
        pod.status = PodStatus(phase: "Running")
        pod.status?.podIP = "127.1.2.3"
        let c = Container(name: "c", ports: [ContainerPort(containerPort: 9090)])
        let env = PodEnvExpansion.environment(injected: [EnvVar(name: "PORT", value: "1"), EnvVar(name: "A", value: "x")],
                                              pod: pod, container: c, inherited: ["PATH": "/bin"])
        let d = Dictionary(env, uniquingKeysWith: { _, b in b })
        #expect(env.first?.0 == "PORT" && d["PORT"] == "1")  // declared wins
        #expect(d["POD_IP"] == "127.1.2.3" && d["POD_NAMESPACE"] == "ns" && d["NODE_NAME"] == "node-1")
        #expect(d["HOSTNAME"] == "p" && d["PATH"] == "/bin")
        var declared = Container(name: "d")
        declared.env = [EnvVar(name: "A", value: "1"), EnvVar(name: "B", value: "$(A)-$(C)")]
        #expect(PodEnvExpansion.declared(declared).map(\.value) == ["1", "1-$(C)"])
    }
}
