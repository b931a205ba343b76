import BranchSimModel

/// A replication's metrics: its row of values (`plan.layout` says where each metric sits),
/// its per-step series, and the step's cost. Columns, not arrays: a write checks no
/// uniqueness and retains nothing.
struct ReplicationMetrics {
    var values = Column<Double>()
    /// `series[s * steps + step]`, in `MetricCatalog.series` order.
    var series = Column<Double>()
    var stepCost = 0.0
    /// Customers by (start tier, end tier or `tiers` for left): `[from * (tiers + 1) + to]`.
    var migrationCounts = Column<Int>()

    init(_ plan: SimulationPlan) {
        let tiers = plan.tierCount, roles = plan.roleCount
        let seriesCost = 1 + 2 * tiers + 2 * roles
        precondition(seriesCost + 1 == plan.series.count, "series layout differs from MetricCatalog.series")
        values.append(repeating: 0, count: plan.metrics.count)
        series.append(repeating: 0, count: plan.series.count * plan.steps)
        migrationCounts.append(repeating: 0, count: tiers * (tiers + 1))
    }

    mutating func removeAll() {
        for i in values.indices { values[i] = 0 }
        for i in series.indices { series[i] = 0 }
    }

    func free() { values.free(); series.free(); migrationCounts.free() }
}

extension Replicator {
    /// The step's series, at its end: AUM and customers by tier, hours, FTE and cost.
    mutating func recordStep(_ step: Int) {
        let steps = plan.steps
        let seriesAumTier = 1, seriesCustomers = 1 + tiers, seriesHours = 1 + 2 * tiers
        let seriesFTE = seriesHours + roles, seriesCost = seriesFTE + roles
        let series = metrics.series
        var aum = 0.0
        let managed = staffing.managedStep, outletManaged = staffing.outletManagedStep
        let branches = plan.scenario.branches.count
        for r in 0..<roles { managed[r] = 0 }
        for i in outletManaged.indices { outletManaged[i] = 0 }
        for t in 0..<tiers {
            var sum = 0.0, count = 0
            for b in 0..<branches {
                let k = b * tiers + t
                sum += sets.aum[k]
                let members = sets.size(k)
                count += members
                let r = plan.bt[k].managedBy
                if r >= 0 && plan.roleCapacity[r] > 0 {
                    let book = Double(members) / plan.roleCapacity[r]
                    managed[r] += book
                    outletManaged[b * roles + r] += book
                }
            }
            aum += sum
            series[(seriesAumTier + t) * steps + step] = sum
            series[(seriesCustomers + t) * steps + step] = Double(count)
        }
        series[step] = aum
        let stepHours = staffing.stepHours
        for r in 0..<roles {
            let fte = (plan.roleStepHours[r] > 0 ? stepHours[r] / plan.roleStepHours[r] : 0) + managed[r]
            series[(seriesHours + r) * steps + step] = stepHours[r]
            series[(seriesFTE + r) * steps + step] = fte
            staffing.hoursTotal[r] += stepHours[r]
            staffing.fteSum[r] += fte
            staffing.ftePeak[r] = max(staffing.ftePeak[r], fte)
            staffing.managedSum[r] += managed[r]
        }
        // Per outlet: the hours its staff worked for the occurrences it hosted, and the book
        // of its own customers.
        let used = staffing.used
        for b in 0..<branches {
            for r in 0..<roles {
                let i = b * roles + r
                let fte = (plan.roleStepHours[r] > 0 ? used[i] / plan.roleStepHours[r] : 0) + outletManaged[i]
                staffing.outletHoursTotal[i] += used[i]
                staffing.outletFTESum[i] += fte
                staffing.outletFTEPeak[i] = max(staffing.outletFTEPeak[i], fte)
                staffing.outletManagedSum[i] += outletManaged[i]
            }
        }
        series[seriesCost * steps + step] = metrics.stepCost
    }

    /// The replication's record: the cohort view (each customer by its start tier, new
    /// customers by the tier they joined), AUM, uplift, totals over campaigns and roles, and
    /// the series for the first replications.
    mutating func finishReplication(_ index: Int) -> ReplicationRecord {
        let L = plan.layout
        let values = metrics.values
        // Aggregated customers stay where they started, with their starting balance (uplift 0).
        // Uplift is the sum of the customers' changes (exactly 0 when nothing changed), and
        // the end AUM the start plus it, whatever the share of aggregated customers.
        if growth.lazy { for c in 0..<customers.count { bringCurrent(c) } }
        var uplift = 0.0
        for k in 0..<setCount where sets.staticCount[k] > 0 {
            let t = k % tiers
            values[L.migration[t * tiers + t]] += Double(sets.staticCount[k])
        }
        // Customers come in runs of one branch and one start tier: each of those two sums is
        // kept in a register along a run and stored when the run ends (the same additions in
        // the same order as adding into `values` each time). Moves are counted as integers
        // (exact in any order) and added once.
        let moves = metrics.migrationCounts.base
        moves.update(repeating: 0, count: metrics.migrationCounts.count)
        let alive = customers.alive, total = customers.total, startTotal = customers.startTotal
        let branch = customers.branch, startTier = customers.startTier, tier = customers.tier
        var runBranch = -1, branchSum = 0.0, runTier = -1, tierSum = 0.0, branchUp = 0
        for c in 0..<customers.count {
            let live = alive[c]
            let end = live ? total[c] : 0
            let d = end - startTotal[c]
            uplift += d
            let b = Int(branch[c]), from = Int(startTier[c])
            if b != runBranch {
                if runBranch >= 0 {
                    values[L.upliftBranch[runBranch]] = branchSum
                    values[L.outletUpgrades[runBranch]] += Double(branchUp)
                }
                runBranch = b
                branchSum = values[L.upliftBranch[b]]
                branchUp = 0
            }
            branchSum += d
            if live && Int(tier[c]) > from { branchUp &+= 1 }
            if from != runTier {
                if runTier >= 0 { values[L.upliftTier[runTier]] = tierSum }
                runTier = from
                tierSum = values[L.upliftTier[from]]
            }
            tierSum += d
            // to = tiers (one past the last tier) counts a customer who left.
            moves[from * (tiers + 1) + (live ? Int(tier[c]) : tiers)] &+= 1
        }
        if runBranch >= 0 {
            values[L.upliftBranch[runBranch]] = branchSum
            values[L.outletUpgrades[runBranch]] += Double(branchUp)
        }
        if runTier >= 0 { values[L.upliftTier[runTier]] = tierSum }
        for from in 0..<tiers {
            for to in 0...tiers {
                let n = moves[from * (tiers + 1) + to]
                guard n > 0 else { continue }
                if to == tiers {
                    values[L.migrationLeft[from]] += Double(n)
                    continue
                }
                values[L.migration[from * tiers + to]] += Double(n)
                if to > from {
                    values[L.upgrades] += Double(n)
                    values[L.upgradePair[from * tiers + to]] += Double(n)
                } else if to < from {
                    values[L.downgrades] += Double(n)
                }
            }
        }
        // Summed in creation order over every starting customer, aggregated or not, so a
        // variant that touches other tiers starts from the bit-identical AUM.
        let aumStart = starts.aum
        values[L.aumStart] = aumStart
        let aumEnd = aumStart + uplift
        values[L.aumEnd] = aumEnd
        values[L.uplift] = uplift
        var cost = 0.0
        for ci in 0..<plan.campaigns.count {
            values[L.totalConversions] += values[L.conversions[ci]]
            values[L.totalTurnedAway] += values[L.turnedAway[ci]]
            values[L.totalUnserved] += values[L.unserved[ci]]
            cost += values[L.campaignCost[ci]]
            values[L.totalSubscribed] += values[L.subscribed[ci]]
            values[L.totalServedInPart] += values[L.servedInPart[ci]]
            values[L.totalUnservedContacts] += values[L.unservedContacts[ci]]
        }
        values[L.cost] = cost
        values[L.upliftPerCost] = cost > 0 ? uplift / cost : 0
        for r in 0..<roles {
            values[L.hours[r]] = staffing.hoursTotal[r]
            values[L.fte[r]] = staffing.fteSum[r] / Double(plan.steps)
            values[L.peakFTE[r]] = staffing.ftePeak[r]
            values[L.managedFTE[r]] = staffing.managedSum[r] / Double(plan.steps)
            values[L.available[r]] = plan.availableFTE[r]
        }
        for b in 0..<plan.scenario.branches.count {
            values[L.outletUplift[b]] = values[L.upliftBranch[b]]
            for r in 0..<roles {
                let i = b * roles + r
                guard L.outletHours[i] >= 0 else { continue }
                values[L.outletHours[i]] = staffing.outletHoursTotal[i]
                values[L.outletFTE[i]] = staffing.outletFTESum[i] / Double(plan.steps)
                values[L.outletPeakFTE[i]] = staffing.outletFTEPeak[i]
                values[L.outletManagedFTE[i]] = staffing.outletManagedSum[i] / Double(plan.steps)
                values[L.outletAvailable[i]] = plan.outletStaff[i]
            }
        }
        closeMoney()
        // Named metrics, in order, each from this replication's values (those before it).
        for d in L.derived { values[d.slot] = d.expression.evaluate(values.base) }
        // Series are kept for the first replications only (`RunResult.seriesReplications`).
        let keep = index < RunResult.seriesReplications
        return ReplicationRecord(index: index, values: Array(UnsafeBufferPointer(start: values.base, count: values.count)),
                                 series: keep ? Array(UnsafeBufferPointer(start: metrics.series.base, count: metrics.series.count)) : [])
    }
}
