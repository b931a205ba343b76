import BranchSimModel
import Foundation
import Testing
import TestSupport
@testable import BranchSimDecisions

/// The guarantees docs/model.md states for `sensitivity` and designed sweeps, each checked by
/// simulation on synthetic outputs with a known answer (seeded, so each check is repeatable).
@Suite struct GuaranteeTests {
    /// Sensitivity's effect interval: the paired mean of `high(r) - low(r)` with its Student t
    /// 95% interval (`MetricSummary`) covers the true effect in about 95% of trials, and pairing
    /// on common random numbers makes it far narrower than the two runs' own noise.
    @Test func theEffectIntervalCoversTheTrueEffect95PercentOfTheTime() {
        var g = SeededRandom(seed: 2026)
        let trials = 2000, n = 30, effect = 3.0
        var covered = 0, pairedWidth = 0.0, unpairedWidth = 0.0
        for _ in 0..<trials {
            var diffs: [Double] = [], lows: [Double] = [], highs: [Double] = []
            for _ in 0..<n {
                // The noise both runs share (common random numbers) and their own.
                let shared = 10 * BestPlanSelectionTests.normal(&g)
                let low = 100 + shared + BestPlanSelectionTests.normal(&g)
                let high = 100 + effect + shared + BestPlanSelectionTests.normal(&g)
                diffs.append(high - low); lows.append(low); highs.append(high)
            }
            let s = MetricSummary(values: diffs)
            if s.ciLow <= effect && effect <= s.ciHigh { covered += 1 }
            pairedWidth += s.ciHigh - s.ciLow
            let l = MetricSummary(values: lows), h = MetricSummary(values: highs)
            unpairedWidth += 2 * 1.96 * (l.sd * l.sd / Double(n) + h.sd * h.sd / Double(n)).squareRoot()
        }
        let coverage = Double(covered) / Double(trials)
        // Binomial sd at 95% over 2,000 trials is 0.49%: 93.5%..96.5% is three of them.
        #expect(coverage > 0.935 && coverage < 0.965, "coverage \(coverage)")
        #expect(pairedWidth < unpairedWidth / 5, "paired \(pairedWidth / Double(trials)), unpaired \(unpairedWidth / Double(trials))")
    }

    /// A Latin hypercube's mean of an additive response is unbiased and, because each
    /// parameter's strata are hit once each, far less variable than the mean of as many
    /// independent uniform points (McKay, Beckman and Conover 1979).
    @Test func aLatinHypercubeEstimatesTheMeanWithLessVarianceThanRandomPoints() {
        let ranges: [ClosedRange<Double>] = [0...1, 10...20, -5...5]
        // f = x0² + 0.5 x1 + x2: its mean over the box is 1/3 + 7.5 + 0.
        func f(_ x: [Double]) -> Double { x[0] * x[0] + 0.5 * x[1] + x[2] }
        let truth = 1.0 / 3 + 7.5
        let n = 10, trials = 400
        var lhs: [Double] = [], plain: [Double] = []
        var g = SeededRandom(seed: 7)
        for t in 0..<trials {
            lhs.append(Design.latinHypercube(n, ranges, seed: UInt64(t + 1)).map(f).reduce(0, +) / Double(n))
            var sum = 0.0
            for _ in 0..<n {
                sum += f(ranges.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * (Double(g.next() >> 11) * 0x1p-53) })
            }
            plain.append(sum / Double(n))
        }
        let l = MetricSummary(values: lhs), p = MetricSummary(values: plain)
        #expect(l.ciLow <= truth && truth <= l.ciHigh, "LHS mean \(l.mean), truth \(truth)")
        #expect(l.sd < p.sd / 5, "LHS sd \(l.sd), random sd \(p.sd)")
    }
}
