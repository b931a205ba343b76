/// A checked scenario: every name resolved to an index, every number in range.
///
/// Only the checker in BranchSimLanguage builds these from text; the engine only
/// reads them. Indices (`TierID`, `ProductID`, ...) index the arrays of the
/// scenario that holds them. Money is in yuan, shares and probabilities are in
/// `0...1`, calendar durations are `CalendarDuration`, staff time is in minutes.
public struct Scenario: Sendable, Equatable {
    public var title: String
    public var settings: RunSettings
    /// Lowest tier first; ranges are contiguous `[low, high)` in upgrade points.
    public var tiers: [Tier]
    public var segments: [Segment]
    public var products: [Product]
    public var roles: [Role]
    public var branches: [Branch]
    public var networks: [Network]
    /// In declaration order: within a step, campaigns run in this order.
    public var campaigns: [Campaign]
    public var policy: ContactPolicy?
    public var enforceStaff: Bool
    /// Customers from the bank's data (`customers from`): at the outlets they name, every
    /// replication starts from them instead of drawing customers; `nil`: none imported.
    public var imported: ImportedCustomers?
    /// `metric NAME = EXPRESSION`, in an order where each reads only metrics before it.
    public var derivedMetrics: [DerivedMetric] = []

    public init(
        title: String, settings: RunSettings, tiers: [Tier], segments: [Segment] = [],
        products: [Product], roles: [Role] = [], branches: [Branch], networks: [Network] = [],
        campaigns: [Campaign] = [], policy: ContactPolicy? = nil, enforceStaff: Bool = false
    ) {
        self.title = title
        self.settings = settings
        self.tiers = tiers
        self.segments = segments
        self.products = products
        self.roles = roles
        self.branches = branches
        self.networks = networks
        self.campaigns = campaigns
        self.policy = policy
        self.enforceStaff = enforceStaff
    }

    /// Number of whole steps in the horizon (the horizon rounded to whole steps, at least 1).
    public var steps: Int {
        let step = settings.step.duration.ticks
        return max(1, Int((Double(settings.horizon.ticks) / Double(step)).rounded()))
    }

    public var totalCustomers: Int { branches.reduce(0) { $0 + $1.customers } }

    public func tierIndex(named name: String) -> Int? { tiers.firstIndex { $0.name == name } }
    public func productIndex(named name: String) -> Int? { products.firstIndex { $0.name == name } }
    public func roleIndex(named name: String) -> Int? { roles.firstIndex { $0.name == name } }
    public func branchIndex(named name: String) -> Int? { branches.firstIndex { $0.name == name } }
    public func campaignIndex(named name: String) -> Int? { campaigns.firstIndex { $0.name == name } }
    public func segmentIndex(named name: String) -> Int? { segments.firstIndex { $0.name == name } }
}

public typealias TierID = Int
public typealias ProductID = Int
public typealias RoleID = Int
public typealias BranchID = Int
public typealias SegmentID = Int
public typealias CampaignID = Int
public typealias NetworkID = Int

/// `scenario "title" { horizon, step, runs, seed, threads }`.
public struct RunSettings: Sendable, Equatable {
    public var horizon: CalendarDuration
    public var step: StepUnit
    public var runs: RunCount
    public var seed: UInt64
    /// `nil`: as many threads as the machine has cores.
    public var threads: Int?

    public init(horizon: CalendarDuration = .years(1), step: StepUnit = .week, runs: RunCount = .fixed(1000),
                seed: UInt64 = 1, threads: Int? = nil) {
        self.horizon = horizon
        self.step = step
        self.runs = runs
        self.seed = seed
        self.threads = threads
    }
}

/// How many replications to run.
public enum RunCount: Sendable, Equatable {
    case fixed(Int)
    /// `runs until METRIC within P%`: add replications until the 95% interval's
    /// half-width of `metric` is under `relativeHalfWidth` of its mean, at most `cap`.
    case until(metric: MetricPath, relativeHalfWidth: Double, cap: Int)

    /// The most replications this count can ask for.
    public var maximum: Int {
        switch self {
        case .fixed(let n): return n
        case .until(_, _, let cap): return cap
        }
    }
}

/// A customer tier: a range of upgrade points and the defaults of its customers.
public struct Tier: Sendable, Equatable {
    public var name: String
    /// Inclusive lower bound in points (0 for the bottom tier).
    public var low: Double
    /// Exclusive upper bound in points; `nil` for the open top tier.
    public var high: Double?
    /// Share of a branch's customers (0...1); shares of all tiers sum to 1.
    public var share: Double
    /// Share whose contact details work (0...1). MODEL.md default 100%.
    public var reachable: Double
    /// Off-bank assets as a multiple of the starting in-bank balance. Default 1.0.
    public var offbank: Double
    /// Starting balance distribution; `nil`: the default for the tier's range
    /// (log-uniform over the range; bottom tier from 1k; top tier Pareto alpha 1.5).
    public var aum: Distribution?
    /// How the starting balance is split over products; empty: all in the first
    /// non-flat product named `deposit`, else the first non-flat product.
    public var holds: [ProductShare]
    /// Relationship-manager role that manages this tier's customers.
    public var managedBy: RoleID?
    /// Probability per month that a customer leaves with its balance.
    public var attritionPerMonth: Double
    /// Relative balance drift per month (0.01 = +1% a month).
    public var growthPerMonth: Double
    /// The tier's rates written as uncertain inputs (`share`, `reachable`, `attrition`,
    /// `growth`); the plain fields above then hold the input's mean (per month for attrition
    /// and growth). Empty when every rate is a number.
    public var uncertain: [TierInputKind: TierInput] = [:]

    public init(name: String, low: Double, high: Double?, share: Double, reachable: Double = 1, offbank: Double = 1,
                aum: Distribution? = nil, holds: [ProductShare] = [], managedBy: RoleID? = nil,
                attritionPerMonth: Double = 0, growthPerMonth: Double = 0) {
        self.name = name
        self.low = low
        self.high = high
        self.share = share
        self.reachable = reachable
        self.offbank = offbank
        self.aum = aum
        self.holds = holds
        self.managedBy = managedBy
        self.attritionPerMonth = attritionPerMonth
        self.growthPerMonth = growthPerMonth
    }

    public func contains(points: Double) -> Bool {
        points >= low && (high.map { points < $0 } ?? true)
    }
}

/// A tier rate that may be an uncertain input (docs/language.md, "Uncertain inputs").
public enum TierInputKind: String, Sendable, Hashable, CaseIterable {
    case share, reachable, attrition, growth
}

/// A tier rate written as an uncertain input: its distribution as written, whether a branch
/// wrote it (`branch B { tier T attrition uncertain(...) }`: the input `B.T.attrition`, else
/// the tier's `T.attrition`, shared by every branch that does not override it), and for
/// attrition and growth whether it was written `per year`.
public struct TierInput: Sendable, Hashable {
    public var distribution: InputDistribution
    public var atBranch: Bool
    public var perYear: Bool

    public init(distribution: InputDistribution, atBranch: Bool = false, perYear: Bool = false) {
        self.distribution = distribution
        self.atBranch = atBranch
        self.perYear = perYear
    }

}

/// `segment NAME share P [in TIER, ...]`: an independent tag.
public struct Segment: Sendable, Equatable {
    public var name: String
    /// Probability a customer carries the tag, per tier (count = number of tiers).
    /// Tiers the segment is not `in` have 0.
    public var shareByTier: [Double]

    public init(name: String, shareByTier: [Double]) {
        self.name = name
        self.shareByTier = shareByTier
    }
}

/// `product NAME points C [flat] [term D retain P]`.
public struct Product: Sendable, Equatable {
    public var name: String
    /// Points per yuan of balance (a coefficient, 折算系数), or, when `flat`,
    /// the fixed points a customer holding the product gets.
    public var points: Double
    /// A flat product counts `points` once if held, whatever its balance; in `buys`
    /// its share is the probability that a converting customer takes it, and it takes no money.
    public var flat: Bool
    /// Term of the product; at maturity the balance is retained with `retain`, else it leaves.
    public var term: CalendarDuration?
    public var retain: Double
    /// `margin M per year`: income per yuan of balance bought, per year (docs/model.md, Money).
    public var marginPerYear: Double = 0
    /// `fee F on purchase`: income per yuan bought, at purchase.
    public var feeOnPurchase: Double = 0
    /// The fee written as an uncertain input; `feeOnPurchase` is then its mean.
    public var feeUncertainty: InputDistribution?
    /// The margin written as an uncertain input, in the period written (`per month` when
    /// `marginUncertaintyPerMonth`); `marginPerYear` is then its mean per year.
    public var marginUncertainty: InputDistribution?
    public var marginUncertaintyPerMonth = false
    /// The retention at maturity written as an uncertain input; `retain` is then its mean.
    public var retainUncertainty: InputDistribution?

    public init(name: String, points: Double, flat: Bool = false, term: CalendarDuration? = nil, retain: Double = 1) {
        self.name = name
        self.points = points
        self.flat = flat
        self.term = term
        self.retain = retain
    }
}

public struct ProductShare: Sendable, Equatable {
    public var product: ProductID
    public var share: Double

    public init(product: ProductID, share: Double) {
        self.product = product
        self.share = share
    }
}

/// `role NAME hours H per week [capacity K customers]`: one FTE of a staff role.
public struct Role: Sendable, Equatable {
    public var name: String
    public var hoursPerWeek: Double
    /// Customers one FTE can manage (relationship capacity).
    public var capacityCustomers: Int?
    /// `cost Y per hour`: what an hour of the role's campaign work costs.
    public var costPerHour: Double = 0

    public init(name: String, hoursPerWeek: Double, capacityCustomers: Int? = nil) {
        self.name = name
        self.hoursPerWeek = hoursPerWeek
        self.capacityCustomers = capacityCustomers
    }
}

/// An outlet with its tier parameters resolved (scenario tiers with the branch's overrides).
public struct Branch: Sendable, Equatable {
    public var name: String
    public var customers: Int
    /// Staff on hand, FTE per role index. It may be shorter than the scenario's roles: the
    /// roles past its end have none (a file with 20,000 roles and 20,000 outlets would
    /// otherwise hold 400 million zeros). Read it through `staff(of:)`; write `setStaff`.
    public var staff: [Double]
    /// The tiers as this branch sees them: same count and ranges as `Scenario.tiers`,
    /// with `share`, `reachable`, `offbank`, `aum`, `holds`, attrition and growth
    /// possibly overridden by the branch (and `offbank Nx` on the branch applied).
    public var tiers: [Tier]

    public init(name: String, customers: Int, staff: [Double], tiers: [Tier]) {
        self.name = name
        self.customers = customers
        self.staff = staff
        self.tiers = tiers
    }

    /// FTE of role `role` on hand (0 past the end of `staff`).
    public func staff(of role: Int) -> Double { role < staff.count ? staff[role] : 0 }

    /// Sets the FTE of role `role`, growing `staff` with zeros as needed.
    public mutating func setStaff(_ fte: Double, role: Int) {
        if role >= staff.count { staff.append(contentsOf: repeatElement(0, count: role + 1 - staff.count)) }
        staff[role] = fte
    }
}

/// `network NAME { hub B  satellites B1, B2 }`.
public struct Network: Sendable, Equatable {
    public var name: String
    public var hub: BranchID
    public var satellites: [BranchID]

    public init(name: String, hub: BranchID, satellites: [BranchID]) {
        self.name = name
        self.hub = hub
        self.satellites = satellites
    }

    public var members: [BranchID] { [hub] + satellites }
}

public enum Channel: String, Sendable, Equatable, CaseIterable {
    case event, phone, ai_call, sms, wechat, lobby, visit, mgm
}

public enum Audience: String, Sendable, Equatable {
    /// Customers of the host branch only.
    case own
    /// Customers of every branch in the host branch's network.
    case network
}

/// A marketing campaign, resolved.
public struct Campaign: Sendable, Equatable {
    public var name: String
    public var channel: Channel?
    /// Host branches (resolved from `at BRANCH|all|hub|satellites`); one run of the
    /// campaign's occurrences per host branch.
    public var hosts: [BranchID]
    public var audience: Audience
    /// For `audience network`: the network each host belongs to (same count as `hosts`).
    public var hostNetworks: [NetworkID?]
    public var targets: [TargetWeight]
    /// Weights were written (`target potential 1/2, midhigh 1/2`): the contacts are split by
    /// them, equal or not. A plain list (`target A, B`) draws from the tiers' pools together
    /// when its weights are equal (docs/model.md, "Contacts").
    public var weightedTargets = false
    public var filter: TargetFilter?
    /// A `where` beyond one segment, band or maturity (holdings, hand-offs, life cycle,
    /// `and`/`or`/`not`); `filter` is then `nil`.
    public var condition: Condition?
    /// `rank by ...`: contacts go to the best-ranked eligible customers, not a random sample.
    public var rank: Ranking?
    public var frequency: Rate
    public var contacts: ContactCount
    public var funnel: [FunnelStage]
    public var capacity: StageCapacity?
    public var amount: Distribution?
    /// The amount's scale written as an uncertain input (`fixed uncertain(3万..5万)`,
    /// `lognormal(median triangular(3万, 4万, 6万), p90 20万)`, `share uncertain(20%..40%) of
    /// offbank`, `pareto(min uncertain(...), alpha A)`): `amount` then holds its mean.
    public var amountUncertainty: InputDistribution?
    /// `max offbank`: amounts are capped by what the customer still holds off-bank.
    public var capByOffbank: Bool
    public var buys: [ProductShare]
    public var cooldown: CalendarDuration?
    public var referrals: Referrals?
    public var effort: [Effort]
    public var cost: [Cost]
    public var starts: CalendarDuration
    public var ends: CalendarDuration?

    public init(name: String, channel: Channel? = nil, hosts: [BranchID], audience: Audience = .own,
                hostNetworks: [NetworkID?]? = nil, targets: [TargetWeight], filter: TargetFilter? = nil,
                frequency: Rate, contacts: ContactCount, funnel: [FunnelStage], capacity: StageCapacity? = nil,
                amount: Distribution? = nil, capByOffbank: Bool = false, buys: [ProductShare] = [],
                cooldown: CalendarDuration? = nil, referrals: Referrals? = nil, effort: [Effort] = [],
                cost: [Cost] = [], starts: CalendarDuration = .zero, ends: CalendarDuration? = nil,
                condition: Condition? = nil, rank: Ranking? = nil) {
        self.name = name
        self.condition = condition
        self.rank = rank
        self.channel = channel
        self.hosts = hosts
        self.audience = audience
        self.hostNetworks = hostNetworks ?? Array(repeating: nil, count: hosts.count)
        self.targets = targets
        self.filter = filter
        self.frequency = frequency
        self.contacts = contacts
        self.funnel = funnel
        self.capacity = capacity
        self.amount = amount
        self.capByOffbank = capByOffbank
        self.buys = buys
        self.cooldown = cooldown
        self.referrals = referrals
        self.effort = effort
        self.cost = cost
        self.starts = starts
        self.ends = ends
    }
}

/// One target tier and its weight in the guest list (weights are normalised to sum 1).
public struct TargetWeight: Sendable, Equatable {
    public var tier: TierID
    public var weight: Double

    public init(tier: TierID, weight: Double) {
        self.tier = tier
        self.weight = weight
    }
}

/// `where SEGMENT` or `where balance A..B` (in-bank balance, `[A, B)`), applied to the whole target.
public enum TargetFilter: Sendable, Equatable {
    case segment(SegmentID)
    case balance(low: Double, high: Double)
    /// Customers holding a product with a term that matures within the window (follow-up at maturity).
    case maturing(ProductID, within: CalendarDuration)
}

/// A campaign's `where` as a condition over a customer's state and history (docs/model.md,
/// "Journeys"). Campaigns and stages are named, not indexed: a hand-off from a campaign a
/// variant drops is never true in that variant.
public indirect enum Condition: Sendable, Equatable {
    case segment(SegmentID)
    /// In-bank balance in `[low, high)`.
    case balance(low: Double, high: Double)
    case maturing(ProductID, within: CalendarDuration)
    /// Holds the product: a balance above 0, or for a flat product, taken.
    case holds(ProductID)
    /// The number of products held (as `holds` counts them) compared with `count`.
    case products(Comparison, Int)
    /// The customer's last such event happened within the window (`nil`: ever in the run),
    /// counted back from the current step: `0 <= now - event <= window`.
    case event(CustomerEvent, within: CalendarDuration?)
    case and([Condition])
    case or([Condition])
    case not(Condition)
}

extension Condition {
    /// The events the condition names.
    public func collectEvents(into out: inout Set<CustomerEvent>) {
        switch self {
        case .event(let e, _): out.insert(e)
        case .and(let items), .or(let items): for x in items { x.collectEvents(into: &out) }
        case .not(let x): x.collectEvents(into: &out)
        case .segment, .balance, .maturing, .holds, .products: break
        }
    }
}

/// What a customer's history records.
public enum CustomerEvent: Sendable, Hashable {
    /// Contacted by the campaign (`nil`: by any campaign) in an occurrence that ran.
    case contacted(campaign: String?)
    /// Passed the campaign's funnel stage (after its seats).
    case passed(campaign: String, stage: String)
    /// Passed the campaign's whole funnel (converted).
    case converted(campaign: String)
    /// Joined the bank during the run (a referral); starting customers never did.
    case joined
    /// Moved to a higher (lower) tier.
    case upgraded
    case downgraded
}

public enum Comparison: String, Sendable, Equatable, CaseIterable {
    case greater = ">", greaterEqual = ">=", less = "<", lessEqual = "<=", equal = "==", notEqual = "!="

    public func holds(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .greater: return a > b
        case .greaterEqual: return a >= b
        case .less: return a < b
        case .lessEqual: return a <= b
        case .equal: return a == b
        case .notEqual: return a != b
        }
    }
}

/// `rank by gap | balance [desc|asc] | last_contact`: the order contacts are chosen in.
public enum Ranking: Sendable, Equatable {
    /// Points still missing to the next tier, fewest first (the top tier last).
    case gap
    /// In-bank balance, largest first when `descending`.
    case balance(descending: Bool)
    /// Longest since the last contact by any campaign first (never contacted first).
    case lastContact
}

public enum ContactCount: Sendable, Equatable {
    case count(Int)
    /// `contacts all`: the whole eligible pool (a mass SMS).
    case all
    /// `contacts N per ROLE`: N for each FTE of the role on hand at the host branch (`staff
    /// ROLE x`), rounded down: the "2053" routine is `contacts 20 per wealth_manager`.
    case perRole(Int, RoleID)
}

public struct FunnelStage: Sendable, Equatable {
    public var name: String
    /// Probability of passing, given the previous stage was passed.
    public var probability: Double
    /// When the rate is uncertain (`uncertain(35%..45%)`), its distribution: the rate is then
    /// drawn once per replication, and `probability` is the distribution's mean.
    public var uncertainty: InputDistribution?
    /// A stage named `reach` passes only reachable customers, then applies `probability`.
    public var isReach: Bool { name == "reach" }

    public init(name: String, probability: Double, uncertainty: InputDistribution? = nil) {
        self.name = name
        self.probability = probability
        self.uncertainty = uncertainty
    }
}

/// `capacity C at STAGE`: at most `limit` pass that stage in one occurrence.
public struct StageCapacity: Sendable, Equatable {
    public var limit: Int
    public var stage: Int

    public init(limit: Int, stage: Int) {
        self.limit = limit
        self.stage = stage
    }
}

/// Money distributions (yuan).
public enum Distribution: Sendable, Equatable {
    case fixed(Double)
    case uniform(Double, Double)
    /// Log-normal given its median and 90th percentile.
    case lognormal(median: Double, p90: Double)
    /// A share of what the customer holds off-bank now.
    case shareOfOffbank(Double)
    case pareto(min: Double, alpha: Double)

    /// The same distribution with its scale (the value an uncertain amount draws) set to `x`:
    /// `fixed X`, the share of `share P of offbank`, the median of `lognormal` (its p90 is
    /// kept; the engine keeps the written shape, `sigma`), the min of `pareto`. `uniform` has
    /// no single scale and is returned as it is.
    public func withScale(_ x: Double) -> Distribution {
        switch self {
        case .fixed: return .fixed(x)
        case .shareOfOffbank: return .shareOfOffbank(x)
        case .lognormal(_, let q): return .lognormal(median: x, p90: q)
        case .pareto(_, let a): return .pareto(min: x, alpha: a)
        case .uniform: return self
        }
    }
}

/// `referrals P new TIER`: each conversion brings a new customer with probability P.
public struct Referrals: Sendable, Equatable {
    public var probability: Double
    public var tier: TierID
    /// The probability written as an uncertain input; `probability` is then its mean.
    public var uncertainty: InputDistribution?

    public init(probability: Double, tier: TierID, uncertainty: InputDistribution? = nil) {
        self.probability = probability
        self.tier = tier
        self.uncertainty = uncertainty
    }
}

/// `effort UNIT ROLE [n x] DURATION`: role-minutes per unit.
public struct Effort: Sendable, Equatable {
    public enum Unit: Sendable, Equatable {
        case occurrence
        case contact
        case conversion
        /// Per customer who passes funnel stage `index`.
        case stage(Int)
    }

    public var unit: Unit
    public var role: RoleID
    public var people: Double
    public var minutes: Double

    public init(unit: Unit, role: RoleID, people: Double = 1, minutes: Double) {
        self.unit = unit
        self.role = role
        self.people = people
        self.minutes = minutes
    }

    /// Role-hours per unit.
    public var hours: Double { people * minutes / 60 }
}

/// `cost AMOUNT per occurrence|contact|conversion|month` or `cost AMOUNT once`.
public struct Cost: Sendable, Equatable {
    public enum Unit: String, Sendable, Equatable {
        case occurrence, contact, conversion
        /// Each month the campaign runs (pro rata per step).
        case month
        /// Once, in the campaign's first step.
        case once
    }

    public var amount: Double
    public var unit: Unit
    /// The amount written as an uncertain input; `amount` is then its mean.
    public var uncertainty: InputDistribution?

    public init(amount: Double, unit: Unit, uncertainty: InputDistribution? = nil) {
        self.amount = amount
        self.unit = unit
        self.uncertainty = uncertainty
    }
}

/// `policy max N contacts per PERIOD`: a rolling window across all campaigns.
public struct ContactPolicy: Sendable, Equatable {
    public var maxContacts: Int
    public var period: CalendarDuration

    public init(maxContacts: Int, period: CalendarDuration) {
        self.maxContacts = maxContacts
        self.period = period
    }
}
