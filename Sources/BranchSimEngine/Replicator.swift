import BranchSimModel
import CBranchSimKernels
import Foundation

/// A worker's campaign plan behind a reference: an occurrence takes one retain of it
/// instead of copying the plan's two dozen arrays (a retain each) into a local.
final class CampaignRef {
    let plan: SimulationPlan.CampaignPlan
    init(_ plan: SimulationPlan.CampaignPlan) { self.plan = plan }
}

/// Where a customer stands for one campaign's ready lists: `list` is the set whose ready list
/// holds it (at position `pos`), -1 for none, or `cooling` while a contact's cooldown runs
/// (then in no list).
struct ReadyEntry: BitwiseCopyable {
    static let cooling: Int32 = -2
    var list: Int32 = -1
    var pos: Int32 = -1
}

/// Purposes: the last element of a key chain, naming what a draw decides.
enum Purpose {
    static let balance: UInt64 = 1
    static let reachable: UInt64 = 2
    static let segment: UInt64 = 3
    static let holdFlat: UInt64 = 4
    static let maturity: UInt64 = 5
    static let aggregate: UInt64 = 6
    static let amount: UInt64 = 10
    static let buyFlat: UInt64 = 11
    static let referral: UInt64 = 12
    static let select: UInt64 = 20
    static let attrition: UInt64 = 30
    static let mature: UInt64 = 31
    static let replication: UInt64 = 40
}

/// One worker's simulation state: the population as a structure of arrays, per-(branch, tier)
/// index sets with O(1) moves, and scratch buffers, all reused from one replication to the next.
struct Replicator: ~Copyable {
    let plan: SimulationPlan
    /// This worker's own copy of the campaign plans (`CampaignPlan.unshared`).
    let campaigns: [CampaignRef]
    let rootKey: UInt64
    let tiers: Int
    let products: Int
    let roles: Int
    let termCount: Int
    let cooldownSlots: Int
    let policyMax: Int

    // Population (structure of arrays, indexed by customer).
    var key = Column<UInt64>()
    var branch = Column<Int32>()
    var alive = Column<Bool>()
    var tier = Column<Int32>()
    var startTier = Column<Int32>()
    var reachable = Column<Bool>()
    var segments = Column<UInt64>()
    var flatHeld = Column<UInt64>()
    var total = Column<Double>()
    var startTotal = Column<Double>()
    var offbank = Column<Double>()
    var points = Column<Double>()
    /// `balance[c * products + p]` (flat products keep 0).
    var balance = Column<Double>()
    /// `maturity[c * termCount + slot]`: tick at which the term product's current term ends.
    var maturity = Column<Int>()
    /// Maturities by step: `dueIds[slot * dueSteps + b]` lists the customers whose maturity
    /// of term slot `slot` was set to a tick in step `b` (`noteMaturity`), so that neither the
    /// step's maturities nor a `where maturing` pool needs a pass over every customer. A
    /// customer may be listed again or in a step its maturity has since left: readers check
    /// the current maturity. Steps run to the horizon plus the longest `maturing` window.
    var dueIds: Column<Column<Int32>>
    let dueSteps: Int
    /// Scratch for `matureTerms` and `gatherMaturing`: customer numbers, sort keys, and the
    /// rank of each (branch, tier) set in the pool being gathered (-1: not in it).
    var dueScratch = Column<Int32>()
    var maturingKeys = Column<UInt64>()
    var maturingIds = Column<Int32>()
    var setRank = Column<Int32>()
    /// `lastContact[c * cooldownSlots + slot]`: tick of the last contact by that campaign.
    /// Read only by the scans of campaigns that check cooldowns member by member
    /// (`scansCooldown`); the others keep contacts out of their ready lists instead.
    var lastContact = Column<Int>()
    /// Per campaign: it has a cooldown and a scan (`forEachEligible`) checks it, so its
    /// contacts are written to `lastContact`.
    let scansCooldown: [Bool]
    /// Ring of the last `policyMax` contact ticks per customer, and its head.
    var policyTimes = Column<Int>()
    var policyHead = Column<Int32>()
    /// Position of a customer in its (branch, tier) set.
    var pos = Column<Int32>()
    /// Members of each (branch, tier): `sets[branch * tiers + tier]`.
    var sets: Column<Column<Int32>>
    /// In-bank balance of each (branch, tier) set, kept up to date on every change.
    var setAum = Column<Double>()
    var nextLocal = Column<Int>()
    /// Logarithms of the log-uniform starting-balance bounds per (branch, tier):
    /// `logBound[2k]`, `logBound[2k + 1]` (computed once, not per customer).
    let logBound: [Double]
    /// Balance-band candidates: `candidates[band * setCount + set]` holds the members of the
    /// (branch, tier) set whose balance lies in the band, kept current by `updateBands` on
    /// every balance or tier change, so a `where balance A..B` pool scan visits only them.
    var candidates: Column<Column<Int32>>
    /// `candSet[c * bandCount + band]`: the set whose band list holds customer `c` (or -1),
    /// and `candPos` its position there.
    var candSet = Column<Int32>()
    var candPos = Column<Int32>()
    let bandCount: Int
    let setCount: Int
    /// Sets whose customers nothing can change: no campaign targets the (branch, tier), no
    /// attrition, no growth, no term products. A starting customer who lands in such a set is
    /// drawn (balance and flat holdings, the same keyed draws) but never materialised: only
    /// the set's count and balance sum are kept (docs/model.md, "Untouched tiers").
    let staticSet: [Bool]
    var staticCount = Column<Int>()
    /// Static sets whose starting customers can be summed in one tight loop: no flat
    /// holdings (nothing can lift a customer out of the tier) and the default balance law.
    /// The loop draws exactly what `addCustomer` would, in the same order (bit-identical).
    let bulkStatic: [Bool]
    /// Running sum of the starting balances, in creation order.
    var startAum = 0.0
    /// Per-product scratch balances for the points of an aggregated customer.
    var scratchBalance = Column<Double>()
    /// Keys and starting balances of a batch of starting customers (`addStartingCustomers`).
    var batchKeys = Column<UInt64>()
    var batchBalances = Column<Double>()

    // Scratch.
    var pool: [Int32] = []
    var poolTable: [Int64] = []
    var contacts = Column<Int32>()
    /// Stands in for `contacts` while a `contacts all` scan fills it (never written itself).
    let spareContacts = Column<Int32>(capacity: 1)
    var passing = Column<Int32>()
    /// `mix(key, occurrenceTag)` of each customer in `passing` (in step with it): the base of
    /// all of that customer's draws in the occurrence, mixed once.
    var passingBase = Column<UInt64>()
    /// Keyed priorities of a selection (capacity grows to the largest pool).
    var priorities = Column<UInt64>()
    /// Scratch for sorting the selection's survivors.
    var sortScratch = Column<UInt64>()
    // Ready lists: for each campaign whose eligibility does not depend on the clock (every
    // filter but `maturing`), and each (branch, tier) set its pools draw from, the customers
    // eligible right now, with their keys beside them, so a selection reads one contiguous
    // list and checks nothing. Kept current in O(1) per change by `updateReady` (tier, balance
    // or liveness changed) and by the cooldown queues (a contact leaves the list; it comes
    // back when its cooldown ends). Results do not depend on the lists' order.
    /// Per campaign, its ready-list slot or -1 (`maturing` filter: scan the sets instead).
    let readySlot: [Int]
    /// Campaign of each slot, and the slot's filter.
    let readyCampaign: [Int]
    let readySegMask: Column<UInt64>
    let readyLow: Column<Double>
    let readyHigh: Column<Double>
    let readyCooldown: [Int]
    /// `readyInPool[slot * setCount + set]`: whether any of the campaign's pools holds the set.
    let readyInPool: Column<Bool>
    let readyCount: Int
    /// `readyIds[slot * setCount + set]` and the keys of the same customers.
    var readyIds: Column<Column<Int32>>
    var readyKeys: Column<Column<UInt64>>
    /// `ready[c * readyCount + slot]`: where customer `c` stands for the slot's campaign (one
    /// entry, one cache line, for what a contact and a cooldown's end both read and write).
    var ready = Column<ReadyEntry>()
    /// Per slot, contacts in the order they happened (and their ticks): cooldowns end in
    /// that order, so the queue's head is the next customer to come back.
    var coolIds: Column<Column<Int32>>
    var coolTicks: Column<Column<Int>>
    var coolHead = Column<Int>()

    var stagePassed = Column<Int>()
    var occHours = Column<Double>()

    // Per replication. Columns, not arrays: a write checks no uniqueness and retains nothing.
    var values = Column<Double>()
    var seriesBuf = Column<Double>()
    var usedHours = Column<Double>()
    var stepHours = Column<Double>()
    /// FTE of each role's managed customers in the current step.
    var managedStep = Column<Double>()
    var stepCost = 0.0
    /// Customers by (start tier, end tier or `tiers` for left): `[from * (tiers + 1) + to]`.
    var migrationCounts = Column<Int>()
    /// Occurrences so far of campaign `ci` at host `h`: `occCounter[occBase[ci] + h]`.
    var occCounter = Column<Int>()
    let occBase: [Int]
    /// Per campaign, where its counts sit in `values` (from `plan.layout`, flattened so an
    /// occurrence reads plain integers).
    let slots: [CampaignSlots]
    var now = 0
    var repKey: UInt64 = 0
    /// Random draws made in the current replication.
    var draws = 0
    /// New customers referrals may still add in this replication (`referralCap`).
    private var referralRoom = 0
    /// Set when referrals wanted to add more than `referralCap` customers in a replication:
    /// its results are not a run of the scenario (the engine reports an error instead).
    private(set) var referralCapReached = false

    /// The most customers referrals may add in one replication: twice the starting
    /// population, at least 10,000. A referral rate that compounds (every new customer
    /// converted again and referring) would otherwise grow without bound, and the run with it.
    static func referralCap(startingCustomers n: Int) -> Int { max(2 * n, 10_000) }

    static let never = Int.min / 4
    /// Untouched sets of at least this many starting customers have their balance sum drawn
    /// at once (docs/model.md, "Untouched tiers"); smaller ones customer by customer.
    static let aggregateMinimum = 200

    /// Starting customers of a set are filled a column at a time (`fillStartingCustomers`);
    /// false fills them one at a time (`fillCustomer`), which tests compare it with.
    let batchStarts: Bool
    /// Maturities and `where maturing` pools come from the lists by step (`dueIds`); false
    /// passes over every customer and scans the pools' sets, which tests compare it with.
    let indexMaturities: Bool
    /// Growth is applied lazily: each step scales the sets' sums, and a customer's balances
    /// are brought current (`bringCurrent`) only when something reads them, or at the step a
    /// bound may be crossed (`growthDue`). False multiplies every customer every step
    /// (`applyGrowth`), which tests compare it with.
    let lazyGrowth: Bool
    /// Growth steps applied so far in this replication, and per customer the count its stored
    /// balances, total and points are current at.
    var growthPhase = 0
    var grownTo = Column<Int32>()
    /// Per growth step, the customers to check then (stale entries skipped: `growthCheck`
    /// holds each customer's one scheduled step, or -1).
    var growthDue: Column<Column<Int32>>
    var growthCheck = Column<Int32>()
    /// The step factor `(1 + g)^(step months)` of each (branch, tier) set, and the finite
    /// balance bounds any band or ready filter tests (ascending, without repeats).
    let growthFactor: [Double]
    let balanceBounds: [Double]

    /// - Parameters:
    ///   - plan: the compiled scenario; its `staticSets` (companions taken into account)
    ///     decide which tiers are aggregated.
    ///   - batchStarts: see `batchStarts` (always true outside tests).
    ///   - indexMaturities: see `indexMaturities` (always true outside tests).
    init(plan: SimulationPlan, seed: UInt64, salt: UInt64, batchStarts: Bool = true, indexMaturities: Bool = true,
         lazyGrowth: Bool = true) {
        self.plan = plan
        self.batchStarts = batchStarts
        self.indexMaturities = indexMaturities
        self.lazyGrowth = lazyGrowth && plan.hasGrowth
        growthFactor = plan.bt.map { Foundation.pow(1 + $0.growth, plan.stepMonths) }
        var filterBounds = Set<Double>()
        for band in plan.bands { filterBounds.insert(band.low); filterBounds.insert(band.high) }
        for cp in plan.campaigns {
            if case .balance(let a, let b) = cp.filter { filterBounds.insert(a); filterBounds.insert(b) }
        }
        balanceBounds = filterBounds.filter { $0.isFinite }.sorted()
        growthDue = Column()
        for _ in 0..<(plan.hasGrowth ? plan.steps + 2 : 0) { growthDue.append(Column()) }
        campaigns = plan.campaigns.map { CampaignRef($0.unshared()) }
        rootKey = RandomKey.mix(RandomKey.finalize(seed), salt)
        tiers = plan.tierCount
        products = plan.productCount
        roles = plan.roleCount
        termCount = plan.termProducts.count
        var window = 0
        for cp in plan.campaigns {
            if case .maturing(_, let within) = cp.filter { window = max(window, within.ticks) }
        }
        dueSteps = plan.steps + (window + plan.stepTicks - 1) / plan.stepTicks + 1
        dueIds = Column()
        for _ in 0..<(plan.termProducts.count * dueSteps) { dueIds.append(Column()) }
        cooldownSlots = plan.cooldownSlots
        policyMax = plan.policyMax
        sets = Column()
        for _ in 0..<plan.scenario.branches.count * plan.tierCount { sets.append(Column()) }
        setAum.append(repeating: 0, count: plan.scenario.branches.count * plan.tierCount)
        nextLocal.append(repeating: 0, count: plan.scenario.branches.count)
        var bounds: [Double] = []
        for k in 0..<plan.scenario.branches.count * plan.tierCount {
            let t = k % plan.tierCount
            let lo = plan.tierLow[t] / plan.bt[k].coefficient, hi = plan.tierHigh[t] / plan.bt[k].coefficient
            bounds += [Foundation.log(lo <= 0 ? 1000 : lo), Foundation.log(hi)]
        }
        logBound = bounds
        bandCount = plan.bands.count
        setCount = plan.scenario.branches.count * plan.tierCount
        setRank.append(repeating: -1, count: setCount)
        candidates = Column()
        for _ in 0..<bandCount * setCount { candidates.append(Column()) }
        staticSet = plan.staticSets
        staticCount.append(repeating: 0, count: setCount)
        bulkStatic = (0..<setCount).map { [staticSet] k in
            let spec = plan.bt[k]
            let lo = plan.tierLow[k % plan.tierCount] / spec.coefficient
            return staticSet[k] && spec.aum == nil && spec.flatStart == spec.flatEnd && spec.coefficient > 0 && lo.isFinite
        }
        scratchBalance.append(repeating: 0, count: plan.productCount)
        occHours.append(repeating: 0, count: plan.roleCount)
        values.append(repeating: 0, count: plan.metrics.count)
        seriesBuf.append(repeating: 0, count: plan.series.count * plan.steps)
        usedHours.append(repeating: 0, count: plan.scenario.branches.count * plan.roleCount)
        stepHours.append(repeating: 0, count: plan.roleCount)
        managedStep.append(repeating: 0, count: plan.roleCount)
        migrationCounts.append(repeating: 0, count: plan.tierCount * (plan.tierCount + 1))
        var bases: [Int] = []
        for cp in plan.campaigns {
            bases.append(occCounter.count)
            occCounter.append(repeating: 0, count: cp.hosts.count)
        }
        occBase = bases
        slots = plan.campaigns.indices.map { CampaignSlots(plan.layout, campaign: $0) }
        var rSlot: [Int] = [], rCampaign: [Int] = [], rSeg: [UInt64] = [], rLow: [Double] = [], rHigh: [Double] = []
        var rCool: [Int] = [], rPool: [Bool] = []
        for (ci, cp) in plan.campaigns.enumerated() {
            var seg: UInt64 = 0, lo = -Double.infinity, hi = Double.infinity
            switch cp.filter {
            case .none: break
            case .segment(let sg): seg = 1 << UInt64(sg)
            case .balance(let a, let b): lo = a; hi = b
            case .maturing:
                rSlot.append(-1)
                continue
            }
            rSlot.append(rCampaign.count)
            rCampaign.append(ci)
            rSeg.append(seg); rLow.append(lo); rHigh.append(hi)
            rCool.append(cp.cooldownSlot >= 0 ? cp.cooldownTicks : 0)
            var inPool = Array(repeating: false, count: setCount)
            for pools in cp.poolBranches {
                for b in pools { for t in cp.targetTiers { inPool[b * plan.tierCount + t] = true } }
            }
            rPool += inPool
        }
        readySlot = rSlot
        // The scans: `where maturing` pools, and `contacts all` without a capacity.
        scansCooldown = plan.campaigns.indices.map { ci in
            let cp = plan.campaigns[ci]
            return cp.cooldownSlot >= 0 && (rSlot[ci] < 0 || (cp.contactsAll && cp.capacityStage < 0))
        }
        readyCampaign = rCampaign
        readySegMask = Column(rSeg)
        readyLow = Column(rLow)
        readyHigh = Column(rHigh)
        readyCooldown = rCool
        readyInPool = Column(rPool)
        readyCount = rCampaign.count
        readyIds = Column()
        readyKeys = Column()
        for _ in 0..<readyCount * setCount {
            readyIds.append(Column())
            readyKeys.append(Column())
        }
        coolIds = Column()
        coolTicks = Column()
        for _ in 0..<readyCount {
            coolIds.append(Column())
            coolTicks.append(Column())
        }
        coolHead.append(repeating: 0, count: readyCount)
    }

    deinit {
        key.free(); branch.free(); alive.free(); tier.free(); startTier.free(); reachable.free()
        segments.free(); flatHeld.free(); total.free(); startTotal.free(); offbank.free(); points.free()
        balance.free(); maturity.free(); lastContact.free(); policyTimes.free(); policyHead.free(); pos.free()
        for d in dueIds { d.free() }
        dueIds.free(); dueScratch.free(); maturingKeys.free(); maturingIds.free(); setRank.free()
        for d in growthDue { d.free() }
        growthDue.free(); grownTo.free(); growthCheck.free()
        for s in sets { s.free() }
        sets.free()
        for s in candidates { s.free() }
        candidates.free(); candSet.free(); candPos.free(); scratchBalance.free()
        batchKeys.free(); batchBalances.free()
        priorities.free(); sortScratch.free()
        for l in readyIds { l.free() }
        for l in readyKeys { l.free() }
        for l in coolIds { l.free() }
        for l in coolTicks { l.free() }
        readyIds.free(); readyKeys.free(); coolIds.free(); coolTicks.free(); coolHead.free()
        ready.free()
        readySegMask.free(); readyLow.free(); readyHigh.free(); readyInPool.free()
        setAum.free(); nextLocal.free(); staticCount.free()
        contacts.free(); spareContacts.free(); passing.free(); passingBase.free(); stagePassed.free(); occHours.free()
        values.free(); seriesBuf.free(); usedHours.free(); stepHours.free(); managedStep.free(); occCounter.free()
        migrationCounts.free()
    }

    // MARK: - Replication

    /// Runs replication `index` and returns its record; `draws` holds the draws it made.
    mutating func run(replication index: Int) -> ReplicationRecord {
        reset()
        repKey = RandomKey.mix(rootKey, UInt64(index))
        let s = plan.scenario
        for b in 0..<s.branches.count {
            let branchBase = RandomKey.mix(repKey, plan.branchKey[b])
            for t in 0..<tiers {
                let n = plan.tierCounts[b][t]
                if bulkStatic[b * tiers + t] {
                    addStaticCustomers(branch: b, tier: t, count: n, branchBase: branchBase)
                } else {
                    addStartingCustomers(branch: b, tier: t, count: n, branchBase: branchBase)
                }
            }
        }
        // Summed in creation order over every starting customer, aggregated or not, so a
        // variant that touches other tiers starts from the bit-identical AUM.
        let aumStart = startAum
        referralRoom = Self.referralCap(startingCustomers: s.totalCustomers)
        referralCapReached = false

        let L = plan.layout
        var hoursTotal = Array(repeating: 0.0, count: roles)
        var fteSum = Array(repeating: 0.0, count: roles)
        var ftePeak = Array(repeating: 0.0, count: roles)
        var managedSum = Array(repeating: 0.0, count: roles)
        let stepDuration = s.settings.step.duration
        let steps = plan.steps
        let seriesCount = plan.series.count
        let seriesAumTier = 1, seriesCustomers = 1 + tiers, seriesHours = 1 + 2 * tiers
        let seriesFTE = seriesHours + roles, seriesCost = seriesFTE + roles
        precondition(seriesCost + 1 == seriesCount, "series layout differs from MetricCatalog.series")

        for step in 0..<steps {
            now = step * plan.stepTicks
            for i in usedHours.indices { usedHours[i] = 0 }
            for i in stepHours.indices { stepHours[i] = 0 }
            stepCost = 0
            for ci in 0..<campaigns.count {
                // Through the reference: binding the plan would copy it (a retain and a release
                // for each of its arrays, every step).
                let ref = campaigns[ci]
                guard step >= ref.plan.firstStep, now < ref.plan.endTick else { continue }
                let k = ref.plan.frequency.occurrences(inStep: step - ref.plan.firstStep, step: stepDuration)
                guard k > 0 else { continue }
                for h in 0..<ref.plan.hosts.count {
                    for _ in 0..<k { runOccurrence(ci, host: h) }
                }
            }
            if termCount > 0 { matureTerms() }
            if plan.hasAttrition { applyAttrition(step: step) }
            if plan.hasGrowth {
                if lazyGrowth { growLazily() } else { applyGrowth() }
            }

            // Series at the end of the step.
            var aum = 0.0
            let managed = managedStep
            for r in 0..<roles { managed[r] = 0 }
            for t in 0..<tiers {
                var sum = 0.0, count = 0
                for b in 0..<s.branches.count {
                    let k = b * tiers + t
                    sum += setAum[k]
                    let members = sets[k].count + staticCount[k]
                    count += members
                    let r = plan.bt[k].managedBy
                    if r >= 0 && plan.roleCapacity[r] > 0 {
                        managed[r] += Double(members) / plan.roleCapacity[r]
                    }
                }
                aum += sum
                seriesBuf[(seriesAumTier + t) * steps + step] = sum
                seriesBuf[(seriesCustomers + t) * steps + step] = Double(count)
            }
            seriesBuf[step] = aum
            for r in 0..<roles {
                let fte = (plan.roleStepHours[r] > 0 ? stepHours[r] / plan.roleStepHours[r] : 0) + managed[r]
                seriesBuf[(seriesHours + r) * steps + step] = stepHours[r]
                seriesBuf[(seriesFTE + r) * steps + step] = fte
                hoursTotal[r] += stepHours[r]
                fteSum[r] += fte
                ftePeak[r] = max(ftePeak[r], fte)
                managedSum[r] += managed[r]
            }
            seriesBuf[seriesCost * steps + step] = stepCost
        }

        // Cohort view: each customer by its start tier (new customers by the tier they joined).
        // Aggregated customers stay where they started, with their starting balance (uplift 0).
        // Uplift is the sum of the customers' changes (exactly 0 when nothing changed), and
        // the end AUM the start plus it, whatever the share of aggregated customers.
        if lazyGrowth { for c in 0..<total.count { bringCurrent(c) } }
        var uplift = 0.0
        for k in 0..<staticCount.count where staticCount[k] > 0 {
            let t = k % tiers
            values[L.migration[t * tiers + t]] += Double(staticCount[k])
        }
        // Customers come in runs of one branch and one start tier: each of those two sums is
        // kept in a register along a run and stored when the run ends (the same additions in
        // the same order as adding into `values` each time). Moves are counted as integers
        // (exact in any order) and added once.
        let moves = migrationCounts.base
        moves.update(repeating: 0, count: migrationCounts.count)
        var runBranch = -1, branchSum = 0.0, runTier = -1, tierSum = 0.0
        for c in 0..<total.count {
            let live = alive[c]
            let end = live ? total[c] : 0
            let d = end - startTotal[c]
            uplift += d
            let b = Int(branch[c]), from = Int(startTier[c])
            if b != runBranch {
                if runBranch >= 0 { values[L.upliftBranch[runBranch]] = branchSum }
                runBranch = b
                branchSum = values[L.upliftBranch[b]]
            }
            branchSum += d
            if from != runTier {
                if runTier >= 0 { values[L.upliftTier[runTier]] = tierSum }
                runTier = from
                tierSum = values[L.upliftTier[from]]
            }
            tierSum += d
            // to = tiers (one past the last tier) counts a customer who left.
            moves[from * (tiers + 1) + (live ? Int(tier[c]) : tiers)] &+= 1
        }
        if runBranch >= 0 { values[L.upliftBranch[runBranch]] = branchSum }
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
        values[L.aumStart] = aumStart
        let aumEnd = aumStart + uplift
        values[L.aumEnd] = aumEnd
        values[L.uplift] = uplift
        var cost = 0.0
        for ci in 0..<plan.campaigns.count {
            values[L.totalConversions] += values[L.conversions[ci]]
            values[L.totalTurnedAway] += values[L.turnedAway[ci]]
            values[L.totalUnserved] += values[L.unserved[ci]]
            cost += values[L.campaignCost[ci]]
        }
        values[L.cost] = cost
        values[L.upliftPerCost] = cost > 0 ? uplift / cost : 0
        for r in 0..<roles {
            values[L.hours[r]] = hoursTotal[r]
            values[L.fte[r]] = fteSum[r] / Double(steps)
            values[L.peakFTE[r]] = ftePeak[r]
            values[L.managedFTE[r]] = managedSum[r] / Double(steps)
            values[L.available[r]] = plan.availableFTE[r]
        }
        // Series are kept for the first replications only (`RunResult.seriesReplications`).
        let keep = index < RunResult.seriesReplications
        return ReplicationRecord(index: index, values: Array(UnsafeBufferPointer(start: values.base, count: values.count)),
                                 series: keep ? Array(UnsafeBufferPointer(start: seriesBuf.base, count: seriesBuf.count)) : [])
    }

    private mutating func reset() {
        key.removeAll(keepingCapacity: true)
        branch.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        tier.removeAll(keepingCapacity: true)
        startTier.removeAll(keepingCapacity: true)
        reachable.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        flatHeld.removeAll(keepingCapacity: true)
        total.removeAll(keepingCapacity: true)
        startTotal.removeAll(keepingCapacity: true)
        offbank.removeAll(keepingCapacity: true)
        points.removeAll(keepingCapacity: true)
        balance.removeAll(keepingCapacity: true)
        maturity.removeAll(keepingCapacity: true)
        for i in dueIds.indices { dueIds[i].removeAll() }
        for i in growthDue.indices { growthDue[i].removeAll() }
        grownTo.removeAll()
        growthCheck.removeAll()
        growthPhase = 0
        lastContact.removeAll(keepingCapacity: true)
        policyTimes.removeAll(keepingCapacity: true)
        policyHead.removeAll(keepingCapacity: true)
        pos.removeAll(keepingCapacity: true)
        for i in sets.indices { sets[i].removeAll(keepingCapacity: true) }
        for i in candidates.indices { candidates[i].removeAll(keepingCapacity: true) }
        candSet.removeAll(keepingCapacity: true)
        candPos.removeAll(keepingCapacity: true)
        for i in readyIds.indices {
            readyIds[i].removeAll()
            readyKeys[i].removeAll()
        }
        for i in coolIds.indices {
            coolIds[i].removeAll()
            coolTicks[i].removeAll()
            coolHead[i] = 0
        }
        ready.removeAll()
        for i in setAum.indices { setAum[i] = 0 }
        for i in staticCount.indices { staticCount[i] = 0 }
        startAum = 0
        for i in nextLocal.indices { nextLocal[i] = 0 }
        for i in values.indices { values[i] = 0 }
        for i in seriesBuf.indices { seriesBuf[i] = 0 }
        for i in occCounter.indices { occCounter[i] = 0 }
        now = 0
        draws = 0
    }

    // MARK: - Customers

    @inline(__always)
    private mutating func keyedUnit(_ k: UInt64) -> Double {
        draws &+= 1
        return Self.drawUnit(k)
    }

    /// The keyed draw of `keyedUnit`, its count left to the caller.
    @inline(__always)
    private static func drawUnit(_ k: UInt64) -> Double { RandomKey.unit(RandomKey.finalize(k)) }

    /// Adds a customer of branch `b` starting in tier `t` (its next local index), drawing its
    /// balance, off-bank assets, reachability, segments and flat holdings from its own keys.
    @discardableResult
    mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool) -> Int {
        let local = nextLocal[b]
        nextLocal[b] += 1
        let ck = RandomKey.mix(RandomKey.mix(repKey, plan.branchKey[b]), UInt64(local))
        return addCustomer(branch: b, tier: t, isNew: isNew, key: ck)
    }

    /// The starting balance of the customer with key `ck` in (branch, tier) set `k`, clipped so
    /// that the tier's holdings mix lands in the tier's range, and the draws it took.
    @inline(__always)
    private func startingBalance(set k: Int, tier t: Int, spec: SimulationPlan.BranchTier, key ck: UInt64) -> (Double, Int) {
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
            if Self.isLogUniform(low: lo, high: hi) {
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

    /// Whether the default law of a set whose balances lie in `[low, high)` is log-uniform (not
    /// the open top tier's Pareto, nor the uniform law of a bottom tier capped at 1,000).
    @inline(__always)
    private static func isLogUniform(low lo: Double, high hi: Double) -> Bool {
        hi.isFinite && !(lo <= 0 && hi <= 1000)
    }

    /// Adds the `count` starting customers of static set (branch, tier) from `bulkStatic`:
    /// only the set's count, its balance sum and the start AUM change. A customer whose
    /// balance lies at the very bottom of the range (where rounding could put its points in
    /// the tier below) goes through `addCustomer`, which checks its tier exactly.
    private mutating func addStaticCustomers(branch b: Int, tier t: Int, count n: Int, branchBase: UInt64) {
        let k = b * tiers + t
        let spec = plan.bt[k]
        let lo = plan.tierLow[t] / spec.coefficient
        let hi = plan.tierHigh[t] / spec.coefficient
        let nearLow = lo * (1 + 1e-9)
        let span = logBound[2 * k + 1] - logBound[2 * k]
        if hi.isFinite && hi > 1000 && n >= Self.aggregateMinimum && span > 1e-9 {
            addBalanceSum(set: k, branch: b, count: n, branchBase: branchBase)
            return
        }
        var local = nextLocal[b]
        let end = local + n
        while local < end {
            var sum = startAum, setSum = setAum[k], members = staticCount[k], d = draws
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
            startAum = sum
            setAum[k] = setSum
            staticCount[k] = members
            draws = d
            if slow >= 0 {
                nextLocal[b] = slow + 1
                _ = addCustomer(branch: b, tier: t, isNew: false, key: RandomKey.mix(branchBase, UInt64(slow)))
                local = slow + 1
            }
        }
        nextLocal[b] = end
    }

    /// The `n` starting customers of a static set with the default log-uniform law on
    /// `[e^a, e^b]` (the set's clipped bounds), drawn at once: their balance sum is a normal with
    /// the law's exact mean (e^b - e^a) / (b - a) and variance, times n (central limit; skewness
    /// of the sum under 0.1 from 200 customers), kept within [n e^a, n e^b].
    private mutating func addBalanceSum(set k: Int, branch b: Int, count n: Int, branchBase: UInt64) {
        let a = logBound[2 * k], span = logBound[2 * k + 1] - logBound[2 * k]
        let ea = Foundation.exp(a), eb = Foundation.exp(a + span)
        let mean = (eb - ea) / span
        let variance = max(0, (eb * eb - ea * ea) / (2 * span) - mean * mean)
        var g = SplitMix64(key: RandomKey.mix(RandomKey.mix(branchBase, Purpose.aggregate), UInt64(k % tiers)))
        let z = Sampler.normal(using: &g)
        let sum = min(max(Double(n) * mean + (Double(n) * variance).squareRoot() * z, Double(n) * ea), Double(n) * eb)
        startAum += sum
        setAum[k] += sum
        staticCount[k] += n
        draws &+= g.draws
        nextLocal[b] += n
    }

    /// The `n` starting customers of a set that is not summed in bulk, in two passes: first
    /// their keys and balances (a short loop whose `exp` chains overlap from one customer to
    /// the next), then the rest of each customer, in creation order. The same draws and the
    /// same columns as `addCustomer` one at a time.
    private mutating func addStartingCustomers(branch b: Int, tier t: Int, count n: Int, branchBase: UInt64) {
        guard n > 0 else { return }
        let k = b * tiers + t
        let spec = plan.bt[k]
        let first = nextLocal[b]
        nextLocal[b] = first + n
        batchKeys.reserveCapacity(n)
        batchBalances.reserveCapacity(n)
        let keys = batchKeys.base, balances = batchBalances.base
        var d = 0
        // The default log-uniform law, eight customers at a time where the processor can
        // (the same keys and balances, bit for bit); the rest below.
        var start = 0
        let lo = plan.tierLow[t] / spec.coefficient, hi = plan.tierHigh[t] / spec.coefficient
        if spec.aum == nil && Self.isLogUniform(low: lo, high: hi) {
            start = bs_log_uniform_balances(branchBase, UInt64(first), n, logBound[2 * k], logBound[2 * k + 1] - logBound[2 * k],
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
        if staticSet[k] || !batchStarts {
            // Customers of a small static set may be aggregated, not materialised.
            for i in 0..<n { addCustomer(branch: b, tier: t, isNew: false, key: keys[i], balance: balances[i]) }
            return
        }
        var sum = startAum
        for i in 0..<n { sum += balances[i] }
        startAum = sum
        let c0 = growCustomers(by: n)
        fillStartingCustomers(c0, count: n, branch: b, tier: t)
    }

    /// `fillCustomer` for customers `c0..<c0 + n` (grown by `growCustomers`), starting in tier
    /// `t` of branch `b`, with keys and balances in `batchKeys` and `batchBalances`: the same
    /// draws, columns, set and list orders and sums, bit for bit, but a column at a time. First
    /// what each customer has on its own (holdings, draws, points); then, in creation order,
    /// its set (and, if its points say so, the move to another tier, exactly as `reevaluate`
    /// makes it), its band lists and its ready lists.
    private mutating func fillStartingCustomers(_ c0: Int, count n: Int, branch b: Int, tier t: Int) {
        let k = b * tiers + t
        let spec = plan.bt[k]
        let keys = batchKeys.base, xs = batchBalances.base
        let P = products
        // What each customer has on its own.
        (key.base + c0).update(from: keys, count: n)
        (branch.base + c0).update(repeating: Int32(b), count: n)
        (alive.base + c0).update(repeating: true, count: n)
        (total.base + c0).update(from: xs, count: n)
        (startTotal.base + c0).update(from: xs, count: n)
        (policyHead.base + c0).update(repeating: 0, count: n)
        (tier.base + c0).update(repeating: Int32(t), count: n)
        do {
            let off = offbank.base + c0, f = spec.offbank
            for i in 0..<n { off[i] = f * xs[i] }
        }
        let bal = balance.base + c0 * P
        for j in spec.moneyStart..<spec.moneyEnd {
            let prod = plan.holdMoneyProduct[j], share = plan.holdMoneyShare[j]
            for i in 0..<n { bal[i * P + prod] += xs[i] * share }
        }
        var d = 0
        let flats = flatHeld.base + c0
        flats.update(repeating: 0, count: n)
        for j in spec.flatStart..<spec.flatEnd {
            let prod = plan.holdFlatProduct[j], prob = plan.holdFlatProbability[j]
            let tag = Purpose.holdFlat &+ plan.productKey[prod], bit: UInt64 = 1 << UInt64(prod)
            for i in 0..<n where Self.drawUnit(RandomKey.mix(keys[i], tag)) < prob { flats[i] |= bit }
            d &+= n
        }
        do {
            let reach = reachable.base + c0, p = spec.reachable
            let done = bs_keyed_below(keys, n, Purpose.reachable, p, UnsafeMutableRawPointer(reach).assumingMemoryBound(to: UInt8.self))
            for i in done..<n { reach[i] = Self.drawUnit(RandomKey.mix(keys[i], Purpose.reachable)) < p }
            d &+= n
        }
        let seg = segments.base + c0
        seg.update(repeating: 0, count: n)
        for j in 0..<plan.segmentKey.count {
            let p = plan.segmentShare[j * tiers + t]
            guard p > 0 else { continue }
            let sk = plan.segmentKey[j], bit: UInt64 = 1 << UInt64(j)
            for i in 0..<n where Self.drawUnit(RandomKey.mix(RandomKey.mix(keys[i], Purpose.segment), sk)) < p { seg[i] |= bit }
            d &+= n
        }
        for slot in 0..<termCount {
            let prod = plan.termProducts[slot]
            let term = Double(plan.termTicks[prod]), pk = plan.productKey[prod]
            for i in 0..<n {
                // Existing holdings are part-way through their term: the remaining time is uniform on (0, term].
                let u = 1 - Self.drawUnit(RandomKey.mix(RandomKey.mix(keys[i], Purpose.maturity), pk))
                setMaturity(c0 + i, slot: slot, to: now + max(1, Int((u * term).rounded(.up))))
            }
            d &+= n
        }
        draws &+= d
        // Points as `reevaluate` sums them: products in order, then flat points by bit. A
        // product the holdings mix leaves at 0 adds +0, which changes no sum that starts at +0
        // and adds products of non-negative numbers: only the mix's products are added, a
        // product at a time for all the customers (independent sums, not one long chain).
        let pts = points.base + c0
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
            appendToSet(k, first: c0, count: n, balances: xs)
        } else {
            for i in 0..<n {
                let c = c0 + i
                pos[c] = Int32(truncatingIfNeeded: sets.base[k].count)
                sets.base[k].append(Int32(truncatingIfNeeded: c))
                setAum[k] += xs[i]
                let nt = tierOf(points: pts[i])
                if nt != t { moveTier(c, branch: b, from: t, to: nt) }
            }
        }
        if bandCount > 0 {
            if moved {
                for i in 0..<n { updateBands(c0 + i) }
            } else {
                appendToBands(set: k, first: c0, count: n, balances: xs)
            }
        }
        // Ready lists, a campaign at a time: each list gets its customers in creation order,
        // as one customer at a time would give them.
        for slot in 0..<readyCount {
            if !moved {
                guard readyInPool[slot * setCount + k] else { continue }
                appendToReady(slot: slot, set: k, first: c0, count: n, balances: xs, segments: seg)
                continue
            }
            for i in 0..<n {
                let c = c0 + i
                let want = readyList(slot: slot, set: b * tiers + Int(tier[c]), balance: xs[i], segments: seg[i])
                if want >= 0 { insertReady(c, slot: slot, set: want) }
            }
        }
        (startTier.base + c0).update(from: tier.base + c0, count: n)
        if lazyGrowth { for i in 0..<n { scheduleGrowthCheck(c0 + i) } }
    }

    /// Appends customers `first..<first + n` to set `k` (whose tier their points give), with
    /// their positions, and adds their balances to its sum in order.
    private mutating func appendToSet(_ k: Int, first c0: Int, count n: Int, balances xs: UnsafePointer<Double>) {
        let at = sets.base[k].count
        sets.base[k].reserveCapacity(at + n)
        let ids = sets.base[k].base + at, position = pos.base + c0
        for i in 0..<n {
            ids[i] = Int32(truncatingIfNeeded: c0 + i)
            position[i] = Int32(truncatingIfNeeded: at + i)
        }
        sets.base[k].setCount(at + n)
        var sum = setAum[k]
        for i in 0..<n { sum += xs[i] }
        setAum[k] = sum
    }

    /// `updateBands` for each of customers `first..<first + n`, just added to set `k` (alive,
    /// in no band list yet): a band at a time, each band's list gets those whose balance lies
    /// in it, in creation order, with their positions, as one customer at a time would give.
    private mutating func appendToBands(set k: Int, first c0: Int, count n: Int, balances xs: UnsafePointer<Double>) {
        let bc = bandCount, sets = candSet.base, positions = candPos.base
        for bi in 0..<bc {
            let low = plan.bands[bi].low, high = plan.bands[bi].high
            let list = bi &* setCount &+ k
            let at = candidates.base[list].count
            candidates.base[list].reserveCapacity(at + n)
            let ids = candidates.base[list].base + at
            var m = 0
            for i in 0..<n where xs[i] >= low && xs[i] < high {
                let j = (c0 &+ i) &* bc &+ bi
                ids[m] = Int32(truncatingIfNeeded: c0 &+ i)
                positions[j] = Int32(truncatingIfNeeded: at &+ m)
                sets[j] = Int32(truncatingIfNeeded: k)
                m &+= 1
            }
            candidates.base[list].setCount(at + m)
        }
    }

    /// `insertReady` for each of customers `first..<first + n` of set `k` (live, cooling down
    /// for nothing, in no list of `slot`) that `slot`'s filter lets in, in order.
    private mutating func appendToReady(slot: Int, set k: Int, first c0: Int, count n: Int,
                                        balances xs: UnsafePointer<Double>, segments seg: UnsafePointer<UInt64>) {
        let list = slot * setCount + k
        let at = readyIds.base[list].count
        readyIds.base[list].reserveCapacity(at + n)
        readyKeys.base[list].reserveCapacity(at + n)
        let ids = readyIds.base[list].base + at, keys = readyKeys.base[list].base + at
        let entries = ready.base, rc = readyCount, customerKeys = key.base
        var m = 0
        for i in 0..<n {
            guard readyList(slot: slot, set: k, balance: xs[i], segments: seg[i]) >= 0 else { continue }
            let c = c0 + i
            entries[c * rc + slot] = ReadyEntry(list: Int32(k), pos: Int32(truncatingIfNeeded: at + m))
            ids[m] = Int32(truncatingIfNeeded: c)
            keys[m] = customerKeys[c]
            m += 1
        }
        readyIds.base[list].setCount(at + m)
        readyKeys.base[list].setCount(at + m)
    }

    /// Adds `n` customers at the end of every per-customer column and returns the first's
    /// index: the columns of several slots a customer get their default values (one fill for
    /// the batch), the others are left for `fillCustomer` to write, by index (an append per
    /// column and customer costs a load and a store of the column's count).
    private mutating func growCustomers(by n: Int) -> Int {
        let c = key.count
        key.extend(by: n); branch.extend(by: n); alive.extend(by: n); tier.extend(by: n)
        startTier.extend(by: n); reachable.extend(by: n); segments.extend(by: n)
        flatHeld.extend(by: n); total.extend(by: n); startTotal.extend(by: n)
        offbank.extend(by: n); points.extend(by: n); pos.extend(by: n)
        maturity.extend(by: n * termCount); policyHead.extend(by: n)
        balance.append(repeating: 0, count: n * products)
        lastContact.append(repeating: Self.never, count: n * cooldownSlots)
        policyTimes.append(repeating: Self.never, count: n * policyMax)
        candSet.append(repeating: -1, count: n * bandCount)
        candPos.append(repeating: -1, count: n * bandCount)
        ready.append(repeating: ReadyEntry(), count: n * readyCount)
        grownTo.append(repeating: Int32(truncatingIfNeeded: growthPhase), count: n)
        growthCheck.append(repeating: -1, count: n)
        return c
    }

    /// `addCustomer` for a customer whose key is known.
    private mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64) -> Int {
        let (x, dx) = startingBalance(set: b * tiers + t, tier: t, spec: plan.bt[b * tiers + t], key: ck)
        draws &+= dx
        return addCustomer(branch: b, tier: t, isNew: isNew, key: ck, balance: x)
    }

    /// `addCustomer` for a customer whose key and starting balance `x` are known (its balance
    /// draws already counted).
    @discardableResult
    private mutating func addCustomer(branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64, balance x: Double) -> Int {
        if !isNew { startAum += x }
        if !isNew && staticSet[b * tiers + t] && aggregate(branch: b, spec: plan.bt[b * tiers + t], key: ck, balance: x) { return -1 }
        let c = growCustomers(by: 1)
        fillCustomer(c, branch: b, tier: t, isNew: isNew, key: ck, balance: x)
        return c
    }

    /// Writes customer `c` (its columns grown by `growCustomers`): holdings, flat products,
    /// reachability, segments and terms from its own keys, then its set and ready lists.
    @inline(__always)
    private mutating func fillCustomer(_ c: Int, branch b: Int, tier t: Int, isNew: Bool, key ck: UInt64, balance x: Double) {
        let spec = plan.bt[b * tiers + t]
        key[c] = ck
        branch[c] = Int32(b)
        alive[c] = true
        for i in spec.moneyStart..<spec.moneyEnd { balance[c * products + plan.holdMoneyProduct[i]] += x * plan.holdMoneyShare[i] }
        var flats: UInt64 = 0
        for i in spec.flatStart..<spec.flatEnd {
            let p = plan.holdFlatProduct[i]
            if keyedUnit(RandomKey.mix(ck, Purpose.holdFlat &+ plan.productKey[p])) < plan.holdFlatProbability[i] {
                flats |= 1 << UInt64(p)
            }
        }
        flatHeld[c] = flats
        total[c] = x
        startTotal[c] = isNew ? 0 : x
        offbank[c] = spec.offbank * x
        reachable[c] = keyedUnit(RandomKey.mix(ck, Purpose.reachable)) < spec.reachable
        var seg: UInt64 = 0
        for i in 0..<plan.segmentKey.count {
            let p = plan.segmentShare[i * tiers + t]
            if p > 0 && keyedUnit(RandomKey.mix(RandomKey.mix(ck, Purpose.segment), plan.segmentKey[i])) < p {
                seg |= 1 << UInt64(i)
            }
        }
        segments[c] = seg
        for slot in 0..<termCount {
            let p = plan.termProducts[slot]
            let term = plan.termTicks[p]
            // Existing holdings are part-way through their term: the remaining time is uniform on (0, term].
            let u = 1 - keyedUnit(RandomKey.mix(RandomKey.mix(ck, Purpose.maturity), plan.productKey[p]))
            setMaturity(c, slot: slot, to: now + max(1, Int((u * Double(term)).rounded(.up))))
        }
        policyHead[c] = 0
        points[c] = 0
        tier[c] = Int32(t)
        pos[c] = Int32(sets.base[b * tiers + t].count)
        sets.base[b * tiers + t].append(Int32(c))
        setAum[b * tiers + t] += x
        reevaluate(c, fresh: true)
        startTier[c] = tier[c]
    }

    /// A starting customer of a static set: its flat holdings are drawn (they can lift it a
    /// tier) and, when the tier its points give is static too, only counts and sums are kept.
    /// Returns false (nothing recorded, nothing drawn) when the customer must be materialised.
    @inline(__always)
    private mutating func aggregate(branch b: Int, spec: SimulationPlan.BranchTier, key ck: UInt64, balance x: Double) -> Bool {
        // Points exactly as `reevaluate` computes them for a new customer.
        for i in 0..<products { scratchBalance[i] = 0 }
        for i in spec.moneyStart..<spec.moneyEnd { scratchBalance[plan.holdMoneyProduct[i]] += x * plan.holdMoneyShare[i] }
        var p = 0.0
        for i in 0..<products { p += scratchBalance[i] * plan.coefficient[i] }
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
        guard staticSet[k] else { return false }
        draws &+= flatDraws
        staticCount[k] += 1
        setAum[k] += x
        return true
    }

    @inline(__always)
    private func tierOf(points p: Double) -> Int {
        var t = tiers - 1
        while t > 0 && p < plan.tierLow[t] { t -= 1 }
        return t
    }

    /// Recomputes points from balances and flat holdings and moves the customer to the tier
    /// whose range holds them.
    mutating func reevaluate(_ c: Int) { reevaluate(c, fresh: false) }

    /// `reevaluate`; `fresh`: `c` was just added (alive, in no ready list, cooling down for
    /// no campaign), so it is only placed in its lists.
    @inline(__always)
    private mutating func reevaluate(_ c: Int, fresh: Bool) {
        let p = pointsOf(c)
        points[c] = p
        let nt = tierOf(points: p)
        let ot = Int(tier[c])
        if nt != ot && alive[c] { moveTier(c, branch: Int(branch[c]), from: ot, to: nt) }
        if bandCount > 0 { updateBands(c) }
        if readyCount > 0 {
            if fresh { placeReady(c) } else { updateReady(c) }
        }
        if lazyGrowth { scheduleGrowthCheck(c) }
    }

    /// Customer `c`'s points: its balances times their coefficients in product order
    /// (`moneyPoints`), then its flat products' points in bit order, one running sum.
    @inline(__always)
    private func pointsOf(_ c: Int) -> Double {
        var p = moneyPoints(c)
        var f = flatHeld[c]
        while f != 0 {
            p += plan.flatPoints[f.trailingZeroBitCount]
            f &= f &- 1
        }
        return p
    }

    /// The points customer `c`'s balances give: each times its product's coefficient, summed
    /// in product order.
    @inline(__always)
    private func moneyPoints(_ c: Int) -> Double {
        var p = 0.0
        let base = c * products
        for i in 0..<products { p += balance[base + i] * plan.coefficient[i] }
        return p
    }

    // MARK: - Growth, applied lazily

    /// Brings customer `c`'s balances, total and points up to the growth steps applied so
    /// far: for each step it has not had, every balance times its set's factor, then their
    /// sum over products, as `applyGrowth` makes them step by step (so the same bits). Dead
    /// customers do not grow; a set without growth has nothing to apply. Sums by set are
    /// not touched (each step scales them: `growLazily`).
    @inline(__always)
    private mutating func bringCurrent(_ c: Int) {
        let n = growthPhase - Int(grownTo[c])
        guard n > 0 else { return }
        grownTo[c] = Int32(truncatingIfNeeded: growthPhase)
        guard alive[c] else { return }
        let f = growthFactor[Int(branch[c]) * tiers + Int(tier[c])]
        guard f != 1 else { return }
        let b = balance.base + c * products
        var sum = 0.0
        for _ in 0..<n {
            sum = 0.0
            for p in 0..<products {
                b[p] *= f
                sum += b[p]
            }
        }
        total[c] = sum
        points[c] = pointsOf(c)
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
    private mutating func scheduleGrowthCheck(_ c: Int) {
        growthCheck[c] = -1
        guard alive[c] else { return }
        let t = Int(tier[c])
        let f = growthFactor[Int(branch[c]) * tiers + t]
        guard f != 1 else { return }
        let lf = Foundation.log(f)
        let money = moneyPoints(c)
        let flat = points[c] - money
        var steps = Double.infinity
        if money > 0 {
            let bound = f > 1 ? plan.tierHigh[t] : plan.tierLow[t]
            if bound.isFinite && bound > flat { steps = min(steps, Foundation.log((bound - flat) / money) / lf) }
        }
        let x = total[c]
        if x > 0 {
            if f > 1, let b = balanceBounds.first(where: { $0 > x }) {
                steps = min(steps, Foundation.log(b / x) / lf)
            } else if f < 1, let b = balanceBounds.last(where: { $0 <= x }), b > 0 {
                steps = min(steps, Foundation.log(b / x) / lf)
            }
        }
        guard steps.isFinite, steps >= 0 else { return }
        let ahead = max(1, Int(min(steps, Double(plan.steps + 2)).rounded(.down)) - 1)
        let due = growthPhase + ahead
        guard due < growthDue.count else { return }
        growthCheck[c] = Int32(truncatingIfNeeded: due)
        growthDue.base[due].append(Int32(truncatingIfNeeded: c))
    }

    /// One growth step: every set's sum scaled by its factor, and the customers listed for
    /// this step brought current and re-evaluated, in ascending order (the moves and list
    /// changes `applyGrowth` makes, in its order; customers crossing nothing would change
    /// nothing there).
    private mutating func growLazily() {
        growthPhase += 1
        for k in 0..<setCount where growthFactor[k] != 1 { setAum[k] *= growthFactor[k] }
        let phase = growthPhase
        guard phase < growthDue.count else { return }
        dueScratch.removeAll()
        dueScratch.append(contentsOf: growthDue[phase])
        growthDue.base[phase].removeAll()
        for i in 0..<sortDueScratch() {
            let c = Int(dueScratch[i])
            guard growthCheck[c] == Int32(truncatingIfNeeded: phase), alive[c] else { continue }
            bringCurrent(c)
            reevaluate(c)
        }
    }

    /// `updateReady` for a customer just added: in no list yet, cooling down for nothing.
    private mutating func placeReady(_ c: Int) {
        let k = Int(branch[c]) * tiers + Int(tier[c])
        let x = total[c], seg = segments[c]
        for slot in 0..<readyCount {
            let want = readyList(slot: slot, set: k, balance: x, segments: seg)
            if want >= 0 { insertReady(c, slot: slot, set: want) }
        }
    }

    /// Puts customer `c` in the ready lists its set, balance, segments, liveness and cooldowns
    /// call for (O(1) per campaign).
    mutating func updateReady(_ c: Int) {
        // The customer's fields are read once for all the campaigns.
        let live = alive[c]
        let k = Int(branch[c]) * tiers + Int(tier[c])
        let x = total[c], seg = segments[c]
        for slot in 0..<readyCount {
            let j = c * readyCount + slot
            let have = ready[j].list
            // Cooling down: out of the lists until its cooldown ends (`endCooldowns`).
            if have == ReadyEntry.cooling { continue }
            let want = live ? readyList(slot: slot, set: k, balance: x, segments: seg) : -1
            if have == want { continue }
            if have >= 0 { removeFromReady(c, slot: slot, list: slot * setCount + Int(have)) }
            if want >= 0 { insertReady(c, slot: slot, set: want) }
        }
    }

    /// The set whose ready list of `slot` a live customer not cooling down belongs in (set `k`
    /// when the campaign's pools hold it and its filter passes), or -1.
    @inline(__always)
    private func readyList(slot: Int, set k: Int, balance x: Double, segments seg: UInt64) -> Int32 {
        let filter = ReadyFilter(pool: readyInPool.base + slot &* setCount, mask: readySegMask[slot],
                                 low: readyLow[slot], high: readyHigh[slot])
        return filter.admits(set: k, balance: x, segments: seg) ? Int32(k) : -1
    }

    /// A ready slot's test for a live customer not cooling down: its set in the campaign's
    /// pools, its segments and its balance band.
    struct ReadyFilter {
        let pool: UnsafeMutablePointer<Bool>
        let mask: UInt64
        let low: Double
        let high: Double

        @inline(__always)
        func admits(set k: Int, balance x: Double, segments seg: UInt64) -> Bool {
            // Evaluated without short cuts: the branches would be guesses the processor misses.
            (pool[k] ? 1 : 0) & (seg & mask == mask ? 1 : 0) & (x >= low ? 1 : 0) & (x < high ? 1 : 0) != 0
        }
    }

    /// Appends customer `c` (in no list of `slot`) to the ready list of `slot` and `set`.
    @inline(__always)
    private mutating func insertReady(_ c: Int, slot: Int, set: Int32) {
        // Through `base`: the lists change in place, not copied out and back.
        let list = slot &* setCount &+ Int(set)
        let j = c &* readyCount &+ slot
        ready[j] = ReadyEntry(list: set, pos: Int32(truncatingIfNeeded: readyIds.base[list].count))
        readyIds.base[list].append(Int32(truncatingIfNeeded: c))
        readyKeys.base[list].append(key[c])
    }

    /// Takes customer `c` out of ready list `list` of `slot` (swap with the last; O(1)).
    @inline(__always)
    private mutating func removeFromReady(_ c: Int, slot: Int, list: Int) {
        var count = readyIds.base[list].count
        Self.swapOut(c, slot: slot, ids: readyIds.base[list].base, keys: readyKeys.base[list].base,
                     count: &count, entries: ready.base, readyCount: readyCount)
        readyIds.base[list].setCount(count)
        readyKeys.base[list].setCount(count)
        ready[c * readyCount + slot].list = -1
    }

    /// Removes customer `c` from the ready list of `slot` held in `ids`/`keys` (`count` long):
    /// the list's last customer takes its place, and `count` shrinks by one.
    @inline(__always)
    private static func swapOut(_ c: Int, slot: Int, ids: UnsafeMutablePointer<Int32>, keys: UnsafeMutablePointer<UInt64>,
                                count: inout Int, entries: UnsafeMutablePointer<ReadyEntry>, readyCount rc: Int) {
        // Wrapping index arithmetic: indices of existing customers cannot overflow, and the
        // checks would cost registers in the loops this is inlined into.
        let at = Int(entries[c &* rc &+ slot].pos)
        count &-= 1
        let last = ids[count]
        if Int(last) != c {
            ids[at] = last
            keys[at] = keys[count]
            entries[Int(last) &* rc &+ slot].pos = Int32(truncatingIfNeeded: at)
        }
    }

    /// Brings back to their lists the customers whose cooldown for ready slot `slot` has ended.
    private mutating func endCooldowns(slot: Int) {
        let cooldown = readyCooldown[slot]
        var head = coolHead[slot]
        let n = coolIds[slot].count
        // Columns and the slot's filter read into locals once: `insertReady` stores through
        // `self`, which would otherwise make the compiler load each of them again every time.
        let ids = coolIds.base[slot].base, ticks = coolTicks.base[slot].base
        let entries = ready.base, rc = readyCount, now = self.now
        let live = alive.base, branches = branch.base, tierOf = tier.base, totals = total.base, segs = segments.base
        let perBranch = tiers
        let filter = ReadyFilter(pool: readyInPool.base + slot &* setCount, mask: readySegMask[slot],
                                 low: readyLow[slot], high: readyHigh[slot])
        while head < n && ticks[head] &+ cooldown <= now {
            let c = Int(ids[head])
            head &+= 1
            entries[c &* rc &+ slot].list = -1
            // In no list of this slot while it cooled down (`updateReady` keeps it out).
            guard live[c] else { continue }
            let k = Int(branches[c]) &* perBranch &+ Int(tierOf[c])
            if filter.admits(set: k, balance: totals[c], segments: segs[c]) { insertReady(c, slot: slot, set: Int32(truncatingIfNeeded: k)) }
        }
        if head == n {
            coolIds.base[slot].removeAll()
            coolTicks.base[slot].removeAll()
            head = 0
        }
        coolHead[slot] = head
    }

    /// Puts customer `c` in the band lists its balance, tier and liveness call for (O(1) per band).
    mutating func updateBands(_ c: Int) {
        let x = total[c]
        let set: Int32 = alive[c] ? Int32(Int(branch[c]) * tiers + Int(tier[c])) : -1
        for bi in 0..<bandCount {
            let j = c * bandCount + bi
            let band = plan.bands[bi]
            let want: Int32 = set >= 0 && x >= band.low && x < band.high ? set : -1
            let have = candSet[j]
            if have == want { continue }
            if have >= 0 {
                let list = bi * setCount + Int(have)
                let i = Int(candPos[j])
                let last = candidates.base[list].removeLast()
                if Int(last) != c {
                    candidates.base[list][i] = last
                    candPos[Int(last) * bandCount + bi] = Int32(i)
                }
            }
            if want >= 0 {
                let list = bi * setCount + Int(want)
                candPos[j] = Int32(candidates.base[list].count)
                candidates.base[list].append(Int32(c))
            }
            candSet[j] = want
        }
    }

    /// Moves live customer `c` of branch `b` from tier `ot`'s set to tier `nt`'s, with its
    /// balance.
    @inline(__always)
    private mutating func moveTier(_ c: Int, branch b: Int, from ot: Int, to nt: Int) {
        removeFromSet(c, set: b * tiers + ot)
        pos[c] = Int32(sets.base[b * tiers + nt].count)
        sets.base[b * tiers + nt].append(Int32(c))
        setAum[b * tiers + ot] -= total[c]
        setAum[b * tiers + nt] += total[c]
        tier[c] = Int32(nt)
    }

    @inline(__always)
    private mutating func removeFromSet(_ c: Int, set k: Int) {
        let i = Int(pos[c])
        let last = sets.base[k].removeLast()
        if Int(last) != c {
            sets.base[k][i] = last
            pos[Int(last)] = Int32(i)
        }
    }

    // MARK: - Campaign occurrences

    @inline(__always)
    private func eligible(_ c: Int, _ cp: CampaignRef) -> Bool {
        if cp.plan.cooldownSlot >= 0 && now - lastContact[c * cooldownSlots + cp.plan.cooldownSlot] < cp.plan.cooldownTicks {
            return false
        }
        guard let f = cp.plan.filter else { return true }
        switch f {
        case .segment(let s):
            return segments[c] & (1 << UInt64(s)) != 0
        case .balance(let lo, let hi):
            return total[c] >= lo && total[c] < hi
        case .maturing(let p, let within):
            let slot = plan.termSlot[p]
            guard slot >= 0, balance[c * products + p] > 0 else { return false }
            let m = maturity[c * termCount + slot]
            return m >= now && m < now + within.ticks
        }
    }

    /// Calls `body` with each eligible member of (branch, tier) set `k`: the pool scan, the
    /// hottest loop of a replication, kept free of ARC and enum switches per customer.
    @inline(__always)
    private func forEachEligible(set k: Int, _ cp: CampaignRef, _ body: (Int32) -> Void) {
        let members = cp.plan.bandSlot >= 0 ? candidates[cp.plan.bandSlot * setCount + k] : sets[k]
        var segMask: UInt64 = 0, lo = -Double.infinity, hi = Double.infinity
        switch cp.plan.filter {
        case .none: break
        case .segment(let sg): segMask = 1 << UInt64(sg)
        case .balance(let a, let b): lo = a; hi = b
        case .maturing:
            // Pools of `where maturing` come from `gatherMaturing`; a scan still gives the same.
            for c in members where eligible(Int(c), cp) { body(c) }
            return
        }
        let slot = cp.plan.cooldownSlot, cooldown = cp.plan.cooldownTicks, stride = cooldownSlots, now = self.now
        members.withUnsafeBufferPointer { m in
            lastContact.withUnsafeBufferPointer { lc in
                segments.withUnsafeBufferPointer { sg in
                    total.withUnsafeBufferPointer { tot in
                        for c32 in m {
                            let c = Int(c32)
                            if slot >= 0 && now &- lc[c &* stride &+ slot] < cooldown { continue }
                            if segMask != 0 && sg[c] & segMask == 0 { continue }
                            let x = tot[c]
                            if x < lo || x >= hi { continue }
                            body(c32)
                        }
                    }
                }
            }
        }
    }

    /// The eligible customers of a `where maturing P within W` campaign in the sets of `list`,
    /// into `maturingIds`, in the order `forEachEligible` over those sets gives them (set by
    /// set, each in its own order), without a pass over the sets: only customers listed under
    /// the steps that [now, now + W) spans (`dueIds`) can qualify, and each is checked as the
    /// scan checks it (`eligible`) and put in place by its set's rank and its position.
    private mutating func gatherMaturing(sets list: [Int], _ cp: CampaignRef) {
        maturingIds.removeAll()
        guard case .maturing(let p, let within) = cp.plan.filter, plan.termSlot[p] >= 0, within.ticks > 0 else { return }
        let slot = plan.termSlot[p]
        for (r, k) in list.enumerated() { setRank[k] = Int32(truncatingIfNeeded: r) }
        maturingKeys.removeAll()
        let first = now / plan.stepTicks
        let last = min(dueSteps - 1, (now + within.ticks - 1) / plan.stepTicks)
        if first <= last {
            for b in first...last {
                let due = dueIds[slot * dueSteps + b]
                for c32 in due {
                    let c = Int(c32)
                    guard alive[c] else { continue }
                    let rank = setRank[Int(branch[c]) * tiers + Int(tier[c])]
                    guard rank >= 0, eligible(c, cp) else { continue }
                    maturingKeys.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: pos[c])))
                }
            }
        }
        var order = UnsafeMutableBufferPointer(start: maturingKeys.base, count: maturingKeys.count)
        order.sort()
        var previous = UInt64.max
        for v in maturingKeys where v != previous {
            previous = v
            let set = list[Int(v >> 32)]
            maturingIds.append(sets[set][Int(UInt32(truncatingIfNeeded: v))])
        }
        for k in list { setRank[k] = -1 }
    }

    /// Contacts the `k` eligible customers of the given sets with the smallest keyed priorities
    /// `mix(customerKey, occurrenceTag + 20)`, in priority order (all of them, in that order,
    /// when fewer are eligible): a uniform sample without replacement that depends only on who
    /// is eligible, not on the order of the sets, so variants whose populations differ
    /// elsewhere still pick the same customers where they can (common random numbers).
    ///
    /// Campaigns with ready lists take `selectFromReady`. The others (`where maturing`, whose
    /// eligibility moves with the clock) scan their sets, checking each member.
    /// - Complexity: O(n + k log k) expected, n the pool's members.
    private mutating func selectByPriority(k: Int, sets list: [Int], _ cp: CampaignRef, campaign: Int, occTag: UInt64) {
        guard k > 0 else { return }
        if readySlot[campaign] >= 0 {
            selectFromReady(k: k, sets: list, slot: readySlot[campaign], occTag: occTag)
            return
        }
        let add = (occTag &+ Purpose.select &+ 1) &* RandomKey.golden
        // Collected into a local (swapped with the kept buffer): the scan reads `self`.
        var found = Column<UInt64>()
        swap(&found, &priorities)
        found.removeAll()
        @inline(__always) func priority(_ c32: Int32) -> UInt64 {
            (RandomKey.finalize(key[Int(c32)] &+ add) & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: c32))
        }
        if case .maturing = cp.plan.filter, indexMaturities {
            gatherMaturing(sets: list, cp)
            for c32 in maturingIds { found.append(priority(c32)) }
        } else {
            for set in list { forEachEligible(set: set, cp) { found.append(priority($0)) } }
        }
        draws &+= found.count
        let taken = min(k, found.count)
        PartialSort.smallestFirst(found.base, count: found.count, k: taken)
        for i in 0..<taken { contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: found[i]))) }
        swap(&found, &priorities)
    }

    /// `selectByPriority` from ready lists: every listed customer is eligible, so the
    /// threshold is sized for the exact count and the scan only hashes keys.
    private mutating func selectFromReady(k: Int, sets list: [Int], slot: Int, occTag: UInt64) {
        var eligibleCount = 0
        for set in list { eligibleCount += readyIds[slot * setCount + set].count }
        guard eligibleCount > 0 else { return }
        let add = (occTag &+ Purpose.select &+ 1) &* RandomKey.golden
        // The count is exact here, so the slack can be small: about k + 3 sqrt(k) + 12 values
        // fall below the threshold, fewer than k with a probability near 1e-4 (then one more
        // pass keeps everything).
        let f = (Double(k) + 3 * Double(k).squareRoot() + 12) / Double(eligibleCount)
        var threshold: UInt64 = f >= 0.5 ? .max : UInt64(f * 0x1p64)
        priorities.reserveCapacity(eligibleCount)
        while true {
            let out = priorities.base
            var n = 0
            for set in list {
                let ids = readyIds[slot * setCount + set], keys = readyKeys[slot * setCount + set]
                // (finalize(key + add) high 32 bits | id) below the threshold, 8 keys at a time
                // where the processor has AVX-512 (CBranchSimKernels; same values either way).
                n += bs_collect_priorities(keys.base, ids.base, ids.count, add, threshold, out + n)
            }
            priorities.setCount(n)
            if n >= k || threshold == .max { break }
            threshold = .max
        }
        draws &+= eligibleCount
        let n = priorities.count, taken = min(k, n)
        sortScratch.reserveCapacity(2 * n + 1)
        PartialSort.sortSmallest(priorities.base, count: n, k: taken, bound: threshold, scratch: sortScratch.base)
        for i in 0..<taken { contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: priorities[i]))) }
    }

    /// A funnel stage whose probability is 0 or 1 (`passes`), over the `n` customers in
    /// `ids`/`bases`: keeps, in order and in place, those who pass (for a `reach` stage, only
    /// the reachable ones) and returns how many. Without branches on the customers (whether
    /// a contact is reachable is a coin flip to the processor), and on its own so the count
    /// stays in a register.
    @inline(never)
    private static func certainStage(_ ids: UnsafeMutablePointer<Int32>, _ bases: UnsafeMutablePointer<UInt64>, count n: Int,
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
    private static func drawStage(_ ids: UnsafeMutablePointer<Int32>, _ bases: UnsafeMutablePointer<UInt64>, from i0: Int,
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

    /// Takes this occurrence's contacts (`contacts`) out of ready slot `rs`'s lists and puts
    /// them in its cooldown queue. A function of its own (not inlined into `runOccurrence`),
    /// so that its pointers and counts stay in registers.
    @inline(never)
    private mutating func startCooldowns(slot rs: Int) {
        let contactCount = contacts.count
        // Contacted customers leave the ready list until their cooldown ends, and join the
        // cooldown queue. The queue and the list they leave (most leave the same one) are
        // written through local pointers and their counts stored once: the same swaps,
        // positions and order as one `removeFromReady` and two appends at a time.
        let q = coolIds.base[rs].count
        coolIds.base[rs].reserveCapacity(q + contactCount)
        coolTicks.base[rs].reserveCapacity(q + contactCount)
        let queue = coolIds.base[rs].base + q, ticks = coolTicks.base[rs].base + q
        let entries = ready.base, rc = readyCount, ids = contacts.base, now = self.now, listBase = rs * setCount
        var list = -1, count = 0
        var listIds = UnsafeMutablePointer<Int32>(bitPattern: 0), listKeys = UnsafeMutablePointer<UInt64>(bitPattern: 0)
        for i in 0..<contactCount {
            let c32 = ids[i], c = Int(c32)
            let j = c &* rc &+ rs
            let w = entries[j].list
            if w >= 0 {
                let l = listBase &+ Int(w)
                if l != list {
                    if list >= 0 {
                        readyIds.base[list].setCount(count)
                        readyKeys.base[list].setCount(count)
                    }
                    list = l
                    count = readyIds.base[l].count
                    listIds = readyIds.base[l].base
                    listKeys = readyKeys.base[l].base
                }
                Self.swapOut(c, slot: rs, ids: listIds!, keys: listKeys!, count: &count, entries: entries, readyCount: rc)
            }
            entries[j].list = ReadyEntry.cooling
            queue[i] = c32
            ticks[i] = now
        }
        if list >= 0 {
            readyIds.base[list].setCount(count)
            readyKeys.base[list].setCount(count)
        }
        coolIds.base[rs].setCount(q + contactCount)
        coolTicks.base[rs].setCount(q + contactCount)
    }

    /// Runs occurrence number `occCounter[occBase[ci] + h]` of campaign `ci` at its host `h`.
    mutating func runOccurrence(_ ci: Int, host h: Int) {
        // Fields are read through the reference (`ref.plan.x`): binding the plan to a local
        // would copy it, a retain for each of its arrays, on every occurrence.
        let ref = campaigns[ci]
        let M = slots[ci]
        let hostBranch = ref.plan.hosts[h]
        let occ = occCounter[occBase[ci] + h]
        occCounter[occBase[ci] + h] = occ + 1
        let occTag = RandomKey.mix(RandomKey.mix(ref.plan.key, ref.plan.hostKeys[h]), UInt64(occ))

        // 1. Contacts: per target tier (or from the union of equally weighted tiers), a uniform
        // sample without replacement of the eligible pool, by keyed priorities.
        let rs = readySlot[ci]
        let cools = rs >= 0 && readyCooldown[rs] > 0
        if cools { endCooldowns(slot: rs) }
        contacts.removeAll()
        if ref.plan.contactsAll || ref.plan.unionPool {
            let list = ref.plan.unionSets[h]
            if ref.plan.contactsAll && ref.plan.capacityStage < 0 {
                // The contacts are gathered in a local (the scan reads `self`): swapped with a
                // kept spare column, not allocated per occurrence.
                if case .maturing = ref.plan.filter, indexMaturities {
                    gatherMaturing(sets: list, ref)
                    contacts.append(contentsOf: maturingIds)
                } else {
                    var out = spareContacts
                    swap(&out, &contacts)
                    for set in list { forEachEligible(set: set, ref) { out.append($0) } }
                    swap(&out, &contacts)
                }
            } else {
                // `contacts all` with a capacity: seats go to a random order of the whole list.
                selectByPriority(k: ref.plan.contactsAll ? Int.max : ref.plan.contactCount, sets: list, ref, campaign: ci, occTag: occTag)
            }
        } else {
            for j in 0..<ref.plan.targetTiers.count where ref.plan.perTierContacts[j] > 0 {
                selectByPriority(k: ref.plan.perTierContacts[j], sets: ref.plan.tierSets[h][j], ref, campaign: ci, occTag: occTag)
            }
        }
        // The contact policy: a contact that would break the rolling-window cap is skipped.
        var skipped = 0
        if policyMax > 0 {
            var kept = 0
            for i in 0..<contacts.count {
                let c = Int(contacts[i])
                let oldest = policyTimes[c * policyMax + Int(policyHead[c])]
                if now - oldest < plan.policyTicks {
                    skipped += 1
                } else {
                    contacts[kept] = contacts[i]
                    kept += 1
                }
            }
            contacts.setCount(kept)
        }
        let contactCount = contacts.count

        // 2-3. The funnel, with seats at the capacity stage.
        passing.removeAll()
        passing.append(contentsOf: contacts)
        passingBase.removeAll()
        passingBase.reserveCapacity(contactCount)
        do {
            let keys = key.base, ids = contacts.base, out = passingBase.base
            for i in 0..<contactCount { out[i] = RandomKey.mix(keys[Int(ids[i])], occTag) }
            passingBase.setCount(contactCount)
        }
        stagePassed.removeAll()
        var turnedAway = 0
        let stageCount = ref.plan.stageProbability.count
        let canReach = reachable.base
        for s in 0..<stageCount {
            let p = ref.plan.stageProbability[s]
            let reach = ref.plan.stageIsReach[s]
            let sk = ref.plan.stageKey[s]
            // Without branches on the outcome (a stage passes 30-70%, a coin flip to the
            // processor): every customer is written back and the end advances by 0 or 1. Only
            // those who could take the stage (reachable, for `reach`) draw.
            var kept = 0, d = 0
            let pb = passing.base, bb = passingBase.base, n = passing.count
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
            passing.setCount(kept)
            passingBase.setCount(kept)
            stagePassed.append(kept)
        }
        let passed = passing.count

        // Effort of this occurrence, and the staff check.
        if ref.plan.hasEffort {
            for r in 0..<roles {
                var hrs = ref.plan.occurrenceHours[r] + Double(contactCount) * ref.plan.contactHours[r]
                    + Double(passed) * ref.plan.conversionHours[r]
                for s in 0..<stageCount { hrs += Double(stagePassed[s]) * ref.plan.stageHours[s * roles + r] }
                occHours[r] = hrs
            }
            if plan.scenario.enforceStaff {
                for r in 0..<roles where occHours[r] > 0 {
                    let i = hostBranch * roles + r
                    if usedHours[i] + occHours[r] > plan.availableHours[i] + 1e-9 {
                        values[M.unserved] += 1
                        return
                    }
                }
            }
            for r in 0..<roles {
                usedHours[hostBranch * roles + r] += occHours[r]
                stepHours[r] += occHours[r]
            }
        }

        // Commit: counts, cooldown and policy marks, cost, conversions, referrals.
        values[M.occurrences] += 1
        values[M.contacts] += Double(contactCount)
        for s in 0..<stageCount { values[M.firstStage + s] += Double(stagePassed[s]) }
        values[M.turnedAway] += Double(turnedAway)
        values[M.conversions] += Double(passed)
        values[plan.layout.policySkipped] += Double(skipped)
        let cost = ref.plan.costPerOccurrence + Double(contactCount) * ref.plan.costPerContact
            + Double(passed) * ref.plan.costPerConversion
        values[M.cost] += cost
        stepCost += cost
        let cdSlot = ref.plan.cooldownSlot
        if cdSlot >= 0 && scansCooldown[ci] {
            for i in 0..<contactCount { lastContact[Int(contacts[i]) * cooldownSlots + cdSlot] = now }
        }
        if cools { startCooldowns(slot: rs) }
        if policyMax > 0 {
            for i in 0..<contactCount {
                let c = Int(contacts[i])
                let head = Int(policyHead[c])
                policyTimes[c * policyMax + head] = now
                policyHead[c] = Int32((head + 1) % policyMax)
            }
        }
        let referral = ref.plan.referralProbability
        for i in 0..<passed {
            let c = Int(passing[i])
            let base = passingBase[i]
            convert(c, base: base, ref)
            if referral > 0 && keyedUnit(RandomKey.mix(base, Purpose.referral)) < referral {
                guard referralRoom > 0 else { referralCapReached = true; continue }
                referralRoom -= 1
                addCustomer(branch: hostBranch, tier: ref.plan.referralTier, isNew: true)
                values[plan.layout.newCustomers] += 1
            }
        }
    }

    /// A conversion: an amount moves from off-bank to in-bank, split over the non-flat
    /// products bought; each flat product is taken with its probability.
    private mutating func convert(_ c: Int, base: UInt64, _ cp: CampaignRef) {
        if lazyGrowth { bringCurrent(c) }
        var amount = 0.0
        if let d = cp.plan.amount, !cp.plan.buyMoney.isEmpty {
            var g = SplitMix64(key: RandomKey.mix(base, Purpose.amount))
            if case .lognormal(let median, _) = d {
                amount = Sampler.lognormal(median: median, sigma: cp.plan.amountSigma, using: &g)
            } else {
                amount = Sampler.amount(d, offbank: offbank[c], using: &g)
            }
            draws &+= g.draws
            if cp.plan.capByOffbank { amount = min(amount, max(0, offbank[c])) }
            amount = max(0, amount)
        }
        for f in cp.plan.buyFlat where keyedUnit(RandomKey.mix(RandomKey.mix(base, Purpose.buyFlat), plan.productKey[f.product])) < f.probability {
            flatHeld[c] |= 1 << UInt64(f.product)
        }
        if amount > 0 {
            for m in cp.plan.buyMoney {
                balance[c * products + m.product] += amount * m.share
                let slot = plan.termSlot[m.product]
                if slot >= 0 { setMaturity(c, slot: slot, to: now + plan.termTicks[m.product]) }
            }
            total[c] += amount
            setAum[Int(branch[c]) * tiers + Int(tier[c])] += amount
            offbank[c] = max(0, offbank[c] - amount)
        }
        reevaluate(c)
    }

    // MARK: - Natural dynamics

    /// Sets customer `c`'s maturity of term slot `slot` to tick `m`, listed by step.
    @inline(__always)
    private mutating func setMaturity(_ c: Int, slot: Int, to m: Int) {
        maturity[c * termCount + slot] = m
        noteMaturity(c, slot: slot, at: m)
    }

    /// Lists customer `c` under the step in which its maturity `m` of term slot `slot` falls
    /// (the current step if `m` has passed; nothing past the last step any reader looks at).
    @inline(__always)
    private mutating func noteMaturity(_ c: Int, slot: Int, at m: Int) {
        let b = max(m, now) / plan.stepTicks
        guard b < dueSteps else { return }
        dueIds.base[slot * dueSteps + b].append(Int32(truncatingIfNeeded: c))
    }

    /// Term products whose term ends in this step: retained (a new term) with the product's
    /// `retain` probability, else the balance goes back off-bank.
    ///
    /// Only the customers listed under this step (`dueIds`) can have a maturity in it; they
    /// are taken in ascending order, once each, so the draws, moves and sums are those of a
    /// pass over every customer.
    private mutating func matureTerms() {
        let end = now + plan.stepTicks
        guard indexMaturities else {
            for c in 0..<total.count where alive[c] { matureCustomer(c, end: end) }
            return
        }
        let b = now / plan.stepTicks
        dueScratch.removeAll()
        for slot in 0..<termCount {
            dueScratch.append(contentsOf: dueIds[slot * dueSteps + b])
            dueIds.base[slot * dueSteps + b].removeAll()
        }
        for i in 0..<sortDueScratch() where alive[Int(dueScratch[i])] { matureCustomer(Int(dueScratch[i]), end: end) }
    }

    /// Sorts the customer numbers in `dueScratch` and drops repeats, in place; returns how
    /// many remain. Lists by step take entries more than once; their readers visit each
    /// customer once, in ascending order, as a pass over every customer would.
    private mutating func sortDueScratch() -> Int {
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
    private mutating func matureCustomer(_ c: Int, end: Int) {
        if lazyGrowth { bringCurrent(c) }
        var changed = false
        for slot in 0..<termCount {
            let p = plan.termProducts[slot]
            let i = c * products + p
            let mi = c * termCount + slot
            while balance[i] > 0 && maturity[mi] < end {
                let k = RandomKey.mix(RandomKey.mix(RandomKey.mix(key[c], Purpose.mature), plan.productKey[p]), UInt64(bitPattern: Int64(maturity[mi])))
                if keyedUnit(k) < plan.retain[p] {
                    maturity[mi] += plan.termTicks[p]
                    if maturity[mi] >= end { noteMaturity(c, slot: slot, at: maturity[mi]) }
                } else {
                    let x = balance[i]
                    balance[i] = 0
                    let before = total[c]
                    total[c] = max(0, before - x)
                    setAum[Int(branch[c]) * tiers + Int(tier[c])] += total[c] - before
                    offbank[c] += x
                    changed = true
                }
            }
        }
        if changed { reevaluate(c) }
    }

    /// Leavers per (branch, tier): a binomial count with the step's leaving probability
    /// `1 - (1 - p)^(step months)`, chosen uniformly without replacement; they take their balances.
    private mutating func applyAttrition(step: Int) {
        let s = plan.scenario
        for b in 0..<s.branches.count {
            for t in 0..<tiers {
                let k = b * tiers + t
                let p = plan.bt[k].attrition
                guard p > 0, !sets[k].isEmpty else { continue }
                let pStep = 1 - Foundation.pow(1 - min(1, p), plan.stepMonths)
                let sk = RandomKey.mix(RandomKey.mix(RandomKey.mix(RandomKey.mix(repKey, Purpose.attrition), plan.branchKey[b]), UInt64(t)), UInt64(step))
                var g = Xoshiro256PlusPlus(key: sk)
                let n = Sampler.binomial(n: sets[k].count, p: pStep, using: &g)
                guard n > 0 else { draws &+= g.draws; continue }
                // The leavers, as a partial Fisher-Yates over a copy of the set would choose
                // them, without copying the set (O(leavers), not O(members)).
                pool.removeAll(keepingCapacity: true)
                Sampler.sampleWithoutReplacement(from: sets.base[k].base, count: sets[k].count, k: n, into: &pool,
                                                 table: &poolTable, using: &g)
                draws &+= g.draws
                for i in 0..<n {
                    let c = Int(pool[i])
                    if lazyGrowth { bringCurrent(c) }
                    removeFromSet(c, set: k)
                    alive[c] = false
                    setAum[k] -= total[c]
                    if bandCount > 0 { updateBands(c) }
                    if readyCount > 0 { updateReady(c) }
                }
                values[plan.layout.leftCustomers] += Double(n)
            }
        }
    }

    /// Balances drift: every non-flat balance times `(1 + g)^(step months)`, g of the
    /// customer's current tier at its branch.
    private mutating func applyGrowth() {
        let s = plan.scenario
        var factors = Array(repeating: 1.0, count: s.branches.count * tiers)
        for b in 0..<s.branches.count {
            for t in 0..<tiers {
                factors[b * tiers + t] = Foundation.pow(1 + plan.bt[b * tiers + t].growth, plan.stepMonths)
            }
        }
        for c in 0..<total.count where alive[c] {
            let f = factors[Int(branch[c]) * tiers + Int(tier[c])]
            guard f != 1 else { continue }
            var sum = 0.0
            for p in 0..<products {
                balance[c * products + p] *= f
                sum += balance[c * products + p]
            }
            setAum[Int(branch[c]) * tiers + Int(tier[c])] += sum - total[c]
            total[c] = sum
            reevaluate(c)
        }
    }
}
