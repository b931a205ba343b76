import BranchSimModel
import BranchSimReports
import Testing
@testable import BranchSimDriver

@Suite struct ExpectationTests {
    static let at = SourceLocation(file: "plan.bsim", line: 7, column: 1)

    static func run(_ label: String, uplift: [Double]) -> RunResult {
        RunResult(label: label, title: "t", seed: 1, steps: 1, stepUnit: "week",
                  metrics: [MetricDescriptor(key: "uplift", unit: .money)], series: [],
                  replications: uplift.enumerated().map { ReplicationRecord(index: $0.offset, values: [$0.element], series: []) },
                  availableFTE: [:])
    }

    static func expect(_ path: MetricPath, _ cond: BranchSimModel.Expectation.Condition) -> BranchSimModel.Expectation {
        BranchSimModel.Expectation(path: path, condition: cond, text: "expect \(path)")
    }

    @Test func measuresRunStatisticsWithTheirInterval() {
        let r = Self.run("base", uplift: [1, 2, 3, 4, 5])
        let mean = ExpectationEvaluator.evaluate(Self.expect(MetricPath(metric: "uplift"), .compare(.greater, 2)),
                                                 at: Self.at, run: r, comparison: nil)
        #expect(mean.passed && mean.measured == 3 && mean.interval != nil)
        let p95 = ExpectationEvaluator.evaluate(Self.expect(MetricPath(metric: "uplift", statistic: .p95), .within(4, 5)),
                                                at: Self.at, run: r, comparison: nil)
        #expect(p95.passed && abs(p95.measured - 4.8) < 1e-12 && p95.interval == nil)
    }

    @Test func comparisonPathsUseThePairedDifference() {
        let c = BranchSimModel.ComparisonResult(runs: [Self.run("a", uplift: [1, 2, 3]), Self.run("b", uplift: [2, 4, 3])],
                                 metrics: ["uplift"], independent: false)
        let diff = ExpectationEvaluator.evaluate(Self.expect(MetricPath(scope: .compareDiff, metric: "uplift"), .compare(.equal, 1)),
                                                 at: Self.at, run: nil, comparison: c)
        #expect(diff.passed, "measured \(diff.measured)")
        let better = ExpectationEvaluator.evaluate(
            Self.expect(MetricPath(scope: .compareProbBetter, metric: "uplift"), .compare(.greaterOrEqual, 0.8)),
            at: Self.at, run: nil, comparison: c)
        #expect(abs(better.measured - (2.5 / 3)) < 1e-12 && better.passed)
    }

    @Test func unmeasuredExpectationsFailWithAReason() {
        let noRun = ExpectationEvaluator.evaluate(Self.expect(MetricPath(metric: "uplift"), .compare(.greater, 0)),
                                                  at: Self.at, run: nil, comparison: nil)
        #expect(!noRun.passed && noRun.note == "no run before this expectation; add `run` above it")
        let noCompare = ExpectationEvaluator.evaluate(Self.expect(MetricPath(scope: .compareDiff, metric: "uplift"), .compare(.greater, 0)),
                                                      at: Self.at, run: Self.run("base", uplift: [1]), comparison: nil)
        #expect(!noCompare.passed && noCompare.note == "no comparison before this expectation; add `compare` above it")
        let missing = ExpectationEvaluator.evaluate(Self.expect(MetricPath(metric: "cost"), .compare(.greater, 0)),
                                                    at: Self.at, run: Self.run("base", uplift: [1]), comparison: nil)
        #expect(missing.note == "the last run has no metric 'cost'")
        #expect(TextReports.expectationLine(missing) == "FAIL  expect cost  (the last run has no metric 'cost')  at plan.bsim:7:1")
    }
}
