@testable import BranchSimEngine
import BranchSimModel
import Testing

/// Outlet groups (docs/model.md, "Outlet groups"): which outlets form a group, that running a
/// replication group by group gives what the step-major reference gives bit for bit, and
/// that a worker holds one group's customers at a time.
@Suite struct OutletGroupTests {
    /// Five outlets: `a` and `b` each host their own campaigns, `hub` and `sat` form a network
    /// whose campaigns draw from both, `quiet` hosts nothing. Products with a fee and a margin,
    /// a role with an hourly cost and enforced staff, fixed costs of a campaign hosted in
    /// three groups, a term product, attrition, growth, referrals, cooldowns, a contact
    /// policy and a `where maturing` pool.
    static func scenario(seed: UInt64 = 42) -> Scenario {
        var s = Fixtures.small(customers: 1200, shares: [0.8, 0.2], horizon: .months(8), step: .week, runs: 4, seed: seed)
        s.products[1].feeOnPurchase = 0.004
        s.products[1].marginPerYear = 0.012
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(3), retain: 0.6))
        s.products[3].marginPerYear = 0.02
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.6), ProductShare(product: 3, share: 0.4)]
        s.tiers[0].attritionPerMonth = 0.01
        s.tiers[1].growthPerMonth = 0.01
        s.roles[0].costPerHour = 80
        s.branches = [Branch(name: "a", customers: 1200, staff: [1], tiers: s.tiers),
                      Branch(name: "b", customers: 800, staff: [0.5], tiers: s.tiers),
                      Branch(name: "hub", customers: 1500, staff: [2], tiers: s.tiers),
                      Branch(name: "sat", customers: 700, staff: [1], tiers: s.tiers),
                      Branch(name: "quiet", customers: 300, staff: [1], tiers: s.tiers)]
        s.networks = [Network(name: "city", hub: 2, satellites: [3])]
        s.policy = ContactPolicy(maxContacts: 3, period: .months(1))
        s.enforceStaff = true
        var calls = Fixtures.campaign("calls", target: [0, 1], contacts: .count(25), funnel: [("reach", 0.8), ("convert", 0.3)],
                                      amount: .lognormal(median: 20_000, p90: 80_000), capByOffbank: true,
                                      buys: [ProductShare(product: 1, share: 0.7), ProductShare(product: 3, share: 0.3)],
                                      cooldown: .weeks(6), referrals: Referrals(probability: 0.1, tier: 0),
                                      effort: [Effort(unit: .contact, role: 0, minutes: 60)],
                                      cost: [Cost(amount: 5000, unit: .once), Cost(amount: 1200, unit: .month),
                                             Cost(amount: 30, unit: .contact)])
        calls.hosts = [0, 1, 2]
        var event = Fixtures.campaign("event", target: [0, 1], frequency: Rate(count: 2, per: .month), contacts: .count(40),
                                      funnel: [("attend", 0.6), ("convert", 0.35)], capacity: StageCapacity(limit: 15, stage: 0),
                                      amount: .uniform(10_000, 60_000), buys: [ProductShare(product: 1, share: 1)],
                                      cooldown: .months(2), referrals: Referrals(probability: 0.2, tier: 0),
                                      effort: [Effort(unit: .occurrence, role: 0, people: 2, minutes: 120)],
                                      cost: [Cost(amount: 3000, unit: .occurrence)])
        event.audience = .network
        event.hosts = [2, 3]
        event.hostNetworks = [0, 0]
        var renew = Fixtures.campaign("renew", target: [0, 1], frequency: Rate(count: 1, per: .month), contacts: .all,
                                      funnel: [("convert", 0.3)], amount: .shareOfOffbank(0.2), capByOffbank: true,
                                      buys: [ProductShare(product: 3, share: 1)], filter: .maturing(3, within: .weeks(5)))
        renew.hosts = [1]
        s.campaigns = [calls, event, renew]
        return s
    }

    @Test func independentOutletsAndANetworkFormTheirGroups() throws {
        let plan = try SimulationPlan(Self.scenario())
        let groups = OutletGroups(plan)
        #expect(groups.branches == [[0], [1], [2, 3], [4]])
        #expect(groups.groupOf == [0, 1, 2, 2, 3])
        // `calls` at a, b and hub (hosts 0, 1, 2); `event` at hub and sat; `renew` at b.
        #expect(groups.hosts[0] == [[0], [], []])
        #expect(groups.hosts[1] == [[1], [], [0]])
        #expect(groups.hosts[2] == [[2], [0, 1], []])
        #expect(groups.hosts[3] == [[], [], []])
        #expect(groups.home == [0, 2, 1])
        // The shared hub-and-satellites: one network of every outlet, one group; its
        // standalone variant (every outlet its own audience): one group per outlet.
        #expect(OutletGroups(try SimulationPlan(Fixtures.hubAndSatellites())).branches == [[0, 1, 2, 3, 4]])
        #expect(OutletGroups(try SimulationPlan(Fixtures.hubAndSatellites(standalone: true))).count == 5)
    }

    /// Group by group equals step by step over every outlet, every metric, series value and
    /// draw count bit for bit, at several seeds; and on the shared scenarios.
    @Test func groupMajorEqualsStepMajor() throws {
        var scenarios: [(String, Scenario)] = [1, 7, 2026].map { ("five outlets, seed \($0)", Self.scenario(seed: $0)) }
        scenarios.append(("hub-and-satellites standalone", Fixtures.hubAndSatellites(standalone: true, runs: 4)))
        scenarios.append(("hub-and-satellites", Fixtures.hubAndSatellites(runs: 4)))
        scenarios.append(("potential-upgrade", Fixtures.potentialUpgrade(runs: 4)))
        for (label, scenario) in scenarios {
            let plan = try SimulationPlan(scenario)
            var fast = Replicator(plan: plan, seed: scenario.settings.seed, salt: 0)
            var reference = Replicator(plan: plan, seed: scenario.settings.seed, salt: 0, reference: .stepMajor)
            var worked = 0.0
            for i in 0..<4 {
                let a = fast.run(replication: i), b = reference.run(replication: i)
                let value = a.values.indices.first { a.values[$0].bitPattern != b.values[$0].bitPattern }
                let series = a.series.indices.first { a.series[$0].bitPattern != b.series[$0].bitPattern }
                #expect(a.values.count == b.values.count && a.series.count == b.series.count)
                #expect(value == nil, "\(label), replication \(i): \(value.map { plan.metrics[$0].key } ?? "-") differs")
                #expect(series == nil, "\(label), replication \(i): series value \(series ?? -1) differs")
                #expect(fast.draws == reference.draws, "\(label)")
                worked += a.values[plan.layout.totalConversions]
            }
            #expect(worked > 50, "\(label): the campaigns converted \(worked)")
        }
    }

    /// Every kind of figure the five-outlet scenario has was exercised: money, staff, fixed
    /// costs, paybacks, leavers, referrals, maturities (so the equality above covers them).
    @Test func theFiveOutletScenarioExercisesEveryAccumulation() throws {
        let plan = try SimulationPlan(Self.scenario())
        var w = Replicator(plan: plan, seed: 42, salt: 0)
        let r = w.run(replication: 0)
        let L = plan.layout
        for (name, slot) in [("revenue", L.revenue[0]), ("staff cost", L.staffCost[0]), ("left", L.leftCustomers),
                             ("new customers", L.newCustomers), ("cost", L.cost), ("payback", L.payback[0]),
                             ("unserved contacts", L.totalUnservedContacts), ("outlet hours", L.outletHours[0])] {
            #expect(r.values[slot] > 0, "\(name)")
        }
    }

    /// A worker reserves room for the largest group's customers, not every outlet's, and
    /// holds no more than one group's at a time.
    @Test func aWorkerHoldsOneGroupAtATime() throws {
        let plan = try SimulationPlan(Self.scenario())
        let groups = OutletGroups(plan)
        let perGroup = groups.branches.map { StartingCustomers(plan).storedCustomers(of: $0) }
        let w = Replicator(plan: plan, seed: 42, salt: 0)
        #expect(w.customers.key.reserved == perGroup.max())
        #expect(perGroup.max()! < StartingCustomers(plan).storedCustomers)
        let reference = Replicator(plan: plan, seed: 42, salt: 0, reference: .stepMajor)
        #expect(reference.customers.key.reserved == StartingCustomers(plan).storedCustomers)
        var running = Replicator(plan: plan, seed: 42, salt: 0)
        _ = running.run(replication: 0)
        // The largest group (hub and sat, 2,200 starting customers) and its referrals.
        #expect(running.heldPeak >= 2200 && running.heldPeak < 2600, "\(running.heldPeak)")
    }
}
