import Foundation

/// Summary statistics of a metric over replications.
///
/// - `mean`, `sd` (sample standard deviation, n - 1),
/// - `ciLow`/`ciHigh`: the 95% confidence interval of the mean, `mean ± t(0.975, n-1) · sd / √n`,
/// - `p5`, `p50`, `p95`: quantiles by linear interpolation between order statistics
///   (Hyndman-Fan type 7, the default of R and numpy).
/// Sums run in the given order, so the same values in the same order give bit-identical results.
public struct MetricSummary: Sendable, Codable, Equatable {
    public var n: Int
    public var mean: Double
    public var sd: Double
    public var ciLow: Double
    public var ciHigh: Double
    public var p5: Double
    public var p50: Double
    public var p95: Double
    public var min: Double
    public var max: Double

    public init(values: [Double]) {
        self = values.withUnsafeBufferPointer { Self.columns($0.baseAddress, rows: values.count, columns: 1)[0] }
    }

    private init(n: Int, mean: Double, sd: Double, ciLow: Double, ciHigh: Double,
                 p5: Double, p50: Double, p95: Double, min: Double, max: Double) {
        self.n = n; self.mean = mean; self.sd = sd; self.ciLow = ciLow; self.ciHigh = ciHigh
        self.p5 = p5; self.p50 = p50; self.p95 = p95; self.min = min; self.max = max
    }

    /// The summary of each column of `rows` x `columns` values stored row by row (column `j`
    /// of row `r` at `data[r * columns + j]`), each exactly `MetricSummary(values:)` of that
    /// column: every column's sums still run down its rows in order, but the columns' sums
    /// advance side by side, so their additions overlap instead of waiting on each other.
    public static func columns(_ data: UnsafePointer<Double>?, rows n: Int, columns k: Int) -> [MetricSummary] {
        guard k > 0 else { return [] }
        guard n > 0, let data else {
            let none = MetricSummary(n: 0, mean: .nan, sd: .nan, ciLow: .nan, ciHigh: .nan,
                                     p5: .nan, p50: .nan, p95: .nan, min: .nan, max: .nan)
            return [MetricSummary](repeating: none, count: k)
        }
        var sum = [Double](repeating: 0, count: k)
        var lo = Array(UnsafeBufferPointer(start: data, count: k)), hi = lo
        for r in 0..<n {
            let row = data + r * k
            for j in 0..<k {
                let v = row[j]
                sum[j] += v
                lo[j] = v < lo[j] ? v : lo[j]
                hi[j] = v > hi[j] ? v : hi[j]
            }
        }
        let mean = sum.map { $0 / Double(n) }
        var ss = [Double](repeating: 0, count: k)
        for r in 0..<n {
            let row = data + r * k
            for j in 0..<k { ss[j] += (row[j] - mean[j]) * (row[j] - mean[j]) }
        }
        let t = n > 1 ? tQuantile975(degreesOfFreedom: n - 1) : 0
        // Type-7 quantiles interpolate between order statistics floor(h) and floor(h) + 1.
        let levels = [0.05, 0.50, 0.95]
        let h = levels.map { Double(n - 1) * $0 }
        let low = h.map { Int($0.rounded(.down)) }
        let ranks = low.flatMap { [$0, Swift.min($0 + 1, n - 1)] }
        var column = [Double](repeating: 0, count: n), scratch = column
        var stats = [Double](repeating: 0, count: ranks.count)
        var out: [MetricSummary] = []
        out.reserveCapacity(k)
        for j in 0..<k {
            for r in 0..<n { column[r] = data[r * k + j] }
            if sum[j].isNaN {
                // A NaN (or both infinities) among the values: comparisons leave the order
                // undefined, so the quantiles are whatever the in-place selection gives.
                column.withUnsafeMutableBufferPointer { b in
                    let p = b.baseAddress!
                    var from = 0
                    for q in 0..<levels.count {
                        let at = low[q]
                        if at >= from {
                            OrderStatistics.select(p, from, n - 1, at)
                            from = at
                        }
                        var next = p[at]
                        if at + 1 < n {
                            next = p[at + 1]
                            for i in (at + 2)..<n where p[i] < next { next = p[i] }
                            from = at + 1
                        }
                        stats[2 * q] = p[at]
                        stats[2 * q + 1] = next
                    }
                }
            } else if lo[j] == hi[j] {
                // A constant column: every order statistic is that value.
                for i in stats.indices { stats[i] = lo[j] }
            } else {
                column.withUnsafeMutableBufferPointer { c in
                    scratch.withUnsafeMutableBufferPointer { w in
                        OrderStatistics.orderStatistics(c.baseAddress!, scratch: w.baseAddress!, count: n, ranks: ranks, into: &stats)
                    }
                }
            }
            func quantile(_ q: Int) -> Double {
                let a = stats[2 * q], b = stats[2 * q + 1]
                return a + (h[q] - Double(low[q])) * (b - a)
            }
            let sd = n > 1 ? (ss[j] / Double(n - 1)).squareRoot() : 0
            let half = n > 1 ? t * sd / Double(n).squareRoot() : 0
            out.append(MetricSummary(n: n, mean: mean[j], sd: sd, ciLow: mean[j] - half, ciHigh: mean[j] + half,
                                     p5: quantile(0), p50: quantile(1), p95: quantile(2), min: lo[j], max: hi[j]))
        }
        return out
    }

    /// Half-width of the 95% confidence interval of the mean.
    public var halfWidth: Double { (ciHigh - ciLow) / 2 }

    public func value(of statistic: Statistic) -> Double {
        switch statistic {
        case .mean: return mean
        case .sd: return sd
        case .p5: return p5
        case .p50: return p50
        case .p95: return p95
        case .ci_low: return ciLow
        case .ci_high: return ciHigh
        case .min: return min
        case .max: return max
        }
    }

    /// Type-7 quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// The 97.5% quantile of Student's t distribution with `df` degrees of freedom, to about
    /// 1e-13 (the two-sided 95% interval's multiplier).
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        StudentT.quantile(0.975, degreesOfFreedom: Double(df))
    }
}

/// Student's t distribution, computed (not tabulated): the quantile solves
/// `P(T > t) = 1 - p` by Newton's method on the exact tail probability,
/// `P(T > t) = I_x(v/2, 1/2) / 2` with `x = v / (v + t^2)` (the regularized incomplete beta
/// function, by its continued fraction).
public enum StudentT {
    /// The `p` quantile for `0.5 <= p < 1` (`v >= 1` degrees of freedom); NaN outside.
    public static func quantile(_ p: Double, degreesOfFreedom v: Double) -> Double {
        guard v >= 1, p >= 0.5, p < 1 else { return .nan }
        if p == 0.5 { return 0 }
        let tail = 1 - p
        // Start at the normal quantile, which lies below the t quantile: the tail probability
        // is convex and decreasing for t > 0, so Newton's steps from the left rise monotonically.
        var t = normalQuantile(p)
        for _ in 0..<200 {
            let step = (upperTail(t, v) - tail) / density(t, v)
            t += step
            if abs(step) <= 1e-15 * t { break }
        }
        return t
    }

    /// `P(T > t)` for `t >= 0`.
    public static func upperTail(_ t: Double, _ v: Double) -> Double {
        let d = v + t * t
        return 0.5 * regularizedIncompleteBeta(x: v / d, oneMinusX: t * t / d, a: v / 2, b: 0.5)
    }

    /// The density at `t`.
    public static func density(_ t: Double, _ v: Double) -> Double {
        let logNorm = lgamma((v + 1) / 2) - lgamma(v / 2) - 0.5 * log(v * Double.pi)
        return exp(logNorm - (v + 1) / 2 * log1p(t * t / v))
    }

    /// `I_x(a, b)`, given `x` and `1 - x` (each computed without cancellation by the caller).
    static func regularizedIncompleteBeta(x: Double, oneMinusX y: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y))
        // The continued fraction converges fast below the mean; above it, use I_x(a,b) = 1 - I_y(b,a).
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a, b) / a }
        return 1 - front * continuedFraction(y, b, a) / b
    }

    /// The continued fraction of the incomplete beta function (modified Lentz).
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The standard normal `p` quantile for `0.5 <= p < 1` (Acklam's rational approximation,
    /// within 1.2e-9: only a starting point for Newton's method).
    static func normalQuantile(_ p: Double) -> Double {
        let q = min(p, 1 - p)
        if q > 0.02425 {
            let r = (p - 0.5) * (p - 0.5)
            let num = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * (p - 0.5)
            let den = ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1
            return num / den
        }
        let r = (-2 * log(q)).squareRoot()
        let num = ((((-7.784894002430293e-03 * r - 3.223964580411365e-01) * r - 2.400758277161838e+00) * r
            - 2.549671180360212e+00) * r + 4.374664141464968e+00) * r + 2.938163982698783e+00
        let den = (((7.784695709041462e-03 * r + 3.224671290700398e-01) * r + 2.445134137142996e+00) * r
            + 3.754408661907416e+00) * r + 1
        return -num / den
    }
}

/// Selection of order statistics in place, shared by the report summaries (quantiles) and
/// the engine (the k smallest contact priorities).
public enum OrderStatistics {
    /// Rearranges `p[lo...hi]` so that `p[k]` holds the value a sort would put there, smaller
    /// or equal values before it and greater or equal after (Hoare's selection, median of
    /// three pivots; expected linear time).
    @inlinable
    public static func select<T: Comparable>(_ p: UnsafeMutablePointer<T>, _ lo: Int, _ hi: Int, _ k: Int) {
        var lo = lo, hi = hi
        while hi > lo {
            let a = p[lo], b = p[lo + (hi - lo) / 2], c = p[hi]
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while p[i] < pivot { i += 1 }
                while p[j] > pivot { j -= 1 }
                if i <= j {
                    p.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }
}

extension OrderStatistics {
    /// The values a sort would put at each of `ranks` (ascending, each in `0..<values.count`),
    /// for values without NaN.
    ///
    /// A selection of several ranks at once with three-way partitions written out of place:
    /// each value goes to the front of the other buffer when below the pivot and to its back
    /// when above, both writes made and the ends advanced by the comparisons, so the loop has
    /// no branch on the data (an in-place Hoare partition mispredicts about every other value).
    /// Values equal to the pivot are settled at once, so ties keep it linear. Only the parts
    /// holding a wanted rank are partitioned again; a part of at most 16 values, or one still
    /// unsettled after many rounds (a pathological order), is sorted.
    /// - Complexity: O(n) expected, for a fixed number of ranks.
    public static func orderStatistics(_ values: [Double], ranks: [Int]) -> [Double] {
        var a = values, b = values
        var out = [Double](repeating: 0, count: ranks.count)
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                orderStatistics(pa.baseAddress!, scratch: pb.baseAddress!, count: values.count, ranks: ranks, into: &out)
            }
        }
        return out
    }

    /// `orderStatistics` of the `count` values at `values`, which it rearranges, with `scratch`
    /// (as long) to partition into; the results go to `out` (as long as `ranks`).
    public static func orderStatistics(_ values: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>, count n: Int,
                                       ranks: [Int], into out: inout [Double]) {
        guard n > 0, !ranks.isEmpty else { return }
        ranks.withUnsafeBufferPointer { pr in
            out.withUnsafeMutableBufferPointer { po in
                settle(values, scratch, 0, n, pr.baseAddress!, po.baseAddress!, 0, ranks.count, depth: 0)
            }
        }
    }

    /// Settles wanted ranks `ranks[r0..<r1]` (all within `lo..<hi`) of the part `src[lo..<hi]`,
    /// partitioning into `dst[lo..<hi]`; `src` and `dst` swap roles a level down.
    private static func settle(_ src: UnsafeMutablePointer<Double>, _ dst: UnsafeMutablePointer<Double>, _ lo: Int, _ hi: Int,
                               _ ranks: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Double>, _ r0: Int, _ r1: Int, depth: Int) {
        guard r0 < r1 else { return }
        let n = hi - lo
        if n <= 16 || depth > 60 {
            var part = UnsafeMutableBufferPointer(start: src + lo, count: n)
            part.sort()
            for i in r0..<r1 { out[i] = src[ranks[i]] }
            return
        }
        // The median of three spread values (of nine for larger parts) as pivot.
        @inline(__always) func median3(_ x: Double, _ y: Double, _ z: Double) -> Double {
            Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
        }
        let pivot: Double
        if n >= 128 {
            let s = n / 8
            pivot = median3(median3(src[lo], src[lo + s], src[lo + 2 * s]),
                            median3(src[lo + 3 * s], src[lo + 4 * s], src[lo + 5 * s]),
                            median3(src[lo + 6 * s], src[lo + 7 * s], src[hi - 1]))
        } else {
            pivot = median3(src[lo], src[lo + n / 2], src[hi - 1])
        }
        var below = lo, above = hi - 1
        for i in lo..<hi {
            let v = src[i]
            // Both slots are free (below <= above): the value lands in the one its end keeps.
            dst[below] = v
            dst[above] = v
            // The comparisons' bytes, not `? 1 : 0`, which the compiler turns into branches.
            below &+= Int(unsafeBitCast(v < pivot, to: UInt8.self))
            above &-= Int(unsafeBitCast(v > pivot, to: UInt8.self))
        }
        // dst[lo..<below] < pivot, then (below...above) equal to it, dst[(above + 1)..<hi] > pivot.
        var j = r0
        while j < r1 && ranks[j] < below { j += 1 }
        settle(dst, src, lo, below, ranks, out, r0, j, depth: depth + 1)
        var k = j
        while k < r1 && ranks[k] <= above { out[k] = pivot; k += 1 }
        settle(dst, src, above + 1, hi, ranks, out, k, r1, depth: depth + 1)
    }
}

extension UnsafeMutablePointer {
    @inlinable
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
