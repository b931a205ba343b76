import BranchSimModel
import Foundation

/// A worker's campaign plan behind a reference: an occurrence takes one retain of it
/// instead of copying the plan's two dozen arrays (a retain each) into a local.
final class CampaignRef {
    /// Variable only for the uncertain inputs (rates, amounts, referrals, costs), set at the
    /// start of each replication.
    var plan: SimulationPlan.CampaignPlan
    init(_ plan: SimulationPlan.CampaignPlan) { self.plan = plan }
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
    /// A network's split of its picks over the pool's sets, and the order of the picks
    /// (`selectAcrossOutlets`).
    static let split: UInt64 = 21
    static let order: UInt64 = 22
    static let attrition: UInt64 = 30
    static let mature: UInt64 = 31
    static let replication: UInt64 = 40
}

/// The plain reference implementations a replicator can take instead of its fast paths, for
/// tests that compare the two bit for bit. Runs take none.
struct ReferencePaths: OptionSet {
    let rawValue: Int
    /// Starting customers one at a time (`fillCustomer`), not a column at a time.
    static let oneCustomerAtATime = ReferencePaths(rawValue: 1)
    /// Maturities by a pass over every customer, and `where maturing` pools by a scan of their
    /// sets, not from the lists by step.
    static let maturityPasses = ReferencePaths(rawValue: 2)
    /// Growth applied to every customer every step, not lazily.
    static let eagerGrowth = ReferencePaths(rawValue: 4)
    /// A network's selection by the keyed priorities of its whole pool (as before issue 18),
    /// not split over its sets (`selectAcrossOutlets`): the same law, other customers.
    static let wholeNetworkPool = ReferencePaths(rawValue: 8)
    /// A replication step by step over every outlet (every group's customers held at once),
    /// not outlet group by outlet group (`OutletGroups`).
    static let stepMajor = ReferencePaths(rawValue: 16)
}

/// One worker's simulation state, reused from one replication to the next: the population,
/// the indexes derived from it, the scratch of an occurrence and the replication's metrics,
/// each a value type of its own stored inline (columns, no object per customer, nothing
/// retained in the hot loops).
///
/// A replication (`run(replication:)`) runs outlet group by outlet group (`OutletGroups`):
/// it fills the group's starting population, then runs its steps; a step (`runStep`) runs
/// the campaigns' occurrences at the group's hosts, then the maturities, attrition and
/// growth, then records the step's series. The group's sums are then added to the
/// replication's (`ReplicationMetrics`), and the next group starts from an empty population. Every change to a customer goes through
/// `reevaluate`, which brings its tier and every derived index in line (docs/architecture.md).
struct Replicator: ~Copyable {
    let plan: SimulationPlan
    /// This worker's own copy of the campaign plans (`CampaignPlan.unshared`).
    let campaigns: [CampaignRef]
    /// Each campaign's segment and balance filter.
    let eligibility: [Eligibility]
    /// Per campaign, where its counts sit in the metric row.
    let slots: [CampaignSlots]
    let rootKey: UInt64
    /// Mixed into each replication's key for every draw but the uncertain inputs (0: none).
    let noiseSalt: UInt64
    let tiers: Int
    let products: Int
    let roles: Int
    /// (branch, tier) sets: `branch * tiers + tier`.
    let setCount: Int
    let reference: ReferencePaths
    /// The outlets that interact, in groups.
    let groups: OutletGroups

    // The population and the indexes derived from it (`reevaluate` keeps them in line).
    var customers: Population
    var sets: TierSets
    var bands: BandLists
    var ready: ReadyLists
    var cooldowns: Cooldowns
    var policy: ContactPolicy
    var terms: Maturities
    var growth: GrowthSchedule
    var starts: StartingCustomers
    /// The rates uncertain inputs may set outside campaigns, as this replication draws them.
    var drawn: DrawnRates
    /// Events conditions and rankings read (`History`).
    var history: History

    // An occurrence's scratch, and the replication's staffing and metrics.
    var occurrence: OccurrenceScratch
    var staffing: Staffing
    var metrics: ReplicationMetrics
    var money: MoneyAccounts
    /// Customer numbers read from the lists by step (maturities, growth), sorted.
    var dueScratch = Column<Int32>()
    /// A network selection's split of its picks over the pool's sets.
    var split = PoolSplit()
    /// Attrition's sample of leavers and its table.
    var leavers: [Int32] = []
    var leaverTable: [Int64] = []

    var now = 0
    var repKey: UInt64 = 0
    /// Random draws made in the current replication.
    var draws = 0
    /// Entries of the maturity lists by step that `where maturing` pools read in the current
    /// replication (a work count for tests: it grows with the pools, not the outlets).
    var maturingVisits = 0
    /// Entries of the hand-off logs that hand-off selections read in the current replication
    /// (a work count for tests: it grows with the pools' events, not the outlets).
    var handOffVisits = 0
    /// The most customers held at once in the current replication (one outlet group's, with
    /// the new customers it gained; a count for tests).
    var heldPeak = 0
    /// New customers referrals may still add in this replication (`referralCap`).
    var referralRoom = 0
    /// Set when referrals wanted to add more than `referralCap` customers in a replication:
    /// its results are not a run of the scenario (the engine reports an error instead).
    var referralCapReached = false

    /// The most customers referrals may add in one replication: twice the starting
    /// population, at least 10,000. A referral rate that compounds (every new customer
    /// converted again and referring) would otherwise grow without bound, and the run with it.
    static func referralCap(startingCustomers n: Int) -> Int { max(2 * n, 10_000) }

    static let never = Int.min / 4

    /// - Parameters:
    ///   - plan: the compiled scenario; its `staticSets` (companions taken into account)
    ///     decide which tiers are aggregated.
    ///   - reference: the reference paths to take instead of the fast ones (tests only).
    init(plan: SimulationPlan, seed: UInt64, salt: UInt64, noiseSalt: UInt64 = 0, reference: ReferencePaths = []) {
        self.plan = plan
        self.noiseSalt = noiseSalt
        self.reference = reference
        campaigns = plan.campaigns.map { CampaignRef($0.unshared()) }
        eligibility = plan.campaigns.map { Eligibility($0.filter) }
        slots = plan.campaigns.indices.map { CampaignSlots(plan.layout, campaign: $0) }
        rootKey = RandomKey.mix(RandomKey.finalize(seed), salt)
        tiers = plan.tierCount
        products = plan.productCount
        roles = plan.roleCount
        setCount = plan.scenario.branches.count * plan.tierCount
        groups = OutletGroups(plan)
        customers = Population(products: plan.productCount, branches: plan.scenario.branches.count)
        sets = TierSets(count: setCount)
        bands = BandLists(plan)
        let ready = ReadyLists(plan)
        cooldowns = Cooldowns(plan, ready: ready)
        self.ready = ready
        policy = ContactPolicy(plan)
        terms = Maturities(plan)
        growth = GrowthSchedule(plan, eager: reference.contains(.eagerGrowth))
        starts = StartingCustomers(plan)
        drawn = DrawnRates(plan)
        history = History(plan)
        occurrence = OccurrenceScratch(plan)
        let metrics = ReplicationMetrics(plan)
        staffing = Staffing(plan, metrics: metrics)
        money = MoneyAccounts(plan, metrics: metrics)
        self.metrics = metrics
        let stepMajor = reference.contains(.stepMajor) || groups.count == 1
        self.metrics.prepareBlocks(stepMajor ? groups.count : 1)
        if stepMajor {
            reserveCustomers(starts.storedCustomers)
        } else {
            reserveCustomers(groups.branches.map { starts.storedCustomers(of: $0) }.max() ?? 0, sets: false)
        }
    }

    deinit {
        customers.free(); sets.free(); bands.free(); ready.free(); cooldowns.free(); policy.free()
        terms.free(); growth.free(); starts.free(); occurrence.free(); staffing.free(); metrics.free()
        dueScratch.free(); history.free(); split.positions.free(); split.table.free()
    }

    // MARK: - Replication

    /// Runs replication `index` and returns its record; `draws` holds the draws it made.
    mutating func run(replication index: Int) -> ReplicationRecord {
        reset()
        pointAtTotal()
        repKey = RandomKey.mix(rootKey, UInt64(index))
        if !plan.inputs.isEmpty { drawInputs() }
        if noiseSalt != 0 { repKey = RandomKey.mix(repKey, noiseSalt) }
        referralRoom = Self.referralCap(startingCustomers: plan.scenario.totalCustomers)
        referralCapReached = false
        if groups.count == 1 || reference.contains(.stepMajor) { runStepMajor() } else { runByGroup() }
        return finishReplication(index)
    }

    /// Outlet group by outlet group: each group's customers, all its steps, its sums added to
    /// the replication's; then an empty population for the next.
    mutating func runByGroup() {
        for g in 0..<groups.count {
            if g > 0 { resetPopulation() }
            point(at: metrics.block(0))
            let branches = groups.branches[g]
            reserveSets(branches: branches)
            addStartingCustomers(branches: branches)
            for step in 0..<plan.steps { runStep(step, group: g) }
            finishGroup(g)
            metrics.fold(0)
            releaseLists(branches: branches)
        }
    }

    /// One step of group `g`: the campaigns' occurrences at its hosts, then what happens
    /// without them (maturities, leavers, growth), then the step's series.
    mutating func runStep(_ step: Int, group g: Int) {
        let branches = groups.branches[g]
        now = step * plan.stepTicks
        staffing.beginStep(branches: branches)
        metrics.stepCost = 0
        let stepDuration = plan.scenario.settings.step.duration
        let hosts = groups.hosts[g]
        for ci in 0..<campaigns.count {
            // Through the reference: binding the plan would copy it (a retain and a release
            // for each of its arrays, every step).
            let ref = campaigns[ci]
            guard step >= ref.plan.firstStep, now < ref.plan.endTick, groups.touches(campaign: ci, group: g) else { continue }
            fixedCosts(campaign: ci, step: step, group: g)
            let k = ref.plan.frequency.occurrences(inStep: step - ref.plan.firstStep, step: stepDuration)
            guard k > 0 else { continue }
            for h in hosts[ci] {
                for _ in 0..<k { runOccurrence(ci, host: h) }
            }
        }
        if terms.termCount > 0 { matureTerms(branches: branches) }
        if plan.hasAttrition { applyAttrition(step: step, branches: branches) }
        if plan.hasGrowth { applyGrowthStep(branches: branches) }
        recordStep(step, branches: branches)
        if plan.earns { closeMoneyStep(step, branches: branches) }
    }

    /// The reference order (and the order of a scenario whose outlets form one group): step
    /// by step over every outlet, campaign by campaign, host by host, each group's sums in
    /// its own block.
    mutating func runStepMajor() {
        let all = Array(0..<plan.scenario.branches.count)
        let G = groups.count
        point(at: metrics.block(0))
        addStartingCustomers(branches: all)
        let stepDuration = plan.scenario.settings.step.duration
        for step in 0..<plan.steps {
            now = step * plan.stepTicks
            for g in 0..<G {
                enterGroup(g)
                staffing.beginStep(branches: groups.branches[g])
                metrics.stepCost = 0
            }
            for ci in 0..<campaigns.count {
                let ref = campaigns[ci]
                guard step >= ref.plan.firstStep, now < ref.plan.endTick else { continue }
                for g in 0..<G where groups.touches(campaign: ci, group: g) {
                    enterGroup(g)
                    fixedCosts(campaign: ci, step: step, group: g)
                }
                let k = ref.plan.frequency.occurrences(inStep: step - ref.plan.firstStep, step: stepDuration)
                guard k > 0 else { continue }
                for h in 0..<ref.plan.hosts.count {
                    enterGroup(groups.groupOf[ref.plan.hosts[h]])
                    for _ in 0..<k { runOccurrence(ci, host: h) }
                }
            }
            if terms.termCount > 0 { matureTerms(branches: all) }
            if plan.hasAttrition {
                for g in 0..<G {
                    enterGroup(g)
                    applyAttrition(step: step, branches: groups.branches[g])
                }
            }
            if plan.hasGrowth { applyGrowthStep(branches: all) }
            for g in 0..<G {
                enterGroup(g)
                recordStep(step, branches: groups.branches[g])
                if plan.earns { closeMoneyStep(step, branches: groups.branches[g]) }
            }
        }
        for g in 0..<G {
            enterGroup(g)
            finishGroup(g)
        }
        for g in 0..<G { metrics.fold(g) }
    }

    /// Points the views of the metrics, money and staffing at group `g`'s block (the
    /// step-major path keeps one per group).
    @inline(__always)
    mutating func enterGroup(_ g: Int) {
        if groups.count > 1 { point(at: metrics.block(g)) }
    }

    mutating func pointAtTotal() { point(at: metrics.total.base) }

    mutating func point(at p: UnsafeMutablePointer<Double>) {
        guard metrics.values.base != p else { return }
        metrics.values = Column(viewing: p, count: metrics.valuesCount)
        metrics.series = Column(viewing: p + metrics.series0, count: metrics.seriesCount)
        metrics.scalars = p + metrics.scalar0
        metrics.snapshots = p + metrics.snap0
        money.marginRate = Column(viewing: p + metrics.margin0, count: metrics.marginCount)
        money.scalars = metrics.scalars
        staffing.stepHours = Column(viewing: p + metrics.hours0, count: metrics.roles)
    }

    /// Empties the population and what is derived from it, for the next outlet group.
    private mutating func resetPopulation() {
        customers.removeAll()
        sets.removeAll()
        bands.removeAll()
        ready.removeAll()
        cooldowns.removeAll()
        policy.removeAll()
        terms.removeAll()
        growth.removeAll()
        starts.removeAll()
        history.removeAll()
        now = 0
    }

    private mutating func reset() {
        resetPopulation()
        occurrence.removeAll()
        staffing.removeAll()
        metrics.removeAll()
        money.removeAll()
        draws = 0
        maturingVisits = 0
        handOffVisits = 0
        heldPeak = 0
    }

    // MARK: - Uncertain inputs

    /// Draws each uncertain input once for this replication, from the key of its path under
    /// the replication's key (not under the noise salt), and sets the campaign's rate to it.
    mutating func drawInputs() {
        for (k, input) in plan.inputs.enumerated() {
            let value: Double
            if let fixed = input.fixed {
                value = fixed
            } else {
                value = input.distribution.quantile(keyedUnit(RandomKey.mix(repKey, input.key)))
            }
            switch input.target {
            case .stage(let ci, let si): campaigns[ci].plan.stageProbability[si] = value
            case .referrals(let ci): campaigns[ci].plan.referralProbability = value
            case .amount(let ci): campaigns[ci].plan.amount = campaigns[ci].plan.amount?.withScale(value)
            case .cost(let ci, let line):
                let figure = input.costBase + value * input.costFactor
                switch plan.scenario.campaigns[ci].cost[line].unit {
                case .occurrence: campaigns[ci].plan.costPerOccurrence = figure
                case .contact: campaigns[ci].plan.costPerContact = figure
                case .conversion: campaigns[ci].plan.costPerConversion = figure
                case .once: campaigns[ci].plan.costOnce = figure
                case .month: campaigns[ci].plan.costPerStep = figure
                }
            case .fee(let p): money.productFee[p] = value
            case .margin(let p, _): money.productMarginPerStep[p] = value * input.marginFactor
            case .retain(let p): drawn.retain[p] = value
            case .tier(let kind, let t, let branches, let perYear): setTierRate(kind, tier: t, branches: branches, perYear: perYear, value)
            }
            metrics.values[plan.layout.inputs[k]] = value
        }
        if plan.hasShareInputs { drawTierCounts() }
    }

    // MARK: - Keyed draws

    @inline(__always)
    mutating func keyedUnit(_ k: UInt64) -> Double {
        draws &+= 1
        return Self.drawUnit(k)
    }

    /// The keyed draw of `keyedUnit`, its count left to the caller.
    @inline(__always)
    static func drawUnit(_ k: UInt64) -> Double { RandomKey.unit(RandomKey.finalize(k)) }
}
