import Foundation
import Testing
@testable import BranchSimModel

@Suite struct TimeTests {
    @Test func monthlyOnWeeklyStepsGivesTwelveInAYear() {
        let rate = Rate(count: 1, per: .month)
        let total = (0..<52).reduce(0) { $0 + rate.occurrences(inStep: $1, step: .week) }
        #expect(total == 12)
        #expect(rate.cumulativeOccurrences(steps: 52, step: .week) == 12)
    }

    @Test func perWorkdayOnWeeklySteps() {
        let rate = Rate(count: 1, per: .workday)
        #expect((0..<26).allSatisfy { rate.occurrences(inStep: $0, step: .week) == 5 })
    }

    /// The longest horizon on weekly steps is the most steps a run may have, which is what a
    /// rows file is checked against; and a rate's description survives any count.
    @Test func longestHorizonAndHugeRates() {
        let s = RunSettings(horizon: .years(100), step: .week)
        #expect(Scenario(title: "", settings: s, tiers: [], products: [], branches: []).steps == RunResult.maximumSteps)
        #expect(Rate(count: 1e19, per: .week).description == "1e+19 per week")
        #expect(Rate(count: 3, per: .month).description == "3 per month")
        func rows(steps: Int, series: [String], width: Int) -> RunResult {
            RunResult(label: "base", title: "", seed: 1, steps: steps, stepUnit: "week", metrics: [], series: series,
                      replications: [ReplicationRecord(index: 0, values: [], series: Array(repeating: 0, count: width))],
                      availableFTE: [:])
        }
        #expect(rows(steps: 4, series: ["aum"], width: 4).shapeProblem == nil)
        #expect(rows(steps: 4, series: ["aum"], width: 0).shapeProblem == nil)
        #expect(rows(steps: 4, series: ["aum"], width: 3).shapeProblem?.contains("has 3 series values, not 4") == true)
        #expect(rows(steps: 1 << 62, series: ["aum", "aum.x"], width: 1).shapeProblem?.contains("(a run has 1 to 5200)") == true)
        #expect(rows(steps: 0, series: ["aum"], width: 0).shapeProblem != nil)
    }

    @Test func horizonRoundsToWholeSteps() {
        var s = RunSettings(horizon: .months(6), step: .week)
        #expect(Scenario(title: "", settings: s, tiers: [], products: [], branches: []).steps == 26)
        s.horizon = .months(12)
        #expect(Scenario(title: "", settings: s, tiers: [], products: [], branches: []).steps == 52)
    }
}

@Suite struct StatisticsTests {
    @Test func summaryOfKnownValues() {
        let s = MetricSummary(values: [1, 2, 3, 4, 5])
        #expect(s.mean == 3)
        #expect(abs(s.sd - 1.5811388300841898) < 1e-12)
        #expect(s.p50 == 3)
        #expect(abs(s.p5 - 1.2) < 1e-12)
        #expect(abs(s.p95 - 4.8) < 1e-12)
        #expect(abs(s.halfWidth - 2.7764451051977944 * 1.5811388300841898 / 5.0.squareRoot()) < 1e-12)
    }

    /// t(0.975, df) computed, not read from a 3-decimal table: reference values to 20 digits
    /// (the inverse of the regularized incomplete beta function at 40-digit precision).
    @Test func tQuantileIsExact() {
        let reference: [(Int, Double)] = [
            (1, 12.706204736174704646), (2, 4.3026527297494638523), (4, 2.7764451051977943578),
            (5, 2.5705818356363155147), (10, 2.2281388519862747484), (30, 2.04227245630123831),
            (31, 2.0395134463964084879), (100, 1.9839715185235522866), (1000, 1.962339080826408485),
            (50000, 1.9600114310936801001),
        ]
        for (df, t) in reference {
            let got = MetricSummary.tQuantile975(degreesOfFreedom: df)
            #expect(abs(got - t) <= 1e-12 * t, "t(0.975, \(df)) = \(got), expected \(t)")
        }
        // df = 1 is the Cauchy distribution: tan(0.475 pi).
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1) - tan(0.475 * Double.pi)) < 1e-11)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
        #expect(abs(StudentT.quantile(0.995, degreesOfFreedom: 7) - 3.4994832973504924) < 1e-11)
    }

    @Test func tQuantileApproachesNormal() {
        #expect(abs(MetricSummary.tQuantile975(degreesOfFreedom: 60) - 2.0003) < 1e-3)
        #expect(abs(MetricSummary.tQuantile975(degreesOfFreedom: 1000) - 1.9623) < 1e-3)
    }
}
