/// Re-evaluation: the one fan-out of a change to a customer. Whatever changed it (a
/// conversion, a maturity, growth, leaving, joining), `reevaluate` recomputes its points and
/// tier and brings every index derived from it in line: its (branch, tier) set, its band
/// lists, its ready lists and its growth check. (Its maturities by step are noted where a
/// maturity is set: `Maturities.set`.)
extension Replicator {
    /// Recomputes points from balances and flat holdings, moves the customer to the tier whose
    /// range holds them, and updates its band lists, ready lists and growth check.
    mutating func reevaluate(_ c: Int) { reevaluate(c, fresh: false) }

    /// `reevaluate`; `fresh`: `c` was just added (alive, in no ready list, cooling down for
    /// no campaign), so it is only placed in its lists.
    @inline(__always)
    mutating func reevaluate(_ c: Int, fresh: Bool) {
        let p = pointsOf(c)
        customers.points[c] = p
        let nt = tierOf(points: p)
        let ot = Int(customers.tier[c])
        let live = customers.alive[c]
        let b = Int(customers.branch[c])
        if nt != ot && live {
            sets.move(c, from: b * tiers + ot, to: b * tiers + nt, balance: customers.total[c])
            customers.tier[c] = Int32(nt)
            if plan.history.recordsTierChanges && !fresh {
                let slot = nt > ot ? plan.history.upgradeSlot : plan.history.downgradeSlot
                if slot >= 0 { history.record(Int32(truncatingIfNeeded: c), branch: b, slot: slot, now: now) }
            }
        }
        let k = b * tiers + Int(customers.tier[c])
        let x = customers.total[c], seg = customers.segments[c]
        if bands.count > 0 { bands.update(c, set: live ? Int32(k) : -1, balance: x) }
        if ready.count > 0 {
            if fresh {
                ready.place(c, key: customers.key[c], set: k, balance: x, segments: seg)
            } else {
                ready.update(c, key: customers.key[c], live: live, set: k, balance: x, segments: seg)
            }
        }
        if growth.lazy { scheduleGrowthCheck(c) }
    }

    /// Customer `c` leaves: out of its set, with its balance, and out of every list.
    mutating func leave(_ c: Int) {
        bringCurrent(c)
        let k = setOf(c)
        sets.remove(c, from: k)
        customers.alive[c] = false
        sets.aum[k] -= customers.total[c]
        reevaluate(c)
    }

    /// The (branch, tier) set of customer `c`.
    @inline(__always)
    func setOf(_ c: Int) -> Int { Int(customers.branch[c]) * tiers + Int(customers.tier[c]) }

    @inline(__always)
    func tierOf(points p: Double) -> Int {
        var t = tiers - 1
        while t > 0 && p < plan.tierLow[t] { t -= 1 }
        return t
    }

    /// Customer `c`'s points: its balances times their coefficients in product order
    /// (`moneyPoints`), then its flat products' points in bit order, one running sum.
    @inline(__always)
    func pointsOf(_ c: Int) -> Double {
        var p = moneyPoints(c)
        var f = customers.flatHeld[c]
        while f != 0 {
            p += plan.flatPoints[f.trailingZeroBitCount]
            f &= f &- 1
        }
        return p
    }

    /// The points customer `c`'s balances give: each times its product's coefficient, summed
    /// in product order.
    @inline(__always)
    func moneyPoints(_ c: Int) -> Double {
        var p = 0.0
        let base = c * products
        for i in 0..<products { p += customers.balance[base + i] * plan.coefficient[i] }
        return p
    }

    /// Makes room for `n` customers in the population and every per-customer index, and in
    /// each (branch, tier) set for its starting customers, before the first replication: the
    /// columns then never grow by doubling (at 500 outlets the first replication would copy
    /// every column several times and fault its pages in twice, on every worker).
    mutating func reserveCustomers(_ n: Int) {
        customers.reserve(n)
        sets.pos.reserveCapacity(n)
        for b in 0..<plan.scenario.branches.count {
            for t in 0..<tiers where !starts.countable[b * tiers + t] {
                sets.members.base[b * tiers + t].reserveCapacity(plan.tierCounts[b][t])
            }
        }
        terms.maturity.reserveCapacity(n * terms.termCount)
        cooldowns.lastContact.reserveCapacity(n * cooldowns.slots)
        policy.times.reserveCapacity(n * policy.max)
        policy.head.reserveCapacity(policy.isActive ? n : 0)
        bands.candSet.reserveCapacity(n * bands.count)
        bands.candPos.reserveCapacity(n * bands.count)
        ready.entries.reserveCapacity(n * ready.count)
        growth.grownTo.reserveCapacity(n)
        growth.check.reserveCapacity(n)
    }

    /// Adds `n` customers at the end of the population and of every per-customer index, and
    /// returns the first's number: what has a default (no holdings, no contact, in no list)
    /// gets it, the rest is for the caller to write.
    mutating func growCustomers(by n: Int) -> Int {
        let c = customers.grow(by: n)
        sets.grow(by: n)
        terms.grow(by: n)
        cooldowns.grow(by: n)
        policy.grow(by: n)
        bands.grow(by: n)
        ready.grow(by: n)
        growth.grow(by: n)
        history.grow(by: n)
        return c
    }
}
