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
    /// With `sets` false the sets' lists are left for `reserveSets` (one outlet group's at a time).
    mutating func reserveCustomers(_ n: Int, sets reserveSets: Bool = true) {
        customers.reserve(n)
        sets.pos.reserveCapacity(n)
        if reserveSets { self.reserveSets(branches: 0..<plan.scenario.branches.count) }
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

    /// Makes room in the (branch, tier) sets of the outlets `branches` for their starting customers.
    mutating func reserveSets<S: Sequence<Int>>(branches: S) {
        for b in branches {
            for t in 0..<tiers where !starts.countable[b * tiers + t] {
                sets.members.base[b * tiers + t].reserveCapacity(plan.tierCounts[b][t])
            }
        }
    }

    /// Gives back the storage of the lists kept per outlet (sets, ready lists, bands,
    /// maturities by step, event logs) of the outlets `branches`, once their group is done:
    /// each would otherwise keep the capacity its outlet's customers grew it to, and a worker
    /// would hold every group's lists in the end.
    mutating func releaseLists(branches: [Int]) {
        func release<T>(_ lists: Column<Column<T>>, _ i: Int) {
            guard lists[i].reserved > 64 else { return }
            lists[i].free()
            lists.base[i] = Column(capacity: 16)
        }
        let setCount = self.setCount
        for b in branches {
            for t in 0..<tiers {
                let k = b * tiers + t
                release(sets.members, k)
                for slot in 0..<ready.count {
                    release(ready.ids, slot * setCount + k)
                    release(ready.keys, slot * setCount + k)
                }
                for band in 0..<bands.count { release(bands.candidates, band * setCount + k) }
            }
            for slot in 0..<terms.termCount {
                for step in 0..<terms.dueSteps { release(terms.due, terms.list(slot: slot, step: step, branch: b)) }
            }
            for slot in 0..<history.slots {
                release(history.logIds, slot * history.branches + b)
                release(history.logTicks, slot * history.branches + b)
            }
        }
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
