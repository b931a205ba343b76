import BranchSimModel
import Foundation

/// The rates outside campaigns that uncertain inputs may set, as one replication uses them
/// (docs/model.md, "Uncertain inputs"): per (branch, tier) set its attrition per month and
/// reachable share, per product its retention at maturity, and per branch its starting tier
/// counts. They start as the plan's; `drawInputs` overwrites what the inputs target (growth
/// sets `GrowthSchedule.factor` instead), each replication anew.
struct DrawnRates {
    var attrition: [Double]
    var reachable: [Double]
    var retain: [Double]
    /// Per (branch, tier) set, the share of the branch's customers in the tier, and per branch
    /// the starting counts from them (`drawTierCounts`).
    var shares: [Double]
    var counts: [[Int]]

    init(_ plan: SimulationPlan) {
        attrition = plan.bt.map(\.attrition)
        reachable = plan.bt.map(\.reachable)
        retain = plan.retain
        shares = plan.scenario.branches.flatMap { $0.tiers.map(\.share) }
        counts = plan.tierCounts
    }
}

extension SimulationPlan {
    /// Per (branch, tier) set, whether an uncertain attrition, resp. growth, can give it a rate
    /// other than 0: the plan decides from the inputs' supports, not their means, whether
    /// attrition and growth run and which sets it may aggregate (a rate uncertain over 0%..2%
    /// may leave customers although it may also draw 0).
    static func uncertainTierRates(_ s: Scenario) -> (attrition: [Bool], growth: [Bool]) {
        let tiers = s.tiers.count
        var attrition = Array(repeating: false, count: s.branches.count * tiers)
        var growth = attrition
        for input in s.uncertainInputs {
            guard case .tier(let kind, let t, let branches, _) = input.target else { continue }
            let low = input.distribution.quantile(0), high = input.distribution.quantile(1)
            for b in branches {
                switch kind {
                case .attrition: if high > 0 { attrition[b * tiers + t] = true }
                case .growth: if low != 0 || high != 0 { growth[b * tiers + t] = true }
                case .share, .reachable: break
                }
            }
        }
        return (attrition, growth)
    }

    /// Whether some tier share is an uncertain input: each replication then draws the starting
    /// tier counts (`Replicator.drawTierCounts`).
    static func hasShareInputs(_ inputs: [PlannedInput]) -> Bool {
        inputs.contains { if case .tier(.share, _, _, _) = $0.target { return true } else { return false } }
    }
}

extension Replicator {
    /// Sets the tier rate `kind` of tier `t` at `branches` to `value` (drawn as written: per
    /// year when `perYear`) for this replication.
    mutating func setTierRate(_ kind: TierInputKind, tier t: Int, branches: [Int], perYear: Bool, _ value: Double) {
        let x = TierInput.perMonth(value, kind: kind, perYear: perYear)
        for b in branches {
            let k = b * tiers + t
            switch kind {
            case .attrition: drawn.attrition[k] = x
            case .growth: growth.factor[k] = Foundation.pow(1 + x, plan.stepMonths)
            case .reachable: drawn.reachable[k] = x
            case .share: drawn.shares[k] = x
            }
        }
    }

    /// This replication's starting tier counts from its drawn shares: at each branch with an
    /// uncertain share, its remainder tier takes 100% minus the other tiers' shares (the checker
    /// makes sure that is not below 0), and the branch's customers are split by the
    /// largest-remainder rule, as for shares that are numbers. Branches started from the
    /// bank's data keep the data's counts.
    mutating func drawTierCounts() {
        for b in 0..<plan.scenario.branches.count {
            let rest = plan.remainderTiers[b]
            guard rest >= 0, plan.importedRows[b].isEmpty else { continue }
            let base = b * tiers
            var others = 0.0
            for t in 0..<tiers where t != rest { others += drawn.shares[base + t] }
            drawn.shares[base + rest] = max(0, 1 - others)
            drawn.counts[b] = SimulationPlan.largestRemainder(total: plan.scenario.branches[b].customers,
                                                              weights: Array(drawn.shares[base..<(base + tiers)]))
        }
    }
}
