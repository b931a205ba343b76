import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

/// Release-build timing, run on demand only (no timing assertions):
/// `BRANCHSIM_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BRANCHSIM_BENCH"] != nil))
struct BenchmarkTests {
    @Test func potentialUpgrade2000Replications() throws {
        let s = Fixtures.potentialUpgrade(runs: 2000)
        for threads in [1, 2] {
            let start = Date()
            let (r, d) = try Engine.runWithDiagnostics(s, label: "base", options: RunOptions(threads: threads))
            let seconds = Date().timeIntervalSince(start)
            let draws = d.draws.reduce(0, +)
            print("potential-upgrade: \(r.count) replications, \(threads) thread(s): \(String(format: "%.2f", seconds)) s, "
                  + "\(draws / r.count) draws per replication, uplift mean \(Int(r.mean("uplift")))")
        }
        for (name, scenario) in [("channels-631", Fixtures.channels631(runs: 200)), ("hub-and-satellites", Fixtures.hubAndSatellites(runs: 200))] {
            let start = Date()
            let (r, d) = try Engine.runWithDiagnostics(scenario, label: "base", options: RunOptions(threads: 2))
            print("\(name): \(r.count) replications, 2 threads: \(String(format: "%.2f", Date().timeIntervalSince(start))) s, "
                  + "\(d.draws.reduce(0, +) / r.count) draws per replication")
        }
    }
}
