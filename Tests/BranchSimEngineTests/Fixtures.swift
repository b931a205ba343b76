import BranchSimModel

/// Scenarios built by hand (the parser is written in parallel): the three shared acceptance
/// scenarios as `Scenario` values, and small ones whose results can be worked out by hand.
enum Fixtures {
    static let longtail = 0, potential = 1, midhigh = 2, privateTier = 3

    /// The playbook tiers: long-tail below 5万, potential 5万-20万, mid/high 20万-600万, private above.
    static func tiers(reachable: [Double] = [0.6, 0.75, 0.9, 0.98], managedBy: [RoleID?] = [nil, nil, nil, nil],
                      shares: [Double] = [0.91, 0.06, 0.025, 0.005]) -> [Tier] {
        [
            Tier(name: "longtail", low: 0, high: 50_000, share: shares[0], reachable: reachable[0], managedBy: managedBy[0]),
            Tier(name: "potential", low: 50_000, high: 200_000, share: shares[1], reachable: reachable[1], managedBy: managedBy[1]),
            Tier(name: "midhigh", low: 200_000, high: 6_000_000, share: shares[2], reachable: reachable[2], managedBy: managedBy[2]),
            Tier(name: "private", low: 6_000_000, high: nil, share: shares[3], reachable: reachable[3], managedBy: managedBy[3]),
        ]
    }

    // MARK: - The shared acceptance scenarios

    /// scenarios/potential-upgrade.bsim
    static func potentialUpgrade(runs: Int = 2000) -> Scenario {
        let cm = 2
        let t = tiers(managedBy: [nil, nil, cm, cm])
        let products = [
            Product(name: "deposit", points: 1.0), Product(name: "wealth", points: 1.0),
            Product(name: "fund", points: 1.2), Product(name: "insurance", points: 1.5),
            Product(name: "card", points: 5000, flat: true),
        ]
        let roles = [
            Role(name: "wealth_manager", hoursPerWeek: 40), Role(name: "lobby_manager", hoursPerWeek: 40),
            Role(name: "customer_manager", hoursPerWeek: 40, capacityCustomers: 600),
        ]
        let branch = Branch(name: "downtown", customers: 20_000, staff: [2, 1, 1], tiers: t)
        let meeting = Campaign(
            name: "upgrade_meeting", channel: .event, hosts: [0], targets: [TargetWeight(tier: potential, weight: 1)],
            frequency: Rate(count: 2, per: .week), contacts: .count(40),
            funnel: [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "accept", probability: 0.45),
                     FunnelStage(name: "attend", probability: 0.70), FunnelStage(name: "convert", probability: 0.40)],
            capacity: StageCapacity(limit: 20, stage: 2),
            amount: .lognormal(median: 60_000, p90: 200_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.5), ProductShare(product: 1, share: 0.3), ProductShare(product: 2, share: 0.2)],
            cooldown: .weeks(8),
            effort: [Effort(unit: .occurrence, role: 0, minutes: 60), Effort(unit: .occurrence, role: 1, minutes: 60),
                     Effort(unit: .contact, role: 0, minutes: 6), Effort(unit: .conversion, role: 0, minutes: 30)],
            cost: [Cost(amount: 1500, unit: .occurrence)])
        return Scenario(
            title: "Potential-tier upgrade meetings",
            settings: RunSettings(horizon: .months(12), step: .week, runs: .fixed(runs), seed: 20_190_201),
            tiers: t, products: products, roles: roles, branches: [branch], campaigns: [meeting])
    }

    /// scenarios/channels-631.bsim
    static func channels631(runs: Int = 1000) -> Scenario {
        let t = tiers()
        let products = [Product(name: "deposit", points: 1.0), Product(name: "wealth", points: 1.0),
                        Product(name: "card", points: 5000, flat: true)]
        let roles = [Role(name: "wealth_manager", hoursPerWeek: 40), Role(name: "lobby_manager", hoursPerWeek: 40)]
        let wm = 0, lm = 1
        let branch = Branch(name: "tonghua", customers: 20_000, staff: [2, 1], tiers: t)
        func funnel(_ stages: [(String, Double)]) -> [FunnelStage] { stages.map { FunnelStage(name: $0.0, probability: $0.1) } }
        let outbound = Campaign(
            name: "smart_outbound", channel: .ai_call, hosts: [0], targets: [TargetWeight(tier: longtail, weight: 1)],
            filter: .balance(low: 30_000, high: 40_000), frequency: Rate(count: 1, per: .workday), contacts: .count(150),
            funnel: funnel([("reach", 1), ("answer_10s", 0.25), ("staff_call", 0.8), ("convert", 0.15)]),
            amount: .uniform(10_000, 50_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.7), ProductShare(product: 1, share: 0.3)], cooldown: .months(1),
            effort: [Effort(unit: .stage(2), role: wm, minutes: 8)], cost: [Cost(amount: 0.3, unit: .contact)])
        let quota = Campaign(
            name: "phone_quota", channel: .phone, hosts: [0], targets: [TargetWeight(tier: longtail, weight: 1)],
            filter: .balance(low: 40_000, high: 50_000), frequency: Rate(count: 1, per: .workday), contacts: .count(20),
            funnel: funnel([("reach", 1), ("appointment", 0.2), ("convert", 0.35)]),
            amount: .lognormal(median: 30_000, p90: 120_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.5), ProductShare(product: 1, share: 0.5)], cooldown: .months(2),
            effort: [Effort(unit: .contact, role: wm, minutes: 5), Effort(unit: .conversion, role: wm, minutes: 40)])
        let lobby = Campaign(
            name: "lobby_referral", channel: .lobby, hosts: [0],
            targets: [TargetWeight(tier: longtail, weight: 1), TargetWeight(tier: potential, weight: 1)],
            frequency: Rate(count: 1, per: .workday), contacts: .count(60),
            funnel: funnel([("reach", 1), ("referred", 0.3), ("convert", 0.2)]),
            amount: .lognormal(median: 20_000, p90: 100_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.6), ProductShare(product: 1, share: 0.3), ProductShare(product: 2, share: 0.1)],
            effort: [Effort(unit: .stage(1), role: lm, minutes: 3), Effort(unit: .conversion, role: wm, minutes: 30)])
        let payroll = Campaign(
            name: "payroll_visit", channel: .visit, hosts: [0], targets: (0..<4).map { TargetWeight(tier: $0, weight: 1) },
            filter: .segment(0), frequency: Rate(count: 1, per: .week), contacts: .count(80),
            funnel: funnel([("reach", 1), ("attend", 0.5), ("convert", 0.2)]),
            amount: .shareOfOffbank(0.3),
            buys: [ProductShare(product: 0, share: 0.5), ProductShare(product: 1, share: 0.4), ProductShare(product: 2, share: 0.1)],
            referrals: Referrals(probability: 0.15, tier: longtail),
            effort: [Effort(unit: .occurrence, role: wm, people: 2, minutes: 120)], cost: [Cost(amount: 500, unit: .occurrence)])
        return Scenario(
            title: "631 channels, one branch",
            settings: RunSettings(horizon: .months(6), step: .week, runs: .fixed(runs), seed: 631),
            tiers: t, segments: [Segment(name: "payroll", shareByTier: [0.25, 0.25, 0.25, 0.25])],
            products: products, roles: roles, branches: [branch],
            campaigns: [outbound, quota, lobby, payroll],
            policy: ContactPolicy(maxContacts: 2, period: .month), enforceStaff: true)
    }

    /// scenarios/hub-and-satellites.bsim: the base (`standalone: false`) or the variant.
    static func hubAndSatellites(standalone: Bool = false, runs: Int = 1000) -> Scenario {
        let t = tiers()
        let products = [Product(name: "deposit", points: 1.0), Product(name: "wealth", points: 1.0),
                        Product(name: "fund", points: 1.2)]
        let roles = [Role(name: "wealth_manager", hoursPerWeek: 40), Role(name: "lobby_manager", hoursPerWeek: 40)]
        let spec: [(String, Int, [Double])] = [
            ("education_base", 30_000, [3, 2]), ("little_bankers", 18_000, [1, 1]), ("film_club", 15_000, [1, 1]),
            ("healthy_living", 20_000, [1, 1]), ("car_club", 17_000, [1, 1]),
        ]
        let branches = spec.map { Branch(name: $0.0, customers: $0.1, staff: $0.2, tiers: t) }
        let network = Network(name: "city", hub: 0, satellites: [1, 2, 3, 4])
        let targets = [TargetWeight(tier: potential, weight: 2.0 / 3), TargetWeight(tier: midhigh, weight: 1.0 / 3)]
        let themedFunnel = standalone ? [0.3, 0.7, 0.3] : [0.4, 0.75, 0.35]
        let themed = Campaign(
            name: "themed_event", channel: .event, hosts: standalone ? [0, 1, 2, 3, 4] : [1, 2, 3, 4],
            audience: standalone ? .own : .network, hostNetworks: standalone ? nil : [0, 0, 0, 0],
            targets: targets, frequency: Rate(count: 2, per: .month), contacts: .count(45),
            funnel: [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "accept", probability: themedFunnel[0]),
                     FunnelStage(name: "attend", probability: themedFunnel[1]), FunnelStage(name: "convert", probability: themedFunnel[2])],
            capacity: StageCapacity(limit: 15, stage: 2),
            amount: .lognormal(median: 50_000, p90: 250_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.4), ProductShare(product: 1, share: 0.4), ProductShare(product: 2, share: 0.2)],
            cooldown: .months(3), referrals: Referrals(probability: standalone ? 0 : 0.1, tier: potential),
            effort: [Effort(unit: .occurrence, role: 0, people: 2, minutes: 90), Effort(unit: .occurrence, role: 1, people: 1, minutes: 90)],
            cost: [Cost(amount: 3000, unit: .occurrence)])
        let salon = Campaign(
            name: "hub_salon", channel: .event, hosts: [0], audience: .network, hostNetworks: [0],
            targets: targets, frequency: Rate(count: 1, per: .month), contacts: .count(200),
            funnel: [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "accept", probability: 0.35),
                     FunnelStage(name: "attend", probability: 0.7), FunnelStage(name: "convert", probability: 0.3)],
            capacity: StageCapacity(limit: 60, stage: 2),
            amount: .lognormal(median: 80_000, p90: 400_000), capByOffbank: true,
            buys: [ProductShare(product: 0, share: 0.3), ProductShare(product: 1, share: 0.5), ProductShare(product: 2, share: 0.2)],
            cooldown: .months(3),
            effort: [Effort(unit: .occurrence, role: 0, people: 4, minutes: 180), Effort(unit: .occurrence, role: 1, people: 2, minutes: 180)],
            cost: [Cost(amount: 12_000, unit: .occurrence)])
        return Scenario(
            title: "Hub and satellites",
            settings: RunSettings(horizon: .months(12), step: .week, runs: .fixed(runs), seed: 7),
            tiers: t, products: products, roles: roles, branches: branches,
            networks: standalone ? [] : [network], campaigns: standalone ? [themed] : [themed, salon])
    }

    // MARK: - Small hand-checkable scenarios

    /// One branch of `customers`, two tiers (below 50k / from 50k), deposit and a fund at
    /// 1.2 points per yuan and a flat card of 5000 points; one role of 40 h a week.
    static func small(customers: Int = 1000, shares: [Double] = [0.5, 0.5], reachable: [Double] = [1, 1],
                      aum: [Distribution?] = [nil, nil], campaigns: [Campaign] = [], horizon: CalendarDuration = .months(12),
                      step: StepUnit = .week, runs: Int = 20, staff: Double = 1, seed: UInt64 = 42) -> Scenario {
        let t = [
            Tier(name: "low", low: 0, high: 50_000, share: shares[0], reachable: reachable[0], aum: aum[0]),
            Tier(name: "high", low: 50_000, high: nil, share: shares[1], reachable: reachable[1], aum: aum[1]),
        ]
        return Scenario(
            title: "small", settings: RunSettings(horizon: horizon, step: step, runs: .fixed(runs), seed: seed),
            tiers: t,
            products: [Product(name: "deposit", points: 1), Product(name: "fund", points: 1.2),
                       Product(name: "card", points: 5000, flat: true)],
            roles: [Role(name: "rm", hoursPerWeek: 40)],
            branches: [Branch(name: "b", customers: customers, staff: [staff], tiers: t)],
            campaigns: campaigns)
    }

    static func campaign(_ name: String = "c", target: [Int] = [0], frequency: Rate = Rate(count: 1, per: .week),
                         contacts: ContactCount = .count(10), funnel: [(String, Double)] = [("convert", 1)],
                         capacity: StageCapacity? = nil, amount: Distribution? = nil, capByOffbank: Bool = false,
                         buys: [ProductShare] = [], cooldown: CalendarDuration? = nil, referrals: Referrals? = nil,
                         effort: [Effort] = [], cost: [Cost] = [], filter: TargetFilter? = nil,
                         starts: CalendarDuration = .zero, ends: CalendarDuration? = nil) -> Campaign {
        Campaign(name: name, hosts: [0], targets: target.map { TargetWeight(tier: $0, weight: 1) }, filter: filter,
                 frequency: frequency, contacts: contacts, funnel: funnel.map { FunnelStage(name: $0.0, probability: $0.1) },
                 capacity: capacity, amount: amount, capByOffbank: capByOffbank, buys: buys, cooldown: cooldown,
                 referrals: referrals, effort: effort, cost: cost, starts: starts, ends: ends)
    }
}
