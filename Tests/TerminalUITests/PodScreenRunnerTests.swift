import Dashboard
import Foundation
import Glibc
import Synchronization
import Telemetry
import Testing
@testable import TerminalUI

/// Answers pod logs like the live engine would, and records what it was asked.
final class FakeActions: ClusterActions {
    let asked = Mutex<[ObjectRef]>([])
    func perform(_ action: ClusterAction) async -> ActionOutcome { .applied(action.summary) }
    func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        let n = asked.withLock { $0.append(pod); return $0.count }
        return .success(["log of \(pod.name) #\(n)", "tail \(tailLines)"])
    }
}

/// One pod behind one service; fills the pod's details only when asked, like `DashboardSource`.
final class DetailSource: DetailedSnapshotSource {
    let requests = Mutex<[Set<ObjectRef>]>([])
    let count = Mutex(0)

    func snapshot() async -> Snapshot { await snapshot(podDetails: []) }

    func snapshot(podDetails: Set<ObjectRef>) async -> Snapshot {
        let n = count.withLock { $0 += 1; return $0 }
        if !podDetails.isEmpty { requests.withLock { $0.append(podDetails) } }
        let pod = PodSummary(namespace: "default", name: "web-1", nodeName: "node-1", ip: "127.244.1.5", phase: "Running",
                             ready: true, labels: ["app": "web"])
        var view = ClusterView(pods: [pod])
        view.podDetails = podDetails.map { ref in
            PodDetail(namespace: ref.namespace, name: ref.name,
                      containers: [ContainerEnvironment(container: "app", variables: [
                          .init(name: "WEB_SERVICE_HOST", value: "127.96.0.20", fromService: true)])],
                      resolvConf: "nameserver 127.96.0.10\n")
        }
        return Snapshot(time: Double(n) * 0.1, cluster: view)
    }
}

extension TerminalSessionTests {
    @Test func samplesAskADetailedSourceOnlyForThePodsOnScreen() async {
        let source = DetailSource()
        let ref = ObjectRef(namespace: "default", name: "web-1")
        _ = await sample(source, podDetails: [])
        #expect(source.requests.withLock { $0 }.isEmpty)
        let s = await sample(source, podDetails: [ref])
        #expect(source.requests.withLock { $0 } == [[ref]])
        #expect(s.cluster?.podDetail("default/web-1")?.resolvConf == "nameserver 127.96.0.10\n")
    }

    @Test func podScreenGetsItsLogFromTheActionsAndItsEnvFromTheSource() async throws {
        let pty = try PTY()
        let source = DetailSource()
        let actions = FakeActions()
        let typer = Task {
            try await Task.sleep(for: .milliseconds(500))
            pty.type(":pods\r")
            try await Task.sleep(for: .milliseconds(200))
            pty.type("\r")  // Enter on web-1
            try await Task.sleep(for: .milliseconds(900))
            let screen = pty.drain()
            pty.type("q")
            return screen
        }
        var config = DashboardConfig()
        config.interval = 0.1
        try await runDashboard(source: source, actions: actions, interval: nil, config: config,
                               terminal: TerminalTarget(input: pty.slave, output: pty.slave, term: "xterm-256color",
                                                        environment: [:]))
        let screen = try await typer.value
        #expect(screen.contains("Pod default/web-1"))
        #expect(screen.contains("log of web-1"), "the log came back through ClusterActions.podLog")
        #expect(screen.contains("WEB_SERVICE_HOST=127.96.0.20"), "the env came with a sample that asked for web-1")
        #expect(screen.contains("nameserver 127.96.0.10"))
        #expect(actions.asked.withLock { $0.count } >= 2, "asked on open, then again with new samples")
        #expect(source.requests.withLock { $0 }.allSatisfy { $0 == [ObjectRef(namespace: "default", name: "web-1")] })
    }
}
