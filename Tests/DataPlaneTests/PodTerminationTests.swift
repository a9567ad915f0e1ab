import ClusterModel
import ControlPlane
import DataPlane
import Foundation
import Testing

/// Graceful termination of built-in servers, and the runtime's own shutdown.
@Suite("Pod termination", .serialized)
struct PodTerminationTests {
    @Test("scale-down: the listener closes, idle keep-alive connections are closed, the pod is removed early")
    func drainOnScaleDown() async throws {
        let c = try PodTestCluster(block: 203)
        c.apply(PodFixture.deployment("web", replicas: 2, labels: ["app": "web"], container: PodFixture.netexec(), grace: 30))
        #expect(await c.eventually {
            c.pods(["app": "web"]).allSatisfy { p in p.status?.podIP.map { (try? PodTestHTTP.get($0, 8080, "/healthz")) != nil } ?? false }
                && c.pods(["app": "web"]).count == 2
        })
        let before = c.pods(["app": "web"])
        var idle: [String: PodTestSocket] = [:]
        for p in before {
            let s = try PodTestSocket.connect(p.status!.podIP!, 8080)
            _ = try PodTestHTTP.request(s, "/hostname", close: false)
            idle[p.name] = s
        }
        let start = Date()
        // A 30 s grace period: finishing far before it proves the drain, with room for a loaded run.
        c.apply(PodFixture.deployment("web", replicas: 1, labels: ["app": "web"], container: PodFixture.netexec(), grace: 30))
        #expect(await c.eventually(20) { c.pods(["app": "web"]).count == 1 })
        #expect(Date().timeIntervalSince(start) < 20)
        let survivor = try #require(c.pods(["app": "web"]).first)
        let victim = try #require(before.first { $0.name != survivor.name })
        #expect(try idle[victim.name]!.receive().isEmpty, "the victim's idle keep-alive connection is closed")
        let listening = (try? PodTestSocket.connect(victim.status!.podIP!, 8080)) != nil
        #expect(!listening, "no listener any more")
        #expect(try PodTestHTTP.request(idle[survivor.name]!, "/hostname", close: true).body == survivor.name)
        for s in idle.values { s.close() }
        #expect(c.runtime.snapshot().keys.map(\.name) == [survivor.name])
        await c.close()
    }

    @Test("shutdown stops every workload but leaves the pods in the store")
    func shutdownLeavesPods() async throws {
        let c = try PodTestCluster(block: 206)
        var container = PodFixture.container(image: "busybox", command: ["/bin/sh", "-c", "echo pid=$$$$; exec sleep 30"])
        container.ports = nil
        c.apply(PodFixture.pod("proc", [container]), PodFixture.pod("web", [PodFixture.netexec()]))
        let key = ObjectKey(namespace: "default", name: "proc")
        #expect(await c.eventually {
            c.runtime.logs(of: key).contains("pid=")
                && (c.pod("web")?.status?.podIP.map { (try? PodTestHTTP.get($0, 8080, "/healthz")) != nil } ?? false)
        })
        let line = c.runtime.logs(of: key).split(separator: "\n").first { $0.hasPrefix("pid=") } ?? ""
        let pid = try #require(pid_t(line.dropFirst(4)))
        await c.close()
        #expect(kill(pid, 0) != 0, "the process was stopped and reaped")
        #expect((try? PodTestSocket.connect(c.pod("web")!.status!.podIP!, 8080)) == nil)
        #expect(c.pod("proc") != nil && c.pod("web") != nil)
        #expect(c.runtime.snapshot().isEmpty)
    }
}
