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
/// The whole grid of a search, as plans to build on demand: its levels per path, the level
/// indices of the points already built, and how to build the plan at any other point (a
/// `calibrate` over a sampled grid refines around what its first stage found).
public struct GridPlans: Sendable {
    /// Levels per path.
    public var levelCounts: [Int]
    /// The level indices of each candidate built at check time, in order.
    public var rows: [[Int]]
    private let build: @Sendable ([Int]) -> OptimizeRequest.Candidate?

    public init(levelCounts: [Int], rows: [[Int]], build: @escaping @Sendable ([Int]) -> OptimizeRequest.Candidate?) {
        self.levelCounts = levelCounts
        self.rows = rows
        self.build = build
    }

    /// The plan at `row` (one level index per path); nil when those values make the scenario invalid.
    public func plan(at row: [Int]) -> OptimizeRequest.Candidate? { build(row) }
}

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
    /// The grid behind `candidates`, to refine a sampled search (nil: no refinement).
    public var grid: GridPlans?

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

    /// Equal when they ask the same (the grid's builder is not compared: it follows from the rest).
    public static func == (a: CalibrateRequest, b: CalibrateRequest) -> Bool {
        a.paths == b.paths && a.candidates == b.candidates && a.exhaustive == b.exhaustive && a.gridSize == b.gridSize
            && a.observedName == b.observedName && a.observations == b.observations && a.runs == b.runs
            && a.grid?.levelCounts == b.grid?.levelCounts && a.grid?.rows == b.grid?.rows
    }
}
