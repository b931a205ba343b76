import BranchSimModel
import Foundation

/// A checked `Scenario` compiled for simulation: counts, keys, effort tables and metric
/// slots resolved once, so a replication only does arithmetic on flat arrays.
struct SimulationPlan: Sendable {
    struct Holds: Sendable {
        /// Non-flat products and their normalised shares of the starting balance.
        var money: [(product: Int, share: Double)]
        /// Flat products and the probability a customer holds each.
        var flat: [(product: Int, probability: Double)]
        /// Points per yuan of the mix (sum of share x coefficient).
        var coefficient: Double
    }

    struct CampaignPlan: Sendable {
        var key: UInt64
        var firstStep: Int
        var endTick: Int
        var frequency: Rate
        var hosts: [Int]
        var hostKeys: [UInt64]
        /// Branches whose customers form the pool, per host.
        var poolBranches: [[Int]]
        var targetTiers: [Int]
        /// Normalised target weights (sum 1).
        var targetWeights: [Double]
        /// A plain `target A, B` list (no weights written): draw from the union of the tiers'
        /// pools. Written weights, equal or not, split the contacts (`selectWeighted`).
        var unionPool: Bool
        var contactsAll: Bool
        /// Contacts an occurrence makes at each host: `contacts N` (N), `contacts all`
        /// (Int.max) or `contacts N per ROLE` (N x the role's FTE at the host, rounded down).
        var hostContacts: [Int]
        var filter: TargetFilter?
        var stageProbability: [Double]
        var stageIsReach: [Bool]
        var stageKey: [UInt64]
        var capacityStage: Int
        var capacityLimit: Int
        var amount: Distribution?
        /// `sigma` of a lognormal `amount` (`Sampler.lognormalSigma`), worked out once.
        var amountSigma: Double
        var capByOffbank: Bool
        var buyMoney: [(product: Int, share: Double)]
        var buyFlat: [(product: Int, probability: Double)]
        var cooldownTicks: Int
        /// Column of this campaign in the per-customer cooldown table, or -1.
        var cooldownSlot: Int
        /// Index of this campaign's balance band (`where balance A..B`) among the plan's
        /// `bands`, or -1: the replicator keeps each band's candidates per (branch, tier) set.
        var bandSlot: Int = -1
        var referralProbability: Double
        var referralTier: Int
        /// Role-hours per unit, indexed by role.
        var occurrenceHours: [Double]
        var contactHours: [Double]
        var conversionHours: [Double]
        /// `stageHours[stage * roles + role]`.
        var stageHours: [Double]
        var hasEffort: Bool
        var costPerOccurrence: Double
        var costPerContact: Double
        var costPerConversion: Double
        /// `cost X once` (in the campaign's first step) and `cost X per month` (per step: X
        /// times the step's months).
        var costOnce = 0.0
        var costPerStep = 0.0
        /// Per host, the (branch, tier) sets of the union pool (`unionPool` or `contactsAll`).
        var unionSets: [[Int]] = []
        /// Per host and target `j`, the sets of tier `targetTiers[j]` in the host's pool.
        var tierSets: [[[Int]]] = []
        /// Per host, contacts per target tier (largest remainder of its `hostContacts` by
        /// the weights).
        var perTierContacts: [[Int]] = []
        /// Journeys (`JourneyPlan.swift`): the compiled `where` condition (empty: none), and
        /// whether the campaign selects through `selectJourney` (a condition or a ranking).
        var condition: [PredOp] = []
        var journey = false
        /// The history slot whose log gives the candidates (-1: scan the pool; -2: its source
        /// campaign does not run, so nobody qualifies), and its window in ticks.
        var driverSlot = -1
        var driverWindow = 0
        /// `rank by`: 0 none, 1 gap, 2 balance desc, 3 balance asc, 4 last contact (slot `rankSlot`).
        var rankCode = 0
        var rankSlot = -1
        /// History slots this campaign's occurrences write: at each contact, per funnel stage
        /// passed (-1: none), at each conversion.
        var contactSlots: [Int] = []
        var stageSlots: [Int] = []
        var convertSlot = -1
        var recordsEvents = false

        /// Fills the derived set lists (once, when the plan is built).
        mutating func derive(tiers: Int) {
            unionSets = poolBranches.map { pools in targetTiers.flatMap { t in pools.map { $0 * tiers + t } } }
            tierSets = poolBranches.map { pools in targetTiers.map { t in pools.map { $0 * tiers + t } } }
            // `contacts all` (a count of Int.max) works the union pool and splits nothing.
            perTierContacts = hostContacts.map { n in
                targetTiers.count == 1 || contactsAll ? Array(repeating: n, count: targetTiers.count)
                    : SimulationPlan.largestRemainder(total: n, weights: targetWeights)
            }
        }

        /// A copy that shares no array storage with `self`. Each worker thread takes one, so
        /// the reference counts its hot loop touches live in its own cache lines, not in lines
        /// every thread writes to.
        func unshared() -> CampaignPlan {
            func own<T>(_ a: [T]) -> [T] { a.map { $0 } }
            var c = self
            c.hosts = own(hosts); c.hostKeys = own(hostKeys); c.poolBranches = poolBranches.map(own)
            c.targetTiers = own(targetTiers); c.targetWeights = own(targetWeights)
            c.stageProbability = own(stageProbability); c.stageIsReach = own(stageIsReach); c.stageKey = own(stageKey)
            c.buyMoney = own(buyMoney); c.buyFlat = own(buyFlat)
            c.occurrenceHours = own(occurrenceHours); c.contactHours = own(contactHours)
            c.conversionHours = own(conversionHours); c.stageHours = own(stageHours)
            c.unionSets = unionSets.map(own); c.tierSets = tierSets.map { $0.map(own) }
            c.perTierContacts = perTierContacts.map(own); c.hostContacts = own(hostContacts)
            c.condition = own(condition); c.contactSlots = own(contactSlots); c.stageSlots = own(stageSlots)
            return c
        }
    }

    let scenario: Scenario
    let tierCount: Int
    let productCount: Int
    let roleCount: Int
    let steps: Int
    let stepTicks: Int
    let stepWeeks: Double
    let stepMonths: Double
    let tierLow: [Double]
    let tierHigh: [Double]
    let coefficient: [Double]
    let flat: [Bool]
    let flatPoints: [Double]
    let productKey: [UInt64]
    /// Slot of each product in the per-customer maturity table, or -1 (no term).
    let termSlot: [Int]
    let termTicks: [Int]
    let retain: [Double]
    let termProducts: [Int]
    let defaultProduct: Int
    let branchKey: [UInt64]
    /// Starting customers per branch and tier (largest remainder; for a branch with imported
    /// customers, how many of them each tier holds by their points).
    let tierCounts: [[Int]]
    /// Per branch, the rows of `scenario.imported` it starts from (empty: its customers are drawn).
    let importedRows: [[Int32]]
    /// Per product of the scenario, its column in `scenario.imported` (-1: none, 0 yuan).
    let importedProduct: [Int]
    /// Per segment of the scenario, its bit in `scenario.imported.segments` (-1: none).
    let importedSegment: [Int]
    let segmentKey: [UInt64]
    /// Per (branch, tier), `[branch * tiers + tier]`: the branch's view of the tier.
    let bt: [BranchTier]
    /// `segmentShare[segment * tiers + tier]`.
    let segmentShare: [Double]
    let holdMoneyProduct: [Int]
    let holdMoneyShare: [Double]
    let holdFlatProduct: [Int]
    let holdFlatProbability: [Double]

    struct BranchTier: Sendable {
        var reachable: Double
        var offbank: Double
        var aum: Distribution?
        /// Points per yuan of the holdings mix.
        var coefficient: Double
        /// Ranges into `holdMoney*` and `holdFlat*`.
        var moneyStart: Int, moneyEnd: Int, flatStart: Int, flatEnd: Int
        var attrition: Double
        var growth: Double
        var managedBy: Int
    }
    let campaigns: [CampaignPlan]
    /// The customer history conditions and rankings read (`HistoryPlan`).
    let history: HistoryPlan
    let cooldownSlots: Int
    /// Balance bands of campaigns with a `where balance` filter, in campaign order.
    let bands: [(low: Double, high: Double)]
    let policyMax: Int
    let policyTicks: Int
    /// Role-hours each branch has in one step, `availableHours[branch * roles + role]`.
    let availableHours: [Double]
    let roleStepHours: [Double]
    let roleCapacity: [Double]
    let availableFTE: [Double]
    /// Staff on hand at each outlet, `outletStaff[branch * roles + role]` (FTE).
    let outletStaff: [Double]
    /// Money (docs/model.md, "Money"): per product the fee per yuan bought and the margin per
    /// yuan and step; per role the cost of an hour. `earns`: some product has a fee or margin.
    let productFee: [Double]
    let productMarginPerStep: [Double]
    let roleCostPerHour: [Double]
    let earns: Bool
    let hasStaffCost: Bool
    let hasGrowth: Bool
    let hasAttrition: Bool
    let metrics: [MetricDescriptor]
    let series: [String]
    let layout: MetricLayout

    /// An uncertain input as a replication draws it: keyed by its declaration path (not its
    /// position), so adding an input or a campaign leaves the others' draws as they were.
    struct PlannedInput: Sendable {
        var path: String
        var key: UInt64
        var distribution: InputDistribution
        var target: InputTarget
        /// For a cost line: the campaign's planned figure for that unit without this line
        /// (the other lines of the unit), and the factor from the line's amount to the figure
        /// (`per month` is pro rata per step).
        var costBase = 0.0
        var costFactor = 1.0
        /// For a margin: from the rate as written to the margin per step.
        var marginFactor = 1.0
        /// Held at this value instead of drawn (`RunOptions.fixedInputs`).
        var fixed: Double?
    }
    /// The scenario's uncertain inputs, in `Scenario.uncertainInputs` order.
    var inputs: [PlannedInput] = []
    /// Whether a tier share is uncertain, and per branch the tier that takes up what its drawn
    /// shares leave (`Scenario.remainderTiers`).
    var hasShareInputs = false
    var remainderTiers: [Int] = []

    /// Per (branch, tier) set, `[branch * tiers + tier]`: whether nothing in this scenario or
    /// its companions can change its customers (no campaign pool, no attrition, no growth, no
    /// term product among its starting holdings). Such sets are aggregated (docs/model.md,
    /// "Untouched tiers").
    private(set) var staticSets: [Bool] = []

    /// Starting customers a replication materialises: those of the sets that are not static.
    var materialisedCustomers: Int {
        var n = 0
        for (k, isStatic) in staticSets.enumerated() where !isStatic { n += tierCounts[k / tierCount][k % tierCount] }
        return n
    }

    /// The (branch, tier) pairs, by name, whose customers something in this scenario can change.
    var changeableSetNames: Set<String> {
        var out: Set<String> = []
        for (k, isStatic) in staticSets.enumerated() where !isStatic {
            out.insert(Self.setName(scenario.branches[k / tierCount].name, scenario.tiers[k % tierCount].name))
        }
        return out
    }

    static func setName(_ branch: String, _ tier: String) -> String { branch + "\u{0}" + tier }

    /// Makes every set that any companion scenario can change non-static here too, so the
    /// variants of a comparison (or the points of a sweep) draw the same starting customers
    /// the same way, and their start AUM agrees bit for bit.
    mutating func accountForCompanions(_ companions: [Scenario]) {
        var names: Set<String> = []
        for c in companions {
            guard let p = try? SimulationPlan(c) else { continue }
            names.formUnion(p.changeableSetNames)
        }
        guard !names.isEmpty else { return }
        for k in staticSets.indices where staticSets[k] {
            if names.contains(Self.setName(scenario.branches[k / tierCount].name, scenario.tiers[k % tierCount].name)) {
                staticSets[k] = false
            }
        }
    }

    init(_ s: Scenario) throws(EngineError) {
        scenario = s
        tierCount = s.tiers.count
        productCount = s.products.count
        roleCount = s.roles.count
        guard tierCount > 0 else { throw .invalidScenario("the scenario has no tiers; declare at least one 'tier'") }
        guard tierCount <= 127 else { throw .invalidScenario("at most 127 tiers are supported") }
        guard productCount > 0, productCount <= 64 else {
            throw .invalidScenario("a scenario needs 1 to 64 products (it has \(productCount))")
        }
        guard s.segments.count <= 64 else { throw .invalidScenario("at most 64 segments are supported") }
        guard !s.branches.isEmpty else { throw .invalidScenario("the scenario has no branches; declare at least one 'branch'") }
        steps = s.steps
        stepTicks = s.settings.step.duration.ticks
        stepWeeks = Double(stepTicks) / Double(CalendarDuration.ticksPerWeek)
        stepMonths = Double(stepTicks) / Double(CalendarDuration.month.ticks)
        tierLow = s.tiers.map(\.low)
        tierHigh = s.tiers.map { $0.high ?? .infinity }
        coefficient = s.products.map { $0.flat ? 0 : $0.points }
        flat = s.products.map(\.flat)
        flatPoints = s.products.map { $0.flat ? $0.points : 0 }
        productKey = s.products.map { RandomKey.hash("product:" + $0.name) }
        var slots: [Int] = []
        var termProducts: [Int] = []
        for (i, p) in s.products.enumerated() {
            if (p.term?.ticks ?? 0) > 0 && !p.flat { slots.append(termProducts.count); termProducts.append(i) } else { slots.append(-1) }
        }
        termSlot = slots
        self.termProducts = termProducts
        termTicks = s.products.map { $0.term?.ticks ?? 0 }
        retain = s.products.map(\.retain)
        guard let firstMoney = s.products.firstIndex(where: { !$0.flat }) else {
            throw .invalidScenario("every product is flat; declare a product with a points coefficient (e.g. 'product deposit points 1.0')")
        }
        defaultProduct = s.products.firstIndex { $0.name == "deposit" && !$0.flat } ?? firstMoney

        branchKey = s.branches.map { RandomKey.hash("branch:" + $0.name) }
        var counts: [[Int]] = []
        var holds: [[Holds]] = []
        for b in s.branches {
            guard b.tiers.count == tierCount else {
                throw .invalidScenario("branch '\(b.name)' has \(b.tiers.count) tiers, the scenario \(tierCount)")
            }
            guard b.customers >= 0 else { throw .invalidScenario("branch '\(b.name)' has a negative customer count") }
            counts.append(Self.largestRemainder(total: b.customers, weights: b.tiers.map(\.share)))
            var hb: [Holds] = []
            for t in b.tiers {
                if let d = t.aum, let problem = Self.problem(with: d) {
                    throw .invalidScenario("tier '\(t.name)' at branch '\(b.name)': aum \(problem)")
                }
                var money: [(product: Int, share: Double)] = []
                var flatHolds: [(product: Int, probability: Double)] = []
                for h in t.holds {
                    guard h.product >= 0 && h.product < productCount else {
                        throw .invalidScenario("tier '\(t.name)' holds an unknown product")
                    }
                    if s.products[h.product].flat { flatHolds.append((h.product, h.share)) } else { money.append((h.product, h.share)) }
                }
                let total = money.reduce(0) { $0 + $1.share }
                if money.isEmpty || total <= 0 {
                    money = [(defaultProduct, 1)]
                } else {
                    money = money.map { ($0.product, $0.share / total) }
                }
                let k = money.reduce(0) { $0 + $1.share * s.products[$1.product].points }
                hb.append(Holds(money: money, flat: flatHolds, coefficient: k > 0 ? k : 1))
            }
            holds.append(hb)
        }
        var rows = [[Int32]](repeating: [], count: s.branches.count)
        var productColumn = [Int](repeating: -1, count: productCount)
        var segmentBit = [Int](repeating: -1, count: s.segments.count)
        if let im = s.imported {
            let branchOfOutlet = im.outlets.map { name in s.branches.firstIndex { $0.name == name } ?? -1 }
            for (row, o) in im.outlet.enumerated() where branchOfOutlet[Int(o)] >= 0 {
                rows[branchOfOutlet[Int(o)]].append(Int32(row))
            }
            for (i, p) in s.products.enumerated() { productColumn[i] = im.products.firstIndex(of: p.name) ?? -1 }
            for (i, g) in s.segments.enumerated() { segmentBit[i] = im.segmentNames.firstIndex(of: g.name) ?? -1 }
            // An imported customer's tier follows from its points, as `reevaluate` sums them.
            let lows = s.tiers.map(\.low)
            for b in rows.indices where !rows[b].isEmpty {
                var n = [Int](repeating: 0, count: tierCount)
                for r in rows[b] {
                    let t = Self.importedTier(row: Int(r), im, s, productColumn: productColumn, lows: lows)
                    n[t] += 1
                }
                counts[b] = n
            }
        }
        importedRows = rows
        importedProduct = productColumn
        importedSegment = segmentBit
        tierCounts = counts
        segmentKey = s.segments.map { RandomKey.hash("segment:" + $0.name) }
        var bt: [BranchTier] = []
        var mp: [Int] = [], ms: [Double] = [], fp: [Int] = [], fs: [Double] = []
        for (b, branch) in s.branches.enumerated() {
            for (t, tier) in branch.tiers.enumerated() {
                let role = tier.managedBy.flatMap { $0 >= 0 && $0 < s.roles.count ? $0 : nil } ?? -1
                let h = holds[b][t]
                let m0 = mp.count, f0 = fp.count
                for m in h.money { mp.append(m.product); ms.append(m.share) }
                for f in h.flat { fp.append(f.product); fs.append(f.probability) }
                bt.append(BranchTier(reachable: tier.reachable, offbank: tier.offbank, aum: tier.aum,
                                     coefficient: h.coefficient, moneyStart: m0, moneyEnd: mp.count,
                                     flatStart: f0, flatEnd: fp.count,
                                     attrition: tier.attritionPerMonth, growth: tier.growthPerMonth, managedBy: role))
            }
        }
        self.bt = bt
        holdMoneyProduct = mp
        holdMoneyShare = ms
        holdFlatProduct = fp
        holdFlatProbability = fs
        var shares: [Double] = []
        for sg in s.segments {
            for t in 0..<tierCount { shares.append(t < sg.shareByTier.count ? sg.shareByTier[t] : 0) }
        }
        segmentShare = shares

        var plans: [CampaignPlan] = []
        var cooldownSlots = 0
        for c in s.campaigns {
            plans.append(try Self.compile(c, in: s, defaultProduct: defaultProduct, cooldownSlots: &cooldownSlots))
        }
        self.cooldownSlots = cooldownSlots
        var bands: [(low: Double, high: Double)] = []
        for i in plans.indices {
            if case .balance(let lo, let hi) = plans[i].filter {
                plans[i].bandSlot = bands.count
                bands.append((lo, hi))
            }
        }
        self.bands = bands
        for i in plans.indices { plans[i].derive(tiers: tierCount) }
        history = Self.compileJourneys(&plans, s)
        campaigns = plans
        policyMax = s.policy.map { max(1, $0.maxContacts) } ?? 0
        policyTicks = s.policy?.period.ticks ?? 0

        roleStepHours = s.roles.map { $0.hoursPerWeek * (Double(s.settings.step.duration.ticks) / Double(CalendarDuration.ticksPerWeek)) }
        roleCapacity = s.roles.map { Double($0.capacityCustomers ?? 0) }
        var avail: [Double] = []
        var fte = Array(repeating: 0.0, count: s.roles.count)
        var onHand: [Double] = []
        for b in s.branches {
            for r in 0..<s.roles.count {
                let staff = b.staff(of: r)
                avail.append(staff * roleStepHours[r])
                fte[r] += staff
                onHand.append(staff)
            }
        }
        availableHours = avail
        availableFTE = fte
        outletStaff = onHand
        let stepYears = Double(s.settings.step.duration.ticks) / Double(CalendarDuration.year.ticks)
        productFee = s.products.map(\.feeOnPurchase)
        productMarginPerStep = s.products.map { $0.marginPerYear * stepYears }
        roleCostPerHour = s.roles.map(\.costPerHour)
        earns = s.products.contains { $0.feeOnPurchase > 0 || $0.marginPerYear > 0 }
        hasStaffCost = s.roles.contains { $0.costPerHour > 0 }
        // From the supports of uncertain rates too, not only their means.
        let mayChange = Self.uncertainTierRates(s)
        hasGrowth = s.branches.contains { $0.tiers.contains { $0.growthPerMonth != 0 } } || mayChange.growth.contains(true)
        hasAttrition = s.branches.contains { $0.tiers.contains { $0.attritionPerMonth > 0 } } || mayChange.attrition.contains(true)
        metrics = MetricCatalog.metrics(for: s)
        series = MetricCatalog.series(for: s)
        layout = MetricLayout(s)
        inputs = s.uncertainInputs.map { Self.plannedInput($0, s, campaigns) }
        hasShareInputs = Self.hasShareInputs(inputs)
        remainderTiers = s.remainderTiers
        guard layout.keys == metrics.map(\.key) else {
            throw .invalidScenario("engine metric layout differs from MetricCatalog (an engine bug; please report it)")
        }
        let setCount = s.branches.count * tierCount
        var touched = Array(repeating: false, count: setCount)
        for cp in campaigns {
            for pools in cp.poolBranches {
                for b in pools { for t in cp.targetTiers { touched[b * tierCount + t] = true } }
            }
        }
        // A set whose starting holdings include a term product changes when terms end.
        staticSets = (0..<setCount).map { [bt, holdMoneyProduct, termSlot] k in
            let holdsTerm = (bt[k].moneyStart..<bt[k].moneyEnd).contains { termSlot[holdMoneyProduct[$0]] >= 0 }
            return !touched[k] && !holdsTerm && bt[k].attrition == 0 && bt[k].growth == 0
                && !mayChange.attrition[k] && !mayChange.growth[k]
                && importedRows[k / tierCount].isEmpty  // imported customers are all materialised
        }
    }

    /// The starting tier of imported row `r`: its points (money balances by coefficient, in
    /// product order, then the points of the flat products it holds).
    static func importedTier(row r: Int, _ im: ImportedCustomers, _ s: Scenario, productColumn: [Int],
                             lows: [Double]) -> Int {
        var p = 0.0
        let w = im.products.count
        for (i, prod) in s.products.enumerated() where !prod.flat && productColumn[i] >= 0 {
            p += im.balances[r * w + productColumn[i]] * prod.points
        }
        for (i, prod) in s.products.enumerated() where prod.flat && productColumn[i] >= 0 && im.balances[r * w + productColumn[i]] > 0 {
            p += prod.points
        }
        var t = lows.count - 1
        while t > 0 && p < lows[t] { t -= 1 }
        return t
    }

    private static func compile(
        _ c: Campaign, in s: Scenario, defaultProduct: Int, cooldownSlots: inout Int
    ) throws(EngineError) -> CampaignPlan {
        let roles = s.roles.count
        let stepTicks = s.settings.step.duration.ticks
        guard c.frequency.period.ticks > 0, c.frequency.count >= 0, c.frequency.count.isFinite else {
            throw .invalidScenario("campaign '\(c.name)' has frequency '\(c.frequency)'; give a count >= 0 per a period longer than 0")
        }
        if let d = c.amount, let problem = Self.problem(with: d) {
            throw .invalidScenario("campaign '\(c.name)': amount \(problem)")
        }
        for h in c.hosts where h < 0 || h >= s.branches.count {
            throw .invalidScenario("campaign '\(c.name)' is hosted at an unknown branch")
        }
        var pools: [[Int]] = []
        for (i, h) in c.hosts.enumerated() {
            if c.audience == .network, i < c.hostNetworks.count, let n = c.hostNetworks[i] {
                guard n >= 0 && n < s.networks.count else {
                    throw .invalidScenario("campaign '\(c.name)' names an unknown network")
                }
                var members = s.networks[n].members
                if !members.contains(h) { members.insert(h, at: 0) }
                pools.append(members)
            } else if c.audience == .network, let n = s.networks.firstIndex(where: { $0.members.contains(h) }) {
                pools.append(s.networks[n].members)
            } else {
                pools.append([h])
            }
        }
        for t in c.targets where t.tier < 0 || t.tier >= s.tiers.count {
            throw .invalidScenario("campaign '\(c.name)' targets an unknown tier")
        }
        let wsum = c.targets.reduce(0) { $0 + max(0, $1.weight) }
        let weights = c.targets.map { wsum > 0 ? max(0, $0.weight) / wsum : 1 / Double(c.targets.count) }
        var capStage = -1, capLimit = Int.max
        if let cap = c.capacity {
            guard cap.stage >= 0 && cap.stage < c.funnel.count else {
                throw .invalidScenario("campaign '\(c.name)': capacity names a stage outside its funnel")
            }
            capStage = cap.stage
            capLimit = max(0, cap.limit)
        }
        var money: [(product: Int, share: Double)] = []
        var flatBuys: [(product: Int, probability: Double)] = []
        for b in c.buys {
            guard b.product >= 0 && b.product < s.products.count else {
                throw .invalidScenario("campaign '\(c.name)' buys an unknown product")
            }
            if s.products[b.product].flat { flatBuys.append((b.product, b.share)) } else { money.append((b.product, b.share)) }
        }
        if c.buys.isEmpty {
            money = [(defaultProduct, 1)]
        } else {
            let total = money.reduce(0) { $0 + max(0, $1.share) }
            money = total > 0 ? money.map { ($0.product, max(0, $0.share) / total) } : []
        }
        var occH = Array(repeating: 0.0, count: roles)
        var conH = Array(repeating: 0.0, count: roles)
        var convH = Array(repeating: 0.0, count: roles)
        var stH = Array(repeating: 0.0, count: roles * c.funnel.count)
        for e in c.effort {
            guard e.role >= 0 && e.role < roles else { throw .invalidScenario("campaign '\(c.name)': effort names an unknown role") }
            switch e.unit {
            case .occurrence: occH[e.role] += e.hours
            case .contact: conH[e.role] += e.hours
            case .conversion: convH[e.role] += e.hours
            case .stage(let i):
                guard i >= 0 && i < c.funnel.count else {
                    throw .invalidScenario("campaign '\(c.name)': effort names a stage outside its funnel")
                }
                stH[i * roles + e.role] += e.hours
            }
        }
        var cost = (0.0, 0.0, 0.0)
        var once = 0.0, monthly = 0.0
        for k in c.cost {
            switch k.unit {
            case .occurrence: cost.0 += k.amount
            case .contact: cost.1 += k.amount
            case .conversion: cost.2 += k.amount
            case .once: once += k.amount
            case .month: monthly += k.amount
            }
        }
        let cooldown = c.cooldown?.ticks ?? 0
        var slot = -1
        if cooldown > 0 { slot = cooldownSlots; cooldownSlots += 1 }
        if let r = c.referrals, r.tier < 0 || r.tier >= s.tiers.count {
            throw .invalidScenario("campaign '\(c.name)': referrals name an unknown tier")
        }
        let hostContacts: [Int]
        switch c.contacts {
        case .all: hostContacts = c.hosts.map { _ in Int.max }
        case .count(let n): hostContacts = c.hosts.map { _ in max(0, n) }
        case .perRole(let n, let r):
            guard r >= 0 && r < roles else { throw .invalidScenario("campaign '\(c.name)': contacts per an unknown role") }
            // FTE such as 0.35 are not exact in binary: 20 x 0.35 must give 7, not 6.
            hostContacts = c.hosts.map { h in
                let fte = s.branches[h].staff(of: r)
                return max(0, Int((Double(max(0, n)) * fte + 1e-9).rounded(.down)))
            }
        }
        let allEffort = occH + conH + convH + stH
        return CampaignPlan(
            key: RandomKey.hash("campaign:" + c.name),
            firstStep: (c.starts.ticks + stepTicks - 1) / stepTicks,
            endTick: c.ends?.ticks ?? Int.max,
            frequency: c.frequency,
            hosts: c.hosts,
            hostKeys: c.hosts.map { RandomKey.hash("host:" + s.branches[$0].name) },
            poolBranches: pools,
            targetTiers: c.targets.map(\.tier),
            targetWeights: weights,
            unionPool: !c.weightedTargets && weights.allSatisfy { $0 == weights.first },
            contactsAll: c.contacts == .all,
            hostContacts: hostContacts,
            filter: c.filter,
            stageProbability: c.funnel.map(\.probability),
            stageIsReach: c.funnel.map(\.isReach),
            stageKey: c.funnel.map { RandomKey.hash("stage:" + $0.name) },
            capacityStage: capStage,
            capacityLimit: capLimit,
            amount: c.amount,
            amountSigma: { if case .lognormal(let m, let q)? = c.amount { Sampler.lognormalSigma(median: m, p90: q) } else { 0 } }(),
            capByOffbank: c.capByOffbank,
            buyMoney: money,
            buyFlat: flatBuys,
            cooldownTicks: cooldown,
            cooldownSlot: slot,
            referralProbability: c.referrals?.probability ?? 0,
            referralTier: c.referrals?.tier ?? 0,
            occurrenceHours: occH,
            contactHours: conH,
            conversionHours: convH,
            stageHours: stH,
            hasEffort: allEffort.contains { $0 != 0 },
            costPerOccurrence: cost.0,
            costPerContact: cost.1,
            costPerConversion: cost.2,
            costOnce: once,
            costPerStep: monthly * Double(s.settings.step.duration.ticks) / Double(CalendarDuration.month.ticks))
    }

    /// How a replication sets `input` (docs/model.md, "Uncertain inputs").
    static func plannedInput(_ input: UncertainInput, _ s: Scenario, _ campaigns: [CampaignPlan]) -> PlannedInput {
        var p = PlannedInput(path: input.path, key: RandomKey.hash("input:" + input.path), distribution: input.distribution,
                             target: input.target)
        if case .cost(let ci, let k) = input.target {
            let line = s.campaigns[ci].cost[k]
            let cp = campaigns[ci]
            switch line.unit {
            case .occurrence: p.costBase = cp.costPerOccurrence
            case .contact: p.costBase = cp.costPerContact
            case .conversion: p.costBase = cp.costPerConversion
            case .once: p.costBase = cp.costOnce
            case .month:
                p.costFactor = Double(s.settings.step.duration.ticks) / Double(CalendarDuration.month.ticks)
                p.costBase = cp.costPerStep
            }
            p.costBase -= line.amount * p.costFactor
        }
        if case .margin(_, let perYear) = input.target {
            p.marginFactor = perYear * Double(s.settings.step.duration.ticks) / Double(CalendarDuration.year.ticks)
        }
        return p
    }

    /// What is wrong with a distribution's parameters, or `nil`.
    static func problem(with d: Distribution) -> String? {
        switch d {
        case .fixed(let x): return x.isFinite ? nil : "fixed needs a finite value"
        case .uniform(let a, let b): return a.isFinite && b.isFinite && a <= b ? nil : "uniform(A, B) needs A <= B"
        case .lognormal(let m, let q): return m > 0 && q > 0 && m.isFinite && q.isFinite ? nil : "lognormal needs a median and p90 above 0"
        case .shareOfOffbank(let p): return p.isFinite ? nil : "share of offbank needs a finite share"
        case .pareto(let m, let a): return m > 0 && a > 0 ? nil : "pareto needs min > 0 and alpha > 0"
        }
    }

    /// Splits `total` by `weights` (largest remainder) over pools of `available` customers:
    /// tiers whose share is at least their pool take all of it, and the rest of `total` is
    /// split again over the remaining tiers by their weights, until every share fits. The
    /// shares sum to `min(total, sum of available)` (every weight positive); with no pool
    /// short they are `largestRemainder(total:weights:)`.
    static func weightedShares(total: Int, weights: [Double], available: [Int]) -> [Int] {
        var take = Array(repeating: 0, count: weights.count)
        var open = weights.indices.map { available[$0] > 0 && weights[$0] > 0 }
        var left = total
        while left > 0 && open.contains(true) {
            let share = largestRemainder(total: left, weights: weights.indices.map { open[$0] ? weights[$0] : 0 })
            var capped = false
            for j in weights.indices where open[j] && share[j] >= available[j] {
                take[j] = available[j]
                left -= available[j]
                open[j] = false
                capped = true
            }
            if !capped {
                for j in weights.indices where open[j] { take[j] = share[j] }
                break
            }
        }
        return take
    }

    /// Splits `total` in proportion to `weights` by the largest-remainder (Hamilton) rule:
    /// floors first, then one more to the largest fractional parts (ties: lower index).
    /// The counts sum to `total` whenever some weight is positive.
    static func largestRemainder(total: Int, weights: [Double]) -> [Int] {
        let w = weights.map { max(0, $0) }
        let sum = w.reduce(0, +)
        guard sum > 0, total > 0 else { return Array(repeating: 0, count: weights.count) }
        let exact = w.map { Double(total) * $0 / sum }
        var counts = exact.map { Int($0.rounded(.down)) }
        var left = total - counts.reduce(0, +)
        let order = exact.indices.sorted { a, b in
            let fa = exact[a] - Double(counts[a]), fb = exact[b] - Double(counts[b])
            return fa != fb ? fa > fb : a < b
        }
        var i = 0
        while left > 0 && !order.isEmpty {
            let k = order[i % order.count]
            if w[k] > 0 { counts[k] += 1; left -= 1 }
            i += 1
        }
        return counts
    }
}

/// Where each metric of `MetricCatalog.metrics(for:)` sits in a replication's value row.
/// Built in the catalogue's order; the plan checks the keys match the catalogue.
struct MetricLayout: Sendable {
    var keys: [String] = []
    var aumStart = 0, aumEnd = 0, uplift = 0
    var upliftBranch: [Int] = [], upliftTier: [Int] = []
    var upgrades = 0, downgrades = 0
    /// `upgradePair[from * tiers + to]`, -1 where `to <= from`.
    var upgradePair: [Int] = []
    var migration: [Int] = []
    var migrationLeft: [Int] = []
    var occurrences: [Int] = [], contacts: [Int] = [], stages: [[Int]] = []
    var conversions: [Int] = [], turnedAway: [Int] = [], unserved: [Int] = []
    var servedInPart: [Int] = [], unservedContacts: [Int] = []
    var totalServedInPart = 0, totalUnservedContacts = 0
    var totalConversions = 0, totalTurnedAway = 0, totalUnserved = 0, policySkipped = 0
    var newCustomers = 0, leftCustomers = 0, cost = 0, campaignCost: [Int] = [], upliftPerCost = 0
    var hours: [Int] = [], fte: [Int] = [], peakFTE: [Int] = [], managedFTE: [Int] = [], available: [Int] = []
    /// Attribution per campaign: money moved in, customers lifted a tier, and the first of its
    /// by-start-tier counts: `byTier[ci] + row * tiers + tier`, rows contacts, each stage,
    /// conversions, then money (`subscribed.C.TIER`).
    var subscribed: [Int] = [], upgraded: [Int] = [], byTier: [Int] = []
    var totalSubscribed = 0
    /// Per outlet (`outlet.BRANCH.*`), by branch.
    var outletUplift: [Int] = [], outletUpgrades: [Int] = [], outletConversions: [Int] = [], outletCost: [Int] = []
    /// Money: `[0]` the total, `[1 + c]` campaign c's, `[1 + campaigns + b]` outlet b's.
    var revenue: [Int] = [], staffCost: [Int] = [], profit: [Int] = [], roi: [Int] = [], payback: [Int] = []
    /// The cost of each money entity, in the same order (`cost`, `cost.C`, `outlet.B.cost`).
    var entityCost: [Int] = []
    /// Per outlet and role (`staffing.BRANCH.ROLE.*`), `[branch * roles + role]`.
    var outletHours: [Int] = [], outletFTE: [Int] = [], outletPeakFTE: [Int] = []
    var outletManagedFTE: [Int] = [], outletAvailable: [Int] = []
    /// Named metrics (`metric NAME = ...`): where each is written and how it is computed.
    var derived: [(slot: Int, expression: CompiledMetricExpression)] = []
    /// The drawn value of each uncertain input.
    var inputs: [Int] = []

    init(_ s: Scenario) {
        func add(_ k: String) -> Int { keys.append(k); return keys.count - 1 }
        let t = s.tiers.count
        aumStart = add("aum.start")
        aumEnd = add("aum.end")
        uplift = add("uplift")
        upliftBranch = s.branches.map { add("uplift.\($0.name)") }
        upliftTier = s.tiers.map { add("uplift.\($0.name)") }
        upgrades = add("upgrades")
        downgrades = add("downgrades")
        upgradePair = Array(repeating: -1, count: t * t)
        for i in 0..<t {
            for j in (i + 1)..<t { upgradePair[i * t + j] = add("upgrades.\(s.tiers[i].name)_to_\(s.tiers[j].name)") }
        }
        migration = Array(repeating: -1, count: t * t)
        migrationLeft = Array(repeating: -1, count: t)
        for i in 0..<t {
            for j in 0..<t { migration[i * t + j] = add("migration.\(s.tiers[i].name).\(s.tiers[j].name)") }
            migrationLeft[i] = add("migration.\(s.tiers[i].name).left")
        }
        for c in s.campaigns {
            occurrences.append(add("occurrences.\(c.name)"))
            contacts.append(add("funnel.\(c.name).contacts"))
            stages.append(c.funnel.map { add("funnel.\(c.name).\($0.name)") })
            conversions.append(add("conversions.\(c.name)"))
            turnedAway.append(add("turned_away.\(c.name)"))
            unserved.append(add("unserved.\(c.name)"))
        }
        totalConversions = add("conversions")
        totalTurnedAway = add("turned_away")
        totalUnserved = add("unserved")
        policySkipped = add("policy_skipped")
        newCustomers = add("new_customers")
        leftCustomers = add("left_customers")
        cost = add("cost")
        campaignCost = s.campaigns.map { add("cost.\($0.name)") }
        upliftPerCost = add("uplift_per_cost")
        for r in s.roles {
            hours.append(add("staffing.\(r.name).hours"))
            fte.append(add("staffing.\(r.name).fte"))
            peakFTE.append(add("staffing.\(r.name).peak_fte"))
            managedFTE.append(add("staffing.\(r.name).managed_fte"))
            available.append(add("staffing.\(r.name).available"))
        }
        for c in s.campaigns {
            subscribed.append(add("subscribed.\(c.name)"))
            upgraded.append(add("upgraded.\(c.name)"))
            byTier.append(keys.count)
            for stage in ["contacts"] + c.funnel.map(\.name) {
                for tier in s.tiers { _ = add("funnel.\(c.name).\(stage).\(tier.name)") }
            }
            for tier in s.tiers { _ = add("conversions.\(c.name).\(tier.name)") }
            for tier in s.tiers { _ = add("subscribed.\(c.name).\(tier.name)") }
        }
        totalSubscribed = add("subscribed")
        for c in s.campaigns {
            servedInPart.append(add("served_in_part.\(c.name)"))
            unservedContacts.append(add("unserved_contacts.\(c.name)"))
        }
        totalServedInPart = add("served_in_part")
        totalUnservedContacts = add("unserved_contacts")
        var money: [[Int]] = []
        for (key, _) in MetricCatalog.moneyMetrics {
            money.append([add(key)] + s.campaigns.map { add("\(key).\($0.name)") })
        }
        entityCost = [cost] + campaignCost
        let outletRoleSlots = s.branches.count * s.roles.count
        for k in [\MetricLayout.outletHours, \.outletFTE, \.outletPeakFTE, \.outletManagedFTE, \.outletAvailable] {
            self[keyPath: k] = Array(repeating: -1, count: outletRoleSlots)
        }
        let outletRoles = MetricCatalog.outletRoleLists(s)
        for (bi, b) in s.branches.enumerated() {
            let o = "outlet.\(b.name)."
            outletUplift.append(add(o + "uplift"))
            outletUpgrades.append(add(o + "upgrades"))
            outletConversions.append(add(o + "conversions"))
            outletCost.append(add(o + "cost"))
            entityCost.append(outletCost[outletCost.count - 1])
            for k in money.indices { money[k].append(add(o + MetricCatalog.moneyMetrics[k].key)) }
            // Only the roles the outlet has or that can have work (`MetricCatalog.outletRoleLists`);
            // the others keep slot -1 and are not written.
            for r in outletRoles[bi] {
                let p = "staffing.\(b.name).\(s.roles[r].name).", i = bi * s.roles.count + r
                outletHours[i] = add(p + "hours")
                outletFTE[i] = add(p + "fte")
                outletPeakFTE[i] = add(p + "peak_fte")
                outletManagedFTE[i] = add(p + "managed_fte")
                outletAvailable[i] = add(p + "available")
            }
        }
        (revenue, staffCost, profit, roi, payback) = (money[0], money[1], money[2], money[3], money[4])
        inputs = s.uncertainInputs.map { add(Scenario.inputMetricKey($0.path)) }
        var index: [String: Int] = [:]
        for (i, k) in keys.enumerated() { index[k] = i }
        for d in s.derivedMetrics {
            // The checker resolved every name; one missing here leaves the keys short, which
            // the plan reports as a layout mismatch.
            guard let e = CompiledMetricExpression(d.expression, index: index) else { continue }
            let slot = add(d.name)
            index[d.name] = slot
            derived.append((slot, e))
        }
    }
}

/// One campaign's places in a replication's value row (`MetricLayout`, flattened): its
/// funnel stages sit at `firstStage + s`, in funnel order.
struct CampaignSlots: Sendable {
    let occurrences: Int, contacts: Int, firstStage: Int, stageCount: Int
    let conversions: Int, turnedAway: Int, unserved: Int, cost: Int
    /// Attribution (`MetricLayout.byTier`): counts by start tier at `byTier + row * tiers +
    /// tier`, row 0 the contacts, `1 + s` stage `s`, `1 + stageCount` the conversions, `2 +
    /// stageCount` the money.
    let subscribed: Int, upgraded: Int, byTier: Int
    let servedInPart: Int, unservedContacts: Int

    init(_ L: MetricLayout, campaign ci: Int) {
        occurrences = L.occurrences[ci]
        contacts = L.contacts[ci]
        let stages = L.stages[ci], first = stages.first ?? -1
        precondition(stages.enumerated().allSatisfy { $0.element == first + $0.offset },
                     "funnel stages are not consecutive in the metric layout")
        stageCount = stages.count
        firstStage = first
        conversions = L.conversions[ci]
        turnedAway = L.turnedAway[ci]
        unserved = L.unserved[ci]
        cost = L.campaignCost[ci]
        subscribed = L.subscribed[ci]
        upgraded = L.upgraded[ci]
        byTier = L.byTier[ci]
        servedInPart = L.servedInPart[ci]
        unservedContacts = L.unservedContacts[ci]
    }
}
