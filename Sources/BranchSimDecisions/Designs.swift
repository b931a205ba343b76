/// Experimental designs over several parameters: which settings to run.
///
/// A design is a list of points, each a value per parameter. Parameters are given as
/// ranges or as lists of levels; designs are reproducible from their seed.
public enum Design {
    /// Every combination of the levels (the first parameter varies slowest).
    /// - Complexity: O(product of the level counts).
    public static func fullFactorial(_ levels: [[Double]]) -> [[Double]] {
        guard !levels.isEmpty, levels.allSatisfy({ !$0.isEmpty }) else { return [] }
        var points: [[Double]] = [[]]
        for values in levels {
            points = points.flatMap { p in values.map { p + [$0] } }
        }
        return points
    }

    /// A Latin hypercube of `n` points in the box `ranges` (each `low...high`): every
    /// parameter's range is cut into `n` equal strata and each stratum holds exactly one
    /// point, at a uniform position inside it; strata are paired across parameters by
    /// independent random permutations (McKay, Beckman and Conover, 1979).
    /// - Parameters:
    ///   - n: points (at least 1).
    ///   - ranges: one closed range per parameter.
    ///   - seed: the same `n`, ranges and seed give the same points.
    /// - Complexity: O(n · parameters).
    public static func latinHypercube(_ n: Int, _ ranges: [ClosedRange<Double>], seed: UInt64) -> [[Double]] {
        precondition(n >= 1)
        var state = seed ^ 0x4C48_5300_0000_0000   // "LHS": a design's draws apart from other uses of the seed
        var points = [[Double]](repeating: [Double](repeating: 0, count: ranges.count), count: n)
        for (j, range) in ranges.enumerated() {
            // Fisher-Yates shuffle of the strata.
            var strata = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) {
                let k = Int(splitMix(&state) % UInt64(i + 1))
                strata.swapAt(i, k)
            }
            for i in 0..<n {
                let u = (Double(strata[i]) + unitDouble(&state)) / Double(n)
                points[i][j] = range.lowerBound + u * (range.upperBound - range.lowerBound)
            }
        }
        return points
    }
}
