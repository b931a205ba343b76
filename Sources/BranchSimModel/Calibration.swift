/// Calibration (issue 17, item 5): results a bank has seen (`observed NAME { ... }`) and a
/// `calibrate PATH in A..B, ... to NAME` that fits the plan's parameters to them.
/// docs/model.md, "Calibration".

/// One figure a bank has seen: a run metric (its value in one replication) against a value
/// with a tolerance, or a bound.
public struct Observation: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        /// `METRIC VALUE ± TOL`: the figure was VALUE, give or take TOL.
        case near(Double, tolerance: Double)
        /// `METRIC >= X [± TOL]`: the figure was at least X ("over 1,900万").
        case atLeast(Double, tolerance: Double)
        /// `METRIC <= X [± TOL]`: the figure was at most X.
        case atMost(Double, tolerance: Double)
    }

    /// A run metric key (`uplift`, `funnel.meet.attend`, a named metric).
    public var metric: String
    public var condition: Condition
    /// As written (`funnel.meet.attend 300 ± 30`).
    public var text: String

    public init(metric: String, condition: Condition, text: String) {
        self.metric = metric
        self.condition = condition
        self.text = text
    }

    public var tolerance: Double {
        switch condition {
        case .near(_, let t), .atLeast(_, let t), .atMost(_, let t): return t
        }
    }
}

/// `calibrate PATH in A..B [step S], ... to NAME [runs N]`, checked: every point of the
/// search built as a scenario.
public struct CalibrateRequest: Sendable, Equatable {
    public var paths: [String]
    /// The points tried (the grid, or a Latin hypercube sample of it), each a whole scenario.
    public var candidates: [OptimizeRequest.Candidate]
    /// Whether `candidates` is the whole grid.
    public var exhaustive: Bool
    public var gridSize: Int
    /// The `observed` set's name and its figures.
    public var observedName: String
    public var observations: [Observation]
    /// Replications per point (`runs N`; default 100), on common random numbers.
    public var runs: Int

    public init(paths: [String], candidates: [OptimizeRequest.Candidate], exhaustive: Bool, gridSize: Int,
                observedName: String, observations: [Observation], runs: Int) {
        self.paths = paths
        self.candidates = candidates
        self.exhaustive = exhaustive
        self.gridSize = gridSize
        self.observedName = observedName
        self.observations = observations
        self.runs = runs
    }
}
