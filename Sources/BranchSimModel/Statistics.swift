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
        // The smallest and largest ride along the sum (whose additions, in order, set the pace).
        var sum = 0.0
        var lo = values[0], hi = values[0]
        for v in values {
            sum += v
            lo = v < lo ? v : lo
            hi = v > hi ? v : hi
        }
        let m = sum / Double(n)
        var ss = 0.0
        for v in values { ss += (v - m) * (v - m) }
        mean = m
        sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
        let half = n > 1 ? Self.tQuantile975(degreesOfFreedom: n - 1) * sd / Double(n).squareRoot() : 0
        ciLow = m - half
        ciHigh = m + half
        min = lo
        max = hi
        // The order statistics each quantile interpolates between (type 7: ranks floor(h) and
        // floor(h) + 1), found together by selection rather than a full sort: an order
        // statistic does not depend on how it is found. Reports summarise every series at
        // every step, so this runs thousands of times a run.
        let count = values.count
        let levels = (0.05, 0.50, 0.95)
        func rank(_ level: Double) -> (h: Double, lo: Int) {
            let h = Double(count - 1) * level
            return (h, Int(h.rounded(.down)))
        }
        let r = (rank(levels.0), rank(levels.1), rank(levels.2))
        var stats = [Double](repeating: lo, count: 6)
        if sum.isNaN {
            // A NaN (or both infinities) among the values: comparisons leave the order
            // undefined, so the quantiles are whatever the in-place selection gives, as before.
            var work = values
            work.withUnsafeMutableBufferPointer { b in
                let p = b.baseAddress!
                var from = 0
                for (i, q) in [r.0, r.1, r.2].enumerated() {
                    if q.lo >= from {
                        OrderStatistics.select(p, from, count - 1, q.lo)
                        from = q.lo
                    }
                    var next = p[q.lo]
                    if q.lo + 1 < count {
                        next = p[q.lo + 1]
                        for j in (q.lo + 2)..<count where p[j] < next { next = p[j] }
                        from = q.lo + 1
                    }
                    stats[2 * i] = p[q.lo]
                    stats[2 * i + 1] = next
                }
            }
        } else if !(lo == hi) {
            // Ranks lo and lo + 1 of each quantile (lo + 1 clamped to the last), ascending.
            stats = OrderStatistics.orderStatistics(values, ranks: [
                r.0.lo, Swift.min(r.0.lo + 1, count - 1), r.1.lo, Swift.min(r.1.lo + 1, count - 1),
                r.2.lo, Swift.min(r.2.lo + 1, count - 1)])
        }
        // With every value equal (a constant series) each order statistic is that value.
        func quantile(_ q: (h: Double, lo: Int), _ i: Int) -> Double {
            let a = stats[i], b = stats[i + 1]
            return a + (q.h - Double(q.lo)) * (b - a)
        }
        p5 = quantile(r.0, 0)
        p50 = quantile(r.1, 2)
        p95 = quantile(r.2, 4)
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
        let n = values.count
        var out = [Double](repeating: 0, count: ranks.count)
        guard n > 0, !ranks.isEmpty else { return out }
        var a = values
        var b = [Double](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    ranks.withUnsafeBufferPointer { pr in
                        settle(pa.baseAddress!, pb.baseAddress!, 0, n, pr.baseAddress!, po.baseAddress!, 0, ranks.count, depth: 0)
                    }
                }
            }
        }
        return out
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
