import BranchSimModel
import Testing
@testable import BranchSimEngine

/// Target weights (issue 14, item 7): written weights split the contacts, equal or not;
/// a tier that runs dry gives what it has and the others make up the rest by their weights.
@Suite struct TargetWeightTests {
    /// Two tiers, 900 and 100 customers; only the low tier is reachable, so `reach` counts
    /// the contacts drawn from it. 20 contacts a week by `weights`.
    static func scenario(weights: [Double]?, reachable: [Double] = [1, 0], runs: Int = 4) -> Scenario {
        var c = Fixtures.campaign(target: [0, 1], contacts: .count(20), funnel: [("reach", 1)])
        if let weights {
            c.targets = zip([0, 1], weights).map { TargetWeight(tier: $0, weight: $1) }
            c.weightedTargets = true
        }
        return Fixtures.small(customers: 1000, shares: [0.9, 0.1], reachable: reachable, campaigns: [c], runs: runs)
    }

    /// `target low 1/2, high 1/2`: exactly 10 from each tier every week. Before the fix the
    /// equal weights were ignored and the union pool gave the low tier about 18 a week.
    @Test func equalWrittenWeightsSplitEvenly() throws {
        let r = try run(Self.scenario(weights: [0.5, 0.5]))
        #expect(r.all("funnel.c.contacts") == [1040, 1040, 1040, 1040])
        #expect(r.all("funnel.c.reach") == [520, 520, 520, 520])
        #expect(r.all("funnel.c.contacts.high") == [520, 520, 520, 520])
    }

    /// No discontinuity: 0.5001/0.4999 splits exactly as 1/2, 1/2 does (both 10/10 of 20).
    @Test func nearlyEqualWeightsSplitLikeEqualOnes() throws {
        let even = try run(Self.scenario(weights: [0.5, 0.5], reachable: [0.7, 0.8]))
        let near = try run(Self.scenario(weights: [0.5001, 0.4999], reachable: [0.7, 0.8]))
        #expect(even.replications.map(\.values) == near.replications.map(\.values))
    }

    /// A plain list (no weights written) still draws from the tiers' pools together.
    @Test func plainListDrawsFromTheUnion() throws {
        let r = try run(Self.scenario(weights: nil, runs: 8))
        let reach = r.all("funnel.c.reach")
        // About 90% of 1,040 from the low tier, never exactly the even split.
        #expect(reach.allSatisfy { $0 > 850 && $0 < 1020 })
    }

    /// The split is the weights' in distribution too: with both tiers partly reachable,
    /// the mean `reach` over runs is 52 x (10 x 0.75 + 10 x 0.9) = 858, within 5 standard
    /// errors (measured from the runs), and far from the union's 52 x 20 x (0.9 x 0.75 +
    /// 0.1 x 0.9) = 795.6.
    @Test func reachMatchesTheWeightedSplitStatistically() throws {
        let r = try run(Self.scenario(weights: [0.5, 0.5], reachable: [0.75, 0.9], runs: 200))
        let x = r.all("funnel.c.reach")
        let n = Double(x.count), mean = x.reduce(0, +) / n
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let se = sd / n.squareRoot()
        #expect(abs(mean - 858) < 5 * se, "mean \(mean), se \(se)")
        #expect(abs(mean - 795.6) > 20 * se)
    }

    @Test func sharesRedistributeWhatADryPoolLacks() {
        #expect(SimulationPlan.weightedShares(total: 10, weights: [2.0 / 3, 1.0 / 3], available: [99, 1]) == [9, 1])
        #expect(SimulationPlan.weightedShares(total: 40, weights: [0.5, 0.5], available: [5, 100]) == [5, 35])
        // A chain: the first two run dry in turn, the third takes the rest.
        #expect(SimulationPlan.weightedShares(total: 30, weights: [1, 1, 1], available: [2, 5, 100]) == [2, 5, 23])
        // Every pool short: each gives all it has.
        #expect(SimulationPlan.weightedShares(total: 30, weights: [1, 2], available: [3, 4]) == [3, 4])
        // No pool short: the weights' largest remainder.
        #expect(SimulationPlan.weightedShares(total: 10, weights: [2.0 / 3, 1.0 / 3], available: [50, 50])
                == SimulationPlan.largestRemainder(total: 10, weights: [2.0 / 3, 1.0 / 3]))
    }
}
