import Foundation
import Testing
import TestSupport
@testable import BranchSimDecisions

/// The split of a result's variance into inputs and noise, checked by simulation on
/// synthetic twins: `y = theta + e`, `twin = theta + e'`, with known variances.
@Suite struct InputSpreadTests {
    static func twins(n: Int, inputSD: Double, noiseSD: Double, seed: UInt64) -> ([Double], [Double]) {
        var g = SeededRandom(seed: seed)
        var y: [Double] = [], t: [Double] = []
        for _ in 0..<n {
            let theta = inputSD * BestPlanSelectionTests.normal(&g)
            y.append(100 + theta + noiseSD * BestPlanSelectionTests.normal(&g))
            t.append(100 + theta + noiseSD * BestPlanSelectionTests.normal(&g))
        }
        return (y, t)
    }

    @Test func theShareFromTheInputsIsRecovered() {
        // Input variance 4, noise variance 1: the inputs' share is 0.8.
        var close = 0
        for seed in 1...100 {
            let (y, t) = Self.twins(n: 2000, inputSD: 2, noiseSD: 1, seed: UInt64(seed))
            let s = InputSpread(values: y, twins: t)
            if abs(s.inputShare - 0.8) < 0.05 { close += 1 }
        }
        #expect(close >= 95, "\(close) of 100 within 0.05 of 0.8")
    }

    @Test func inputsThatDoNotMatterGetNoShareOnAverage() {
        var total = 0.0
        for seed in 1...100 {
            let (y, t) = Self.twins(n: 500, inputSD: 0, noiseSD: 3, seed: UInt64(seed))
            total += InputSpread(values: y, twins: t).inputShare
        }
        // max(0, .) of a quantity with mean 0 and sd about 0.09: small, well under 0.1.
        #expect(total / 100 < 0.08)
    }

    @Test func noiseFreeTwinsGiveEverythingToTheInputs() {
        let y = [1.0, 2, 3, 4], s = InputSpread(values: y, twins: y)
        #expect(s.noise == 0 && s.inputShare == 1)
        #expect(InputSpread(values: [1], twins: [1]).total.isNaN)
    }
}
