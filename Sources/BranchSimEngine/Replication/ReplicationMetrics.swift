import BranchSimModel

/// A replication's metrics: its row of values (`plan.layout` says where each metric sits),
/// its per-step series, and the step's cost. Columns, not arrays: a write checks no
/// uniqueness and retains nothing.
///
/// What an outlet group's occurrences and steps add up (docs/model.md, "Outlet groups") goes
/// into that group's block: its row, its series (the FTE rows hold the managed FTE until the
/// end), its margin rates (`MoneyAccounts`), its step hours per role (`Staffing`), its step
/// cost and cost so far, and per step the running revenue, cost and staff cost of the
/// entities several groups share (the network, the campaigns), for their payback. `values`,
/// `series` and the others are views of the current group's block. A replication adds the
/// groups' blocks into `total` in group order, whichever order the groups ran in, so a
/// cross-outlet sum comes out the same from a step-major and a group-major run; the totals
/// over steps (FTE, peaks, payback of shared entities) are formed from `total` at the end.
struct ReplicationMetrics {
    /// Views of the current group's block.
    var values: Column<Double>
    /// `series[s * steps + step]`, in `MetricCatalog.series` order.
    var series: Column<Double>
    /// `stepCost`, `costSoFar` of the current block.
    var scalars: UnsafeMutablePointer<Double>
    /// `snapshots[(step * shared + e) * 3 + {0, 1, 2}]`: revenue, cost, staff cost of shared
    /// entity `e` (the network, then each campaign) at the end of `step`.
    var snapshots: UnsafeMutablePointer<Double>
    /// Customers by (start tier, end tier or `tiers` for left): `[from * (tiers + 1) + to]`.
    var migrationCounts = Column<Int>()

    // The block layout.
    let valuesCount: Int, seriesCount: Int, marginCount: Int, roles: Int, shared: Int
    let series0: Int, margin0: Int, hours0: Int, scalar0: Int, snap0: Int, blockSize: Int
    /// The groups' blocks (every group's on the step-major reference path, else one reused),
    /// and their sum.
    var blocks = Column<Double>()
    var total = Column<Double>()

    var stepCost: Double {
        get { scalars[0] }
        nonmutating set { scalars[0] = newValue }
    }

    init(_ plan: SimulationPlan) {
        let tiers = plan.tierCount, roles = plan.roleCount
        let seriesCost = 1 + 2 * tiers + 2 * roles
        precondition(seriesCost + 1 == plan.series.count, "series layout differs from MetricCatalog.series")
        valuesCount = plan.metrics.count
        seriesCount = plan.series.count * plan.steps
        marginCount = plan.layout.revenue.count
        self.roles = roles
        shared = 1 + plan.campaigns.count
        series0 = valuesCount
        margin0 = series0 + seriesCount
        hours0 = margin0 + marginCount
        scalar0 = hours0 + roles
        snap0 = scalar0 + 2
        blockSize = snap0 + (plan.earns ? plan.steps * shared * 3 : 0)
        total.append(repeating: 0, count: blockSize)
        let p = total.base
        values = Column(viewing: p, count: valuesCount)
        series = Column(viewing: p + series0, count: seriesCount)
        scalars = p + scalar0
        snapshots = p + snap0
        migrationCounts.append(repeating: 0, count: tiers * (tiers + 1))
    }

    /// Makes room for `n` zeroed blocks.
    mutating func prepareBlocks(_ n: Int) {
        if blocks.count != n * blockSize {
            blocks.removeAll()
            blocks.append(repeating: 0, count: n * blockSize)
        } else {
            blocks.base.update(repeating: 0, count: blocks.count)
        }
    }

    func block(_ i: Int) -> UnsafeMutablePointer<Double> { blocks.base + i * blockSize }

    /// Adds block `i` into `total`, element by element (an element the group did not touch
    /// is 0 and leaves the total as it is), then clears it.
    func fold(_ i: Int) {
        let s = block(i), t = total.base
        for j in 0..<blockSize {
            let v = s[j]
            if v != 0 { t[j] += v; s[j] = 0 }
        }
    }

    mutating func removeAll() {
        total.base.update(repeating: 0, count: blockSize)
        blocks.base.update(repeating: 0, count: blocks.count)
    }

    func free() { total.free(); blocks.free(); migrationCounts.free() }
}

extension Replicator {
    /// The step's series of the current group (its outlets `branches`), at its end: AUM and
    /// customers by tier, hours, the managed FTE (the FTE is formed from the groups' sums at
    /// the end: `finishReplication`) and cost; and each outlet's hours and FTE.
    mutating func recordStep(_ step: Int, branches: [Int]) {
        let steps = plan.steps
        let seriesAumTier = 1, seriesCustomers = 1 + tiers, seriesHours = 1 + 2 * tiers
        let seriesFTE = seriesHours + roles, seriesCost = seriesFTE + roles
        let series = metrics.series
        var aum = 0.0
        let managed = staffing.managedStep, outletManaged = staffing.outletManagedStep
        for r in 0..<roles { managed[r] = 0 }
        for b in branches { for r in 0..<roles { outletManaged[b * roles + r] = 0 } }
        for t in 0..<tiers {
            var sum = 0.0, count = 0
            for b in branches {
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
            series[(seriesHours + r) * steps + step] = stepHours[r]
            series[(seriesFTE + r) * steps + step] = managed[r]
        }
        // Per outlet: the hours its staff worked for the occurrences it hosted, and the book
        // of its own customers.
        let used = staffing.used
        for b in branches {
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

    /// The current group's part of the replication's record, after its last step (the
    /// customers of group `g`; on the step-major reference path every group's customers are
    /// held, and the others are skipped): the cohort view (each customer by its start tier,
    /// new customers by the tier they joined), its uplift, its outlets' figures.
    mutating func finishGroup(_ g: Int) {
        let L = plan.layout
        let values = metrics.values
        let outlets = groups.branches[g]
        heldPeak = max(heldPeak, customers.count)
        // Aggregated customers stay where they started, with their starting balance (uplift 0).
        // Uplift is the sum of the customers' changes (exactly 0 when nothing changed), and
        // the end AUM the start plus it, whatever the share of aggregated customers.
        if growth.lazy { for c in 0..<customers.count { bringCurrent(c) } }
        var uplift = 0.0
        for b in outlets {
            for t in 0..<tiers where sets.staticCount[b * tiers + t] > 0 {
                values[L.migration[t * tiers + t]] += Double(sets.staticCount[b * tiers + t])
            }
        }
        // Customers come in runs of one branch and one start tier: each of those two sums is
        // kept in a register along a run and stored when the run ends (the same additions in
        // the same order as adding into `values` each time). Moves are counted as integers
        // (exact in any order) and added once.
        let moves = metrics.migrationCounts.base
        moves.update(repeating: 0, count: metrics.migrationCounts.count)
        let alive = customers.alive, total = customers.total, startTotal = customers.startTotal
        let branch = customers.branch, startTier = customers.startTier, tier = customers.tier
        let mixed = groups.count > 1 && reference.contains(.stepMajor)
        var runBranch = -1, branchSum = 0.0, runTier = -1, tierSum = 0.0, branchUp = 0
        for c in 0..<customers.count {
            if mixed && groups.groupOf[Int(branch[c])] != g { continue }
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
        values[L.uplift] = uplift
        for b in outlets {
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
    }

    /// The replication's record, from the sum of the groups' blocks (`metrics.total`): AUM,
    /// uplift, totals over campaigns and roles, the FTE series and its peaks, the payback of
    /// the entities groups share, and the series for the first replications.
    mutating func finishReplication(_ index: Int) -> ReplicationRecord {
        pointAtTotal()
        let L = plan.layout
        let values = metrics.values, series = metrics.series
        // Summed outlet by outlet in creation order (each outlet's starting customers,
        // aggregated or not), then over the outlets in order: a variant that touches other
        // tiers, or groups its outlets otherwise, starts from the bit-identical AUM.
        var aumStart = 0.0
        for b in 0..<plan.scenario.branches.count { aumStart += starts.branchAum[b] }
        let uplift = values[L.uplift]
        values[L.aumStart] = aumStart
        let aumEnd = aumStart + uplift
        values[L.aumEnd] = aumEnd
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
        let steps = plan.steps, seriesHours = 1 + 2 * tiers, seriesFTE = seriesHours + roles
        for r in 0..<roles {
            var hoursTotal = 0.0, fteSum = 0.0, ftePeak = 0.0, managedSum = 0.0
            for step in 0..<steps {
                let hours = series[(seriesHours + r) * steps + step], managed = series[(seriesFTE + r) * steps + step]
                let fte = (plan.roleStepHours[r] > 0 ? hours / plan.roleStepHours[r] : 0) + managed
                series[(seriesFTE + r) * steps + step] = fte
                hoursTotal += hours
                fteSum += fte
                ftePeak = max(ftePeak, fte)
                managedSum += managed
            }
            values[L.hours[r]] = hoursTotal
            values[L.fte[r]] = fteSum / Double(plan.steps)
            values[L.peakFTE[r]] = ftePeak
            values[L.managedFTE[r]] = managedSum / Double(plan.steps)
            values[L.available[r]] = plan.availableFTE[r]
        }
        if plan.earns { sharedPayback() }
        closeMoney()
        // Named metrics, in order, each from this replication's values (those before it).
        for d in L.derived { values[d.slot] = d.expression.evaluate(values.base) }
        // Series are kept for the first replications only (`RunResult.seriesReplications`).
        let keep = index < RunResult.seriesReplications
        return ReplicationRecord(index: index, values: Array(UnsafeBufferPointer(start: values.base, count: values.count)),
                                 series: keep ? Array(UnsafeBufferPointer(start: series.base, count: series.count)) : [])
    }
}
