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
