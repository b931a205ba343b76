/// Arithmetic over metrics: the value of a named metric (`metric score = 40% * uplift + 60% *
/// new_customers`, evaluated in each replication) and the right side of an `expect` (`expect
/// staffing.hub.wealth_manager.fte.p95 <= staffing.hub.wealth_manager.available`, evaluated
/// on the statistics of a run). docs/model.md, "Metric expressions".
public indirect enum MetricExpression: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"
    }

    case constant(Double)
    /// A metric: in a named metric, its value in the replication (`statistic` nil); in an
    /// `expect`, the statistic of the run (nil: the mean).
    case metric(MetricPath)
    case negate(MetricExpression)
    case binary(Operator, MetricExpression, MetricExpression)

    /// The value, with each metric's value from `value` (nil when one has none). A division
    /// by zero is 0, as `uplift_per_cost` is when nothing was spent.
    public func evaluate(_ value: (MetricPath) -> Double?) -> Double? {
        switch self {
        case .constant(let x): return x
        case .metric(let p): return value(p)
        case .negate(let e): return e.evaluate(value).map { -$0 }
        case .binary(let op, let a, let b):
            guard let x = a.evaluate(value), let y = b.evaluate(value) else { return nil }
            return Self.apply(op, x, y)
        }
    }

    static func apply(_ op: Operator, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return y == 0 ? 0 : x / y
        }
    }

    /// Every metric the expression reads, in the order written.
    public var metrics: [MetricPath] {
        switch self {
        case .constant: return []
        case .metric(let p): return [p]
        case .negate(let e): return e.metrics
        case .binary(_, let a, let b): return a.metrics + b.metrics
        }
    }

    /// The unit of the value, given each metric's: a sum or difference of one unit keeps it
    /// (scaled by constants), anything else is a ratio (a score mixing yuan and customers,
    /// a product or quotient of metrics).
    public func unit(_ unitOf: (MetricPath) -> MetricUnit?) -> MetricUnit? {
        switch self {
        case .constant: return nil
        case .metric(let p): return unitOf(p)
        case .negate(let e): return e.unit(unitOf)
        case .binary(let op, let a, let b):
            let x = a.unit(unitOf), y = b.unit(unitOf)
            switch op {
            case .add, .subtract:
                guard let x else { return y }
                guard let y else { return x }
                return x == y ? x : .ratio
            case .multiply:
                if x == nil { return y }
                if y == nil { return x }
                return .ratio
            case .divide:
                return y == nil ? x : .ratio
            }
        }
    }
}

/// `metric NAME = EXPRESSION`: a metric computed in every replication from that replication's
/// values, so its statistics (p5, p95, the paired difference of a comparison) are those of
/// the replications, not of the means.
public struct DerivedMetric: Sendable, Hashable {
    public var name: String
    /// Metrics read are plain keys (no statistic): the catalogue's, or named metrics declared
    /// earlier in `Scenario.derivedMetrics` (which is in an order that lets each read those
    /// before it).
    public var expression: MetricExpression
    public var unit: MetricUnit

    public init(name: String, expression: MetricExpression, unit: MetricUnit) {
        self.name = name
        self.expression = expression
        self.unit = unit
    }
}

/// A named metric compiled against a replication's value row: metric keys become indices.
public indirect enum CompiledMetricExpression: Sendable {
    case constant(Double)
    case value(Int)
    case negate(CompiledMetricExpression)
    case binary(MetricExpression.Operator, CompiledMetricExpression, CompiledMetricExpression)

    /// `expression` with each metric key replaced by its index in `order`; nil when one is missing.
    public init?(_ expression: MetricExpression, index: [String: Int]) {
        switch expression {
        case .constant(let x): self = .constant(x)
        case .metric(let p):
            guard p.statistic == nil, let i = index[p.metric] else { return nil }
            self = .value(i)
        case .negate(let e):
            guard let c = CompiledMetricExpression(e, index: index) else { return nil }
            self = .negate(c)
        case .binary(let op, let a, let b):
            guard let x = CompiledMetricExpression(a, index: index), let y = CompiledMetricExpression(b, index: index) else { return nil }
            self = .binary(op, x, y)
        }
    }

    /// The value on a replication's row.
    public func evaluate(_ row: UnsafeMutablePointer<Double>) -> Double {
        switch self {
        case .constant(let x): return x
        case .value(let i): return row[i]
        case .negate(let e): return -e.evaluate(row)
        case .binary(let op, let a, let b): return MetricExpression.apply(op, a.evaluate(row), b.evaluate(row))
        }
    }
}
