import ArgumentParser
import Dashboard
import Telemetry

/// `--once --view V -o text|json`: one view printed for scripts. Shared by `up`, `top` and
/// `replay`, so the three print the same frame for the same snapshot and validate alike.
struct OnceView: ParsableArguments {
    @Flag(help: "Print one view and exit (for scripts); up and top sample for one period first, replay prints at --at.")
    var once = false

    @Option(help: "The view --once prints: svc, ep, ing, flow, pods, nodes, events.")
    var view = "svc"

    @Option(name: [.customShort("o"), .long], help: "Output of --once: text or json.")
    var output = "text"

    func validate() throws {
        _ = try pane()
        guard output == "text" || output == "json" else { throw ValidationError("-o must be text or json") }
    }

    func pane() throws -> PaneKind {
        guard let pane = PaneKind.parse(view), pane != .details else {
            throw ValidationError("--view must be one of svc, ep, ing, flow, pods, nodes, events")
        }
        return pane
    }

    /// The frame; `previous` gives rates (per second between the two samples).
    func render(_ snapshot: Snapshot, previous: Snapshot?) throws -> String {
        let text = output == "json" ? OnceOutput.json(try pane(), snapshot: snapshot, previous: previous)
            : OnceOutput.text(try pane(), snapshot: snapshot, previous: previous)
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
