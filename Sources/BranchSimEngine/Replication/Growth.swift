import Foundation

/// The growth schedule: balances drift by `(1 + g)^(step months)` each step, g of the
/// customer's tier at its branch, applied lazily. Each step scales the sets' sums; a
/// customer's balances are brought current (`Replicator.bringCurrent`) only when something
/// reads them, or at the step its growth may cross a bound (`due`).
struct GrowthSchedule {
    /// Growth is applied lazily (else every customer every step: `ReferencePaths.eagerGrowth`).
    let lazy: Bool
    /// Growth steps applied so far in this replication, and per customer the count its stored
    /// balances, total and points are current at.
    var phase = 0
    var grownTo = Column<Int32>()
    /// Per growth step, the customers to check then (stale entries skipped: `check` holds each
    /// customer's one scheduled step, or -1).
    var due: Column<Column<Int32>>
    var check = Column<Int32>()
    /// The step factor `(1 + g)^(step months)` of each (branch, tier) set, and the finite
    /// balance bounds any band or ready filter tests (ascending, without repeats).
    /// Variable for an uncertain growth, set at the start of each replication (`drawInputs`).
    var factor: [Double]
    let balanceBounds: [Double]

    init(_ plan: SimulationPlan, eager: Bool) {
        lazy = !eager && plan.hasGrowth
        factor = plan.bt.map { Foundation.pow(1 + $0.growth, plan.stepMonths) }
        var filterBounds = Set<Double>()
        for band in plan.bands { filterBounds.insert(band.low); filterBounds.insert(band.high) }
        for cp in plan.campaigns {
            if case .balance(let a, let b) = cp.filter { filterBounds.insert(a); filterBounds.insert(b) }
        }
        balanceBounds = filterBounds.filter { $0.isFinite }.sorted()
        due = Column()
        for _ in 0..<(plan.hasGrowth ? plan.steps + 2 : 0) { due.append(Column()) }
    }

    /// Adds `n` customers, current and checked at no step.
    mutating func grow(by n: Int) {
        grownTo.append(repeating: Int32(truncatingIfNeeded: phase), count: n)
        check.append(repeating: -1, count: n)
    }

    mutating func removeAll() {
        for i in due.indices { due[i].removeAll() }
        grownTo.removeAll()
        check.removeAll()
        phase = 0
    }

    func free() {
        for d in due { d.free() }
        due.free(); grownTo.free(); check.free()
    }
}

extension Replicator {
    /// One growth step of the outlets `branches` (every customer held is theirs).
    mutating func applyGrowthStep(branches: [Int]) {
        if growth.lazy { growLazily(branches: branches) } else { growEveryone() }
    }

    /// Brings customer `c`'s balances, total and points up to the growth steps applied so
    /// far: for each step it has not had, every balance times its set's factor, then their
    /// sum over products, as `growEveryone` makes them step by step (so the same bits). Dead
    /// customers do not grow; a set without growth has nothing to apply. Sums by set are
    /// not touched (each step scales them: `growLazily`). Nothing to do without lazy growth.
    @inline(__always)
    mutating func bringCurrent(_ c: Int) {
        guard growth.lazy else { return }
        let n = growth.phase - Int(growth.grownTo[c])
        guard n > 0 else { return }
        growth.grownTo[c] = Int32(truncatingIfNeeded: growth.phase)
        guard customers.alive[c] else { return }
        let f = growth.factor[setOf(c)]
        guard f != 1 else { return }
        let b = customers.balance.base + c * products
        var sum = 0.0
        for _ in 0..<n {
            sum = 0.0
            for p in 0..<products {
                b[p] *= f
                sum += b[p]
            }
        }
        customers.total[c] = sum
        customers.points[c] = pointsOf(c)
    }

    /// Lists customer `c` (current) under the growth step at which its growth may first
    /// cross a bound: its tier's upper bound in points (lower, for negative growth), or a
    /// balance bound of a band or a ready filter. The step is worked out with logarithms and
    /// taken one early, so rounding cannot make it late; a check that finds nothing crossed
    /// lists the customer again.
    ///
    /// So a stored total, however stale, lies on the same side of every tier, band and filter
    /// bound as the grown one: the filters (ready lists, band lists, the scans, a cooldown's
    /// end) may read it as it is. Only what uses the amount itself brings it current first:
    /// conversions, maturities, leavers and the end-of-replication sums.
    mutating func scheduleGrowthCheck(_ c: Int) {
        growth.check[c] = -1
        guard customers.alive[c] else { return }
        let t = Int(customers.tier[c])
        let f = growth.factor[Int(customers.branch[c]) * tiers + t]
        guard f != 1 else { return }
        let lf = Foundation.log(f)
        let money = moneyPoints(c)
        let flat = customers.points[c] - money
        var steps = Double.infinity
        if money > 0 {
            let bound = f > 1 ? plan.tierHigh[t] : plan.tierLow[t]
            if bound.isFinite && bound > flat { steps = min(steps, Foundation.log((bound - flat) / money) / lf) }
        }
        let x = customers.total[c]
        if x > 0 {
            if f > 1, let b = growth.balanceBounds.first(where: { $0 > x }) {
                steps = min(steps, Foundation.log(b / x) / lf)
            } else if f < 1, let b = growth.balanceBounds.last(where: { $0 <= x }), b > 0 {
                steps = min(steps, Foundation.log(b / x) / lf)
            }
        }
        guard steps.isFinite, steps >= 0 else { return }
        let ahead = max(1, Int(min(steps, Double(plan.steps + 2)).rounded(.down)) - 1)
        let due = growth.phase + ahead
        guard due < growth.due.count else { return }
        growth.check[c] = Int32(truncatingIfNeeded: due)
        growth.due.base[due].append(Int32(truncatingIfNeeded: c))
    }

    /// One growth step: every set's sum scaled by its factor, and the customers listed for
    /// this step brought current and re-evaluated, in ascending order (the moves and list
    /// changes `growEveryone` makes, in its order; customers crossing nothing would change
    /// nothing there).
    mutating func growLazily(branches: [Int]) {
        growth.phase += 1
        for b in branches {
            for k in b * tiers..<(b + 1) * tiers where growth.factor[k] != 1 { sets.aum[k] *= growth.factor[k] }
        }
        let phase = growth.phase
        guard phase < growth.due.count else { return }
        dueScratch.removeAll()
        dueScratch.append(contentsOf: growth.due[phase])
        growth.due.base[phase].removeAll()
        for i in 0..<sortDueScratch() {
            let c = Int(dueScratch[i])
            guard growth.check[c] == Int32(truncatingIfNeeded: phase), customers.alive[c] else { continue }
            bringCurrent(c)
            reevaluate(c)
        }
    }

    /// Growth applied to every live customer every step: the reference `growLazily` is
    /// compared with (`ReferencePaths.eagerGrowth`).
    mutating func growEveryone() {
        // The replication's factors (an uncertain growth's draw, else the plan's rate).
        let factors = growth.factor
        for c in 0..<customers.count where customers.alive[c] {
            let f = factors[setOf(c)]
            guard f != 1 else { continue }
            var sum = 0.0
            for p in 0..<products {
                customers.balance[c * products + p] *= f
                sum += customers.balance[c * products + p]
            }
            sets.aum[setOf(c)] += sum - customers.total[c]
            customers.total[c] = sum
            reevaluate(c)
        }
    }
}
