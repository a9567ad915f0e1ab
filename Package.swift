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
    ],
    targets: [
        // Floor 1: API objects, selectors, validation, manifest decoding.
        .target(name: "ClusterModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Floor 2: versioned store and control loops.
        .target(name: "ControlPlane", dependencies: ["ClusterModel"]),
        // Floor 5: the command line.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "ClusterModel", "ControlPlane",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "switchboard-bench", dependencies: ["ClusterModel", "ControlPlane"]),
        .target(name: "SwitchboardTestSupport", path: "Tests/Support"),
        .testTarget(name: "ClusterModelTests", dependencies: ["ClusterModel", "SwitchboardTestSupport"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "ClusterModel", "SwitchboardTestSupport"]),
        .testTarget(name: "SwitchboardCLITests", dependencies: ["ClusterModel", "SwitchboardTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
