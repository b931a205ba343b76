/// An occurrence's scratch (reused from one to the next) and the count of occurrences so far
/// of each campaign at each host (their numbers key their draws).
struct OccurrenceScratch {
    /// The occurrence's contacts, and a spare that stands in for them while a `contacts all`
    /// scan fills a local (never written itself).
    var contacts = Column<Int32>()
    let spareContacts = Column<Int32>(capacity: 1)
    /// The contacts still in the funnel, and `mix(key, occurrenceTag)` of each (in step with
    /// them): the base of all of that customer's draws in the occurrence, mixed once.
    var passing = Column<Int32>()
    var passingBase = Column<UInt64>()
    /// Customers past each funnel stage.
    var stagePassed = Column<Int>()
    /// The contacts, then those past each stage, by start tier: `byTier[row * tiers + tier]`
    /// (row 0 the contacts, `1 + s` stage `s`), committed to the attribution metrics when
    /// the occurrence runs.
    var byTier = Column<Int>()
    /// Keyed priorities of a selection (capacity grows to the largest pool), and scratch for
    /// sorting the selection's survivors.
    var priorities = Column<UInt64>()
    var sortScratch = Column<UInt64>()
    /// `gatherMaturing`'s sort keys and customers, and the rank of each (branch, tier) set in
    /// the pool being gathered (-1: not in it).
    var maturingKeys = Column<UInt64>()
    var maturingIds = Column<Int32>()
    var setRank = Column<Int32>()
    /// The distinct branches of the pool being gathered, and a mark per branch while they are.
    var poolBranches = Column<Int32>()
    var branchMark = Column<Bool>()
    /// Journeys: those past named funnel stages and their history slots, written when the
    /// occurrence runs; a ranked selection's entries.
    var pendingIds = Column<Int32>()
    var pendingSlots = Column<Int32>()
    var ranked = Column<RankEntry>()
    /// Per target tier of a weighted selection, the candidates it found (`selectWeighted`).
    var tierFound = Column<Int>()
    /// Where each tier's candidates start in `contacts`, the next of each to place, and the
    /// interleaved list being built.
    var tierStart = Column<Int>()
    var tierNext = Column<Int>()
    var merged = Column<Int32>()
    /// Occurrences so far of campaign `ci` at host `h`: `counter[base[ci] + h]`.
    var counter = Column<Int>()
    let base: [Int]

    init(_ plan: SimulationPlan) {
        setRank.append(repeating: -1, count: plan.scenario.branches.count * plan.tierCount)
        branchMark.append(repeating: false, count: plan.scenario.branches.count)
        tierFound.append(repeating: 0, count: plan.tierCount)
        tierStart.append(repeating: 0, count: plan.tierCount)
        tierNext.append(repeating: 0, count: plan.tierCount)
        var bases: [Int] = []
        for cp in plan.campaigns {
            bases.append(counter.count)
            counter.append(repeating: 0, count: cp.hosts.count)
        }
        base = bases
    }

    mutating func removeAll() {
        for i in counter.indices { counter[i] = 0 }
    }

    func free() {
        contacts.free(); spareContacts.free(); passing.free(); passingBase.free(); stagePassed.free(); byTier.free()
        priorities.free(); sortScratch.free(); maturingKeys.free(); maturingIds.free(); setRank.free(); poolBranches.free(); branchMark.free(); counter.free()
        pendingIds.free(); pendingSlots.free(); ranked.free()
        tierFound.free(); tierStart.free(); tierNext.free(); merged.free()
    }
}

/// A campaign occurrence, phase by phase: contact selection (`ContactSelection`), the contact
/// policy (`ContactPolicy`), the funnel (`Funnel`), the staff check (`Staffing`), then the
/// commit: counts, cooldowns, policy marks, conversions and referrals (`Conversion`).
extension Replicator {
    /// Runs occurrence number `occurrence.counter[occurrence.base[ci] + h]` of campaign `ci`
    /// at its host `h`.
    mutating func runOccurrence(_ ci: Int, host h: Int) {
        // Fields are read through the reference (`ref.plan.x`): binding the plan to a local
        // would copy it, a retain for each of its arrays, on every occurrence.
        let ref = campaigns[ci]
        let M = slots[ci]
        let hostBranch = ref.plan.hosts[h]
        let occ = occurrence.counter[occurrence.base[ci] + h]
        occurrence.counter[occurrence.base[ci] + h] = occ + 1
        let occTag = RandomKey.mix(RandomKey.mix(ref.plan.key, ref.plan.hostKeys[h]), UInt64(occ))

        selectContacts(ref, campaign: ci, host: h, occTag: occTag)
        let skipped = policy.isActive ? policy.filter(&occurrence.contacts, now: now) : 0
        let drawn = occurrence.contacts.count
        var turnedAway = runFunnel(ref, occTag: occTag)
        if ref.plan.hasEffort {
            occurrenceHours(ref)
            if plan.scenario.enforceStaff && !hoursFit(branch: hostBranch) {
                // Served in part: the longest prefix of the contacts the hours cover.
                guard let cut = servablePrefix(ref, branch: hostBranch, occTag: occTag) else {
                    metrics.values[M.unserved] += 1
                    metrics.values[M.unservedContacts] += Double(drawn)
                    return
                }
                turnedAway = cut
                metrics.values[M.servedInPart] += 1
                metrics.values[M.unservedContacts] += Double(drawn - occurrence.contacts.count)
            }
            takeHours(branch: hostBranch)
        }
        let contactCount = occurrence.contacts.count
        let passed = occurrence.passing.count

        // Commit: counts, cooldown and policy marks, cost, conversions, referrals.
        metrics.values[M.occurrences] += 1
        metrics.values[M.contacts] += Double(contactCount)
        for s in 0..<occurrence.stagePassed.count { metrics.values[M.firstStage + s] += Double(occurrence.stagePassed[s]) }
        for i in 0..<occurrence.byTier.count where occurrence.byTier[i] != 0 {
            metrics.values[M.byTier + i] += Double(occurrence.byTier[i])
        }
        metrics.values[M.turnedAway] += Double(turnedAway)
        metrics.values[M.conversions] += Double(passed)
        metrics.values[plan.layout.policySkipped] += Double(skipped)
        let cost = ref.plan.costPerOccurrence + Double(contactCount) * ref.plan.costPerContact
            + Double(passed) * ref.plan.costPerConversion
        metrics.values[M.cost] += cost
        metrics.stepCost += cost
        metrics.values[plan.layout.outletConversions[hostBranch]] += Double(passed)
        metrics.values[plan.layout.outletCost[hostBranch]] += cost
        if plan.hasStaffCost { payStaff(campaign: ci, host: hostBranch) }
        if ref.plan.cooldownSlot >= 0 && cooldowns.scans[ci] {
            cooldowns.noteContacts(occurrence.contacts, slot: ref.plan.cooldownSlot, now: now)
        }
        let rs = ready.slot[ci]
        if rs >= 0 && ready.cooldown[rs] > 0 {
            cooldowns.start(slot: rs, contacts: occurrence.contacts, now: now, ready: &ready)
        }
        if policy.isActive { policy.record(occurrence.contacts, now: now) }
        if ref.plan.recordsEvents { recordEvents(ref) }
        convertPassing(ref, campaign: ci, hostBranch: hostBranch, slots: M)
    }
}
