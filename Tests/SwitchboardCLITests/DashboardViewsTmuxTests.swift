import Foundation
import SwitchboardTestSupport
import Testing

/// The pod screen, the topology and `--skin` on the real binary over the demo. Address blocks
/// 127.246–248, one per test.
@Suite("Dashboard views in tmux")
struct DashboardViewsTmuxTests {
    static func flags(_ n: Int) -> [String] {
        DashboardTmuxTests.flags(n) + ["--api-server", "127.\(n).200.254:6443"]
    }

    @Test func podScreenShowsItsEnvironmentAndResolvConfAndTopologyDrawsTheDemo() throws {
        let t = try Tmux(width: 140, height: 50, command: ["up", "demo-data/"] + Self.flags(246))
        defer { t.quitAndKill() }
        _ = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        t.send(":pods", "Enter")
        _ = try t.waitFor { $0.contains("Pods [") && $0.contains("kubia-") }
        t.send("/", "kubia", "Enter")
        _ = try t.waitFor { $0.contains("</kubia>") && !$0.contains("backend-database-") }
        t.send("Enter")
        // What the pod got at start: the kubernetes service's variables at least, and the
        // resolv.conf that points at this cluster's DNS with the namespace search path.
        let pod = try t.waitFor { $0.contains("Environment of container") && $0.contains("/etc/resolv.conf") }
        #expect(pod.contains("Pod default/kubia-"))
        #expect(pod.contains("KUBERNETES_SERVICE_HOST=127.246.0.1"))
        #expect(pod.contains("search default.svc.cluster.local svc.cluster.local cluster.local"))
        #expect(pod.contains("nameserver 127.246.0.10"))
        #expect(pod.contains("options ndots:5"))
        t.send("G")
        _ = try t.waitFor("Log (last 50 lines)")
        // The topology of kubia: its ports, each endpoint with its pod.
        t.send("Escape", ":topo default/kubia", "Enter")
        let topo = try t.waitFor { $0.contains("Topology(default/kubia)") && $0.contains("client ─► svc default/kubia") }
        #expect(topo.contains("http:80►"))
        #expect(topo.split(separator: "\n").filter { $0.contains("─► 127.246.") && $0.contains("kubia-") }.count >= 3)
        t.send("q")
        _ = try t.waitFor("EXITED 0")
    }

    @Test func skinColoursTheScreenAndABadSkinIsRefusedBeforeStarting() throws {
        let skin = Repository.root.appendingPathComponent("Tests/DashboardTests/Fixtures/skins/dracula-test.yaml").path
        let t = try Tmux(width: 100, height: 30, command: ["up", "--skin", skin, "demo-data/"] + Self.flags(247),
                         environment: ["TERM": "xterm-256color", "NO_COLOR": ""])
        defer { t.quitAndKill() }
        _ = try t.waitFor { $0.contains("Services [") && $0.contains(" kubia ") }
        // The skin's colours, quantised to 256: the body background #282a36 (236) behind the
        // table, the menu keys in its pink #ff79c6 (212); the default theme uses neither.
        let styled = try t.run(["capture-pane", "-p", "-e"])
        #expect(styled.contains("48;5;236"))
        #expect(styled.contains("38;5;212"))
        t.send("q")
        _ = try t.waitFor("EXITED 0")

        let bad = try SwitchboardBinary.run(["up", "--skin", "/nonexistent/skin.yaml", "demo-data/"] + Self.flags(247))
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--skin /nonexistent/skin.yaml"))
        let notYAML = try SwitchboardBinary.run(["up", "--skin", "skin.json", "demo-data/"] + Self.flags(247))
        #expect(notYAML.status != 0 && notYAML.stderr.contains(".yaml"))
    }

    @Test func oncePrintsTheTopologyForScripts() throws {
        let run = try SwitchboardBinary.run(["up", "--once", "--view", "topo", "demo-data/"] + Self.flags(248)
                                            + ["--interval", "0.3"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("client ─► Ingress controller"))
        #expect(run.stdout.contains("client ─► svc default/kubia"))
    }
}

extension Tmux {
    /// Quits the dashboard before killing the server: a failed wait must not leave the binary
    /// (and the ports of its address block) running after the test.
    func quitAndKill() {
        send("Escape", "Escape", "q")
        _ = try? waitFor(timeout: 5) { $0.contains("EXITED") }
        kill()
    }
}
