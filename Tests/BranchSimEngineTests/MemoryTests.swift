import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

/// What a run holds in memory does not grow with its replications (docs/performance.md,
/// "Memory"): a worker gives back every column it takes, and the rows spill to a file past
/// their budget, with results identical to rows kept in memory.
@Suite struct MemoryTests {
    /// A scenario whose occurrences take every selection path that borrows a kept column:
    /// priority selection from a `where maturing` pool (`gatherMaturing`, `selectByPriority`)
    /// and a plain count.
    static func maturingScenario(runs: Int) -> Scenario {
        var s = Fixtures.small(customers: 800, shares: [0.8, 0.2], horizon: .months(6), step: .month, runs: runs)
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(3), retain: 0.6))
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.5), ProductShare(product: 3, share: 0.5)]
        s.tiers[1].holds = [ProductShare(product: 3, share: 1)]
        let follow = Fixtures.campaign("follow", target: [0, 1], frequency: Rate(count: 2, per: .month), contacts: .count(15),
                                       funnel: [("reach", 1), ("convert", 0.3)], amount: .fixed(20_000),
                                       buys: [ProductShare(product: 3, share: 1)], filter: .maturing(3, within: .weeks(6)))
        let call = Fixtures.campaign("call", target: [0], frequency: Rate(count: 1, per: .month), contacts: .count(20),
                                     funnel: [("convert", 0.2)], amount: .fixed(10_000), buys: [ProductShare(product: 0, share: 1)])
        s.campaigns = [follow, call]
        return s
    }

    /// Every column a worker allocates is freed when it ends, however many replications it ran:
    /// a column made as a placeholder for a swap and then dropped leaked at every occurrence
    /// (300 KB a replication of a 20-outlet province) until 2026-12-03.
    @Test func aWorkerFreesEveryColumnItTakes() throws {
        #if DEBUG
        let plan = try SimulationPlan(Self.maturingScenario(runs: 1))
        let before = LiveColumns.onThisThread
        var during = 0
        do {
            var worker = Replicator(plan: plan, seed: 3, salt: 0)
            _ = worker.run(replication: 0)
            let afterOne = LiveColumns.onThisThread
            for i in 1..<6 { _ = worker.run(replication: i) }
            during = LiveColumns.onThisThread - afterOne
        }
        #expect(during == 0, "columns held by a worker grew by \(during) over five replications")
        #expect(LiveColumns.onThisThread == before)
        #endif
    }

    /// The rows a run keeps in memory stay within their budget whatever `runs` is (the rest
    /// is in the temporary file), and the run's rows and summaries equal, bit for bit, those
    /// of the same run with every row in memory, at 1 and 2 threads.
    @Test func rowsInMemoryDoNotGrowWithRuns() throws {
        let s = Self.maturingScenario(runs: 1)
        let width = try SimulationPlan(s).metrics.count
        var tiny = RunOptions(runs: .fixed(30), threads: 2)
        tiny.rowBudget = 3 * 8 * width  // three rows
        let small = try Engine.run(s, label: "base", options: tiny)
        tiny.runs = .fixed(120)
        let large = try Engine.run(s, label: "base", options: tiny)
        #expect(large.rows.spilledRows >= 117 && large.rows.spilledRows > small.rows.spilledRows)
        #expect(large.rows.retainedBytes <= 3 * 8 * width + 64)
        // Four times the runs, the same memory: equal up to the allocator's rounding (an
        // array's capacity is what malloc gave, which may be a 16-byte granule more on one run).
        #expect(abs(large.rows.retainedBytes - small.rows.retainedBytes) <= 32,
                "\(large.rows.retainedBytes) bytes at 120 runs against \(small.rows.retainedBytes) at 30")

        for threads in [1, 2] {
            let whole = try Engine.run(s, label: "base", options: RunOptions(runs: .fixed(120), threads: threads))
            #expect(whole.rows.spilledRows == 0)
            #expect(whole == large)
            #expect(whole.replications.map(\.index) == Array(0..<120))
            let a = whole.allSummaries(threads: threads), b = large.allSummaries(threads: threads)
            #expect(Self.bits(a.metrics) == Self.bits(b.metrics))
            #expect(a.series.map(Self.bits) == b.series.map(Self.bits))
            for m in whole.metrics {
                #expect(whole.values(of: m.key)!.map(\.bitPattern) == large.values(of: m.key)!.map(\.bitPattern))
            }
        }
    }

    /// The reorder buffer that puts rows finished out of order back in order holds at most
    /// the work queue's window, however slow one replication is against the others.
    @Test func theReorderBufferIsBounded() {
        let n = 400, workers = 2, window = Engine.reorderWindow(workers: workers, maxChunk: 4)
        let store = RowStore(width: 1)
        let collector = OrderedRows(rows: store, first: 0)
        let queue = WorkQueue(count: n, workers: workers, maxChunk: 4, window: window, collector: collector)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let part = queue.next() {
                for i in part {
                    // Replication 0 is slow: without the window, the other worker would run
                    // every other replication meanwhile and they would all wait.
                    if i == 0 { Thread.sleep(forTimeInterval: 0.2) }
                    collector.store(i, record: ReplicationRecord(index: i, values: [Double(i)], series: []), draws: i)
                }
                _ = queue.finish(part.count)
            }
        }
        let (done, draws) = collector.finish()
        #expect(done == n && draws == Array(0..<n))
        #expect(store.column(0) == (0..<n).map(Double.init))
        #expect(collector.mostWaiting <= window + 4)
    }

    static func bits(_ s: [MetricSummary]) -> [[UInt64]] {
        s.map { [$0.mean, $0.sd, $0.ciLow, $0.ciHigh, $0.p5, $0.p50, $0.p95, $0.min, $0.max].map(\.bitPattern) }
    }
}
