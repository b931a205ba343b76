import Foundation

/// Attrition: customers leave, taking their balances.
extension Replicator {
    /// Leavers per (branch, tier): a binomial count with the step's leaving probability
    /// `1 - (1 - p)^(step months)`, chosen uniformly without replacement; at the outlets `branches`.
    mutating func applyAttrition(step: Int, branches: [Int]) {
        for b in branches {
            for t in 0..<tiers {
                let k = b * tiers + t
                let p = drawn.attrition[k]  // the plan's rate, or an uncertain one's draw
                guard p > 0, !sets.members[k].isEmpty else { continue }
                let pStep = 1 - Foundation.pow(1 - min(1, p), plan.stepMonths)
                let sk = RandomKey.mix(RandomKey.mix(RandomKey.mix(RandomKey.mix(repKey, Purpose.attrition), plan.branchKey[b]),
                                                    UInt64(t)), UInt64(step))
                var g = Xoshiro256PlusPlus(key: sk)
                let n = Sampler.binomial(n: sets.members[k].count, p: pStep, using: &g)
                guard n > 0 else { draws &+= g.draws; continue }
                // The leavers, as a partial Fisher-Yates over a copy of the set would choose
                // them, without copying the set (O(leavers), not O(members)).
                leavers.removeAll(keepingCapacity: true)
                Sampler.sampleWithoutReplacement(from: sets.members.base[k].base, count: sets.members[k].count, k: n,
                                                 into: &leavers, table: &leaverTable, using: &g)
                draws &+= g.draws
                for i in 0..<n { leave(Int(leavers[i])) }
                metrics.values[plan.layout.leftCustomers] += Double(n)
            }
        }
    }
}
