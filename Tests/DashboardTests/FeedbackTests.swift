import Dashboard
import Telemetry
import Testing

/// Results of actions come back into the pure loop and show in the footer.
@Suite struct FeedbackTests {
    @Test func refusedActionShowsTheServersMessageInTheFooter() {
        var loop = DashboardLoop()
        let ref = ObjectRef(namespace: "default", name: "kubia")
        loop.receive(.outcome(.setSessionAffinity(ref, clientIP: true), .refused("services \"kubia\" not found")))
        #expect(loop.state.message == "services \"kubia\" not found")
        let screen = loop.frame(width: 100, height: 20).text
        #expect(screen.contains("services \"kubia\" not found"))
    }

    @Test func podLogIsKeptForTheViewAndARefusalIsShown() {
        var loop = DashboardLoop()
        let pod = ObjectRef(namespace: "default", name: "web-1")
        loop.receive(.podLog(pod, .success(["GET /hostname 200"])))
        #expect(loop.podLog?.pod == pod)
        #expect((try? loop.podLog?.lines.get()) == ["GET /hostname 200"])
        loop.receive(.podLog(pod, .failure(ActionRefusal("logs are not recorded"))))
        #expect(loop.state.message == "logs are not recorded")
    }
}
