// swift-tools-version: 6.1
// Benchmarks for BranchSim's engine, on ordo-one/benchmark (package-benchmark).
// A separate package so that building and testing BranchSim does not build the
// benchmark harness. Run from this folder: `swift package benchmark`.
import PackageDescription

let package = Package(
    name: "BranchSimBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "BranchSim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BranchSimEngine", package: "BranchSim"),
                .product(name: "BranchSimLanguage", package: "BranchSim"),
            ],
            path: "EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
