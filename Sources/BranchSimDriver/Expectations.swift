import BranchSimModel

/// The result of checking one `expect` against the last run or comparison.
public struct ExpectationOutcome: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case passed, failed
        /// The expectation could not be measured (no run yet, metric missing): counts as failed.
        case unmeasured
    }

    public var expectation: Expectation
    public var location: SourceLocation
    public var status: Status
    public var measured: Double?
    /// The 95% confidence interval of the measured statistic, where it has one (means and differences).
    public var interval: (Double, Double)?
    public var note: String?

    public var passed: Bool { status == .passed }

    public static func == (a: ExpectationOutcome, b: ExpectationOutcome) -> Bool {
        a.expectation == b.expectation && a.location == b.location && a.status == b.status
            && a.measured == b.measured && a.interval?.0 == b.interval?.0 && a.interval?.1 == b.interval?.1
            && a.note == b.note
    }
}

/// Measures a metric path on results.
public enum ExpectationEvaluator {
    /// Evaluates `expectation` on the last run (for `.run` paths) or the last comparison
    /// (for `compare.` paths; the difference is later minus first, the first pair of variants).
    public static func evaluate(_ expectation: Expectation, at location: SourceLocation,
                                run: RunResult?, comparison: ComparisonResult?) -> ExpectationOutcome {
        func unmeasured(_ why: String) -> ExpectationOutcome {
            ExpectationOutcome(expectation: expectation, location: location, status: .unmeasured,
                               measured: nil, interval: nil, note: why)
        }
        let path = expectation.path
        let value: Double
        var interval: (Double, Double)?
        switch path.scope {
        case .run:
            guard let run else { return unmeasured("no run before this expectation; add `run` above it") }
            guard let s = run.summary(of: path.metric) else {
                return unmeasured("the last run has no metric '\(path.metric)'")
            }
            let stat = path.statistic ?? .mean
            value = s.value(of: stat)
            if stat == .mean { interval = (s.ciLow, s.ciHigh) }
        case .compareDiff:
            guard let comparison else { return unmeasured("no comparison before this expectation; add `compare` above it") }
            guard let s = comparison.difference(of: path.metric) else {
                return unmeasured("the last comparison has no metric '\(path.metric)'")
            }
            let stat = path.statistic ?? .mean
            value = s.value(of: stat)
            if stat == .mean { interval = (s.ciLow, s.ciHigh) }
        case .compareProbBetter:
            guard let comparison else { return unmeasured("no comparison before this expectation; add `compare` above it") }
            guard let p = comparison.probabilityBetter(of: path.metric) else {
                return unmeasured("the last comparison has no metric '\(path.metric)'")
            }
            value = p
        }
        guard value.isFinite else {
            return ExpectationOutcome(expectation: expectation, location: location, status: .unmeasured,
                                      measured: value, interval: nil, note: "the measured value is not a number")
        }
        return ExpectationOutcome(expectation: expectation, location: location,
                                  status: expectation.holds(for: value) ? .passed : .failed,
                                  measured: value, interval: interval, note: nil)
    }
}
