import CBranchSimKernels
import Foundation

/// What filling the starting population needs beyond the population itself: each set's
/// balance law bounds, which sets are untouched (counted, not materialised), the running sum
/// of the starting balances, and the batch buffers.
struct StartingCustomers {
    /// Logarithms of the log-uniform starting-balance bounds per (branch, tier):
    /// `logBound[2k]`, `logBound[2k + 1]` (computed once, not per customer).
    let logBound: [Double]
    /// Sets whose customers nothing can change: no campaign targets the (branch, tier), no
    /// attrition, no growth, no term products. A starting customer who lands in such a set is
    /// drawn (balance and flat holdings, the same keyed draws) but never materialised: only
    /// the set's count and balance sum are kept (docs/model.md, "Untouched tiers").
    let staticSet: [Bool]
    /// Static sets whose starting customers can be counted in one tight loop: no flat
    /// holdings (nothing can lift a customer out of the tier) and the default balance law.
    /// The loop draws exactly what `addCustomer` would, in the same order (bit-identical).
    let countable: [Bool]
    /// Starting customers held one by one (those of the sets that are not `countable`): the
    /// room a worker reserves before its first replication.
    let storedCustomers: Int
    /// The same per outlet.
    let storedByBranch: [Int]
    /// Running sum of the starting balances of the outlet being filled, in creation order,
    /// and each outlet's (their sum in outlet order is the replication's start AUM).
    var aum = 0.0
    var branchAum: [Double]
    /// Per-product scratch balances for the points of an aggregated customer.
    var scratchBalance = Column<Double>()
    /// Keys and starting balances of a set's starting customers (`addSet`).
    var batchKeys = Column<UInt64>()
    var batchBalances = Column<Double>()

    /// Untouched sets of at least this many starting customers have their balance sum drawn
    /// at once (docs/model.md, "Untouched tiers"); smaller ones customer by customer.
    static let aggregateMinimum = 200

    init(_ plan: SimulationPlan) {
        let setCount = plan.scenario.branches.count * plan.tierCount
        var bounds: [Double] = []
        for k in 0..<setCount {
            let t = k % plan.tierCount
            let lo = plan.tierLow[t] / plan.bt[k].coefficient, hi = plan.tierHigh[t] / plan.bt[k].coefficient
            bounds += [Foundation.log(lo <= 0 ? 1000 : lo), Foundation.log(hi)]
        }
        logBound = bounds
        let staticSet = plan.staticSets
        self.staticSet = staticSet
        countable = (0..<setCount).map { k in
            let spec = plan.bt[k]
            let lo = plan.tierLow[k % plan.tierCount] / spec.coefficient
            return staticSet[k] && spec.aum == nil && spec.flatStart == spec.flatEnd && spec.coefficient > 0 && lo.isFinite
        }
        var byBranch = Array(repeating: 0, count: plan.scenario.branches.count)
        for k in 0..<setCount where !countable[k] { byBranch[k / plan.tierCount] += plan.tierCounts[k / plan.tierCount][k % plan.tierCount] }
        storedByBranch = byBranch
        storedCustomers = byBranch.reduce(0, +)
        branchAum = Array(repeating: 0, count: plan.scenario.branches.count)
        scratchBalance.append(repeating: 0, count: plan.productCount)
    }

    /// Starting customers held one by one at the outlets `branches`.
    func storedCustomers(of branches: [Int]) -> Int { branches.reduce(0) { $0 + storedByBranch[$1] } }

    mutating func removeAll() { aum = 0 }

    func free() { scratchBalance.free(); batchKeys.free(); batchBalances.free() }

    /// Whether the default law of a set whose balances lie in `[low, high)` is log-uniform (not
    /// the open top tier's Pareto, nor the uniform law of a bottom tier capped at 1,000).
    @inline(__always)
    static func isLogUniform(low lo: Double, high hi: Double) -> Bool {
        hi.isFinite && !(lo <= 0 && hi <= 1000)
    }
}

/// Starting customers: one entry point (`addStartingCustomers`), set by set in creation
/// order, each set by one of three paths that draw the same customers from the same keys:
/// - an untouched set with the default law is counted (`countStaticSet`), its balance sum
///   drawn at once when it is large (`sumStaticSet`);
/// - any other set draws its keys and balances in one pass (`addSet`), then is filled a
///   column at a time (`fillStartingCustomers`), or customer by customer (`addCustomer`) when
///   it is untouched (a customer may be counted) or the test's reference path asks;
/// - a customer who joins later (a referral) is added alone (`addCustomer(branch:tier:isNew:)`).
extension Replicator {
    /// Fills the starting population of the outlets `branches`, branch by branch, tier by tier.
    mutating func addStartingCustomers(branches: [Int]) {
        for b in branches {
            starts.aum = 0
            defer { starts.branchAum[b] = starts.aum }
            let branchBase = RandomKey.mix(repKey, plan.branchKey[b])
            if !plan.importedRows[b].isEmpty {
                addImportedCustomers(branch: b, branchBase: branchBase)
                continue
            }
            for t in 0..<tiers {
                let n = drawn.counts[b][t]  // the plan's counts, or drawn from uncertain shares
                if starts.countable[b * tiers + t] {
                    countStaticSet(branch: b, tier: t, count: n, branchBase: branchBase)
                } else {
                    addSet(branch: b, tier: t, count: n, branchBase: branchBase)
                }
            }
        }
    }

    /// The customers of branch `b` from the bank's data (`customers from`), in the file's
    /// order: balances, flat holdings and, where the data gives them, off-bank assets,
    /// reachability and segments are the data's, the same in every replication; what the data
    /// leaves out is drawn from the customer's key as for a drawn customer (off-bank assets
    /// from the tier's multiple, reachability and segments from the tier's shares), and so
    /// are term products' remaining terms. The tier follows from the points.
    mutating func addImportedCustomers(branch b: Int, branchBase: UInt64) {
        guard let im = plan.scenario.imported else { return }
        let rows = plan.importedRows[b]
        let width = im.products.count
        let hasOffbank = !im.offbank.isEmpty, hasReachable = !im.reachable.isEmpty
        for r in rows {
            let row = Int(r)
            let local = customers.nextLocal[b]
            customers.nextLocal[b] += 1
            let ck = RandomKey.mix(branchBase, UInt64(local))
            let c = growCustomers(by: 1)
            var total = 0.0
            var flats: UInt64 = 0
            for p in 0..<products {
                let col = plan.importedProduct[p]
                guard col >= 0 else { continue }
                let x = im.balances[row * width + col]
                if plan.flat[p] {
                    if x > 0 { flats |= 1 << UInt64(p) }
                } else {
                    customers.balance[c * products + p] = x
                    total += x
                }
            }
            customers.key[c] = ck
            customers.branch[c] = Int32(b)
            customers.alive[c] = true
            customers.flatHeld[c] = flats
            customers.total[c] = total
            customers.startTotal[c] = total
            starts.aum += total
            let t = tierOf(points: pointsOf(c))
            let spec = plan.bt[b * tiers + t]
            let offbank = hasOffbank ? im.offbank[row] : .nan
            customers.offbank[c] = offbank.isNaN ? spec.offbank * total : offbank
            let reach = hasReachable ? im.reachable[row] : -1
            customers.reachable[c] = reach >= 0 ? reach == 1 : keyedUnit(RandomKey.mix(ck, Purpose.reachable)) < drawn.reachable[b * tiers + t]
            if let bits = im.segments {
                var seg: UInt64 = 0
                for i in 0..<plan.segmentKey.count where plan.importedSegment[i] >= 0 {
                    if bits[row] & (1 << UInt64(plan.importedSegment[i])) != 0 { seg |= 1 << UInt64(i) }
                }
                customers.segments[c] = seg
            } else {
                customers.segments[c] = drawnSegments(key: ck, tier: t)
            }
            place(c, branch: b, tier: t, key: ck, balance: total)
        }
    }

    /// Adds a customer of branch `b` starting in tier `t` (its next local index), drawing its
    /// balance, off-bank assets, reachability, segments and flat holdings from its own keys.
    @discardableResult
    mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool) -> Int {
        let local = customers.nextLocal[b]
        customers.nextLocal[b] += 1
        let ck = RandomKey.mix(RandomKey.mix(repKey, plan.branchKey[b]), UInt64(local))
        return addCustomer(branch: b, tier: t, isNew: isNew, key: ck)
    }

    /// The starting balance of the customer with key `ck` in (branch, tier) set `k`, clipped so
    /// that the tier's holdings mix lands in the tier's range, and the draws it took.
    @inline(__always)
    func startingBalance(set k: Int, tier t: Int, spec: SimulationPlan.BranchTier, key ck: UInt64) -> (Double, Int) {
        let lo = plan.tierLow[t] / spec.coefficient
        let hi = plan.tierHigh[t] / spec.coefficient
        var x: Double
        var used = 1
        if let d = spec.aum {
            // A declared law may need several draws: a stream seeded from the key.
            var g = SplitMix64(key: RandomKey.mix(ck, Purpose.balance))
            x = Sampler.amount(d, offbank: 0, using: &g)
            used = g.draws
        } else {
            // The default laws need one uniform: one keyed draw.
            let r = RandomKey.mix(ck, Purpose.balance)
            if StartingCustomers.isLogUniform(low: lo, high: hi) {
                let logBound = starts.logBound
                x = FastMath.exp(logBound[2 * k] + (logBound[2 * k + 1] - logBound[2 * k]) * RandomKey.unit(r))
            } else if hi.isInfinite {
                x = max(lo, 1000) * Foundation.pow(RandomKey.openUnit(r), -1 / 1.5)
            } else {
                x = hi * RandomKey.unit(r)
            }
        }
        x = max(x, lo, 0)
        if hi.isFinite { x = min(x, hi * (1 - 1e-12)) }
        return (x, used)
    }

    /// Counts the `count` starting customers of untouched set (branch, tier) (`countable`):
    /// only the set's count, its balance sum and the start AUM change. A customer whose
    /// balance lies at the very bottom of the range (where rounding could put its points in
    /// the tier below) goes through `addCustomer`, which checks its tier exactly.
    mutating func countStaticSet(branch b: Int, tier t: Int, count n: Int, branchBase: UInt64) {
        let k = b * tiers + t
        let spec = plan.bt[k]
        let lo = plan.tierLow[t] / spec.coefficient
        let hi = plan.tierHigh[t] / spec.coefficient
        let nearLow = lo * (1 + 1e-9)
        let span = starts.logBound[2 * k + 1] - starts.logBound[2 * k]
        if hi.isFinite && hi > 1000 && n >= StartingCustomers.aggregateMinimum && span > 1e-9 {
            sumStaticSet(set: k, branch: b, count: n, branchBase: branchBase)
            return
        }
        var local = customers.nextLocal[b]
        let end = local + n
        while local < end {
            var sum = starts.aum, setSum = sets.aum[k], members = sets.staticCount[k], d = draws
            var slow = -1
            while local < end {
                let ck = RandomKey.mix(branchBase, UInt64(local))
                let (x, dx) = startingBalance(set: k, tier: t, spec: spec, key: ck)
                if x < nearLow { slow = local; break }
                sum += x
                setSum += x
                members &+= 1
                d &+= dx
                local &+= 1
            }
            starts.aum = sum
            sets.aum[k] = setSum
            sets.staticCount[k] = members
            draws = d
            if slow >= 0 {
                customers.nextLocal[b] = slow + 1
                _ = addCustomer(branch: b, tier: t, isNew: false, key: RandomKey.mix(branchBase, UInt64(slow)))
                local = slow + 1
            }
        }
        customers.nextLocal[b] = end
    }

    /// The `n` starting customers of an untouched set with the default log-uniform law on
    /// `[e^a, e^b]` (the set's clipped bounds), drawn at once: their balance sum is a normal with
    /// the law's exact mean (e^b - e^a) / (b - a) and variance, times n (central limit; skewness
    /// of the sum under 0.1 from 200 customers), kept within [n e^a, n e^b].
    mutating func sumStaticSet(set k: Int, branch b: Int, count n: Int, branchBase: UInt64) {
        let a = starts.logBound[2 * k], span = starts.logBound[2 * k + 1] - starts.logBound[2 * k]
        let ea = Foundation.exp(a), eb = Foundation.exp(a + span)
        let mean = (eb - ea) / span
        let variance = max(0, (eb * eb - ea * ea) / (2 * span) - mean * mean)
        var g = SplitMix64(key: RandomKey.mix(RandomKey.mix(branchBase, Purpose.aggregate), UInt64(k % tiers)))
        let z = Sampler.normal(using: &g)
        let sum = min(max(Double(n) * mean + (Double(n) * variance).squareRoot() * z, Double(n) * ea), Double(n) * eb)
        starts.aum += sum
        sets.aum[k] += sum
        sets.staticCount[k] += n
        draws &+= g.draws
        customers.nextLocal[b] += n
    }

    /// The `n` starting customers of a set that is not counted, in two passes: first their
    /// keys and balances (a short loop whose `exp` chains overlap from one customer to the
    /// next), then the rest of each customer, in creation order. The same draws and the same
    /// columns as `addCustomer` one at a time.
    mutating func addSet(branch b: Int, tier t: Int, count n: Int, branchBase: UInt64) {
        guard n > 0 else { return }
        let k = b * tiers + t
        let spec = plan.bt[k]
        let first = customers.nextLocal[b]
        customers.nextLocal[b] = first + n
        starts.batchKeys.reserveCapacity(n)
        starts.batchBalances.reserveCapacity(n)
        let keys = starts.batchKeys.base, balances = starts.batchBalances.base
        var d = 0
        // The default log-uniform law, eight customers at a time where the processor can
        // (the same keys and balances, bit for bit); the rest below.
        var start = 0
        let lo = plan.tierLow[t] / spec.coefficient, hi = plan.tierHigh[t] / spec.coefficient
        if spec.aum == nil && StartingCustomers.isLogUniform(low: lo, high: hi) {
            start = bs_log_uniform_balances(branchBase, UInt64(first), n, starts.logBound[2 * k],
                                            starts.logBound[2 * k + 1] - starts.logBound[2 * k],
                                            lo, hi * (1 - 1e-12), FastMath.exp2Table, keys, balances)
            d = start
        }
        for i in start..<n {
            let ck = RandomKey.mix(branchBase, UInt64(first + i))
            let (x, dx) = startingBalance(set: k, tier: t, spec: spec, key: ck)
            keys[i] = ck
            balances[i] = x
            d &+= dx
        }
        draws &+= d
        if starts.staticSet[k] || reference.contains(.oneCustomerAtATime) {
            // Customers of a small static set may be aggregated, not materialised.
            for i in 0..<n { addCustomer(branch: b, tier: t, isNew: false, key: keys[i], balance: balances[i]) }
            return
        }
        var sum = starts.aum
        for i in 0..<n { sum += balances[i] }
        starts.aum = sum
        let c0 = growCustomers(by: n)
        fillStartingCustomers(c0, count: n, branch: b, tier: t)
    }

    /// `fillCustomer` for customers `c0..<c0 + n` (grown by `growCustomers`), starting in tier
    /// `t` of branch `b`, with keys and balances in `batchKeys` and `batchBalances`: the same
    /// draws, columns, set and list orders and sums, bit for bit, but a column at a time. First
    /// what each customer has on its own (holdings, draws, points); then, in creation order,
    /// its set (and, if its points say so, the move to another tier, exactly as `reevaluate`
    /// makes it), its band lists and its ready lists.
    mutating func fillStartingCustomers(_ c0: Int, count n: Int, branch b: Int, tier t: Int) {
        let k = b * tiers + t
        let spec = plan.bt[k]
        let keys = starts.batchKeys.base, xs = starts.batchBalances.base
        let P = products
        // What each customer has on its own.
        (customers.key.base + c0).update(from: keys, count: n)
        (customers.branch.base + c0).update(repeating: Int32(b), count: n)
        (customers.alive.base + c0).update(repeating: true, count: n)
        (customers.total.base + c0).update(from: xs, count: n)
        (customers.startTotal.base + c0).update(from: xs, count: n)
        (customers.tier.base + c0).update(repeating: Int32(t), count: n)
        do {
            let off = customers.offbank.base + c0, f = spec.offbank
            for i in 0..<n { off[i] = f * xs[i] }
        }
        let bal = customers.balance.base + c0 * P
        for j in spec.moneyStart..<spec.moneyEnd {
            let prod = plan.holdMoneyProduct[j], share = plan.holdMoneyShare[j]
            for i in 0..<n { bal[i * P + prod] += xs[i] * share }
        }
        var d = 0
        let flats = customers.flatHeld.base + c0
        flats.update(repeating: 0, count: n)
        for j in spec.flatStart..<spec.flatEnd {
            let prod = plan.holdFlatProduct[j], prob = plan.holdFlatProbability[j]
            let tag = Purpose.holdFlat &+ plan.productKey[prod], bit: UInt64 = 1 << UInt64(prod)
            for i in 0..<n where Self.drawUnit(RandomKey.mix(keys[i], tag)) < prob { flats[i] |= bit }
            d &+= n
        }
        do {
            let reach = customers.reachable.base + c0, p = drawn.reachable[k]
            let done = bs_keyed_below(keys, n, Purpose.reachable, p, UnsafeMutableRawPointer(reach).assumingMemoryBound(to: UInt8.self))
            for i in done..<n { reach[i] = Self.drawUnit(RandomKey.mix(keys[i], Purpose.reachable)) < p }
            d &+= n
        }
        let seg = customers.segments.base + c0
        seg.update(repeating: 0, count: n)
        for j in 0..<plan.segmentKey.count {
            let p = plan.segmentShare[j * tiers + t]
            guard p > 0 else { continue }
            let sk = plan.segmentKey[j], bit: UInt64 = 1 << UInt64(j)
            for i in 0..<n where Self.drawUnit(RandomKey.mix(RandomKey.mix(keys[i], Purpose.segment), sk)) < p { seg[i] |= bit }
            d &+= n
        }
        let now = self.now
        for slot in 0..<terms.termCount {
            let prod = plan.termProducts[slot]
            let term = Double(plan.termTicks[prod]), pk = plan.productKey[prod]
            for i in 0..<n {
                // Existing holdings are part-way through their term: the remaining time is uniform on (0, term].
                let u = 1 - Self.drawUnit(RandomKey.mix(RandomKey.mix(keys[i], Purpose.maturity), pk))
                terms.set(c0 + i, branch: b, slot: slot, to: now + max(1, Int((u * term).rounded(.up))), now: now)
            }
            d &+= n
        }
        draws &+= d
        // Points as `reevaluate` sums them: products in order, then flat points by bit. A
        // product the holdings mix leaves at 0 adds +0, which changes no sum that starts at +0
        // and adds products of non-negative numbers: only the mix's products are added, a
        // product at a time for all the customers (independent sums, not one long chain).
        let pts = customers.points.base + c0
        pts.update(repeating: 0, count: n)
        for q in 0..<P where (spec.moneyStart..<spec.moneyEnd).contains(where: { plan.holdMoneyProduct[$0] == q }) {
            let cf = plan.coefficient[q]
            for i in 0..<n { pts[i] += bal[i &* P &+ q] * cf }
        }
        for i in 0..<n where flats[i] != 0 {
            var f = flats[i]
            var p = pts[i]
            while f != 0 {
                p += plan.flatPoints[f.trailingZeroBitCount]
                f &= f &- 1
            }
            pts[i] = p
        }
        // In creation order: the set, then a move if the points give another tier. Usually
        // nobody moves: then the set and the ready lists take the batch whole (positions,
        // orders and sums as one customer at a time would give them).
        var moved = false
        for i in 0..<n where tierOf(points: pts[i]) != t {
            moved = true
            break
        }
        if !moved {
            sets.append(first: c0, count: n, to: k, balances: xs)
        } else {
            for i in 0..<n {
                let c = c0 + i
                sets.add(c, to: k, balance: xs[i])
                let nt = tierOf(points: pts[i])
                if nt != t {
                    sets.move(c, from: k, to: b * tiers + nt, balance: customers.total[c])
                    customers.tier[c] = Int32(nt)
                }
            }
        }
        if bands.count > 0 {
            if moved {
                for i in 0..<n {
                    let c = c0 + i
                    bands.update(c, set: Int32(setOf(c)), balance: customers.total[c])
                }
            } else {
                bands.append(set: k, first: c0, count: n, balances: xs)
            }
        }
        // Ready lists, a campaign at a time: each list gets its customers in creation order,
        // as one customer at a time would give them.
        for slot in 0..<ready.count {
            if !moved {
                guard ready.inPool[slot * setCount + k] else { continue }
                ready.append(slot: slot, set: k, first: c0, count: n, balances: xs, segments: seg,
                             keys: customers.key.base)
                continue
            }
            for i in 0..<n {
                let c = c0 + i
                let want = ready.list(slot: slot, set: b * tiers + Int(customers.tier[c]), balance: xs[i], segments: seg[i])
                if want >= 0 { ready.insert(c, key: customers.key[c], slot: slot, set: want) }
            }
        }
        (customers.startTier.base + c0).update(from: customers.tier.base + c0, count: n)
        if growth.lazy { for i in 0..<n { scheduleGrowthCheck(c0 + i) } }
    }

    /// `addCustomer` for a customer whose key is known.
    mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64) -> Int {
        let (x, dx) = startingBalance(set: b * tiers + t, tier: t, spec: plan.bt[b * tiers + t], key: ck)
        draws &+= dx
        return addCustomer(branch: b, tier: t, isNew: isNew, key: ck, balance: x)
    }

    /// `addCustomer` for a customer whose key and starting balance `x` are known (its balance
    /// draws already counted).
    @discardableResult
    mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64, balance x: Double) -> Int {
        if !isNew { starts.aum += x }
        if !isNew && starts.staticSet[b * tiers + t] && aggregate(branch: b, spec: plan.bt[b * tiers + t], key: ck, balance: x) {
            return -1
        }
        let c = growCustomers(by: 1)
        fillCustomer(c, branch: b, tier: t, isNew: isNew, key: ck, balance: x)
        if isNew && plan.history.joinSlot >= 0 { history.record(Int32(truncatingIfNeeded: c), branch: b, slot: plan.history.joinSlot, now: now) }
        return c
    }

    /// Writes customer `c` (its columns grown by `growCustomers`): holdings, flat products,
    /// reachability, segments and terms from its own keys, then its set and lists
    /// (`reevaluate`).
    @inline(__always)
    mutating func fillCustomer(_ c: Int, branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64, balance x: Double) {
        let spec = plan.bt[b * tiers + t]
        customers.key[c] = ck
        customers.branch[c] = Int32(b)
        customers.alive[c] = true
        for i in spec.moneyStart..<spec.moneyEnd {
            customers.balance[c * products + plan.holdMoneyProduct[i]] += x * plan.holdMoneyShare[i]
        }
        var flats: UInt64 = 0
        for i in spec.flatStart..<spec.flatEnd {
            let p = plan.holdFlatProduct[i]
            if keyedUnit(RandomKey.mix(ck, Purpose.holdFlat &+ plan.productKey[p])) < plan.holdFlatProbability[i] {
                flats |= 1 << UInt64(p)
            }
        }
        customers.flatHeld[c] = flats
        customers.total[c] = x
        customers.startTotal[c] = isNew ? 0 : x
        customers.offbank[c] = spec.offbank * x
        customers.reachable[c] = keyedUnit(RandomKey.mix(ck, Purpose.reachable)) < drawn.reachable[b * tiers + t]
        customers.segments[c] = drawnSegments(key: ck, tier: t)
        place(c, branch: b, tier: t, key: ck, balance: x)
    }

    /// The segments of a customer with key `ck` starting in tier `t`, drawn from the segments' shares.
    @inline(__always)
    mutating func drawnSegments(key ck: UInt64, tier t: Int) -> UInt64 {
        var seg: UInt64 = 0
        for i in 0..<plan.segmentKey.count {
            let p = plan.segmentShare[i * tiers + t]
            if p > 0 && keyedUnit(RandomKey.mix(RandomKey.mix(ck, Purpose.segment), plan.segmentKey[i])) < p {
                seg |= 1 << UInt64(i)
            }
        }
        return seg
    }

    /// The last of a starting customer: its term products' remaining terms (drawn), then its
    /// set and lists (`reevaluate`) from tier `t`, and its starting tier.
    @inline(__always)
    mutating func place(_ c: Int, branch b: Int, tier t: Int, key ck: UInt64, balance x: Double) {
        for slot in 0..<terms.termCount {
            let p = plan.termProducts[slot]
            let term = plan.termTicks[p]
            // Existing holdings are part-way through their term: the remaining time is uniform on (0, term].
            let u = 1 - keyedUnit(RandomKey.mix(RandomKey.mix(ck, Purpose.maturity), plan.productKey[p]))
            terms.set(c, branch: b, slot: slot, to: now + max(1, Int((u * Double(term)).rounded(.up))), now: now)
        }
        customers.points[c] = 0
        customers.tier[c] = Int32(t)
        sets.add(c, to: b * tiers + t, balance: x)
        reevaluate(c, fresh: true)
        customers.startTier[c] = customers.tier[c]
    }

    /// A starting customer of a static set: its flat holdings are drawn (they can lift it a
    /// tier) and, when the tier its points give is static too, only counts and sums are kept.
    /// Returns false (nothing recorded, nothing drawn) when the customer must be materialised.
    @inline(__always)
    mutating func aggregate(branch b: Int, spec: SimulationPlan.BranchTier, key ck: UInt64, balance x: Double) -> Bool {
        // Points exactly as `reevaluate` computes them for a new customer.
        let scratch = starts.scratchBalance
        for i in 0..<products { scratch[i] = 0 }
        for i in spec.moneyStart..<spec.moneyEnd { scratch[plan.holdMoneyProduct[i]] += x * plan.holdMoneyShare[i] }
        var p = 0.0
        for i in 0..<products { p += scratch[i] * plan.coefficient[i] }
        var flatDraws = 0
        var flats: UInt64 = 0
        for i in spec.flatStart..<spec.flatEnd {
            let fp = plan.holdFlatProduct[i]
            flatDraws &+= 1
            if RandomKey.unit(RandomKey.finalize(RandomKey.mix(ck, Purpose.holdFlat &+ plan.productKey[fp]))) < plan.holdFlatProbability[i] {
                flats |= 1 << UInt64(fp)
            }
        }
        while flats != 0 {
            p += plan.flatPoints[flats.trailingZeroBitCount]
            flats &= flats &- 1
        }
        let k = b * tiers + tierOf(points: p)
        guard starts.staticSet[k] else { return false }
        draws &+= flatDraws
        sets.staticCount[k] += 1
        sets.aum[k] += x
        return true
    }
}
