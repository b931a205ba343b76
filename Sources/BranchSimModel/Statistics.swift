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
        n = values.count
        guard !values.isEmpty else {
            mean = .nan; sd = .nan; ciLow = .nan; ciHigh = .nan; p5 = .nan; p50 = .nan; p95 = .nan
            min = .nan; max = .nan
            return
        }
        var sum = 0.0
        for v in values { sum += v }
        let m = sum / Double(n)
        var ss = 0.0
        for v in values { ss += (v - m) * (v - m) }
        mean = m
        sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
        let half = n > 1 ? Self.tQuantile975(degreesOfFreedom: n - 1) * sd / Double(n).squareRoot() : 0
        ciLow = m - half
        ciHigh = m + half
        // The order statistics the quantiles need, by selection rather than a full sort (the
        // same values: an order statistic does not depend on how it is found). Reports
        // summarise every series at every step, so this runs thousands of times a run.
        var work = values
        let count = values.count
        var q = (p5: 0.0, p50: 0.0, p95: 0.0)
        work.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            var from = 0
            @inline(__always) func at(_ k: Int) -> Double {
                if k >= from {
                    OrderStatistics.select(p, from, count - 1, k)
                    from = k
                }
                return p[k]
            }
            @inline(__always) func quantile(_ level: Double) -> Double {
                let h = Double(count - 1) * level
                let lo = Int(h.rounded(.down))
                let a = at(lo)
                // Order statistic lo + 1: once lo is selected, everything after it is at least
                // p[lo], so it is the smallest of them (a scan, not another selection).
                var b = a
                if lo + 1 < count {
                    b = p[lo + 1]
                    for i in (lo + 2)..<count where p[i] < b { b = p[i] }
                    from = lo + 1
                }
                return a + (h - Double(lo)) * (b - a)
            }
            q = (quantile(0.05), quantile(0.50), quantile(0.95))
        }
        p5 = q.p5
        p50 = q.p50
        p95 = q.p95
        var lo = values[0], hi = values[0]
        for v in values {
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        min = lo
        max = hi
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

    /// The 97.5% quantile of Student's t distribution with `df` degrees of freedom
    /// (exact table to 30, then the Cornish-Fisher expansion, which is within 1e-4).
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        if df >= 1 && df <= 30 { return table[df - 1] }
        let z = 1.959963984540054
        let v = Double(df)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
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

extension UnsafeMutablePointer {
    @inlinable
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
