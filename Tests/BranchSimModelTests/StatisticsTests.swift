import Testing
@testable import BranchSimModel
import TestSupport

/// The quantiles found by selection must be those of the sorted values (type 7), for any
/// sizes, ties and orders.
@Suite struct QuantileSelectionTests {
    @Test func selectedQuantilesEqualSortedQuantiles() {
        var random = SeededRandom(seed: 0x1234_5678)
        func next() -> UInt64 { random.next() }
        for trial in 0..<2000 {
            let n = 1 + Int(next() % 300)
            var xs = (0..<n).map { _ -> Double in
                trial % 3 == 0 ? Double(next() % 4) : Double(Int64(bitPattern: next())) / 1e6
            }
            if trial % 5 == 0 { xs.sort() }
            if trial % 7 == 0 { xs.sort(by: >) }
            let s = MetricSummary(values: xs)
            let sorted = xs.sorted()
            #expect(s.p5 == MetricSummary.quantile(sorted, 0.05))
            #expect(s.p50 == MetricSummary.quantile(sorted, 0.50))
            #expect(s.p95 == MetricSummary.quantile(sorted, 0.95))
            #expect(s.min == sorted.first && s.max == sorted.last)
        }
    }
}

/// `orderStatistics` must give, for any set of ranks, the values a sort puts there: random,
/// tied, constant, sorted, reversed and organ-pipe orders, sizes across the small-part cutoff.
@Suite struct OrderStatisticsTests {
    @Test func severalRanksAtOnceMatchASort() {
        var random = SeededRandom(seed: 0x9876_5432)
        func next() -> UInt64 { random.next() }
        for trial in 0..<600 {
            let n = 1 + Int(next() % (trial % 4 == 0 ? 3000 : 200))
            var xs: [Double]
            switch trial % 6 {
            case 0: xs = (0..<n).map { _ in Double(next() % 3) }
            case 1: xs = (0..<n).map { _ in Double(next() % 40) - 20 }
            case 2: xs = [Double](repeating: 7.5, count: n)
            case 3: xs = (0..<n).map { i in Double(min(i, n - i)) }
            default: xs = (0..<n).map { _ in Double(Int64(bitPattern: next())) / 1e6 }
            }
            if trial % 5 == 0 { xs.sort() }
            if trial % 7 == 0 { xs.sort(by: >) }
            let ranks = Array(Set((0..<(1 + Int(next() % 8))).map { _ in Int(next() % UInt64(n)) })).sorted()
            let sorted = xs.sorted()
            #expect(OrderStatistics.orderStatistics(xs, ranks: ranks) == ranks.map { sorted[$0] }, "trial \(trial), n \(n)")
        }
    }

    /// A NaN leaves the order undefined; the summary must still come back (no trap, no hang)
    /// with its NaN mean.
    @Test func summaryWithNaNStillReturns() {
        let s = MetricSummary(values: [3, .nan, 1, 2, 5, 4])
        #expect(s.mean.isNaN)
        #expect(s.n == 6)
    }
}
