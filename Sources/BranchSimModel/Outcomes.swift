/// What the driver's statements found, for reports: an `expect`'s outcome and a `sweep`'s
/// runs. They are results like `RunResult` and `ComparisonResult`, so they live here with
/// them; reports only render them.

/// What an `expect` statement found.
public struct ExpectationOutcome: Sendable, Equatable {
    public var expectation: Expectation
    public var measured: Double
    /// The 95% interval of the measured mean (or of the paired difference), if there is one.
    public var intervalLow: Double?
    public var intervalHigh: Double?
    public var passed: Bool
    public var location: SourceLocation
    /// Why the expectation could not be measured (no run before it, metric missing); it then fails.
    public var note: String?
    /// The right side's value when it has metrics in it (`fte.p95 <= available`).
    public var against: Double?
    /// The unit of the measured metric when the results say it (a run's or a comparison's
    /// metric), so that the line prints it as the reports do; else a guess from its name.
    public var unit: MetricUnit?

    public init(expectation: Expectation, measured: Double, interval: (Double, Double)?, passed: Bool,
                location: SourceLocation, note: String? = nil) {
        self.expectation = expectation
        self.measured = measured
        self.intervalLow = interval?.0
        self.intervalHigh = interval?.1
        self.passed = passed
        self.location = location
        self.note = note
    }

    public var interval: (Double, Double)? {
        guard let intervalLow, let intervalHigh else { return nil }
        return (intervalLow, intervalHigh)
    }
}

/// A `sweep PATH over ...`: one run per value.
public struct SweepResult: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// The value as written (`2 per week`, `40`).
        public var label: String
        /// The numeric value, for the x axis of charts; `nil` plots the points evenly.
        public var value: Double?
        public var result: RunResult

        public init(label: String, value: Double?, result: RunResult) {
            self.label = label
            self.value = value
            self.result = result
        }
    }

    public var path: String
    public var points: [Point]
    /// Metric keys or group prefixes, as written.
    public var metrics: [String]

    public init(path: String, points: [Point], metrics: [String]) {
        self.path = path
        self.points = points
        self.metrics = metrics
    }
}
