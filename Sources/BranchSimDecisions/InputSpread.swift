/// How much of a result's spread over replications comes from the uncertain inputs and how
/// much from Monte Carlo noise: a one-way analysis of variance on *twin* replications.
///
/// Replication `i` is run twice with the same input draws and independent noise (`y[i]`
/// and `twin[i]`). With `Y = g(theta) + e`, `Var(Y) = Var(g(theta)) + E[Var(e | theta)]`:
/// the within-twin variance `sum((y - twin)^2) / (2n)` estimates the noise part, the sample
/// variance of `y` the whole, and their difference (at least 0) the part from the inputs.
public struct InputSpread: Sendable, Equatable {
    /// The sample variance of the result over replications (inputs and noise).
    public let total: Double
    /// The Monte Carlo noise: the expected variance with the inputs held.
    public let noise: Double
    /// The part the inputs explain: `max(0, total - noise)`.
    public let inputs: Double
    public let replications: Int

    /// - Parameters:
    ///   - values: the result of each replication.
    ///   - twins: the same replications' result with the same inputs and other noise.
    public init(values: [Double], twins: [Double]) {
        let n = min(values.count, twins.count)
        replications = n
        guard n > 1 else { total = .nan; noise = .nan; inputs = .nan; return }
        var mean = 0.0
        for v in values.prefix(n) { mean += v }
        mean /= Double(n)
        var ss = 0.0, within = 0.0
        for i in 0..<n {
            ss += (values[i] - mean) * (values[i] - mean)
            within += (values[i] - twins[i]) * (values[i] - twins[i])
        }
        total = ss / Double(n - 1)
        noise = within / Double(2 * n)
        inputs = max(0, total - noise)
    }

    /// The share of the variance from the inputs, in [0, 1] (NaN when the result never varies).
    public var inputShare: Double { total > 0 ? min(1, inputs / total) : .nan }
}
