// Engine benchmarks on package-benchmark (ordo-one/benchmark). Run from Benchmarks/:
//   swift package benchmark                       # all
//   swift package benchmark --filter potential    # one family
// Scenarios are the shared acceptance files (BRANCHSIM_SCENARIOS overrides the folder).
// docs/performance.md explains the figures and how they relate to `branchsim bench`.
import Benchmark
import BranchSimEngine
import BranchSimLanguage
import BranchSimModel
import Foundation

/// The base scenario (and the variants) of a shared scenario file, checked once.
func loadScenarios(_ file: String) -> [Scenario] {
    let dir = ProcessInfo.processInfo.environment["BRANCHSIM_SCENARIOS"] ?? "../../shared/scenarios"
    let path = "\(dir)/\(file)"
    let outcome = FrontEnd.check(path: path)
    guard let program = outcome.program, !outcome.hasErrors else {
        fatalError("benchmark scenario \(path) does not check: run `branchsim check \(path)`")
    }
    return [program.base] + program.variants.map(\.scenario)
}

/// One benchmark: `reps` replications of each scenario on `threads` threads per iteration;
/// the custom metric counts the random draws (the floor's input).
func engineBenchmark(_ name: String, _ scenarios: @autoclosure @escaping @Sendable () -> [Scenario], reps: Int, threads: Int) {
    Benchmark("\(name) \(reps) reps x\(threads)",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                   maxDuration: .seconds(20), maxIterations: 7)) { benchmark in
        let list = scenarios()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for s in list {
                // The file's scenarios are compared with one another: each runs with the others
                // as companions, as `branchsim run` does (they decide which tiers aggregate).
                var options = RunOptions(runs: .fixed(reps), threads: threads)
                options.companions = list
                let r = try Engine.run(s, label: "bench", options: options)
                blackHole(r)
            }
        }
    }
}

/// The random-draw floor: the keyed draws one replication of the scenario makes, alone.
func floorBenchmark(_ name: String, _ scenarios: @autoclosure @escaping @Sendable () -> [Scenario], reps: Int) {
    Benchmark("\(name) floor \(reps) reps", configuration: .init(metrics: [.wallClock], maxIterations: 7)) { benchmark in
        var perRep: [Int] = []
        let list = scenarios()
        for s in list {
            var options = RunOptions(runs: .fixed(10), threads: 1)
            options.companions = list
            let d = try Engine.runWithDiagnostics(s, label: "count", options: options).diagnostics
            perRep.append(d.draws.reduce(0, +) / max(1, d.draws.count))
        }
        benchmark.startMeasurement()
        var acc: UInt64 = 0
        for _ in benchmark.scaledIterations {
            for n in perRep {
                for r in 0..<reps {
                    let key = RandomKey.mix(0x5EED, UInt64(r))
                    // One finaliser per 64-bit value, as in `branchsim bench`.
                    for i in 0..<n { acc ^= RandomKey.mix(key, UInt64(truncatingIfNeeded: i)) }
                }
            }
        }
        blackHole(acc)
    }
}

let benchmarks: @Sendable () -> Void = {
    for threads in [1, 2] {
        engineBenchmark("potential-upgrade", loadScenarios("potential-upgrade.bsim"), reps: 200, threads: threads)
        engineBenchmark("channels-631", loadScenarios("channels-631.bsim"), reps: 100, threads: threads)
        engineBenchmark("hub-and-satellites", loadScenarios("hub-and-satellites.bsim"), reps: 100, threads: threads)
    }
    floorBenchmark("potential-upgrade", loadScenarios("potential-upgrade.bsim"), reps: 200)
    floorBenchmark("channels-631", loadScenarios("channels-631.bsim"), reps: 100)
    floorBenchmark("hub-and-satellites", loadScenarios("hub-and-satellites.bsim"), reps: 100)
}
