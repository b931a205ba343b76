import BranchSimModel
import Testing
@testable import BranchSimEngine

/// Journeys on small populations: each construct's meaning, worked out by hand (docs/model.md,
/// "Journeys").
@Suite struct JourneyEngineTests {
    /// Fixtures.small's products: deposit 0, fund 1, card 2 (flat); tiers low 0, high 1.
    static let deposit = 0, fund = 1, card = 2

    /// `src`: 50 contacts a week of the low tier in weeks 0 and 1 only, half pass `pass`,
    /// nobody twice (a cooldown longer than the run).
    static let source = Fixtures.campaign("src", target: [0], contacts: .count(50), funnel: [("pass", 0.5)],
                                          cooldown: .weeks(52), ends: .weeks(2))

    /// `dst`: every low customer who passed `src.pass` within `window`, each week, no cooldown.
    static func handOff(within window: CalendarDuration?) -> Campaign {
        var c = Fixtures.campaign("dst", target: [0], contacts: .all, funnel: [("convert", 0)])
        c.condition = .event(.passed(campaign: "src", stage: "pass"), within: window)
        return c
    }

    /// The window counts back from the step, both ends included: passers of week 0 are taken
    /// in weeks 0 (src runs first in the step), 1 and 2; those of week 1 in weeks 1, 2 and 3.
    /// So dst contacts exactly 3 x the passers, in every replication; and nobody else.
    @Test func handOffReachesPassersWithinTheWindowOnly() throws {
        let s = Fixtures.small(customers: 1000, campaigns: [Self.source, Self.handOff(within: .weeks(2))], horizon: .weeks(8), runs: 6)
        let r = try run(s, threads: 2)
        let passed = r.all("funnel.src.pass"), contacted = r.all("funnel.dst.contacts")
        #expect(passed.allSatisfy { $0 > 10 })
        #expect(contacted == passed.map { 3 * $0 })
    }

    /// A source declared after the hand-off runs later in the step: its passers of a step are
    /// seen from the next step on (weeks 1 and 2 for week 0's, weeks 2 and 3 for week 1's).
    @Test func sourceLaterInTheStepIsSeenNextStep() throws {
        let s = Fixtures.small(customers: 1000, campaigns: [Self.handOff(within: .weeks(2)), Self.source], horizon: .weeks(8), runs: 6)
        let r = try run(s, threads: 1)
        #expect(r.all("funnel.dst.contacts") == r.all("funnel.src.pass").map { 2 * $0 })
    }

    /// Without a window a hand-off lasts the whole run: week 0's passers are taken in all 8
    /// steps, week 1's in 7.
    @Test func handOffWithoutWindowLastsTheRun() throws {
        let s = Fixtures.small(customers: 1000, campaigns: [Self.source, Self.handOff(within: nil)], horizon: .weeks(8), runs: 4)
        let r = try run(s, threads: 1)
        // Week 0's passers are seen 8 times (weeks 0-7), week 1's 7 times (weeks 1-7).
        let passed = r.all("funnel.src.pass"), contacted = r.all("funnel.dst.contacts")
        for (p, c) in zip(passed, contacted) { #expect(c >= 7 * p && c <= 8 * p) }
    }

    /// `not passed`: those contacted by src but who did not pass, within the window.
    @Test func interestedButNotPassed() throws {
        var dst = Fixtures.campaign("dst", target: [0], contacts: .all, funnel: [("convert", 0)], cooldown: .weeks(52))
        dst.condition = .and([.event(.contacted(campaign: "src"), within: nil),
                              .not(.event(.passed(campaign: "src", stage: "pass"), within: nil))])
        let s = Fixtures.small(customers: 1000, campaigns: [Self.source, dst], horizon: .weeks(4), runs: 4)
        let r = try run(s, threads: 1)
        let contacts = r.all("funnel.src.contacts"), passed = r.all("funnel.src.pass")
        #expect(r.all("funnel.dst.contacts") == zip(contacts, passed).map { $0 - $1 })
    }

    /// `buys` adds holdings, so `where not holds fund` sells each customer one fund at most:
    /// the 500 low customers, 50 a week, all in 10 weeks, then nobody.
    @Test func holdingsFromBuys() throws {
        var c = Fixtures.campaign("fund", target: [0], contacts: .count(50), funnel: [("convert", 1)],
                                  amount: .fixed(1), buys: [ProductShare(product: Self.fund, share: 1)])
        c.condition = .not(.holds(Self.fund))
        // A second campaign for customers with two products (deposit and fund): the buyers.
        var b = Fixtures.campaign("second", target: [0], contacts: .all, funnel: [("convert", 0)], cooldown: .weeks(52))
        b.condition = .products(.greaterEqual, 2)
        let s = Fixtures.small(customers: 1000, campaigns: [c, b], horizon: .weeks(20), runs: 3)
        let r = try run(s, threads: 2)
        #expect(r.all("conversions.fund") == [500, 500, 500])
        #expect(r.all("funnel.fund.contacts") == [500, 500, 500])
        #expect(r.all("funnel.second.contacts") == [500, 500, 500])
    }

    /// `new within`: only referred customers, each in the step it joins (the referring
    /// campaign runs first) and, with a long cooldown, once.
    @Test func newCustomersAreReferralsOnly() throws {
        let mgm = Fixtures.campaign("mgm", target: [0], contacts: .count(40), funnel: [("convert", 0.5)],
                                    amount: .fixed(1), cooldown: .weeks(52), referrals: Referrals(probability: 0.5, tier: 0))
        var welcome = Fixtures.campaign("welcome", target: [0, 1], contacts: .all, funnel: [("convert", 0)], cooldown: .weeks(52))
        welcome.condition = .event(.joined, within: .months(3))
        let s = Fixtures.small(customers: 1000, campaigns: [mgm, welcome], horizon: .weeks(10), runs: 4)
        let r = try run(s, threads: 2)
        #expect(r.all("new_customers").allSatisfy { $0 > 0 })
        #expect(r.all("funnel.welcome.contacts") == r.all("new_customers"))
    }

    /// `upgraded within`: those a conversion lifted to the high tier, in that step.
    @Test func upgradedWithin() throws {
        let lift = Fixtures.campaign("lift", target: [0], contacts: .count(20), funnel: [("convert", 0.5)],
                                     amount: .fixed(60_000), cooldown: .weeks(52))
        var care = Fixtures.campaign("care", target: [1], contacts: .all, funnel: [("convert", 0)], cooldown: .weeks(52))
        care.condition = .event(.upgraded, within: .weeks(1))
        let s = Fixtures.small(customers: 1000, campaigns: [lift, care], horizon: .weeks(6), runs: 4)
        let r = try run(s, threads: 1)
        #expect(r.all("upgrades").allSatisfy { $0 > 0 })
        #expect(r.all("funnel.care.contacts") == r.all("upgrades"))
    }

    /// `rank by gap` contacts the customers with the fewest points missing to the next tier.
    @Test func rankByGapPicksTheSmallestGaps() throws {
        var c = Fixtures.campaign("near", target: [0], contacts: .count(25), funnel: [("convert", 0)])
        c.rank = .gap
        let s = Fixtures.small(customers: 2000, campaigns: [c], horizon: .weeks(1), runs: 1)
        let plan = try SimulationPlan(s)
        var w = Replicator(plan: plan, seed: 7, salt: 0)
        _ = w.run(replication: 0)
        let chosen = Set((0..<w.occurrence.contacts.count).map { Int(w.occurrence.contacts[$0]) })
        #expect(chosen.count == 25)
        let low = (0..<w.customers.count).filter { w.customers.alive[$0] && w.customers.tier[$0] == 0 }
        let byGap = low.sorted { w.customers.points[$0] > w.customers.points[$1] }
        #expect(chosen == Set(byGap.prefix(25)))
    }

    /// `rank by balance desc` and `rank by last_contact` order as they say.
    @Test func rankByBalanceAndLastContact() throws {
        var rich = Fixtures.campaign("rich", target: [0], contacts: .count(10), funnel: [("convert", 0)])
        rich.rank = .balance(descending: true)
        let s = Fixtures.small(customers: 500, campaigns: [rich], horizon: .weeks(1), runs: 1)
        var w = Replicator(plan: try SimulationPlan(s), seed: 3, salt: 0)
        _ = w.run(replication: 0)
        let chosen = Set((0..<w.occurrence.contacts.count).map { Int(w.occurrence.contacts[$0]) })
        let low = (0..<w.customers.count).filter { w.customers.tier[$0] == 0 }
        #expect(chosen == Set(low.sorted { w.customers.total[$0] > w.customers.total[$1] }.prefix(10)))

        // Ranked by last contact, 100 a week over a pool of 250 rotates through it: nobody is
        // called a second time before everyone has been called once.
        var rotate = Fixtures.campaign("rotate", target: [0], contacts: .count(100), funnel: [("convert", 0)])
        rotate.rank = .lastContact
        var ever = Fixtures.campaign("ever", target: [0], contacts: .all, funnel: [("convert", 0)], cooldown: .weeks(52))
        ever.condition = .event(.contacted(campaign: "rotate"), within: nil)
        let r = try run(Fixtures.small(customers: 500, campaigns: [rotate, ever], horizon: .weeks(2), runs: 2), threads: 1)
        // After weeks 0 and 1 (200 calls), 200 distinct customers have been called.
        #expect(r.all("funnel.ever.contacts") == [200, 200])
    }

    /// Common random numbers: dropping a campaign that does not touch the chain leaves the
    /// chain's decisions (and so its counts) the same bit for bit; dropping the source leaves
    /// the hand-off nobody.
    @Test func commonRandomNumbersAcrossVariants() throws {
        var dst = Fixtures.campaign("dst", target: [0], contacts: .count(15), funnel: [("convert", 0.4)],
                                    amount: .fixed(1000), cooldown: .weeks(4))
        dst.condition = .event(.passed(campaign: "src", stage: "pass"), within: .weeks(2))
        let other = Fixtures.campaign("other", target: [1], contacts: .count(30), funnel: [("convert", 0.3)], amount: .fixed(5000))
        var src = Self.source
        src.ends = nil
        let base = Fixtures.small(customers: 1500, campaigns: [other, src, dst], horizon: .weeks(12), runs: 8)
        var withoutOther = base
        withoutOther.campaigns.removeFirst()
        var withoutSource = base
        withoutSource.campaigns.remove(at: 1)
        let a = try run(base, threads: 2), b = try run(withoutOther, threads: 1), c = try run(withoutSource, threads: 2)
        for key in ["funnel.dst.contacts", "funnel.dst.convert", "funnel.src.pass"] { #expect(a.all(key) == b.all(key), "\(key)") }
        #expect(a.all("funnel.dst.contacts").allSatisfy { $0 > 0 })
        #expect(c.all("funnel.dst.contacts").allSatisfy { $0 == 0 })
        #expect(a.all("funnel.other.convert") == c.all("funnel.other.convert"))
    }

    /// The same results on any number of threads and any slicing of the replications.
    @Test func threadsAndSlicesAgree() throws {
        var dst = Self.handOff(within: .weeks(3))
        dst.contacts = .count(12)
        dst.rank = .gap
        dst.condition = .and([dst.condition!, .not(.holds(Self.fund))])
        dst.funnel = [FunnelStage(name: "convert", probability: 0.3)]
        dst.amount = .fixed(2000)
        dst.buys = [ProductShare(product: Self.fund, share: 1)]
        var src = Self.source
        src.ends = nil
        src.cooldown = .weeks(3)
        let s = Fixtures.small(customers: 1200, campaigns: [src, dst], horizon: .weeks(16), runs: 6)
        let one = try run(s, threads: 1), two = try run(s, threads: 2)
        let sliced = try run(s, threads: 2, replications: 3..<6)
        #expect(one.replications.map(\.values) == two.replications.map(\.values))
        #expect(Array(one.replications[3...].map(\.values)) == sliced.replications.map(\.values))
    }
}
