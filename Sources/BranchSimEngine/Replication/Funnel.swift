import CBranchSimKernels

/// The funnel: an occurrence's contacts pass its stages (`reach`, `accept`, `attend`,
/// `convert`, ...) one after another, each with its keyed draw, with seats at the capacity
/// stage. Those who pass every stage convert.
extension Replicator {
    /// Runs the funnel of campaign `ref` over `occurrence.contacts`: on return
    /// `occurrence.passing` (and `passingBase`) holds those who passed every stage, and
    /// `occurrence.stagePassed` the count past each. Returns how many the seats turned away.
    mutating func runFunnel(_ ref: CampaignRef, occTag: UInt64) -> Int {
        let contactCount = occurrence.contacts.count
        occurrence.passing.removeAll()
        occurrence.passing.append(contentsOf: occurrence.contacts)
        occurrence.passingBase.removeAll()
        occurrence.passingBase.reserveCapacity(contactCount)
        do {
            let keys = customers.key.base, ids = occurrence.contacts.base, out = occurrence.passingBase.base
            for i in 0..<contactCount { out[i] = RandomKey.mix(keys[Int(ids[i])], occTag) }
            occurrence.passingBase.setCount(contactCount)
        }
        occurrence.stagePassed.removeAll()
        let notes = ref.plan.recordsEvents
        if notes {
            occurrence.pendingIds.removeAll()
            occurrence.pendingSlots.removeAll()
        }
        var turnedAway = 0
        let stageCount = ref.plan.stageProbability.count
        occurrence.byTier.removeAll()
        occurrence.byTier.append(repeating: 0, count: (stageCount + 1) * tiers)
        countByTier(row: 0)
        let canReach = customers.reachable.base
        for s in 0..<stageCount {
            let p = ref.plan.stageProbability[s]
            let reach = ref.plan.stageIsReach[s]
            let sk = ref.plan.stageKey[s]
            // Without branches on the outcome (a stage passes 30-70%, a coin flip to the
            // processor): every customer is written back and the end advances by 0 or 1. Only
            // those who could take the stage (reachable, for `reach`) draw.
            var kept = 0, d = 0
            let pb = occurrence.passing.base, bb = occurrence.passingBase.base, n = occurrence.passing.count
            if p >= 1 || p <= 0 {
                // A certain outcome (`reach 100%`) needs no draw: the same result without it.
                kept = Self.certainStage(pb, bb, count: n, passes: p >= 1, reach: reach ? canReach : nil)
            } else {
                // A stage that is not `reach` draws for everyone: eight at a time where the
                // processor can (the same draws, kept in the same order), the rest here.
                var i0 = 0
                if !reach {
                    i0 = bs_stage_filter(pb, bb, n, sk, p, &kept)
                    d = i0
                }
                let rest = Self.drawStage(pb, bb, from: i0, count: n, kept: kept, stageKey: sk, probability: p,
                                          reach: reach ? canReach : nil)
                kept = rest.kept
                d &+= rest.draws
            }
            draws &+= d
            if s == ref.plan.capacityStage && kept > ref.plan.capacityLimit {
                turnedAway += kept - ref.plan.capacityLimit
                kept = ref.plan.capacityLimit
            }
            occurrence.passing.setCount(kept)
            occurrence.passingBase.setCount(kept)
            occurrence.stagePassed.append(kept)
            countByTier(row: s + 1)
            if notes { notePassed(stage: s, kept: kept, ref) }
        }
        return turnedAway
    }

    /// Adds the customers now in `occurrence.passing` to row `row` of `occurrence.byTier`, by
    /// the tier each started in (attribution: `funnel.C.STAGE.TIER`).
    @inline(__always)
    mutating func countByTier(row: Int) {
        let out = occurrence.byTier.base + row * tiers, start = customers.startTier.base
        let ids = occurrence.passing.base
        for i in 0..<occurrence.passing.count { out[Int(start[Int(ids[i])])] &+= 1 }
    }

    /// A funnel stage whose probability is 0 or 1 (`passes`), over the `n` customers in
    /// `ids`/`bases`: keeps, in order and in place, those who pass (for a `reach` stage, only
    /// the reachable ones) and returns how many. Without branches on the customers (whether
    /// a contact is reachable is a coin flip to the processor), and on its own so the count
    /// stays in a register.
    @inline(never)
    static func certainStage(_ ids: UnsafeMutablePointer<Int32>, _ bases: UnsafeMutablePointer<UInt64>, count n: Int,
                             passes: Bool, reach: UnsafeMutablePointer<Bool>?) -> Int {
        guard passes else { return 0 }
        guard let reach else { return n }
        var kept = 0
        for i in 0..<n {
            let c32 = ids[i], base = bases[i]
            ids[kept] = c32
            bases[kept] = base
            kept &+= Int(unsafeBitCast(reach[Int(c32)], to: UInt8.self))
        }
        return kept
    }

    /// A funnel stage's draws for customers `from..<n` of `ids`/`bases` (those before `from`
    /// already filtered, `kept` of them kept): each who can take the stage (for `reach`, a
    /// reachable one) draws `unit(finalize(mix(base, stageKey)))` and passes below
    /// `probability`; the passing ones are kept in order, in place. Returns the new kept count
    /// and the draws made. Branch-free like `certainStage` (outcomes near 50% would be
    /// guessed wrong half the time).
    @inline(never)
    static func drawStage(_ ids: UnsafeMutablePointer<Int32>, _ bases: UnsafeMutablePointer<UInt64>, from i0: Int,
                          count n: Int, kept k0: Int, stageKey sk: UInt64, probability p: Double,
                          reach: UnsafeMutablePointer<Bool>?) -> (kept: Int, draws: Int) {
        var kept = k0, draws = 0
        for i in i0..<n {
            let c32 = ids[i], base = bases[i]
            let ok = reach.map { Int(unsafeBitCast($0[Int(c32)], to: UInt8.self)) } ?? 1
            let u = RandomKey.unit(RandomKey.finalize(RandomKey.mix(base, sk)))
            ids[kept] = c32
            bases[kept] = base
            kept &+= ok & Int(unsafeBitCast(u < p, to: UInt8.self))
            draws &+= ok
        }
        return (kept, draws)
    }
}
