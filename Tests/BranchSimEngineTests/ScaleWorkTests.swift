@testable import BranchSimEngine
import BranchSimModel
import Testing

/// Work per outlet does not grow with the number of outlets (issue 18), counted by the
/// engine's own work counters, not timed: a province of many outlets costs each outlet what
/// a town of few does.
@Suite struct ScaleWorkTests {
    /// `outlets` branches of 600 customers, a six-month term product, and a `where maturing`
    /// follow-up at every outlet drawing from its own customers.
    static func province(outlets: Int) -> Scenario {
        var s = Fixtures.small(customers: 600, shares: [0.7, 0.3], horizon: .months(6), step: .week, runs: 1)
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(6), retain: 0.6))
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.5), ProductShare(product: 3, share: 0.5)]
        s.tiers[1].holds = s.tiers[0].holds
        s.branches = (0..<outlets).map { Branch(name: "o\($0)", customers: 600, staff: [1], tiers: s.tiers) }
        var followUp = Fixtures.campaign("follow_up", target: [0, 1], frequency: Rate(count: 1, per: .week),
                                         contacts: .count(5), funnel: [("reach", 1), ("convert", 0.5)],
                                         amount: .shareOfOffbank(0.2), capByOffbank: true,
                                         buys: [ProductShare(product: 3, share: 1)], filter: .maturing(3, within: .months(1)))
        followUp.hosts = Array(0..<outlets)
        s.campaigns = [followUp]
        return s
    }

    /// Entries of the maturity lists read per outlet and replication.
    static func maturingVisitsPerOutlet(outlets: Int) throws -> Double {
        let plan = try SimulationPlan(province(outlets: outlets))
        var worker = Replicator(plan: plan, seed: 5, salt: 0)
        var visits = 0
        for r in 0..<2 {
            _ = worker.run(replication: r)
            visits += worker.maturingVisits
        }
        return Double(visits) / Double(2 * outlets)
    }

    /// Entries of the hand-off logs read per outlet and replication: at every outlet a weekly
    /// call of 20 whose half pass `pass`, and a hand-off of 5 of the outlet's passers of the
    /// last two weeks.
    static func handOffVisitsPerOutlet(outlets: Int) throws -> Double {
        var s = Fixtures.small(customers: 600, shares: [0.7, 0.3], horizon: .months(3), step: .week, runs: 1)
        s.branches = (0..<outlets).map { Branch(name: "o\($0)", customers: 600, staff: [1], tiers: s.tiers) }
        var source = Fixtures.campaign("src", target: [0], contacts: .count(20), funnel: [("pass", 0.5)])
        source.hosts = Array(0..<outlets)
        var handOff = Fixtures.campaign("dst", target: [0], contacts: .count(5), funnel: [("convert", 0)])
        handOff.condition = .event(.passed(campaign: "src", stage: "pass"), within: .weeks(2))
        handOff.hosts = Array(0..<outlets)
        s.campaigns = [source, handOff]
        var worker = Replicator(plan: try SimulationPlan(s), seed: 5, salt: 0)
        var visits = 0
        for r in 0..<2 {
            _ = worker.run(replication: r)
            visits += worker.handOffVisits
        }
        return Double(visits) / Double(2 * outlets)
    }

    /// Each outlet's hand-off reads its own outlet's log of the source event: before, the log
    /// was one for every outlet (40 outlets cost each outlet 40 times what one does).
    @Test func handOffsReadOnlyTheirOwnOutletsEvents() throws {
        let few = try Self.handOffVisitsPerOutlet(outlets: 2)
        let many = try Self.handOffVisitsPerOutlet(outlets: 40)
        #expect(few > 50, "the hand-offs read their logs at all")
        #expect(many < 1.3 * few, "per outlet: \(few) entries read at 2 outlets, \(many) at 40")
    }

    /// Each outlet's `where maturing` pool reads its own outlet's maturity lists: before, each
    /// read every outlet's (40 outlets cost each outlet 40 times what one does).
    @Test func maturingPoolsReadOnlyTheirOwnOutlets() throws {
        let few = try Self.maturingVisitsPerOutlet(outlets: 2)
        let many = try Self.maturingVisitsPerOutlet(outlets: 40)
        #expect(few > 100, "the follow-ups read maturity lists at all")
        #expect(many < 1.3 * few, "per outlet: \(few) entries read at 2 outlets, \(many) at 40")
    }
}
