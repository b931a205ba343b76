/// Decisions under uncertainty (issue 17): what a `sensitivity` or `optimize`
/// statement asks (checked), and what it found. docs/model.md, "Decisions under uncertainty".

/// One input of a sensitivity analysis and its two settings.
public struct SensitivityFactor: Sendable, Equatable {
    public enum Setting: Sendable, Equatable {
        /// An uncertain input held at its 5% and 95% points (the other inputs still draw).
        case input(low: Double, high: Double)
        /// A property moved down and up (`meet.contacts ±20%`): the whole scenario at each end.
        case scenarios(low: Scenario, high: Scenario)
    }

    public var path: String
    public var lowLabel: String
    public var highLabel: String
    public var setting: Setting

    public init(path: String, lowLabel: String, highLabel: String, setting: Setting) {
        self.path = path
        self.lowLabel = lowLabel
        self.highLabel = highLabel
        self.setting = setting
    }
}

/// `optimize maximize|minimize METRIC over PATH in A..B [step S], ... subject to ...`, checked:
/// every candidate plan built.
public struct OptimizeRequest: Sendable, Equatable {
    /// One plan of the search space: its value at each path, as written, and its scenario.
    public struct Candidate: Sendable, Equatable {
        public var values: [String]
        /// The same values as numbers (a percentage as a share).
        public var numbers: [Double]
        public var scenario: Scenario

        public init(values: [String], numbers: [Double], scenario: Scenario) {
            self.values = values
            self.numbers = numbers
            self.scenario = scenario
        }
    }

    public var maximize: Bool
    public var metric: String
    public var paths: [String]
    public var candidates: [Candidate]
    /// Whether `candidates` is the whole grid (else a Latin hypercube sample of it).
    public var exhaustive: Bool
    /// The grid's size (equal to `candidates.count` when exhaustive).
    public var gridSize: Int
    /// Conditions the chosen plan must meet (`staffing.wealth_manager.fte.p95 <= 2`).
    public var constraints: [Expectation]
    /// The indifference zone (`within D`); nil: 1% of the best screened mean.
    public var delta: Double?
    /// Replications of the screening stage (`runs N`; default 20).
    public var firstStage: Int
    /// The grid behind `candidates`, to refine a sampled search (nil: the whole grid is tried).
    public var grid: GridPlans?

    public init(maximize: Bool, metric: String, paths: [String], candidates: [Candidate], exhaustive: Bool, gridSize: Int,
                constraints: [Expectation], delta: Double?, firstStage: Int) {
        self.maximize = maximize
        self.metric = metric
        self.paths = paths
        self.candidates = candidates
        self.exhaustive = exhaustive
        self.gridSize = gridSize
        self.constraints = constraints
        self.delta = delta
        self.firstStage = firstStage
    }

    /// Equal when they ask the same (the grid's builder is not compared: it follows from the rest).
    public static func == (a: OptimizeRequest, b: OptimizeRequest) -> Bool {
        a.maximize == b.maximize && a.metric == b.metric && a.paths == b.paths && a.candidates == b.candidates
            && a.exhaustive == b.exhaustive && a.gridSize == b.gridSize && a.constraints == b.constraints
            && a.delta == b.delta && a.firstStage == b.firstStage
            && a.grid?.levelCounts == b.grid?.levelCounts && a.grid?.rows == b.grid?.rows
    }
}

/// A checked decision statement.
public enum DecisionRequest: Sendable, Equatable {
    /// `sensitivity of METRIC [over PATH ±P%, ...]`.
    case sensitivity(metric: String, factors: [SensitivityFactor], runs: Int?)
    case optimize(OptimizeRequest)
    /// `calibrate PATH in A..B, ... to NAME` (Calibration.swift).
    case calibrate(CalibrateRequest)

    /// The replications each of its runs takes, when the statement says (`runs N`).
    public var runs: Int? {
        switch self {
        case .sensitivity(_, _, let runs): return runs
        case .optimize: return nil
        case .calibrate(let q): return q.runs
        }
    }
}

/// What a decision statement found: a table, named values (for `expect` and JSON), notes,
/// and what to chart. Numbers stay numbers here; reports format them.
public struct DecisionResult: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case sensitivity, optimize, calibrate
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case value(Double, MetricUnit)
        /// A 95% interval.
        case interval(Double, Double, MetricUnit)
        /// A share, shown as a percentage.
        case share(Double)
    }

    /// One bar of a tornado: the metric's mean with the input low and high.
    public struct Bar: Sendable, Equatable {
        public var input: String, lowLabel: String, highLabel: String
        public var low: Double, high: Double

        public init(input: String, lowLabel: String, highLabel: String, low: Double, high: Double) {
            self.input = input
            self.lowLabel = lowLabel
            self.highLabel = highLabel
            self.low = low
            self.high = high
        }
    }

    public var kind: Kind
    public var title: String
    public var metric: String
    public var unit: MetricUnit
    public var columns: [String]
    public var rows: [[Cell]]
    /// Lines under the table.
    public var notes: [String]
    /// Named results in order, as `expect` reads them (`sensitivity.meet.convert.effect`).
    public var values: [(key: String, value: Double)]
    /// Tornado bars (sensitivity) around `base`.
    public var bars: [Bar]
    public var base: Double
    /// Tables after the main one (`calibrate`: the figures at the fitted plan, the best points).
    public struct Table: Sendable, Equatable {
        public var title: String
        public var columns: [String]
        public var rows: [[Cell]]

        public init(title: String, columns: [String], rows: [[Cell]]) {
            self.title = title
            self.columns = columns
            self.rows = rows
        }
    }

    public var tables: [Table] = []
    /// `calibrate`: each observed figure against the fitted plan, for the chart.
    public struct Figure: Sendable, Equatable {
        public var metric: String
        public var unit: MetricUnit
        /// What the bank saw as a band: `value ± tolerance`, or a bound (the open side infinite).
        public var observedLow: Double, observedHigh: Double
        public var observedLabel: String
        /// The fitted plan's mean, its 95% interval, and its interval for one outcome.
        public var mean: Double, ciLow: Double, ciHigh: Double, low: Double, high: Double
        public var consistent: Bool

        public init(metric: String, unit: MetricUnit, observedLow: Double, observedHigh: Double, observedLabel: String,
                    mean: Double, ciLow: Double, ciHigh: Double, low: Double, high: Double, consistent: Bool) {
            self.metric = metric
            self.unit = unit
            self.observedLow = observedLow
            self.observedHigh = observedHigh
            self.observedLabel = observedLabel
            self.mean = mean
            self.ciLow = ciLow
            self.ciHigh = ciHigh
            self.low = low
            self.high = high
            self.consistent = consistent
        }
    }

    public var figures: [Figure] = []
    /// The unit of each named value that has one (a metric's figures in the metric's unit, a
    /// percentage parameter as a share): `expect` prints the value in it. Counters such as
    /// `rank` or `calibrate.points`, and scores such as `calibrate.fit`, have none.
    public var units: [String: MetricUnit] = [:]
    /// The chosen plan's settings (`optimize`; `calibrate`: the fitted values): what `:save --chosen` writes in the shell.
    public var settings: [(path: String, value: String)] = []

    public init(kind: Kind, title: String, metric: String, unit: MetricUnit, columns: [String], rows: [[Cell]] = [],
                notes: [String] = [], values: [(key: String, value: Double)] = [], bars: [Bar] = [], base: Double = .nan) {
        self.kind = kind
        self.title = title
        self.metric = metric
        self.unit = unit
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.values = values
        self.bars = bars
        self.base = base
    }

    public func value(_ key: String) -> Double? { values.first { $0.key == key }?.value }

    /// The unit `expect` prints the value `key` in (nil: a plain number).
    public func unit(of key: String) -> MetricUnit? { units[key] }

    /// The unit of a decision parameter's value as written (`40%` a share, `5万` money),
    /// nil for a plain number.
    public static func parameterUnit(label: String) -> MetricUnit? {
        if label.hasSuffix("%") { return .share }
        if label.hasSuffix("万") || label.hasSuffix("亿") { return .money }
        return nil
    }

    public static func == (a: DecisionResult, b: DecisionResult) -> Bool {
        a.kind == b.kind && a.title == b.title && a.metric == b.metric && a.unit == b.unit && a.columns == b.columns
            && a.rows == b.rows && a.notes == b.notes && a.values.map(\.key) == b.values.map(\.key)
            && a.values.map(\.value) == b.values.map(\.value) && a.bars == b.bars
            && (a.base == b.base || (a.base.isNaN && b.base.isNaN))
            && a.settings.map(\.path) == b.settings.map(\.path) && a.settings.map(\.value) == b.settings.map(\.value)
            && a.tables == b.tables && a.units == b.units && a.figures == b.figures
    }

    /// The prefixes of the paths `expect` reads from a decision's values.
    public static let expectPrefixes = ["sensitivity.", "optimize.", "calibrate."]
}
