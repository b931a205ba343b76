/// Money over a replication (docs/model.md, "Money"): the margin each money entity (the
/// total, each campaign, each outlet) earns per step from its purchases so far, and the
/// cost spent so far over the network. Revenue, staff cost and cost themselves accumulate in
/// the replication's values.
struct MoneyAccounts {
    /// `marginRate[e]`: margin per step of entity `e` (`MetricLayout.revenue`'s order), of
    /// the current outlet group (a view of its block: `ReplicationMetrics`).
    var marginRate: Column<Double>
    /// The current group's block's scalars: `[1]` is its cost so far (`cost` is summed over
    /// campaigns only at the end).
    var scalars: UnsafeMutablePointer<Double>
    var costSoFar: Double {
        get { scalars[1] }
        nonmutating set { scalars[1] = newValue }
    }
    /// Each product's fee per yuan bought and margin per yuan per step: the plan's, but for
    /// an uncertain fee or margin the replication's draw (`drawInputs`).
    var productFee: [Double]
    var productMarginPerStep: [Double]

    init(_ plan: SimulationPlan, metrics: ReplicationMetrics) {
        marginRate = Column(viewing: metrics.total.base + metrics.margin0, count: metrics.marginCount)
        scalars = metrics.scalars
        productFee = plan.productFee
        productMarginPerStep = plan.productMarginPerStep
    }

    mutating func removeAll() {}
}

extension Replicator {
    /// The revenue of the purchase `amount` split by `cp`'s money shares: the fee at once (into
    /// campaign `ci`'s and outlet `host`'s revenue and the total), the margin per step from now on.
    mutating func earn(_ amount: Double, _ cp: CampaignRef, campaign ci: Int, host: Int) {
        var fee = 0.0, rate = 0.0
        for m in cp.plan.buyMoney {
            fee += amount * m.share * money.productFee[m.product]
            rate += amount * m.share * money.productMarginPerStep[m.product]
        }
        let L = plan.layout, values = metrics.values
        let campaign = 1 + ci, outlet = 1 + plan.campaigns.count + host
        values[L.revenue[0]] += fee
        values[L.revenue[campaign]] += fee
        values[L.revenue[outlet]] += fee
        money.marginRate[0] += rate
        money.marginRate[campaign] += rate
        money.marginRate[outlet] += rate
    }

    /// The staff cost of the occurrence just staffed (its hours in `staffing.occurrenceHours`).
    mutating func payStaff(campaign ci: Int, host: Int) {
        // Without effort the staffing check leaves the hours of an earlier occurrence.
        guard campaigns[ci].plan.hasEffort else { return }
        var cost = 0.0
        for r in 0..<roles { cost += staffing.occurrenceHours[r] * plan.roleCostPerHour[r] }
        guard cost > 0 else { return }
        let L = plan.layout, values = metrics.values
        values[L.staffCost[0]] += cost
        values[L.staffCost[1 + ci]] += cost
        values[L.staffCost[1 + plan.campaigns.count + host]] += cost
    }

    /// `cost X once` and `cost X per month` of campaign `ci` in `step` (it runs in this step),
    /// as far as outlet group `g` holds them: the campaign's own figure in its home group
    /// (`OutletGroups.home`), an equal share for each of its hosts in the group.
    mutating func fixedCosts(campaign ci: Int, step: Int, group g: Int) {
        let ref = campaigns[ci]
        let cost = (step == ref.plan.firstStep ? ref.plan.costOnce : 0) + ref.plan.costPerStep
        guard cost > 0 else { return }
        let L = plan.layout, values = metrics.values
        if groups.home[ci] == g {
            values[L.campaignCost[ci]] += cost
            metrics.stepCost += cost
        }
        let share = cost / Double(ref.plan.hosts.count)
        for h in groups.hosts[g][ci] { values[L.outletCost[ref.plan.hosts[h]]] += share }
    }

    /// At the end of `step`, for the current group (its outlets `branches`): each entity
    /// earns its margin; an outlet's payback step is the first at whose end its cumulative
    /// profit is >= 0, once it has spent something. The entities groups share (the network,
    /// the campaigns) keep their running figures by step for `sharedPayback`.
    mutating func closeMoneyStep(_ step: Int, branches: [Int]) {
        let L = plan.layout, values = metrics.values
        money.costSoFar += metrics.stepCost
        let shared = metrics.shared
        let snap = metrics.snapshots + step * shared * 3
        for e in 0..<shared {
            values[L.revenue[e]] += money.marginRate[e]
            snap[e * 3] = values[L.revenue[e]]
            snap[e * 3 + 1] = e == 0 ? money.costSoFar : values[L.entityCost[e]]
            snap[e * 3 + 2] = values[L.staffCost[e]]
        }
        for b in branches {
            let e = shared + b
            values[L.revenue[e]] += money.marginRate[e]
            guard values[L.payback[e]] == 0 else { continue }
            let cost = values[L.entityCost[e]] + values[L.staffCost[e]]
            if cost > 0 && values[L.revenue[e]] - cost >= 0 { values[L.payback[e]] = Double(step + 1) }
        }
    }

    /// The payback step of the network and of each campaign, from the groups' figures by
    /// step summed (`metrics.total`).
    mutating func sharedPayback() {
        let L = plan.layout, values = metrics.values
        let shared = metrics.shared
        for e in 0..<shared {
            for step in 0..<plan.steps {
                let snap = metrics.snapshots + (step * shared + e) * 3
                let cost = snap[1] + snap[2]
                if cost > 0 && snap[0] - cost >= 0 {
                    values[L.payback[e]] = Double(step + 1)
                    break
                }
            }
        }
    }

    /// At the end of the replication (after `cost` is summed): profit, ROI, and `steps + 1` as
    /// the payback of an entity that spent and did not pay back.
    mutating func closeMoney() {
        let L = plan.layout, values = metrics.values
        for e in 0..<L.revenue.count {
            let spent = values[L.entityCost[e]] + values[L.staffCost[e]]
            let profit = values[L.revenue[e]] - spent
            values[L.profit[e]] = profit
            values[L.roi[e]] = spent > 0 ? profit / spent : 0
            if values[L.payback[e]] == 0 && spent > 0 { values[L.payback[e]] = Double(plan.steps + 1) }
        }
    }
}
