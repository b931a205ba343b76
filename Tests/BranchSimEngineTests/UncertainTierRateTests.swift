import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

/// Uncertain tier rates (attrition, growth, reachable, shares) and product retention
/// (docs/model.md, "Uncertain inputs"): each drawn once per replication from the key of its
/// own path, and what the engine uses in that replication.
@Suite struct UncertainTierRateTests {
    /// `s` with tier `t`'s rate `kind` uncertain at every branch (the tier statement's input),
    /// its plain field at the distribution's mean as the checker leaves it.
    static func with(_ s: Scenario, tier t: Int, _ kind: TierInputKind, _ d: InputDistribution, perYear: Bool = false) -> Scenario {
        var s = s
        func set(_ tier: inout Tier) {
            tier.uncertain[kind] = TierInput(distribution: d, perYear: perYear)
            let m = TierInput.perMonth(d.mean, kind: kind, perYear: perYear)
            switch kind {
            case .share: tier.share = d.mean
            case .reachable: tier.reachable = d.mean
            case .attrition: tier.attritionPerMonth = m
            case .growth: tier.growthPerMonth = m
            }
        }
        set(&s.tiers[t])
        for b in s.branches.indices { set(&s.branches[b].tiers[t]) }
        return s
    }

    /// 800 customers over two tiers, a campaign working the low tier (reach, then convert),
    /// monthly steps.
    static func scenario(runs: Int = 120, reach: Double = 1) -> Scenario {
        let c = Fixtures.campaign("c", contacts: .count(40), funnel: [("reach", reach), ("convert", 0.5)], amount: .fixed(5_000),
                                  buys: [ProductShare(product: 0, share: 1)])
        return Fixtures.small(customers: 800, shares: [0.7, 0.3], campaigns: [c], horizon: .months(12), step: .month, runs: runs)
    }

    /// Every metric of `a` is that of `b`, bit for bit (the input metrics of either aside).
    func expectSame(_ a: RunResult, _ b: RunResult) {
        for m in b.metrics where !m.key.hasPrefix("input.") {
            #expect(a.all(m.key) == b.all(m.key), "\(m.key)")
        }
    }

    @Test func aDegenerateDistributionIsTheFixedRateBitForBit() throws {
        var certain = Self.scenario(runs: 30)
        for b in certain.branches.indices { certain.branches[b].tiers[1].attritionPerMonth = 0.02 }
        certain.tiers[1].attritionPerMonth = 0.02
        for b in certain.branches.indices { certain.branches[b].tiers[1].growthPerMonth = 0.01 }
        certain.tiers[1].growthPerMonth = 0.01
        var uncertain = Self.with(Self.scenario(runs: 30), tier: 1, .attrition, .uniform(low: 0.02, high: 0.02))
        uncertain = Self.with(uncertain, tier: 1, .growth, .uniform(low: 0.01, high: 0.01))
        let a = try run(uncertain), b = try run(certain)
        #expect(b.all("left_customers").contains { $0 > 0 })
        expectSame(a, b)
        #expect(a.all("input.high.attrition").allSatisfy { $0 == 0.02 })

        var reach = Self.scenario(runs: 30, reach: 1)
        for b in reach.branches.indices { reach.branches[b].tiers[0].reachable = 0.6 }
        reach.tiers[0].reachable = 0.6
        let r = try run(Self.with(Self.scenario(runs: 30), tier: 0, .reachable, .uniform(low: 0.6, high: 0.6)))
        expectSame(r, try run(reach))

        let shares = try run(Self.with(Self.scenario(runs: 30), tier: 1, .share, .uniform(low: 0.3, high: 0.3)))
        expectSame(shares, try run(Self.scenario(runs: 30)))
    }

    @Test func anUncertainAttritionRateDrivesTheLeavers() throws {
        let d = InputDistribution.uniform(low: 0, high: 0.04)
        let r = try run(Self.with(Self.scenario(runs: 200), tier: 1, .attrition, d))
        let drawn = r.all("input.high.attrition"), left = r.all("left_customers")
        #expect(drawn.allSatisfy { $0 >= 0 && $0 <= 0.04 })
        // The draws' mean is the distribution's within 4 standard errors (sd of U(0, 4%): 1.15%).
        let mean = drawn.reduce(0, +) / Double(drawn.count)
        #expect(abs(mean - d.mean) < 4 * 0.04 / 12.0.squareRoot() / Double(drawn.count).squareRoot())
        #expect(UncertainInputTests().correlation(drawn, left) > 0.9)
        // Held at 0 (sensitivity's low end, say), nobody leaves.
        var options = RunOptions(threads: 2)
        options.fixedInputs = ["high.attrition": 0]
        let held = try Engine.run(Self.with(Self.scenario(runs: 20), tier: 1, .attrition, d), label: "base", options: options)
        #expect(held.all("left_customers").allSatisfy { $0 == 0 })
    }

    /// A growth uncertain around 0 has a mean of 0: the plan still lets growth run, and does
    /// not aggregate the untargeted tier it applies to (decided on the support, not the mean).
    @Test func growthUncertainAroundZeroStillRuns() throws {
        let d = InputDistribution.uniform(low: -0.01, high: 0.01)
        let s = Self.with(Self.scenario(runs: 100), tier: 1, .growth, d)
        let plan = try SimulationPlan(s)
        #expect(plan.hasGrowth)
        #expect(plan.staticSets == [false, false])
        #expect(try SimulationPlan(Self.scenario()).staticSets == [false, true])
        let r = try run(s)
        let drawn = r.all("input.high.growth"), tierUplift = r.all("uplift.high")
        #expect(UncertainInputTests().correlation(drawn, tierUplift) > 0.9)
        // Lazy growth (the engine's) and eager growth (the reference) agree bit for bit.
        var lazy = Replicator(plan: plan, seed: 5, salt: 0)
        var eager = Replicator(plan: plan, seed: 5, salt: 0, reference: .eagerGrowth)
        for i in 0..<4 {
            let x = lazy.run(replication: i), y = eager.run(replication: i)
            #expect(x.values.map(\.bitPattern) == y.values.map(\.bitPattern), "replication \(i)")
        }
        // Per year: the draw as written, compounded down to a month.
        let yearly = try run(Self.with(Self.scenario(runs: 20), tier: 1, .growth, .uniform(low: 0.1, high: 0.1), perYear: true))
        var monthly = Self.scenario(runs: 20)
        for b in monthly.branches.indices { monthly.branches[b].tiers[1].growthPerMonth = pow(1.1, 1.0 / 12) - 1 }
        monthly.tiers[1].growthPerMonth = pow(1.1, 1.0 / 12) - 1
        expectSame(yearly, try run(monthly))
        #expect(yearly.all("input.high.growth").allSatisfy { $0 == 0.1 })
    }

    @Test func anUncertainReachableShareDrivesTheReachStage() throws {
        let r = try run(Self.with(Self.scenario(runs: 150), tier: 0, .reachable, .beta(mean: 0.6, sd: 0.15)))
        let drawn = r.all("input.low.reachable"), reached = r.all("funnel.c.reach"), contacts = r.all("funnel.c.contacts")
        #expect(UncertainInputTests().correlation(drawn, zip(reached, contacts).map { $0 / $1 }) > 0.9)
    }

    @Test func anUncertainRetentionDrivesWhatStaysAtMaturity() throws {
        var s = Fixtures.small(customers: 600, horizon: .months(6), step: .month, runs: 120)
        s.products[1].term = .months(6)
        s.products[1].retainUncertainty = .uniform(low: 0, high: 1)
        s.products[1].retain = 0.5
        s.tiers[0].holds = [ProductShare(product: 1, share: 1)]
        s.branches[0].tiers[0].holds = [ProductShare(product: 1, share: 1)]
        let r = try run(s)
        let drawn = r.all("input.fund.retain"), end = r.all("aum.end"), start = r.all("aum.start")
        #expect(UncertainInputTests().correlation(drawn, zip(end, start).map { $0 / $1 }) > 0.9)
        var options = RunOptions(threads: 2)
        options.fixedInputs = ["fund.retain": 1]
        let kept = try Engine.run(s, label: "base", options: options)
        #expect(kept.all("aum.end") == kept.all("aum.start"))
    }

    /// An uncertain share sets the replication's starting composition: the tier's count is
    /// the largest-remainder split of the branch by the drawn share, the remainder tier taking
    /// the rest; the mean count over replications tracks the share's mean.
    @Test func anUncertainShareSetsTheStartingComposition() throws {
        let d = InputDistribution.triangular(low: 0.1, mode: 0.3, high: 0.4)
        let s = Self.with(Self.scenario(runs: 300), tier: 1, .share, d)
        #expect(s.remainderTiers == [0])
        let r = try run(s)
        let drawn = r.all("input.high.share")
        let started = zip(zip(r.all("migration.high.low"), r.all("migration.high.high")), r.all("migration.high.left")).map { $0.0 + $0.1 + $1 }
        for (x, n) in zip(drawn, started) {
            #expect(n == Double(SimulationPlan.largestRemainder(total: 800, weights: [1 - x, x])[1]))
        }
        let mean = started.reduce(0, +) / Double(started.count)
        let sd = 800 * ((0.01 + 0.09 + 0.16 - 0.03 - 0.04 - 0.12) / 18).squareRoot()
        #expect(abs(mean - 800 * d.mean) < 4 * sd / Double(started.count).squareRoot(), "mean start count \(mean)")
        // The same on one thread and on three (each worker draws its counts anew).
        let one = try run(s, runs: 40, threads: 1), three = try run(s, runs: 40, threads: 3)
        expectSame(one, three)
    }

    /// Each input keeps its draws when another is added, and across a variant (common random
    /// numbers); a branch's override is an input of its own.
    @Test func tierInputsHaveKeysOfTheirOwn() throws {
        let one = Self.with(Self.scenario(runs: 40), tier: 1, .attrition, .uniform(low: 0, high: 0.02))
        let two = Self.with(one, tier: 0, .reachable, .uniform(low: 0.5, high: 0.9))
        let a = try run(one), b = try run(two)
        #expect(a.all("input.high.attrition") == b.all("input.high.attrition"))
        var busy = two
        busy.campaigns[0].contacts = .count(60)
        #expect(try run(busy).all("input.low.reachable") == b.all("input.low.reachable"))
        var overridden = two
        overridden.branches[0].tiers[1].uncertain[.attrition]?.atBranch = true
        #expect(overridden.uncertainInputs.map(\.path) == ["low.reachable", "b.high.attrition"])
        #expect(try run(overridden).all("input.b.high.attrition") != b.all("input.high.attrition"))
    }
}
