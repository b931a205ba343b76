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
        #expect(abs(s.halfWidth - 2.776 * 1.5811388300841898 / 5.0.squareRoot()) < 1e-9)
    }

    @Test func tQuantileApproachesNormal() {
        #expect(abs(MetricSummary.tQuantile975(degreesOfFreedom: 60) - 2.0003) < 1e-3)
        #expect(abs(MetricSummary.tQuantile975(degreesOfFreedom: 1000) - 1.9623) < 1e-3)
    }
}
