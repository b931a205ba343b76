import BranchSimModel

/// How well one point of a calibration (one setting of the parameters) reproduces what a
/// bank has seen. docs/model.md, "Calibration".
///
/// A bank's figure is one outcome (its own round of meetings), not an average over many, so
/// a point is judged by where a *single* replication of it falls: the observation is
/// consistent with the point when its band (`VALUE ± TOL`, or the bound moved by TOL) meets
/// the point's prediction interval for one new replication,
/// `mean ± t(1 - alpha / (2k), n - 1) · sd · sqrt(1 + 1/n)` over the point's `n`
/// replications, where `k` is the number of observations (Bonferroni: all `k` intervals hold
/// together with probability at least `1 - alpha`). The point is consistent when every
/// observation is.
///
/// The fit ranks points: `sum of z²`, with `z = (mean - VALUE) / sqrt(TOL² + sd²)` (a
/// bound contributes only when the mean is on the wrong side of it), the squared distance
/// of the simulated mean from the figure in units of the spread one outcome and the
/// figure's own tolerance allow together (a Gaussian log-likelihood, up to constants).
public struct CalibrationPoint: Sendable, Equatable {
    /// One observation at this point.
    public struct Check: Sendable, Equatable {
        public var mean: Double
        public var sd: Double
        /// The 95% confidence interval of the mean.
        public var ciLow: Double, ciHigh: Double
        /// The simultaneous prediction interval of one replication.
        public var low: Double, high: Double
        public var z: Double
        /// Whether the observation's band meets `low...high`.
        public var meets: Bool
    }

    public var checks: [Check]
    /// The sum of `z²` (lower is better).
    public var fit: Double
    /// Whether every observation's band meets its prediction interval.
    public var consistent: Bool

    /// - Parameters:
    ///   - samples: `samples[i]` the point's value of observation `i`'s metric in each
    ///     replication (at least 2).
    ///   - observations: what was seen, in the same order.
    ///   - alpha: the chance, at most, of judging inconsistent a point whose model produced
    ///     the figures (5%).
    public init(samples: [[Double]], observations: [Observation], alpha: Double = 0.05) {
        precondition(samples.count == observations.count)
        let k = Double(max(1, observations.count))
        var checks: [Check] = []
        var fit = 0.0
        for (y, o) in zip(samples, observations) {
            let s = MetricSummary(values: y)
            let n = Double(s.n)
            let mult = s.n >= 2 ? StudentT.quantile(1 - alpha / (2 * k), degreesOfFreedom: n - 1) : .infinity
            let sd = s.n >= 2 ? s.sd : 0
            let half = mult * sd * (1 + 1 / n).squareRoot()
            let low = s.mean - half, high = s.mean + half
            let tol = o.tolerance
            let scale = (tol * tol + sd * sd).squareRoot()
            let gap: Double, meets: Bool
            switch o.condition {
            case .near(let v, _):
                gap = s.mean - v
                meets = high >= v - tol && low <= v + tol
            case .atLeast(let x, _):
                gap = min(0, s.mean - x)
                meets = high >= x - tol
            case .atMost(let x, _):
                gap = max(0, s.mean - x)
                meets = low <= x + tol
            }
            let z = gap == 0 ? 0 : (scale > 0 ? gap / scale : (gap > 0 ? Double.infinity : -Double.infinity))
            fit += z * z
            checks.append(Check(mean: s.mean, sd: sd, ciLow: s.ciLow, ciHigh: s.ciHigh, low: low, high: high, z: z, meets: meets))
        }
        self.checks = checks
        self.fit = fit
        self.consistent = checks.allSatisfy(\.meets)
    }
}

/// A calibration over many points: the best fit and, per parameter, the values of the
/// consistent points.
public struct Calibration: Sendable, Equatable {
    public var points: [CalibrationPoint]
    /// The point with the lowest fit (the first in the order given on ties).
    public var best: Int
    /// The points consistent with every observation, in the order given.
    public var consistent: [Int]

    public init(points: [CalibrationPoint]) {
        precondition(!points.isEmpty)
        self.points = points
        var best = 0
        for i in points.indices where points[i].fit < points[best].fit { best = i }
        self.best = best
        self.consistent = points.indices.filter { points[$0].consistent }
    }

    /// The lowest and highest value of parameter `j` over the consistent points (nil: none).
    /// - Parameter values: `values[i][j]`: point `i`'s value of parameter `j`.
    public func range(of j: Int, values: [[Double]]) -> ClosedRange<Double>? {
        let xs = consistent.map { values[$0][j] }
        guard let lo = xs.min(), let hi = xs.max() else { return nil }
        return lo...hi
    }
}
