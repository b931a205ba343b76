import BranchSimModel

/// Who a campaign may contact, written once: a live customer of one of its pools' sets, not
/// cooling down from its last contact by the campaign, who passes its filter. The filter's
/// segment and balance tests are `Eligibility`; the ready lists (`ReadyLists.Filter`), the pool
/// scans (`Replicator.forEachEligible`) and `Replicator.eligible` all take them from here.
///
/// A `where maturing` filter moves with the clock: it has no ready list and its maturity test
/// is `Replicator.isMaturing` (its `Eligibility` would let everyone through).
struct Eligibility: BitwiseCopyable {
    /// Segments a customer must be in (all of them; 0: none).
    let mask: UInt64
    /// The balance band `[low, high)`.
    let low: Double
    let high: Double

    init(_ filter: TargetFilter?) {
        var mask: UInt64 = 0, low = -Double.infinity, high = Double.infinity
        switch filter {
        case .none, .maturing: break
        case .segment(let s): mask = 1 << UInt64(s)
        case .balance(let a, let b): low = a; high = b
        }
        self.mask = mask
        self.low = low
        self.high = high
    }

    /// 1 when a customer with in-bank balance `x` and segments `seg` passes, else 0.
    /// Evaluated without short cuts: the branches would be guesses the processor misses.
    @inline(__always)
    func passes(balance x: Double, segments seg: UInt64) -> Int {
        (seg & mask == mask ? 1 : 0) & (x >= low ? 1 : 0) & (x < high ? 1 : 0)
    }

    @inline(__always)
    func admits(balance x: Double, segments seg: UInt64) -> Bool { passes(balance: x, segments: seg) != 0 }
}

extension Replicator {
    /// Whether customer `c` (live, in one of the pools' sets) may be contacted by campaign
    /// `cp` (whose filter is `filter`) now: its cooldown, its filter and, for `where
    /// maturing`, its maturity.
    @inline(__always)
    func eligible(_ c: Int, _ cp: CampaignRef, filter: Eligibility) -> Bool {
        if cooldowns.cooling(c, slot: cp.plan.cooldownSlot, ticks: cp.plan.cooldownTicks, now: now) { return false }
        if case .maturing(let p, let within) = cp.plan.filter { return isMaturing(c, product: p, within: within.ticks) }
        return filter.admits(balance: customers.total[c], segments: customers.segments[c])
    }

    /// Whether customer `c` holds term product `p` and its term ends in `[now, now + window)`.
    @inline(__always)
    func isMaturing(_ c: Int, product p: Int, within window: Int) -> Bool {
        let slot = plan.termSlot[p]
        guard slot >= 0, customers.balance[c * products + p] > 0 else { return false }
        let m = terms.maturity[c * terms.termCount + slot]
        return m >= now && m < now + window
    }
}
