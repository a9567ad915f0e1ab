import Foundation
import SwitchboardTestSupport
import Testing

@Suite("switchboard up --once")
struct UpCommandTests {
    @Test func demoPrintsComputedAddresses() throws {
        let run = try SwitchboardBinary.run(["up", "--once", "demo-data/"])
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        for section in ["NODES", "SERVICES", "ENDPOINTS", "PODS"] { #expect(out.contains(section)) }
        // Nodes with loopback addresses and per-node pod CIDRs.
        #expect(out.contains("node-1   Ready    127.0.10.1    127.244.1.0/24"))
        // Every service of the demo with an address from the service range or the LB pool.
        let services = out.split(separator: "\n").filter { $0.hasPrefix("default ") && $0.contains("/TCP") || $0.contains("ExternalName") }
        #expect(services.contains { $0.contains(" kubia ") && $0.contains("ClientIP") && $0.contains("http:80/TCP►http") })
        #expect(services.contains { $0.contains("kubia-nodeport") && $0.contains(":30080/TCP") })
        #expect(services.contains { $0.contains("kubia-lb ") && $0.contains("127.200.0.") })
        #expect(services.contains { $0.contains("external-api") && $0.contains("api.example.com") })
        // Hand-written endpoints of the selector-less service are kept.
        #expect(out.contains("external-db        127.0.0.1:15432"))
        // Three kubia pods, each with a pod IP from its node's /24.
        let podSection = out.components(separatedBy: "\nPODS\n").last ?? ""
        let kubiaPods = podSection.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count == 6 && $0[1].hasPrefix("kubia-") }
        #expect(kubiaPods.count == 3)
        for cols in kubiaPods {
            let ip = String(cols[4]), node = String(cols[5]), line = cols.joined(separator: " ")
            #expect(ip.hasPrefix("127.244.\(node.dropFirst(5)).") , "\(line)")
        }
    }

    @Test func invalidManifestRefusesToStartListingEveryError() throws {
        let path = try CheckCommandTests.write("""
            apiVersion: v1
            kind: Service
            metadata:
              name: Bad_Name
            spec:
              selector: {app: x}
              ports:
              - port: 80
              - port: 81
            """, name: "up-bad.yaml")
        defer { CheckCommandTests.remove(path) }
        let run = try SwitchboardBinary.run(["up", "--once", "demo-data/", path])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty, "nothing starts")
        #expect(run.stderr.contains("metadata.name: Invalid value: \"Bad_Name\""))
        #expect(run.stderr.contains("spec.ports[0].name: Required value"))
        #expect(run.stderr.contains("spec.ports[1].name: Required value"))
        #expect(run.stderr.contains("refusing to start"))
    }
}
