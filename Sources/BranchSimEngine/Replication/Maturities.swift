/// Term products: each customer's maturity per term product, and the customers due by step,
/// so that neither a step's maturities nor a `where maturing` pool needs a pass over every
/// customer.
struct Maturities {
    /// Term products (slots of `maturity`), and steps listed in `due`: to the horizon plus the
    /// longest `maturing` window.
    let termCount: Int
    let dueSteps: Int
    let stepTicks: Int
    /// Branches: the lists by step are kept per branch, so a `where maturing` pool reads only
    /// its own branches' lists (cost per outlet independent of the number of outlets).
    let branches: Int
    /// `maturity[c * termCount + slot]`: tick at which the term product's current term ends.
    var maturity = Column<Int>()
    /// `due[list(slot:step:branch:)]` lists the customers of branch `branch` whose maturity of
    /// term slot `slot` was set to a tick in step `step` (`note`). A customer may be listed
    /// again, or in a step its maturity has since left: readers check the current maturity.
    var due: Column<Column<Int32>>

    init(_ plan: SimulationPlan) {
        termCount = plan.termProducts.count
        stepTicks = plan.stepTicks
        var window = 0
        for cp in plan.campaigns {
            if case .maturing(_, let within) = cp.filter { window = Swift.max(window, within.ticks) }
        }
        dueSteps = plan.steps + (window + plan.stepTicks - 1) / plan.stepTicks + 1
        branches = plan.scenario.branches.count
        due = Column(capacity: termCount * dueSteps * branches)
        for _ in 0..<(termCount * dueSteps * branches) { due.append(Column(capacity: 1)) }
    }

    /// The index in `due` of the list of term slot `slot`, step `step`, branch `branch`.
    @inline(__always)
    func list(slot: Int, step: Int, branch: Int) -> Int { (slot &* dueSteps &+ step) &* branches &+ branch }

    /// Adds `n` customers' maturities (written when they are filled).
    mutating func grow(by n: Int) { maturity.extend(by: n * termCount) }

    /// Sets customer `c`'s (of branch `branch`) maturity of term slot `slot` to tick `m`,
    /// listed by step.
    @inline(__always)
    mutating func set(_ c: Int, branch: Int, slot: Int, to m: Int, now: Int) {
        maturity[c * termCount + slot] = m
        note(c, branch: branch, slot: slot, at: m, now: now)
    }

    /// Lists customer `c` of branch `branch` under the step in which its maturity `m` of term
    /// slot `slot` falls (the current step if `m` has passed; nothing past the last step any
    /// reader looks at).
    @inline(__always)
    mutating func note(_ c: Int, branch: Int, slot: Int, at m: Int, now: Int) {
        let b = Swift.max(m, now) / stepTicks
        guard b < dueSteps else { return }
        due.base[list(slot: slot, step: b, branch: branch)].append(Int32(truncatingIfNeeded: c))
    }

    mutating func removeAll() {
        maturity.removeAll()
        for i in due.indices { due[i].removeAll() }
    }

    func free() {
        for d in due { d.free() }
        due.free(); maturity.free()
    }
}

extension Replicator {
    /// Term products whose term ends in this step: retained (a new term) with the product's
    /// `retain` probability, else the balance goes back off-bank.
    ///
    /// Only the customers listed under this step (`Maturities.due`) can have a maturity in it;
    /// they are taken in ascending order, once each, so the draws, moves and sums are those of
    /// a pass over every customer (`ReferencePaths.maturityPasses`).
    /// At the outlets `branches`.
    mutating func matureTerms(branches: [Int]) {
        let end = now + plan.stepTicks
        if reference.contains(.maturityPasses) {
            for c in 0..<customers.count where customers.alive[c] { matureCustomer(c, end: end) }
            return
        }
        let b = now / plan.stepTicks
        dueScratch.removeAll()
        for slot in 0..<terms.termCount {
            for branch in branches {
                let l = terms.list(slot: slot, step: b, branch: branch)
                dueScratch.append(contentsOf: terms.due[l])
                terms.due.base[l].removeAll()
            }
        }
        for i in 0..<sortDueScratch() where customers.alive[Int(dueScratch[i])] { matureCustomer(Int(dueScratch[i]), end: end) }
    }

    /// Sorts the customer numbers in `dueScratch` and drops repeats, in place; returns how
    /// many remain. Lists by step take entries more than once; their readers visit each
    /// customer once, in ascending order, as a pass over every customer would.
    mutating func sortDueScratch() -> Int {
        var order = UnsafeMutableBufferPointer(start: dueScratch.base, count: dueScratch.count)
        order.sort()
        var n = 0
        for i in 0..<dueScratch.count where n == 0 || dueScratch[i] != dueScratch[n - 1] {
            dueScratch[n] = dueScratch[i]
            n += 1
        }
        dueScratch.setCount(n)
        return n
    }

    /// The maturities of customer `c` before tick `end`, every term slot in order.
    mutating func matureCustomer(_ c: Int, end: Int) {
        bringCurrent(c)
        var changed = false
        for slot in 0..<terms.termCount {
            let p = plan.termProducts[slot]
            let i = c * products + p
            let mi = c * terms.termCount + slot
            while customers.balance[i] > 0 && terms.maturity[mi] < end {
                let k = RandomKey.mix(RandomKey.mix(RandomKey.mix(customers.key[c], Purpose.mature), plan.productKey[p]),
                                      UInt64(bitPattern: Int64(terms.maturity[mi])))
                if keyedUnit(k) < drawn.retain[p] {
                    terms.maturity[mi] += plan.termTicks[p]
                    if terms.maturity[mi] >= end {
                        terms.note(c, branch: Int(customers.branch[c]), slot: slot, at: terms.maturity[mi], now: now)
                    }
                } else {
                    let x = customers.balance[i]
                    customers.balance[i] = 0
                    let before = customers.total[c]
                    customers.total[c] = max(0, before - x)
                    sets.aum[setOf(c)] += customers.total[c] - before
                    customers.offbank[c] += x
                    changed = true
                }
            }
        }
        if changed { reevaluate(c) }
    }
}
