/// Picks the best of several plans from paired replications, with a guarantee: the
/// fully sequential procedure of Kim and Nelson (2001), "A fully sequential procedure for
/// indifference-zone selection in simulation", ACM TOMACS 11(3).
///
/// Each plan is a system; replication `r` of every plan runs with the same random numbers
/// (common random numbers), so the procedure works on the variances of the paired
/// differences `X_i(r) - X_l(r)`, which common random numbers make small. After `n0` first
/// replications of every plan it adds one replication at a time to the plans still in
/// contention and drops a plan once its mean trails another's by more than a margin that
/// shrinks as replications accumulate. When one plan is left it is the choice.
///
/// Guarantee: if the best plan's mean exceeds every other's by at least `delta` (the
/// indifference zone), the procedure chooses it with probability at least `1 - alpha`,
/// for normally distributed outputs with any covariance between plans (common random
/// numbers included). Where plans lie within `delta` of the best, any of them may be
/// chosen: each is then within `delta` of the best, which is what "good enough" means to
/// the analyst who set `delta`.
///
/// Larger is better; to minimise a metric, feed its negative.
///
/// - Complexity: O(k²) per added replication for k plans still in contention.
public struct BestPlanSelection: Sendable {
    /// Number of plans.
    public let count: Int
    /// Probability of a wrong choice allowed (e.g. 0.05).
    public let alpha: Double
    /// The indifference zone: differences smaller than this do not matter.
    public let delta: Double
    /// First-stage replications of every plan (at least 2; 10 to 20 is usual).
    public let firstStage: Int
    /// `h²` of the procedure: `(n0 - 1) · ((2α / (k - 1))^(-2/(n0 - 1)) - 1)`.
    public let hSquared: Double

    /// Plans still in contention, in index order.
    public private(set) var contenders: [Int]
    /// Replications taken of each plan.
    public private(set) var replications: [Int]
    /// Sum of each plan's outputs so far.
    private var sums: [Double]
    /// The first-stage outputs, `firstOutputs[r][i]`, kept until the variances are known.
    private var firstOutputs: [[Double]] = []
    /// `pairVariance[i * count + l]`: first-stage sample variance of `X_i - X_l`.
    private var pairVariance: [Double] = []

    /// - Parameters:
    ///   - count: plans to choose among (at least 1).
    ///   - alpha: allowed probability of a wrong choice, in (0, 1).
    ///   - delta: the indifference zone, > 0, in the metric's unit.
    ///   - firstStage: replications of every plan before any is dropped (at least 2).
    public init(count: Int, alpha: Double = 0.05, delta: Double, firstStage: Int = 10) {
        precondition(count >= 1 && alpha > 0 && alpha < 1 && delta > 0 && firstStage >= 2)
        self.count = count
        self.alpha = alpha
        self.delta = delta
        self.firstStage = firstStage
        let n0 = Double(firstStage)
        hSquared = count > 1 ? (n0 - 1) * (pow(2 * alpha / Double(count - 1), -2 / (n0 - 1)) - 1) : 0
        contenders = Array(0..<count)
        replications = [Int](repeating: 0, count: count)
        sums = [Double](repeating: 0, count: count)
    }

    /// Whether a plan has been chosen (one contender left).
    public var isDone: Bool { contenders.count == 1 }

    /// The chosen plan, once `isDone`.
    public var chosen: Int? { isDone ? contenders[0] : nil }

    /// Replications the procedure has taken in all, over every plan.
    public var totalReplications: Int { replications.reduce(0, +) }

    /// Mean output of plan `i` so far.
    public func mean(of i: Int) -> Double { replications[i] > 0 ? sums[i] / Double(replications[i]) : .nan }

    /// Adds the next replication of the plans in contention.
    /// - Parameter outputs: one output per plan in `contenders`, in that order, all from the
    ///   same replication index (the same random numbers).
    public mutating func add(_ outputs: [Double]) {
        precondition(outputs.count == contenders.count, "one output per plan in contention")
        for (k, i) in contenders.enumerated() {
            sums[i] += outputs[k]
            replications[i] += 1
        }
        let r = replications[contenders[0]]
        if r <= firstStage {
            firstOutputs.append(outputs)   // every plan is in contention during the first stage
            if r == firstStage { computeVariances() } else { return }
        }
        screen(at: r)
    }

    private mutating func computeVariances() {
        let n = Double(firstStage)
        pairVariance = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for l in 0..<count where l != i {
                var m = 0.0
                for row in firstOutputs { m += row[i] - row[l] }
                m /= n
                var ss = 0.0
                for row in firstOutputs { let d = row[i] - row[l] - m; ss += d * d }
                pairVariance[i * count + l] = ss / (n - 1)
            }
        }
        firstOutputs = []
    }

    /// Drops every contender that trails another by more than `W_il(r)`.
    private mutating func screen(at r: Int) {
        let rd = Double(r)
        let old = contenders
        contenders = old.filter { i in
            old.allSatisfy { l in
                guard l != i else { return true }
                let w = max(0, delta / (2 * rd) * (hSquared * pairVariance[i * count + l] / (delta * delta) - rd))
                // Past the end of the continuation region (w = 0) two plans with exactly equal
                // means (a variant that changes nothing gives the same outputs) would stay
                // forever: they are within delta of each other, so keep the lower index.
                if w == 0 && mean(of: i) == mean(of: l) { return i < l }
                return mean(of: i) >= mean(of: l) - w
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
