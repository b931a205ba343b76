// swift-tools-version: 6.0
// BranchSim: a scenario language, a Monte Carlo engine and an interactive shell
// for testing retail-bank marketing plans. Data flows one way:
// text -> tokens -> AST -> checked scenario -> simulation plan -> replications -> results -> reports.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "BranchSim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "branchsim", targets: ["branchsim"]),
        .library(name: "BranchSimModel", targets: ["BranchSimModel"]),
        .library(name: "BranchSimLanguage", targets: ["BranchSimLanguage"]),
        .library(name: "BranchSimEngine", targets: ["BranchSimEngine"]),
        .library(name: "BranchSimReports", targets: ["BranchSimReports"]),
        .library(name: "BranchSimDriver", targets: ["BranchSimDriver"]),
        .library(name: "BranchSimData", targets: ["BranchSimData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The checked scenario (what a run means) and result data: the contract between stages.
        .target(name: "BranchSimModel", swiftSettings: strict),
        // Lexing, parsing, AST, checking, diagnostics, formatting.
        // (and, for `branches from` / `customers from`, the data files through BranchSimData)
        .target(name: "BranchSimLanguage", dependencies: ["BranchSimModel", "BranchSimData", "BranchSimDecisions"], swiftSettings: strict),
        // The engine's innermost loop in C, so it can use AVX-512 where the processor has it
        // (Swift has no per-function target features); a scalar loop gives the same values.
        .target(name: "CBranchSimKernels"),
        // Random streams, samplers, population, steps, Monte Carlo.
        .target(name: "BranchSimEngine", dependencies: ["BranchSimModel", "CBranchSimKernels"], swiftSettings: strict),
        // Decisions under uncertainty: designs, choosing the best plan with a guarantee.
        .target(name: "BranchSimDecisions", dependencies: ["BranchSimModel"], swiftSettings: strict),
        // Tables, CSV, JSON, SVG/HTML.
        .target(name: "BranchSimReports", dependencies: ["BranchSimModel"], swiftSettings: strict),
        // Executes a checked program: run, report, compare, sweep, expect, export.
        .target(
            name: "BranchSimDriver",
            dependencies: ["BranchSimModel", "BranchSimLanguage", "BranchSimEngine", "BranchSimReports", "BranchSimDecisions"],
            swiftSettings: strict),
        // The bank's own outlets and customers (issue 16): CSV files (UTF-8 or GB18030) and SQLite
        // tables read as streams, every cell checked against the scenario's names, all or nothing.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "BranchSimData", dependencies: ["BranchSimModel", "CSQLite"], swiftSettings: strict),
        // Times loading generated customer rows (docs/data.md); not part of the release binary.
        .executableTarget(name: "branchsim-data-bench", dependencies: ["BranchSimData"], swiftSettings: strict),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        // The interactive shell on libedit.
        .target(
            name: "BranchSimShell",
            dependencies: ["BranchSimDriver", "BranchSimLanguage", "BranchSimEngine", "BranchSimReports", "BranchSimModel", "CLibEdit"],
            swiftSettings: strict),
        .executableTarget(
            name: "branchsim",
            dependencies: [
                "BranchSimDriver", "BranchSimShell", "BranchSimData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // Test support: the seeded generator tests draw random inputs from.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "BranchSimModelTests", dependencies: ["BranchSimModel", "TestSupport"]),
        .testTarget(name: "BranchSimLanguageTests", dependencies: ["BranchSimLanguage", "TestSupport"]),
        .testTarget(name: "BranchSimEngineTests", dependencies: ["BranchSimEngine"]),
        .testTarget(name: "BranchSimDecisionsTests", dependencies: ["BranchSimDecisions", "TestSupport"]),
        .testTarget(name: "BranchSimReportsTests", dependencies: ["BranchSimReports", "TestSupport"]),
        .testTarget(name: "BranchSimDataTests", dependencies: ["BranchSimData", "BranchSimModel", "CSQLite"]),
        // Test support for the shell: a scripted backend, and a binary the terminal tests drive.
        .target(
            name: "ShellTestSupport", dependencies: ["BranchSimShell", "BranchSimModel"],
            path: "Tests/ShellTestSupport", swiftSettings: strict),
        .executableTarget(
            name: "shell-fixture", dependencies: ["ShellTestSupport", "BranchSimShell"],
            path: "Tests/Fixtures/shell-fixture", swiftSettings: strict),
        .testTarget(
            name: "BranchSimShellTests",
            dependencies: ["BranchSimShell", "BranchSimDriver", "ShellTestSupport", "shell-fixture"]),
        // Pinned/ holds the golden outputs PinnedOutputTests compares against (read by path).
        .testTarget(name: "EndToEndTests", dependencies: ["BranchSimDriver"], exclude: ["Pinned"]),
    ],
    swiftLanguageModes: [.v6]
)
