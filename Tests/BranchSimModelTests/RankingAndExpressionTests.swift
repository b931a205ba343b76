import Testing
@testable import BranchSimModel

/// Rankings and metric expressions on constructed numbers, computed by hand.
@Suite struct RankingTests {
    /// Three outlets over four replications; `c` ties `b` once.
    ///   rep 0: a 3, b 2, c 1  -> ranks a1 b2 c3
    ///   rep 1: a 1, b 3, c 2  -> a3 b1 c2
    ///   rep 2: a 5, b 4, c 4  -> a1 b2 c2 (tie shares the best rank)
    ///   rep 3: a 0, b 1, c 2  -> a3 b2 c1
    static let ranking = OutletRanking(metric: "uplift", label: "base", echelons: 5, outlets: ["a", "b", "c"],
                                       values: [[3, 2, 1], [1, 3, 2], [5, 4, 4], [0, 1, 2]])

    @Test func rankDistributionCountsEachReplication() {
        let k = Self.ranking
        #expect(k.rankCounts == [[2, 0, 2], [1, 3, 0], [1, 2, 1]])
        #expect(k.rankProbability(0, rank: 1) == 0.5)
        #expect(k.meanRank(1) == 1.75)
        #expect(k.meanValue == [2.25, 2.5, 2.25])
    }

    @Test func echelonsSplitTheRanksEvenly() {
        // 3 outlets in 5 echelons: ranks 1, 2, 3 -> echelons 1, 2, 4 (floor((k-1) * 5 / 3) + 1).
        let k = Self.ranking
        #expect((1...3).map(k.echelon(ofRank:)) == [1, 2, 4])
        #expect(k.echelonProbabilities(0) == [0.5, 0, 0, 0.5, 0])
        #expect(k.echelonProbabilities(2) == [0.25, 0.5, 0, 0.25, 0])
        // Ten outlets in five echelons: two ranks each.
        let ten = OutletRanking(metric: "m", label: "base", echelons: 5, outlets: (0..<10).map { "o\($0)" },
                                values: [(0..<10).map { Double(10 - $0) }])
        #expect((1...10).map(ten.echelon(ofRank:)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(ten.echelonProbabilities(9) == [0, 0, 0, 0, 1])
        for o in 0..<10 { #expect(abs(ten.echelonProbabilities(o).reduce(0, +) - 1) < 1e-12) }
    }

    @Test func aRankRequestReadsEachOutletsMetricPerReplication() throws {
        let keys = ["outlet.a.uplift", "outlet.a.cost", "outlet.b.uplift", "outlet.b.cost"]
        let rows: [[Double]] = [[10, 1, 8, 4], [6, 1, 8, 1]]
        let run = RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week",
                            metrics: keys.map { MetricDescriptor(key: $0, unit: .money) }, series: [],
                            replications: rows.enumerated().map { ReplicationRecord(index: $0.offset, values: $0.element, series: []) },
                            availableFTE: [:])
        // profit-like: uplift - 2 * cost. rep 0: a 8, b 0; rep 1: a 4, b 6.
        func e(_ o: String) -> MetricExpression {
            .binary(.subtract, .metric(MetricPath(metric: "outlet.\(o).uplift")),
                    .binary(.multiply, .constant(2), .metric(MetricPath(metric: "outlet.\(o).cost"))))
        }
        let k = try #require(OutletRanking(RankRequest(metric: "net", echelons: 2, outlets: [.init(outlet: "a", expression: e("a")),
                                                                                         .init(outlet: "b", expression: e("b"))]), run: run))
        #expect(k.meanValue == [6, 3])
        #expect(k.rankCounts == [[1, 1], [1, 1]])
        #expect(k.unit == .money)
        #expect(OutletRanking(RankRequest(metric: "x", echelons: 2, outlets: [.init(outlet: "c", expression: .metric(MetricPath(metric: "outlet.c.uplift")))]),
                              run: run) == nil)
    }
}

@Suite struct MetricExpressionTests {
    @Test func evaluatesWithPrecedenceAndDivisionByZeroAsZero() {
        let u = MetricExpression.metric(MetricPath(metric: "uplift")), c = MetricExpression.metric(MetricPath(metric: "cost"))
        let values = ["uplift": 100.0, "cost": 0.0]
        let score = MetricExpression.binary(.add, .binary(.multiply, .constant(0.4), u), .binary(.multiply, .constant(0.6), c))
        #expect(score.evaluate { values[$0.metric] } == 40)
        #expect(MetricExpression.binary(.divide, u, c).evaluate { values[$0.metric] } == 0)
        #expect(MetricExpression.negate(u).evaluate { values[$0.metric] } == -100)
        #expect(MetricExpression.metric(MetricPath(metric: "nope")).evaluate { values[$0.metric] } == nil)
    }

    @Test func unitsFollowTheArithmetic() {
        let units: [String: MetricUnit] = ["uplift": .money, "cost": .money, "upgrades": .count]
        func m(_ k: String) -> MetricExpression { .metric(MetricPath(metric: k)) }
        func unit(_ e: MetricExpression) -> MetricUnit? { e.unit { units[$0.metric] } }
        #expect(unit(.binary(.subtract, m("uplift"), .binary(.multiply, .constant(2), m("cost")))) == .money)
        #expect(unit(.binary(.add, m("uplift"), m("upgrades"))) == .ratio)
        #expect(unit(.binary(.divide, m("uplift"), m("cost"))) == .ratio)
        #expect(unit(.binary(.divide, m("upgrades"), .constant(4))) == .count)
    }

    @Test func aNamedMetricIsCompiledAgainstTheRow() throws {
        let e = MetricExpression.binary(.multiply, .metric(MetricPath(metric: "b")), .constant(3))
        let c = try #require(CompiledMetricExpression(e, index: ["a": 0, "b": 1]))
        var row: [Double] = [5, 7]
        #expect(row.withUnsafeMutableBufferPointer { c.evaluate($0.baseAddress!) } == 21)
        #expect(CompiledMetricExpression(.metric(MetricPath(metric: "c")), index: ["a": 0]) == nil)
        #expect(CompiledMetricExpression(.metric(MetricPath(metric: "a", statistic: .p95)), index: ["a": 0]) == nil)
    }
}
