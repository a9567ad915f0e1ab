import ClusterModel
import ControlPlane
import DataPlane
import Foundation
import Testing

/// Containers with a `command` run as child processes.
@Suite("Pod processes", .serialized)
struct PodProcessTests {
    @Test("a process sees POD_IP, the injected service variables and expanded $(VAR) args; logs() shows its output")
    func environment() async throws {
        let c = try PodTestCluster(block: 179)
        // A service that exists before the pod starts becomes part of its environment.
        c.apply(PodFixture.service("backend", selector: ["app": "backend"], port: 8080))
        var container = PodFixture.container(image: "busybox:1.36", command: ["/bin/sh", "-c", "env; echo arg=$0; sleep 30"],
                                             args: ["$(GREETING)-$(POD_NAME)-$(UNDEFINED)"])
        container.env = [EnvVar(name: "GREETING", value: "hello")]
        c.apply(PodFixture.pod("printer", [container]))
        let key = ObjectKey(namespace: "default", name: "printer")
        let logged = await c.eventually { c.runtime.logs(of: key).contains("arg=") }
        #expect(logged)
        let log = c.runtime.logs(of: key, container: "app")
        let ip = try #require(c.pod("printer")?.status?.podIP)
        #expect(log.contains("POD_IP=\(ip)\n"))
        #expect(log.contains("POD_NAME=printer\n"))
        #expect(log.contains("POD_NAMESPACE=default\n"))
        #expect(log.contains("PORT=8080\n"))
        #expect(log.contains("GREETING=hello\n"))
        #expect(log.contains("BACKEND_SERVICE_HOST="))
        #expect(log.contains("BACKEND_SERVICE_PORT=8080"))
        #expect(log.contains("KUBERNETES_SERVICE_HOST="))
        #expect(log.contains("arg=hello-printer-$(UNDEFINED)\n"))
        #expect(c.stats(key)?.containers.first?.workload == "process")
        await c.close()
    }

    @Test("deleting a pod sends SIGTERM to its process and removes the pod once it exited")
    func gracefulDeletion() async throws {
        let c = try PodTestCluster(block: 182)
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-term-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        var container = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c",
            "trap 'echo TERM > \(marker); exit 0' TERM; echo ready; while true; do sleep 0.05; done"])
        container.ports = nil
        c.apply(PodFixture.pod("sleeper", [container], grace: 20))
        let key = ObjectKey(namespace: "default", name: "sleeper")
        #expect(await c.eventually { c.runtime.logs(of: key).contains("ready") })
        let start = Date()
        try c.registry.delete(.pods, key)
        #expect(c.pod("sleeper")?.isTerminating == true)
        // Long before the 20 s grace period ends, the runtime sees the process gone and deletes the pod.
        let gone = await c.eventually(15) { c.pod("sleeper") == nil }
        #expect(gone)
        #expect(Date().timeIntervalSince(start) < 15, "well before the 20 s grace period, with room for a loaded run")
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "TERM\n")
        #expect(c.runtime.snapshot()[key] == nil)
        await c.close()
    }

    @Test("a process that ignores SIGTERM is killed at the end of its grace period")
    func sigkillAfterGrace() async throws {
        let c = try PodTestCluster(block: 185)
        // `$$` is Kubernetes' escaped `$`, so `$$$$` reaches the shell as `$$`.
        var container = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "trap '' TERM; echo pid=$$$$; while true; do sleep 0.05; done"])
        container.ports = nil
        // A grace period long enough that a loaded parallel run still looks inside it.
        c.apply(PodFixture.pod("stubborn", [container], grace: 6))
        let key = ObjectKey(namespace: "default", name: "stubborn")
        #expect(await c.eventually { c.runtime.logs(of: key).contains("pid=") })
        let line = c.runtime.logs(of: key).split(separator: "\n").first { $0.hasPrefix("pid=") } ?? ""
        let pid = try #require(pid_t(line.dropFirst(4)))
        try c.registry.delete(.pods, key)
        try await Task.sleep(nanoseconds: 700_000_000)
        #expect(kill(pid, 0) == 0, "SIGTERM is ignored: the process must still run inside its grace period")
        // The control loop's own timer may remove the pod object first (deletionTimestamp has whole
        // seconds); either way the process is SIGKILLed and reaped at the end of the grace period.
        #expect(await c.eventually(12) { kill(pid, 0) != 0 && c.pod("stubborn") == nil })
        await c.close()
    }

    @Test("a process that exits 1 is restarted with growing back-off; restartCount and state reach the pod status")
    func crashLoop() async throws {
        let c = try PodTestCluster(block: 188)
        var container = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "echo started; exit 1"])
        container.ports = nil
        c.apply(PodFixture.pod("crasher", [container]))
        let key = ObjectKey(namespace: "default", name: "crasher")
        let start = Date()
        #expect(await c.eventually(5) { (c.pod("crasher")?.restartCount ?? 0) >= 3 })
        let pod = try #require(c.pod("crasher"))
        let status = try #require(pod.status?.containerStatuses?.first)
        #expect(status.lastState?["terminated"]?["exitCode"] == .int(1))
        #expect(status.lastState?["terminated"]?["reason"]?.stringValue == "Error")
        // Back-off: 0, 100, 200, 400, 400 ms … — a hot loop would have restarted hundreds of times.
        let elapsed = Date().timeIntervalSince(start)
        #expect(pod.restartCount <= 3 + Int(elapsed / 0.4) + 1)
        #expect(await c.eventually { c.pod("crasher")?.containerState?["waiting"]?["reason"]?.stringValue == "CrashLoopBackOff" })
        #expect(!(c.pod("crasher")?.isReady ?? true))
        #expect(c.runtime.logs(of: key).components(separatedBy: "started\n").count - 1 >= 3)
        #expect((c.stats(key)?.containers.first?.restartCount ?? 0) >= 3)
        await c.close()
    }

    @Test("a child process inherits no descriptors of the engine (no listener survives its pod)")
    func noInheritedDescriptors() async throws {
        let c = try PodTestCluster(block: 209)
        c.apply(PodFixture.pod("web", [PodFixture.netexec()]))  // the engine now has listeners open
        #expect(await c.eventually { c.pod("web")?.status?.podIP.map { (try? PodTestHTTP.get($0, 8080, "/healthz")) != nil } ?? false })
        var fds = PodFixture.container(image: "busybox", command: ["/bin/ls", "/proc/self/fd"], port: nil)
        fds.name = "fds"
        c.apply(PodFixture.pod("fds", [fds], restartPolicy: "Never"))
        #expect(await c.eventually { c.pod("fds")?.status?.phase == "Succeeded" })
        let listed = Set(c.runtime.logs(of: ObjectKey(namespace: "default", name: "fds"), container: "fds").split(separator: "\n"))
        #expect(listed.isSubset(of: ["0", "1", "2", "3"]), "inherited: \(listed.sorted())")
        await c.close()
    }

    @Test("restartPolicy Never: a process exiting 0 makes the pod Succeeded, exiting 2 Failed")
    func terminalPhases() async throws {
        let c = try PodTestCluster(block: 191)
        var ok = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "echo done"])
        ok.ports = nil
        var bad = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "exit 2"])
        bad.ports = nil
        var missing = PodFixture.container(image: "busybox", command: ["/definitely/not/here"])
        missing.ports = nil
        c.apply(PodFixture.pod("ok", [ok], restartPolicy: "Never"), PodFixture.pod("bad", [bad], restartPolicy: "Never"),
                PodFixture.pod("missing", [missing], restartPolicy: "Never"))
        #expect(await c.eventually { c.pod("ok")?.status?.phase == "Succeeded" && c.pod("bad")?.status?.phase == "Failed"
            && c.pod("missing")?.status?.phase == "Failed" })
        #expect(c.pod("bad")?.containerState?["terminated"]?["exitCode"] == .int(2))
        #expect(c.pod("missing")?.containerState?["terminated"]?["reason"]?.stringValue == "StartError")
        #expect(c.runtime.logs(of: ObjectKey(namespace: "default", name: "ok")) == "done\n")
        #expect(c.pod("ok")?.restartCount == 0)
        await c.close()
    }
}
