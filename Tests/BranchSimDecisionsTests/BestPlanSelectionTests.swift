import Foundation
import Testing
import TestSupport
@testable import BranchSimDecisions

/// The selection procedure's guarantee, checked by simulation: plans with known means and
/// normal noise, a common component standing for common random numbers, many macro
/// replications from fixed seeds (so the test is repeatable), and the share of correct
/// choices counted.
@Suite struct BestPlanSelectionTests {
    /// A standard normal draw (Box-Muller).
    static func normal(_ g: inout SeededRandom) -> Double {
        let u1 = Double(g.next() >> 11) * 0x1p-53 + 0x1p-54, u2 = Double(g.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// One replication of every plan: `means[i] + shared + own noise`; `shared` (the same for
    /// every plan in that replication) is what common random numbers give.
    static func replication(_ means: [Double], sd: Double, sharedSD: Double, _ g: inout SeededRandom) -> [Double] {
        let shared = sharedSD * normal(&g)
        return means.map { $0 + shared + sd * normal(&g) }
    }

    /// Runs the procedure to the end; returns the choice and the replications it took.
    static func select(_ means: [Double], delta: Double, sd: Double, sharedSD: Double, seed: UInt64) -> (Int, Int) {
        var g = SeededRandom(seed: seed)
        var kn = BestPlanSelection(count: means.count, alpha: 0.05, delta: delta, firstStage: 10)
        while !kn.isDone {
            let all = replication(means, sd: sd, sharedSD: sharedSD, &g)
            kn.add(kn.contenders.map { all[$0] })
        }
        return (kn.chosen!, kn.totalReplications)
    }

    /// The slippage configuration (the hardest for the guarantee): the best is exactly
    /// `delta` above four others that tie. Over 1,000 seeds it must be chosen at least 95%
    /// of the time.
    @Test func choosesTheBestAtLeast95PercentInTheSlippageConfiguration() {
        let means = [0.0, 0.0, 1.0, 0.0, 0.0], delta = 1.0
        var correct = 0
        let trials = 1000
        for seed in 0..<trials where Self.select(means, delta: delta, sd: 2, sharedSD: 3, seed: UInt64(seed) &* 7919).0 == 2 {
            correct += 1
        }
        let pcs = Double(correct) / Double(trials)
        print("slippage configuration: correct selection in \(correct) of \(trials)")
        #expect(pcs >= 0.95, "probability of correct selection \(pcs)")
    }

    /// The check above can fail: picking the highest mean after the first stage alone, the
    /// naive rule, falls well short of 95% in the same configuration.
    @Test func theNaiveRuleFallsShortInTheSameConfiguration() {
        let means = [0.0, 0.0, 1.0, 0.0, 0.0]
        var correct = 0
        for seed in 0..<1000 {
            var g = SeededRandom(seed: UInt64(seed) &* 7919)
            var sums = [Double](repeating: 0, count: 5)
            for _ in 0..<10 {
                for (i, x) in Self.replication(means, sd: 2, sharedSD: 3, &g).enumerated() { sums[i] += x }
            }
            if sums.indices.max(by: { sums[$0] < sums[$1] }) == 2 { correct += 1 }
        }
        print("naive rule: correct selection in \(correct) of 1000")
        #expect(Double(correct) / 1000 < 0.9, "naive rule \(correct) of 1000")
    }

    /// Common random numbers pay: the shared component cancels in the paired differences,
    /// so the procedure needs no more replications with a large shared noise than without.
    @Test func commonRandomNumbersCancelInThePairs() {
        var with = 0, without = 0
        for seed in 0..<100 {
            with += Self.select([0, 0.5, 1], delta: 0.5, sd: 1, sharedSD: 10, seed: UInt64(seed)).1
            without += Self.select([0, 0.5, 1], delta: 0.5, sd: (1 + 100.0).squareRoot(), sharedSD: 0, seed: UInt64(seed)).1
        }
        #expect(with * 5 < without, "replications with CRN \(with), independent of the same total noise \(without)")
    }

    @Test func aClearBestStopsEarlyAndOnePlanIsChosenAtOnce() {
        let (choice, reps) = Self.select([0, 10, 0], delta: 1, sd: 1, sharedSD: 0, seed: 3)
        #expect(choice == 1)
        #expect(reps == 30, "first stage only: \(reps)")
        var one = BestPlanSelection(count: 1, delta: 1)
        #expect(one.isDone && one.chosen == 0)
        one = BestPlanSelection(count: 2, delta: 1, firstStage: 2)
        one.add([5, 5]); one.add([5, 5])
        #expect(one.isDone && one.chosen == 0, "identical plans: the lower index")
    }

    @Test func hSquaredMatchesTheClosedForm() {
        // k = 2, alpha = 0.05, n0 = 10: h² = 9 · (0.1^(-2/9) - 1).
        let kn = BestPlanSelection(count: 2, alpha: 0.05, delta: 1, firstStage: 10)
        #expect(abs(kn.hSquared - 9 * (pow(0.1, -2.0 / 9) - 1)) < 1e-12)
    }

    @Test func probabilityBestFromPairedReplications() {
        var g = SeededRandom(seed: 11)
        var outputs: [[Double]] = [[], [], []]
        for _ in 0..<200 {
            let row = Self.replication([0, 0.05, 3], sd: 1, sharedSD: 5, &g)
            for i in 0..<3 { outputs[i].append(row[i]) }
        }
        let p = probabilityBest(outputs, resamples: 500, seed: 1)
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        #expect(p[2] > 0.99)
        #expect(p == probabilityBest(outputs, resamples: 500, seed: 1), "same seed, same answer")
        let tied = probabilityBest([outputs[0], outputs[0].map { $0 + 1e-9 }], resamples: 200)
        #expect(tied == [0, 1])
    }
}

@Suite struct DesignTests {
    @Test func fullFactorialListsEveryCombinationFirstSlowest() {
        let d = Design.fullFactorial([[1, 2], [10, 20, 30]])
        #expect(d == [[1, 10], [1, 20], [1, 30], [2, 10], [2, 20], [2, 30]])
        #expect(Design.fullFactorial([[1], []]).isEmpty)
    }

    @Test func latinHypercubeHoldsOnePointPerStratumInEveryParameter() {
        let n = 50
        let ranges: [ClosedRange<Double>] = [0.3...0.5, 10...200, -1...1]
        let d = Design.latinHypercube(n, ranges, seed: 42)
        #expect(d.count == n && d.allSatisfy { $0.count == 3 })
        for (j, r) in ranges.enumerated() {
            let strata = d.map { Int((($0[j] - r.lowerBound) / (r.upperBound - r.lowerBound) * Double(n)).rounded(.down)) }
            #expect(Set(strata) == Set(0..<n), "parameter \(j): one point per stratum")
            #expect(d.allSatisfy { r.contains($0[j]) })
        }
        #expect(d == Design.latinHypercube(n, ranges, seed: 42))
        #expect(d != Design.latinHypercube(n, ranges, seed: 43))
        // The strata are paired at random: the first two parameters are not in lock step.
        let order0 = d.indices.sorted { d[$0][0] < d[$1][0] }, order1 = d.indices.sorted { d[$0][1] < d[$1][1] }
        #expect(order0 != order1)
    }
}
