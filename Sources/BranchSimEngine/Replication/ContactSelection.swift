import CBranchSimKernels

/// Contact selection: who an occurrence contacts. Per target tier (or from the union of
/// equally weighted tiers), a uniform sample without replacement of the eligible pool, by
/// keyed priorities; `contacts all` takes the whole pool.
extension Replicator {
    /// Fills `occurrence.contacts` for occurrence `occTag` of campaign `ci` (`ref`) at host
    /// `h`, after bringing back the customers whose cooldown has ended.
    mutating func selectContacts(_ ref: CampaignRef, campaign ci: Int, host h: Int, occTag: UInt64) {
        let rs = ready.slot[ci]
        if rs >= 0 && ready.cooldown[rs] > 0 {
            cooldowns.end(slot: rs, now: now, ready: &ready, customers: customers, tiers: tiers)
        }
        occurrence.contacts.removeAll()
        if ref.plan.journey {
            selectJourney(ref, campaign: ci, host: h, occTag: occTag)
            return
        }
        if ref.plan.contactsAll || ref.plan.unionPool {
            let list = ref.plan.unionSets[h]
            if ref.plan.contactsAll && ref.plan.capacityStage < 0 {
                // The contacts are gathered in a local (the scan reads `self`): swapped with a
                // kept spare column, not allocated per occurrence.
                if case .maturing = ref.plan.filter, !reference.contains(.maturityPasses) {
                    gatherMaturing(sets: list, ref, campaign: ci)
                    occurrence.contacts.append(contentsOf: occurrence.maturingIds)
                } else {
                    var out = occurrence.spareContacts
                    swap(&out, &occurrence.contacts)
                    for set in list { forEachEligible(set: set, ref, campaign: ci) { out.append($0) } }
                    swap(&out, &occurrence.contacts)
                }
            } else {
                // `contacts all` with a capacity: seats go to a random order of the whole list.
                selectByPriority(k: ref.plan.hostContacts[h], sets: list, ref, campaign: ci, occTag: occTag,
                                 acrossOutlets: ref.plan.poolBranches[h].count > 1)
            }
        } else {
            selectWeighted(ref, campaign: ci, host: h, occTag: occTag)
        }
    }

    /// Written target weights: each tier contacts its share of the occurrence's contacts
    /// (largest remainder of the weights), its customers of smallest priority; a tier whose
    /// eligible pool is short of its share gives all of it and the other tiers make up the
    /// rest by their weights (`SimulationPlan.weightedShares`, docs/model.md "Contacts").
    /// Each tier's first `total` candidates are gathered one tier after another (a sorted
    /// prefix: the same customers, in the same order, as asking for fewer), then each tier's
    /// run is cut to its share in place.
    mutating func selectWeighted(_ ref: CampaignRef, campaign ci: Int, host h: Int, occTag: UInt64) {
        let total = ref.plan.hostContacts[h], n = ref.plan.targetTiers.count
        guard total > 0 else { return }
        let found = occurrence.tierFound
        for j in 0..<n {
            let before = occurrence.contacts.count
            selectByPriority(k: total, sets: ref.plan.tierSets[h][j], ref, campaign: ci, occTag: occTag,
                             acrossOutlets: ref.plan.poolBranches[h].count > 1)
            found[j] = occurrence.contacts.count - before
        }
        // The weights' split fits unless some pool is short of its share.
        var fits = true
        for j in 0..<n where found[j] < ref.plan.perTierContacts[h][j] { fits = false }
        let shares = fits ? ref.plan.perTierContacts[h]
            : SimulationPlan.weightedShares(total: total, weights: ref.plan.targetWeights,
                                            available: (0..<n).map { found[$0] })
        // Interleaved in proportion: the i-th of tier j's `k_j` contacts sits at (i + 1/2) /
        // k_j of the list (ties: the tier written first), so capacity seats and a cut for
        // staff hours (any prefix) fall on the tiers by their shares, not on the last tier.
        let ids = occurrence.contacts.base, start = occurrence.tierStart, next = occurrence.tierNext
        var read = 0, kept = 0
        for j in 0..<n {
            start[j] = read
            read += found[j]
            next[j] = 0
            found[j] = min(shares[j], found[j])
            kept += found[j]
        }
        occurrence.merged.removeAll()
        for _ in 0..<kept {
            var best = -1
            for j in 0..<n where next[j] < found[j] {
                // (2 next_j + 1) / k_j < (2 next_b + 1) / k_b, in integers.
                if best < 0 || (2 * next[j] + 1) * found[best] < (2 * next[best] + 1) * found[j] { best = j }
            }
            occurrence.merged.append(ids[start[best] + next[best]])
            next[best] += 1
        }
        occurrence.contacts.removeAll()
        occurrence.contacts.append(contentsOf: occurrence.merged)
    }

    /// Calls `body` with each eligible member of (branch, tier) set `k` for campaign `ci`: the
    /// pool scan, the hottest loop of a replication, kept free of ARC and enum switches per
    /// customer.
    @inline(__always)
    func forEachEligible(set k: Int, _ cp: CampaignRef, campaign ci: Int, _ body: (Int32) -> Void) {
        let members = cp.plan.bandSlot >= 0 ? bands.members(band: cp.plan.bandSlot, set: k) : sets.members[k]
        let filter = eligibility[ci]
        if case .maturing = cp.plan.filter {
            // Pools of `where maturing` come from `gatherMaturing`; a scan still gives the same.
            for c in members where eligible(Int(c), cp, filter: filter) { body(c) }
            return
        }
        let slot = cp.plan.cooldownSlot, cooldown = cp.plan.cooldownTicks, now = self.now
        let lastContacts = cooldowns.table
        members.withUnsafeBufferPointer { m in
            customers.segments.withUnsafeBufferPointer { sg in
                customers.total.withUnsafeBufferPointer { tot in
                    for c32 in m {
                        let c = Int(c32)
                        if lastContacts.cooling(c, slot: slot, ticks: cooldown, now: now) { continue }
                        if !filter.admits(balance: tot[c], segments: sg[c]) { continue }
                        body(c32)
                    }
                }
            }
        }
    }

    /// The eligible customers of a `where maturing P within W` campaign in the sets of `list`,
    /// into `occurrence.maturingIds`, in the order `forEachEligible` over those sets gives them
    /// (set by set, each in its own order), without a pass over the sets: only customers
    /// listed under the steps that [now, now + W) spans (`Maturities.due`) can qualify, and
    /// each is checked as the scan checks it (`eligible`) and put in place by its set's rank
    /// and its position.
    mutating func gatherMaturing(sets list: [Int], _ cp: CampaignRef, campaign ci: Int) {
        occurrence.maturingIds.removeAll()
        guard case .maturing(let p, let within) = cp.plan.filter, plan.termSlot[p] >= 0, within.ticks > 0 else { return }
        let slot = plan.termSlot[p], filter = eligibility[ci]
        for (r, k) in list.enumerated() { occurrence.setRank[k] = Int32(truncatingIfNeeded: r) }
        // Sort keys gathered in a local (`eligible` reads `self`), read-only columns through
        // local pointers.
        var found = Column<UInt64>()
        swap(&found, &occurrence.maturingKeys)
        found.removeAll()
        let alive = customers.alive.base, branch = customers.branch.base, tier = customers.tier.base
        let pos = sets.pos.base, rankOf = occurrence.setRank.base, perBranch = tiers
        let first = now / plan.stepTicks
        let last = min(terms.dueSteps - 1, (now + within.ticks - 1) / plan.stepTicks)
        // Only the lists of the pool's own branches (each once): the cost follows the pool,
        // not the number of outlets.
        gatherPoolBranches(list)
        if first <= last {
            for b in first...last {
                for pb in occurrence.poolBranches {
                    let due = terms.due[terms.list(slot: slot, step: b, branch: Int(pb))]
                    maturingVisits &+= due.count
                    for c32 in due {
                        let c = Int(c32)
                        guard alive[c] else { continue }
                        let rank = rankOf[Int(branch[c]) &* perBranch &+ Int(tier[c])]
                        guard rank >= 0, eligible(c, cp, filter: filter) else { continue }
                        found.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: pos[c])))
                    }
                }
            }
        }
        swap(&found, &occurrence.maturingKeys)
        found.free()  // the placeholder swapped in above (a column always owns storage)
        var order = UnsafeMutableBufferPointer(start: occurrence.maturingKeys.base, count: occurrence.maturingKeys.count)
        order.sort()
        var previous = UInt64.max
        for v in occurrence.maturingKeys where v != previous {
            previous = v
            let set = list[Int(v >> 32)]
            occurrence.maturingIds.append(sets.members[set][Int(UInt32(truncatingIfNeeded: v))])
        }
        for k in list { occurrence.setRank[k] = -1 }
    }

    /// The distinct outlets of the (branch, tier) sets of `list`, each once, in
    /// `occurrence.poolBranches`.
    mutating func gatherPoolBranches(_ list: [Int]) {
        occurrence.poolBranches.removeAll()
        for k in list {
            let b = k / tiers
            if occurrence.branchMark[b] { continue }
            occurrence.branchMark[b] = true
            occurrence.poolBranches.append(Int32(truncatingIfNeeded: b))
        }
        for pb in occurrence.poolBranches { occurrence.branchMark[Int(pb)] = false }
    }

    /// Contacts the `k` eligible customers of the given sets with the smallest keyed priorities
    /// `mix(customerKey, occurrenceTag + 20)`, in priority order (all of them, in that order,
    /// when fewer are eligible): a uniform sample without replacement that depends only on who
    /// is eligible, not on the order of the sets, so variants whose populations differ
    /// elsewhere still pick the same customers where they can (common random numbers).
    ///
    /// Campaigns with ready lists take `selectFromReady`, or `selectAcrossOutlets` when the pool
    /// spans several outlets (`acrossOutlets`: the same law, other customers). The others
    /// (`where maturing`, whose eligibility moves with the clock) scan their sets, checking
    /// each member.
    /// - Complexity: O(n + k log k) expected, n the pool's members; across outlets, the
    ///   members of the sets that receive picks.
    mutating func selectByPriority(k: Int, sets list: [Int], _ cp: CampaignRef, campaign ci: Int, occTag: UInt64,
                                   acrossOutlets: Bool = false) {
        guard k > 0 else { return }
        if ready.slot[ci] >= 0 {
            if acrossOutlets && !reference.contains(.wholeNetworkPool) {
                selectAcrossOutlets(k: k, sets: list, slot: ready.slot[ci], occTag: occTag)
            } else {
                selectFromReady(k: k, sets: list, slot: ready.slot[ci], occTag: occTag)
            }
            return
        }
        let add = Self.selectionAdd(occTag)
        // Collected into a local (swapped with the kept buffer): the scan reads `self`.
        var found = Column<UInt64>()
        swap(&found, &occurrence.priorities)
        found.removeAll()
        let keys = customers.key.base
        @inline(__always) func priority(_ c32: Int32) -> UInt64 { Self.selectionPriority(keys, add, c32) }
        if case .maturing = cp.plan.filter, !reference.contains(.maturityPasses) {
            gatherMaturing(sets: list, cp, campaign: ci)
            for c32 in occurrence.maturingIds { found.append(priority(c32)) }
        } else {
            for set in list { forEachEligible(set: set, cp, campaign: ci) { found.append(priority($0)) } }
        }
        draws &+= found.count
        let taken = min(k, found.count)
        PartialSort.smallestFirst(found.base, count: found.count, k: taken)
        for i in 0..<taken { occurrence.contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: found[i]))) }
        swap(&found, &occurrence.priorities)
        found.free()  // the placeholder swapped in above
    }

    /// The occurrence's term of the selection priorities.
    @inline(__always)
    static func selectionAdd(_ occTag: UInt64) -> UInt64 { (occTag &+ Purpose.select &+ 1) &* RandomKey.golden }

    /// Customer `c32`'s selection priority: its keyed draw in the high 32 bits, itself in the
    /// low ones (a total order, ties impossible).
    @inline(__always)
    static func selectionPriority(_ keys: UnsafeMutablePointer<UInt64>, _ add: UInt64, _ c32: Int32) -> UInt64 {
        (RandomKey.finalize(keys[Int(c32)] &+ add) & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: c32))
    }

    /// `selectByPriority` from ready lists: every listed customer is eligible, so the
    /// threshold is sized for the exact count and the scan only hashes keys.
    mutating func selectFromReady(k: Int, sets list: some Sequence<Int>, slot: Int, occTag: UInt64) {
        var eligibleCount = 0
        for set in list { eligibleCount += ready.ids[slot * setCount + set].count }
        guard eligibleCount > 0 else { return }
        let add = (occTag &+ Purpose.select &+ 1) &* RandomKey.golden
        // The count is exact here, so the slack can be small: about k + 3 sqrt(k) + 12 values
        // fall below the threshold, fewer than k with a probability near 1e-4 (then one more
        // pass keeps everything).
        let f = (Double(k) + 3 * Double(k).squareRoot() + 12) / Double(eligibleCount)
        var threshold: UInt64 = f >= 0.5 ? .max : UInt64(f * 0x1p64)
        occurrence.priorities.reserveCapacity(eligibleCount)
        while true {
            let out = occurrence.priorities.base
            var n = 0
            for set in list {
                let ids = ready.ids[slot * setCount + set], keys = ready.keys[slot * setCount + set]
                // (finalize(key + add) high 32 bits | id) below the threshold, 8 keys at a time
                // where the processor has AVX-512 (CBranchSimKernels; same values either way).
                n += bs_collect_priorities(keys.base, ids.base, ids.count, add, threshold, out + n)
            }
            occurrence.priorities.setCount(n)
            if n >= k || threshold == .max { break }
            threshold = .max
        }
        draws &+= eligibleCount
        let n = occurrence.priorities.count, taken = min(k, n)
        occurrence.sortScratch.reserveCapacity(2 * n + 1)
        PartialSort.sortSmallest(occurrence.priorities.base, count: n, k: taken, bound: threshold,
                                 scratch: occurrence.sortScratch.base)
        for i in 0..<taken { occurrence.contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: occurrence.priorities[i]))) }
    }
}
