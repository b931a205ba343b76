/// Decisions under uncertainty (issue 17): what a `sensitivity`, `optimize` or `calibrate`
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

/// A checked decision statement.
public enum DecisionRequest: Sendable, Equatable {
    /// `sensitivity of METRIC [over PATH ±P%, ...]`.
    case sensitivity(metric: String, factors: [SensitivityFactor], runs: Int?)

    /// The replications each of its runs takes, when the statement says (`runs N`).
    public var runs: Int? {
        switch self {
        case .sensitivity(_, _, let runs): return runs
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

    /// One bar of a tornado: the metric's mean with the input low and high (`Charts.TornadoRow`).
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

    public static func == (a: DecisionResult, b: DecisionResult) -> Bool {
        a.kind == b.kind && a.title == b.title && a.metric == b.metric && a.unit == b.unit && a.columns == b.columns
            && a.rows == b.rows && a.notes == b.notes && a.values.map(\.key) == b.values.map(\.key)
            && a.values.map(\.value) == b.values.map(\.value) && a.bars == b.bars
            && (a.base == b.base || (a.base.isNaN && b.base.isNaN))
    }

    /// The prefixes of the paths `expect` reads from a decision's values.
    public static let expectPrefixes = ["sensitivity.", "optimize.", "calibrate."]
}
