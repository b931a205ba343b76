import BranchSimModel
import BranchSimReports

/// Measures a metric path on results.
public enum ExpectationEvaluator {
    /// Evaluates `expectation` on the last run (for `.run` paths) or the last comparison
    /// (for `compare.` paths; the difference is later minus first, the first pair of variants).
    public static func evaluate(_ expectation: Expectation, at location: SourceLocation,
                                run: RunResult?, comparison: ComparisonResult?,
                                decision: DecisionResult? = nil) -> ExpectationOutcome {
        func unmeasured(_ why: String, _ value: Double = .nan) -> ExpectationOutcome {
            ExpectationOutcome(expectation: expectation, measured: value, interval: nil, passed: false,
                               location: location, note: why)
        }
        let path = expectation.path
        let noComparison = "no comparison before this expectation; add `compare` above it"
        let value: Double
        var interval: (Double, Double)?
        switch path.scope {
        case .run, .compareDiff:
            // A statistic of a run's metric, or of the paired difference in the last comparison.
            let summary: MetricSummary?
            if path.scope == .run {
                guard let run else { return unmeasured("no run before this expectation; add `run` above it") }
                summary = run.summary(of: path.metric)
            } else {
                guard let comparison else { return unmeasured(noComparison) }
                summary = comparison.difference(of: path.metric)
            }
            guard let s = summary else {
                return unmeasured("the last \(path.scope == .run ? "run" : "comparison") has no metric '\(path.metric)'")
            }
            let stat = path.statistic ?? .mean
            value = s.value(of: stat)
            if stat == .mean { interval = (s.ciLow, s.ciHigh) }
        case .decision:
            guard let decision else {
                return unmeasured("no sensitivity or optimize before this expectation; add one above it")
            }
            guard let v = decision.value(path.metric) else {
                let known = decision.values.map(\.key)
                return unmeasured("the last \(decision.kind.rawValue) has no result '\(path.metric)'"
                    + (known.isEmpty ? "" : " (it has \(known.prefix(6).joined(separator: ", "))\(known.count > 6 ? ", ..." : ""))"))
            }
            value = v
        case .compareProbBetter:
            guard let comparison else { return unmeasured(noComparison) }
            guard let p = comparison.probabilityBetter(of: path.metric) else {
                return unmeasured("the last comparison has no metric '\(path.metric)'")
            }
            value = p
        }
        guard value.isFinite else {
            return unmeasured("the measured value is not a number", value)
        }
        return ExpectationOutcome(expectation: expectation, measured: value, interval: interval,
                                  passed: expectation.holds(for: value), location: location)
    }
}
