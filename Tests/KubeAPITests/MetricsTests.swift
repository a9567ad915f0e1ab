import Foundation
import KubeAPI
import NIOPosix
import Testing

/// `/metrics` in the Prometheus text format, checked by `promtool check metrics` (the
/// `prometheus` package, or `$PROMTOOL`) and by the exposition rules below, which hold without it.
@Suite("Metrics")
struct MetricsTests {
    @Test func metricsExposition() async throws {
        let c = try await APITestCluster.start()
        try c.apply(Fixtures.shop)
        _ = try c.http("GET", "/api/v1/namespaces/shop/services")
        _ = try c.http("GET", "/api/v1/namespaces/shop/services/nope")
        let r = try c.http("GET", "/metrics")
        await c.stop()
        #expect(r.status == 200 && r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = r.body
        #expect(text.contains(#"apiserver_request_total{code="200",resource="services",verb="list"} 1"#), "\(text)")
        #expect(text.contains(#"apiserver_request_total{code="404",resource="services",verb="get"} 1"#))
        #expect(text.contains(#"apiserver_storage_objects{resource="services"} 5"#))
        #expect(text.contains("apiserver_registered_watchers 0"))
        try Self.checkExposition(text)

        let candidates = [ProcessInfo.processInfo.environment["PROMTOOL"], "/usr/bin/promtool", "/usr/local/bin/promtool"]
        let promtool = candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let promtool else {
            if underCI { Issue.record("promtool is missing; CI must install the prometheus package") }
            else { print("note: promtool not installed; /metrics checked by the exposition rules only") }
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtool)
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool: \(out)")
    }

    @Test func additionalMetricsAreAppended() async throws {
        let c = try APITestCluster(secondOctet: 235)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = KubeAPIServer.Configuration(host: APITestCluster.apiHost, port: 0)
        config.additionalMetrics = { "# HELP switchboard_proxy_connections_total Test.\n# TYPE switchboard_proxy_connections_total counter\nswitchboard_proxy_connections_total 7\n" }
        let server = KubeAPIServer(store: c.store, registry: c.registry, config: config, group: group)
        let address = try await server.start()
        let r = try RawHTTP.request(address.host, address.port, "GET", "/metrics")
        #expect(r.body.hasSuffix("switchboard_proxy_connections_total 7\n"))
        try Self.checkExposition(r.body)
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    /// The text format's rules promtool enforces: HELP and TYPE before a family's samples, one
    /// family per name, counters named `_total`, valid metric and label names, numeric values.
    static func checkExposition(_ text: String) throws {
        var declared: [String: String] = [:]
        var helped: Set<String> = []
        var seenFamilies: [String] = []
        let name = #/^[a-zA-Z_:][a-zA-Z0-9_:]*$/#
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            if line.hasPrefix("# HELP ") {
                let family = String(line.dropFirst(7).prefix { $0 != " " })
                #expect(helped.insert(family).inserted, "HELP twice for \(family)")
                continue
            }
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                let family = String(parts[0])
                #expect(["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1]))
                #expect(declared[family] == nil, "TYPE twice for \(family)")
                declared[family] = String(parts[1])
                if parts[1] == "counter" { #expect(family.hasSuffix("_total"), "counter \(family) must end in _total") }
                seenFamilies.append(family)
                continue
            }
            let metric = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(metric.wholeMatch(of: name) != nil, "bad metric name in \(line)")
            #expect(declared[metric] != nil && helped.contains(metric), "sample before HELP/TYPE: \(line)")
            #expect(seenFamilies.last == metric, "family \(metric) is not contiguous")
            if let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") {
                for pair in line[line.index(after: open)..<close].split(separator: ",") {
                    let label = pair.prefix { $0 != "=" }
                    #expect(String(label).wholeMatch(of: #/^[a-zA-Z_][a-zA-Z0-9_]*$/#) != nil, "bad label in \(line)")
                    #expect(pair.dropFirst(label.count + 1).hasPrefix("\""))
                }
            }
            let value = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(Double(value) != nil, "non-numeric value in \(line)")
        }
    }
}
