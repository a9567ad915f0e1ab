import ArgumentParser

/// The `switchboard` command line. The root is async so that long-running subcommands (`up`)
/// can await; synchronous ones such as `check` run unchanged under it.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Kubernetes service networking on one machine: manifests in, Services, Endpoints, DNS and proxies out.",
        subcommands: [
            Check.self,
            Up.self,
            Top.self,
            Replay.self,
            Export.self,
            BenchDashboard.self,
        ]
    )
}
