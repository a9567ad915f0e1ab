// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // Floor 1: API objects, selectors, validation, manifest decoding.
        .target(name: "ClusterModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Floor 1: what the dashboard and recorder see (Snapshots, stats, flow records).
        .target(name: "Telemetry"),
        // Floor 2: versioned store and control loops.
        .target(name: "ControlPlane", dependencies: ["ClusterModel"]),
        // Floor 3: the proxy engine and the pods' workloads, on SwiftNIO.
        .target(
            name: "DataPlane",
            dependencies: [
                "ClusterModel", "ControlPlane", "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Floor 3: cluster DNS and the Kubernetes API, served from the store.
        .target(
            name: "ClusterDNS",
            dependencies: [
                "ClusterModel", "ControlPlane",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "KubeAPI",
            dependencies: [
                "ClusterModel", "ControlPlane",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Floor 2: the session file format (keyframes + deltas of Snapshots, an index, markers).
        .target(name: "Recording", dependencies: ["Telemetry", .product(name: "CompressNIO", package: "compress-nio"),
                                                .product(name: "NIOCore", package: "swift-nio")]),
        // Floor 3: a Kubernetes API client (list + watch, patch; kubeconfig, bearer tokens, TLS),
        // for dashboards attached to a running engine or a real cluster.
        .target(
            name: "KubeClient",
            dependencies: [
                "ClusterModel", "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Floor 2: the dashboard, pure (view state + snapshot -> Canvas).
        .target(name: "Dashboard", dependencies: ["Telemetry", "ClusterModel", .product(name: "Yams", package: "Yams")]),
        // Floor 3: the ncurses backend.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .target(name: "TerminalUI", dependencies: ["Dashboard", "CNcurses"]),
        // Floor 4: wires a live cluster.
        .target(
            name: "Engine",
            dependencies: [
                "ClusterModel", "ControlPlane", "DataPlane", "Telemetry", "ClusterDNS", "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Floor 5: the command line.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "ClusterModel", "ControlPlane", "Engine", "DataPlane", "Dashboard", "TerminalUI", "Telemetry", "ClusterDNS", "KubeAPI",
                "Recording", "KubeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "switchboard-bench", dependencies: ["ClusterModel", "ControlPlane"]),
        .target(name: "SwitchboardTestSupport", path: "Tests/Support"),
        .testTarget(name: "ClusterModelTests", dependencies: ["ClusterModel", "SwitchboardTestSupport"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "ClusterModel", "SwitchboardTestSupport"]),
        .testTarget(name: "SwitchboardCLITests", dependencies: ["ClusterModel", "SwitchboardTestSupport"]),
        .testTarget(
            name: "DataPlaneTests",
            dependencies: [
                "DataPlane", "ControlPlane", "ClusterModel", "Telemetry", "SwitchboardTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ClusterDNSTests",
            dependencies: [
                "ClusterDNS", "ControlPlane", "ClusterModel", "SwitchboardTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KubeAPITests",
            dependencies: [
                "KubeAPI", "ControlPlane", "ClusterModel", "SwitchboardTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Telemetry", "ClusterModel", "SwitchboardTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Dashboard", "SwitchboardTestSupport"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "Telemetry", "SwitchboardTestSupport"]),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "KubeAPI", "ControlPlane", "ClusterModel", "Telemetry", "SwitchboardTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "DataPlane", "ControlPlane", "ClusterModel", "SwitchboardTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
