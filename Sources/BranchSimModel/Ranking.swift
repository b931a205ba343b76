/// `rank outlets by METRIC [echelons E]`: the metric at each outlet, as an expression over the
/// run's metric keys (`outlet.hub.uplift`; a named metric with each of its metrics taken at
/// that outlet).
public struct OutletExpression: Sendable, Hashable {
    public var outlet: String
    public var expression: MetricExpression

    public init(outlet: String, expression: MetricExpression) {
        self.outlet = outlet
        self.expression = expression
    }
}

public struct RankRequest: Sendable, Hashable {
    /// As written (`uplift`, `score`, `staffing.wealth_manager.fte`).
    public var metric: String
    public var echelons: Int
    public var outlets: [OutletExpression]

    public init(metric: String, echelons: Int, outlets: [OutletExpression]) {
        self.metric = metric
        self.echelons = echelons
        self.outlets = outlets
    }
}

/// Each outlet's rank in every replication (1 = the highest value), and from those its rank
/// distribution and the probability of landing in each echelon. docs/model.md, "Rankings".
public struct OutletRanking: Sendable, Equatable {
    public var metric: String
    /// The run's label (`base`, a variant's name).
    public var label: String
    public var echelons: Int
    public var outlets: [String]
    /// Mean over replications of each outlet's value.
    public var meanValue: [Double]
    /// `rankCounts[o][k]`: replications in which outlet `o` ranked `k + 1`.
    public var rankCounts: [[Int]]
    public var replications: Int
    /// The unit of the values (for formatting).
    public var unit: MetricUnit = .count

    /// Ranks `values[r][o]` (replication `r`, outlet `o`) within each replication: higher is
    /// better; tied outlets share the best rank of the tie (1, 2, 2, 4).
    /// - Complexity: O(R x N log N) for R replications of N outlets.
    public init(metric: String, label: String, echelons: Int, outlets: [String], values: [[Double]]) {
        self.init(metric: metric, label: label, echelons: echelons, outlets: outlets) { add in
            for row in values { add(row) }
        }
    }

    /// Ranks the rows `rows` gives, one replication at a time: only the counts and sums are
    /// kept (N x N counts and N sums for N outlets), not the rows, so a ranking's memory does
    /// not grow with `runs`.
    public init(metric: String, label: String, echelons: Int, outlets: [String],
                rows: ((_ add: ([Double]) -> Void) -> Void)) {
        self.metric = metric
        self.label = label
        self.echelons = echelons
        self.outlets = outlets
        let n = outlets.count
        var counts = Array(repeating: Array(repeating: 0, count: n), count: n)
        var sums = Array(repeating: 0.0, count: n)
        var r = 0
        rows { row in
            precondition(row.count == n, "a replication's values do not match the outlets")
            let order = (0..<n).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
            var rank = 0
            for (position, o) in order.enumerated() {
                if position == 0 || row[o] != row[order[position - 1]] { rank = position }
                counts[o][rank] += 1
                sums[o] += row[o]
            }
            r += 1
        }
        replications = r
        rankCounts = counts
        meanValue = sums.map { r > 0 ? $0 / Double(r) : .nan }
    }

    /// The echelon (1-based) of rank `k` (1-based) among the outlets: the ranks split into
    /// `echelons` groups as equal as whole ranks allow, `floor((k - 1) x E / N) + 1`. With
    /// fewer outlets than echelons the last echelons stay empty.
    public func echelon(ofRank k: Int) -> Int {
        (k - 1) * echelons / max(1, outlets.count) + 1
    }

    /// Share of replications in which outlet `o` ranked `k` (1-based).
    public func rankProbability(_ o: Int, rank k: Int) -> Double {
        replications > 0 ? Double(rankCounts[o][k - 1]) / Double(replications) : .nan
    }

    /// Share of replications in which outlet `o` landed in each echelon, 1 to `echelons`.
    public func echelonProbabilities(_ o: Int) -> [Double] {
        var p = Array(repeating: 0.0, count: echelons)
        for k in 1...max(1, outlets.count) where k <= outlets.count {
            p[echelon(ofRank: k) - 1] += rankProbability(o, rank: k)
        }
        return p
    }

    /// Mean rank of outlet `o` over replications.
    public func meanRank(_ o: Int) -> Double {
        guard replications > 0 else { return .nan }
        return rankCounts[o].enumerated().reduce(0.0) { $0 + Double(($1.offset + 1) * $1.element) } / Double(replications)
    }
}

extension OutletRanking {
    /// The ranking of `request` over the replications of `run`; nil when the run lacks a metric
    /// the request reads.
    public init?(_ request: RankRequest, run r: RunResult) {
        var index: [String: Int] = [:]
        for (i, m) in r.metrics.enumerated() { index[m.key] = i }
        for o in request.outlets { for p in o.expression.metrics where index[p.metric] == nil { return nil } }
        self.init(metric: request.metric, label: r.label, echelons: request.echelons,
                  outlets: request.outlets.map(\.outlet)) { add in
            r.forEachReplication { _, row, _ in
                add(request.outlets.map { o in o.expression.evaluate { row[index[$0.metric]!] } ?? .nan })
            }
        }
        unit = request.outlets.first?.expression.unit { p in index[p.metric].map { r.metrics[$0].unit } } ?? .ratio
    }
}
