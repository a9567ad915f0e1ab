import ArgumentParser
import ClusterModel
import Foundation

/// `switchboard check FILE…`: what `kubectl apply --dry-run=server` would say about manifests,
/// without a cluster — decode, default, validate — one located line per problem.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests as the API server would, without running them.",
        discussion: """
            Reads YAML (multi-document) and JSON manifests, including kind: List, then applies \
            API-server defaulting and validation to every object. Prints one line per problem, \
            located by file, document, object, field path and line. Exits 1 if any object is invalid.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Manifest files or directories (*.yaml, *.yml, *.json in them); - reads standard input.")
    var files: [String] = []

    @Option(name: [.short, .long], help: "Namespace for namespaced objects that name none.")
    var namespace = "default"

    @Flag(help: "Treat unknown fields as errors, as kubectl --validate=strict does.")
    var strict = false

    @Option(name: [.short, .long], help: "Output format: text or json.")
    var output: OutputFormat = .text

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one manifest file or directory.") }
    }

    func run() throws {
        let report = CheckReport(ManifestDecoder.load(paths: files, defaultNamespace: namespace), strict: strict)
        switch output {
        case .text:
            for issue in report.issues { print(issue) }
            print(report.summary)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(report.json)
            print(String(decoding: data, as: UTF8.self))
        }
        if report.errorCount > 0 { throw ExitCode(1) }
    }
}
