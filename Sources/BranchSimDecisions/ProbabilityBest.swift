/// The probability that each plan is the best, from paired replications, by resampling
/// replications (a paired bootstrap): replication indices are drawn with replacement and the
/// plan with the highest mean over the draw scores. Paired, because common random numbers
/// tie replication `r` of every plan together.
///
/// - Parameters:
///   - outputs: `outputs[i][r]`: plan `i`'s output in replication `r` (every plan the same
///     number of replications).
///   - resamples: bootstrap draws (1,000 gives P to about ±0.015).
///   - seed: the draws' seed: the same inputs and seed give the same probabilities.
/// - Returns: one probability per plan; they sum to 1. Ties go to the lower index.
/// - Complexity: O(resamples · plans · replications).
public func probabilityBest(_ outputs: [[Double]], resamples: Int = 1000, seed: UInt64 = 1) -> [Double] {
    let k = outputs.count
    guard k > 0 else { return [] }
    let n = outputs[0].count
    precondition(outputs.allSatisfy { $0.count == n }, "every plan needs the same replications")
    guard k > 1, n > 0 else { return [Double](repeating: k == 1 ? 1 : 0, count: k) }
    var wins = [Int](repeating: 0, count: k)
    var state = seed
    var sums = [Double](repeating: 0, count: k)
    for _ in 0..<resamples {
        for i in 0..<k { sums[i] = 0 }
        for _ in 0..<n {
            let r = Int(splitMix(&state) % UInt64(n))
            for i in 0..<k { sums[i] += outputs[i][r] }
        }
        var best = 0
        for i in 1..<k where sums[i] > sums[best] { best = i }
        wins[best] += 1
    }
    return wins.map { Double($0) / Double(resamples) }
}

/// SplitMix64: a small, well-mixed generator for design and resampling draws.
func splitMix(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A uniform double in [0, 1) from the top 53 bits of a SplitMix64 draw.
func unitDouble(_ state: inout UInt64) -> Double {
    Double(splitMix(&state) >> 11) * 0x1p-53
}
