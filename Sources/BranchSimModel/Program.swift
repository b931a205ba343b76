/// Where something was written: a file (or `<stdin>`, `<prompt>`) and a 1-based line and column.
/// Columns count Unicode scalars (characters as a person sees them in a terminal, before width).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A metric reference as used by `report`, `expect`, `sweep`, `compare`, `runs until`.
///
/// `metric` is a canonical metric key (`uplift`, `uplift.downtown`, `upgrades.potential_to_midhigh`,
/// `funnel.upgrade_meeting.attend`, `staffing.wealth_manager.fte`, ...). See docs/model.md for
/// the full catalogue the engine produces.
public struct MetricPath: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable {
        /// A statistic of a run's metric (`uplift.mean`).
        case run
        /// The paired difference (later minus first) in the last comparison (`compare.uplift.diff.mean`).
        case compareDiff
        /// The probability the later variant beats the first (`compare.uplift.prob_better`).
        case compareProbBetter
        /// A value of the last decision statement (`sensitivity.meet.convert.effect`); `metric`
        /// holds the whole path.
        case decision
    }

    public var scope: Scope
    public var metric: String
    /// `nil` means the mean (and, for `compareProbBetter`, there is none).
    public var statistic: Statistic?

    public init(scope: Scope = .run, metric: String, statistic: Statistic? = nil) {
        self.scope = scope
        self.metric = metric
        self.statistic = statistic
    }

    public var description: String {
        switch scope {
        case .run: return statistic.map { "\(metric).\($0.rawValue)" } ?? metric
        case .compareDiff: return "compare.\(metric).diff" + (statistic.map { ".\($0.rawValue)" } ?? "")
        case .compareProbBetter: return "compare.\(metric).prob_better"
        case .decision: return metric
        }
    }
}

/// Statistics over replications.
public enum Statistic: String, Sendable, Hashable, CaseIterable {
    case mean, sd, p5, p50, p95, ci_low, ci_high, min, max
}

public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "==", notEqual = "!="
}

/// `expect PATH OP VALUE` or `expect PATH within A..B`.
public struct Expectation: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        case compare(ComparisonOperator, Double)
        case within(Double, Double)
        /// `PATH OP EXPRESSION` with metrics on the right (`fte.p95 <= available`): each
        /// metric there is a statistic of the same run or comparison as the path's.
        case compareExpression(ComparisonOperator, MetricExpression)
    }

    public var path: MetricPath
    public var condition: Condition
    /// The expectation as written, for reports.
    public var text: String

    public init(path: MetricPath, condition: Condition, text: String) {
        self.path = path
        self.condition = condition
        self.text = text
    }

    /// Whether `value` satisfies the condition (`==` and `!=` compare with a relative tolerance
    /// of 1e-9); `rhs` is the right side's value for `compareExpression` (false without it).
    public func holds(for value: Double, against rhs: Double? = nil) -> Bool {
        switch condition {
        case .within(let a, let b): return value >= a && value <= b
        case .compare(let op, let x): return Self.compare(value, op, x)
        case .compareExpression(let op, _): return rhs.map { Self.compare(value, op, $0) } ?? false
        }
    }

    static func compare(_ value: Double, _ op: ComparisonOperator, _ x: Double) -> Bool {
        let eq = abs(value - x) <= 1e-9 * max(1, abs(x))
        switch op {
        case .greater: return value > x
        case .greaterOrEqual: return value >= x || eq
        case .less: return value < x
        case .lessOrEqual: return value <= x || eq
        case .equal: return eq
        case .notEqual: return !eq
        }
    }
}

/// One value of a sweep: its label as written and the scenario with the value applied.
public struct SweepPoint: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var scenario: Scenario

    public init(label: String, value: Double, scenario: Scenario) {
        self.label = label
        self.value = value
        self.scenario = scenario
    }
}

/// A statement that does something with a scenario, checked.
public enum Action: Sendable, Equatable {
    /// `run [runs N] [variant V]`; `variant` nil is the base scenario.
    case run(runs: RunCount?, variant: String?)
    /// `report METRIC, ...`: metric keys or group prefixes (`funnel`, `staffing`).
    case report([String])
    /// `compare A, B [, C] on METRIC, ... [independent]`.
    case compare(variants: [String], metrics: [String], independent: Bool)
    /// `sweep PATH over ...`: one run per point, with common random numbers.
    case sweep(path: String, points: [SweepPoint], metrics: [String])
    case expect(Expectation)
    /// `export last to "file"`: format from the extension (csv, json, html).
    case export(path: String)
    /// `rank outlets by METRIC [echelons E]`: on the last run, or on each variant of the last comparison.
    case rank(RankRequest)
    /// `sensitivity`, `optimize`, `calibrate`.
    case decision(DecisionRequest)
}

public struct LocatedAction: Sendable, Equatable {
    public var action: Action
    public var location: SourceLocation

    public init(_ action: Action, at location: SourceLocation) {
        self.action = action
        self.location = location
    }
}

/// A checked file: the base scenario, its variants (each a whole checked scenario) and
/// the actions in the order written.
public struct CheckedProgram: Sendable, Equatable {
    public var base: Scenario
    /// In declaration order. `base` is not among them.
    public var variants: [(name: String, scenario: Scenario)]
    public var actions: [LocatedAction]

    public init(base: Scenario, variants: [(name: String, scenario: Scenario)] = [], actions: [LocatedAction] = []) {
        self.base = base
        self.variants = variants
        self.actions = actions
    }

    /// The scenario for a variant name (`base` or nil for the base).
    public func scenario(named name: String?) -> Scenario? {
        guard let name, name != "base" else { return base }
        return variants.first { $0.name == name }?.scenario
    }

    public static func == (a: CheckedProgram, b: CheckedProgram) -> Bool {
        a.base == b.base && a.actions == b.actions
            && a.variants.map(\.name) == b.variants.map(\.name)
            && a.variants.map(\.scenario) == b.variants.map(\.scenario)
    }
}
