import BranchSimModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How text reports look.
public struct ReportOptions: Sendable, Equatable {
    /// Money in whole yuan or in 万 (`--units wan`).
    public var units: MoneyUnits
    /// ANSI colour for PASS/FAIL and warnings (only on a terminal; the caller decides).
    public var colour: Bool

    public init(units: MoneyUnits = .yuan, colour: Bool = false) {
        self.units = units
        self.colour = colour
    }

    /// Whether to colour output written to `fd`: only on a terminal whose `TERM` is not `dumb`,
    /// and never when `NO_COLOR` is set (https://no-color.org).
    public static func colourWanted(fd: Int32 = 1, environment: [String: String]) -> Bool {
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        if environment["TERM"] == nil || environment["TERM"] == "dumb" { return false }
        return isatty(fd) == 1
    }
}

/// Everything one export holds: the last run(s), the last comparison and sweep, and expectations.
/// JSON, CSV summary and HTML all render from this one value.
public struct ReportDocument: Sendable, Equatable {
    /// The last run, or several (`run variant A`, `run variant B`), in the order run.
    public var runs: [RunResult]
    public var comparison: ComparisonResult?
    public var sweep: SweepResult?
    public var expectations: [ExpectationOutcome]
    /// `rank outlets by ...` of these results, in the order asked.
    public var rankings: [OutletRanking]
    /// The last `sensitivity`, `optimize` or `calibrate`.
    public var decision: DecisionResult?

    public init(runs: [RunResult] = [], comparison: ComparisonResult? = nil, sweep: SweepResult? = nil,
                expectations: [ExpectationOutcome] = [], rankings: [OutletRanking] = [], decision: DecisionResult? = nil) {
        self.runs = runs
        self.comparison = comparison
        self.sweep = sweep
        self.expectations = expectations
        self.rankings = rankings
        self.decision = decision
    }

    /// The scenario title: of the first run, else of the comparison, else of the sweep.
    public var title: String {
        runs.first?.title ?? comparison?.runs.first?.title ?? sweep?.points.first?.result.title ?? "BranchSim"
    }

    /// The runs to show side by side: the comparison's variants if there is one, else the runs.
    public var variants: [RunResult] {
        if let c = comparison, !c.runs.isEmpty { return c.runs }
        return runs
    }
}

extension ComparisonResult {
    /// The metric keys the comparison's selectors name (in the run's metric order per selector,
    /// selectors in the order written, each key once).
    /// Keys only some variants have (a campaign a variant drops) are included; the others show n/a.
    public var expandedMetrics: [String] {
        var seen = Set<String>(), out: [String] = []
        for r in runs {
            for k in ReportSelection.expand(metrics, in: r) where seen.insert(k).inserted { out.append(k) }
        }
        return out
    }
}

/// Turns written selectors (`uplift`, `funnel`, `staffing.wealth_manager.fte`) into metric keys.
public enum ReportSelection {
    public static func expand(_ selectors: [String], in run: RunResult) -> [String] {
        let keys = run.metrics.map(\.key)
        var seen = Set<String>()
        var out: [String] = []
        for s in selectors {
            for k in MetricCatalog.select(s, from: keys) where seen.insert(k).inserted { out.append(k) }
        }
        return out
    }
}
