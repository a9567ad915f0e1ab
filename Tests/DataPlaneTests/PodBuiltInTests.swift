import ClusterModel
import ControlPlane
import DataPlane
import Foundation
import Testing

/// Built-in images served for real on pod IPs.
@Suite("Pod built-in images", .serialized)
struct PodBuiltInTests {
    @Test("agnhost netexec Deployment: /hostname, /clientip, /echo, keep-alive, UDP, no restart on unrelated change")
    func netexecDeployment() async throws {
        let c = try PodTestCluster(block: 170)
        defer { Task { await c.close() } }
        c.apply(PodFixture.deployment("web", replicas: 3, labels: ["app": "web"], container: PodFixture.netexec()))
        let up = await c.eventually {
            let pods = c.pods(["app": "web"])
            return pods.count == 3 && pods.allSatisfy { p in
                p.status?.podIP.map { (try? PodTestHTTP.get($0, 8080, "/healthz").status) == 200 } ?? false
            }
        }
        #expect(up)
        let pods = c.pods(["app": "web"])
        #expect(Set(pods.compactMap(\.status?.podIP)).count == 3)
        let client = "127.\(c.block + 2).10.77"
        for p in pods {
            let ip = try #require(p.status?.podIP)
            #expect(try PodTestHTTP.get(ip, 8080, "/hostname").body == p.name)
            let seen = try PodTestHTTP.get(ip, 8080, "/clientip", from: client).body
            #expect(seen.hasPrefix("\(client):"), "clientip answered \(seen)")
            #expect(try PodTestHTTP.get(ip, 8080, "/echo?msg=hi").body == "hi")
            #expect(try PodTestHTTP.get(ip, 8080, "/echo?msg=a+b%21&code=404").status == 404)
            #expect(try PodTestHTTP.get(ip, 8080, "/").body.hasPrefix("NOW: "))
            // Keep-alive: two requests on one connection.
            let s = try PodTestSocket.connect(ip, 8080)
            let first = try PodTestHTTP.request(s, "/header?key=Host", close: false)
            let second = try PodTestHTTP.request(s, "/hostName", close: true)
            s.close()
            #expect(first.body == "test")
            #expect(second.body == p.name)
            // UDP commands.
            let u = try PodTestSocket.connect(ip, 8081, udp: true)
            try u.send("hostname")
            #expect(String(decoding: try u.receive(), as: UTF8.self) == p.name)
            try u.send("echo hello udp")
            #expect(String(decoding: try u.receive(), as: UTF8.self) == "hello udp")
            u.close()
        }
        let key = pods[0].key
        let served = try #require(c.stats(key)).requestsServed
        #expect(served >= 8)
        #expect(c.runtime.logs(of: key).contains("GET /hostname"))
        // An unrelated change (a label) must not restart the workload: counters keep counting.
        var relabeled = try #require(c.pod(key.name))
        relabeled.metadata.labels?["touched"] = "yes"
        relabeled.metadata.resourceVersion = nil
        try c.registry.updateStatus(.pod(relabeled))
        c.drive()
        _ = try PodTestHTTP.get(try #require(pods[0].status?.podIP), 8080, "/healthz")
        #expect(try #require(c.stats(key)).requestsServed == served + 1)
        #expect(c.pod(key.name)?.restartCount == 0)
        await c.close()
    }

    @Test("tcp-echo writes back what it reads, on the container's port")
    func tcpEcho() async throws {
        let c = try PodTestCluster(block: 173)
        c.apply(PodFixture.pod("echo", [PodFixture.container(image: "switchboard.dev/tcp-echo:1", port: 7007)]))
        var ip = ""
        let up = await c.eventually {
            guard let p = c.pod("echo")?.status?.podIP, (try? PodTestSocket.connect(p, 7007))?.close() != nil else { return false }
            ip = p
            return true
        }
        #expect(up)
        let s = try PodTestSocket.connect(ip, 7007)
        try s.send("hello, echo\n")
        var got: [UInt8] = []
        while got.count < 12 { let chunk = try s.receive(); if chunk.isEmpty { break }; got += chunk }
        s.shutdownWrite()
        #expect(String(decoding: got, as: UTF8.self) == "hello, echo\n")
        #expect(try s.receive().isEmpty)  // server closes after the client's FIN
        s.close()
        #expect((c.stats(ObjectKey(namespace: "default", name: "echo"))?.requestsServed ?? 0) >= 1)
        await c.close()
    }

    @Test("an image that is not built in and has no command waits with a reason")
    func unknownImage() async throws {
        let c = try PodTestCluster(block: 176)
        c.apply(PodFixture.pod("mystery", [PodFixture.container(image: "docker.io/library/nginx:1.27")]))
        let waiting = await c.eventually {
            c.pod("mystery")?.containerState?["waiting"]?["reason"]?.stringValue == "ImageNotBuiltIn"
        }
        #expect(waiting)
        let pod = try #require(c.pod("mystery"))
        let message = pod.containerState?["waiting"]?["message"]?.stringValue ?? ""
        #expect(message.contains("agnhost") && message.contains("command"))
        #expect(!pod.isReady)
        await c.close()
    }
}
