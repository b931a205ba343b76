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
        let value: Double, interval: (Double, Double)?
        switch measure(expectation.path, run: run, comparison: comparison, decision: decision) {
        case .failure(let why): return unmeasured(why.reason)
        case .success(let m): (value, interval) = m
        }
        guard value.isFinite else {
            return unmeasured("the measured value is not a number", value)
        }
        var rhs: Double?
        if case .compareExpression(_, let e) = expectation.condition {
            var missing: String?
            rhs = e.evaluate { p in
                switch measure(p, run: run, comparison: comparison, decision: decision) {
                case .success(let m): return m.value
                case .failure(let why): missing = missing ?? why.reason; return nil
                }
            }
            if let missing { return unmeasured(missing, value) }
            guard let r = rhs, r.isFinite else { return unmeasured("the right side is not a number", value) }
        }
        var outcome = ExpectationOutcome(expectation: expectation, measured: value, interval: interval,
                                         passed: expectation.holds(for: value, against: rhs), location: location)
        outcome.against = rhs
        outcome.unit = unit(of: expectation.path, run: run, comparison: comparison, decision: decision)
        return outcome
    }

    struct Unmeasured: Error { var reason: String }

    /// The unit the results give the path's metric (a probability, a rank or a count of plans has none).
    static func unit(of path: MetricPath, run: RunResult?, comparison: ComparisonResult?,
                     decision: DecisionResult? = nil) -> MetricUnit? {
        let source: RunResult?
        switch path.scope {
        case .run: source = run
        case .compareDiff: source = comparison?.runs.first
        case .decision: return decision?.unit(of: path.metric)
        case .compareProbBetter: return nil
        }
        guard let source, let i = source.metricIndex(path.metric) else { return nil }
        return source.metrics[i].unit
    }

    /// A path's value on the last run or comparison, with the 95% interval of a mean.
    static func measure(_ path: MetricPath, run: RunResult?, comparison: ComparisonResult?, decision: DecisionResult?)
        -> Result<(value: Double, interval: (Double, Double)?), Unmeasured> {
        let noComparison = Unmeasured(reason: "no comparison before this expectation; add `compare` above it")
        switch path.scope {
        case .run, .compareDiff:
            // A statistic of a run's metric, or of the paired difference in the last comparison.
            let summary: MetricSummary?
            if path.scope == .run {
                guard let run else { return .failure(Unmeasured(reason: "no run before this expectation; add `run` above it")) }
                summary = run.summary(of: path.metric)
            } else {
                guard let comparison else { return .failure(noComparison) }
                summary = comparison.difference(of: path.metric)
            }
            guard let s = summary else {
                return .failure(Unmeasured(reason: "the last \(path.scope == .run ? "run" : "comparison") has no metric '\(path.metric)'"))
            }
            let stat = path.statistic ?? .mean
            return .success((s.value(of: stat), stat == .mean ? (s.ciLow, s.ciHigh) : nil))
        case .decision:
            guard let decision else {
                return .failure(Unmeasured(reason: "no sensitivity, optimize or calibrate before this expectation; add one above it"))
            }
            guard let v = decision.value(path.metric) else {
                let known = decision.values.map(\.key)
                return .failure(Unmeasured(reason: "the last \(decision.kind.rawValue) has no result '\(path.metric)'"
                    + (known.isEmpty ? "" : " (it has \(known.prefix(6).joined(separator: ", "))\(known.count > 6 ? ", ..." : ""))")))
            }
            return .success((v, nil))
        case .compareProbBetter:
            guard let comparison else { return .failure(noComparison) }
            guard let p = comparison.probabilityBetter(of: path.metric) else {
                return .failure(Unmeasured(reason: "the last comparison has no metric '\(path.metric)'"))
            }
            return .success((p, nil))
        }
    }
}
