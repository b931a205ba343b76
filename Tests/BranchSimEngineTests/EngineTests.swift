import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

func run(_ s: Scenario, runs: Int? = nil, threads: Int = 2, seed: UInt64? = nil,
         replications: Range<Int>? = nil, salt: UInt64 = 0) throws -> RunResult {
    try Engine.run(s, label: "base", options: RunOptions(
        replications: replications, runs: runs.map { .fixed($0) }, seed: seed, threads: threads, streamSalt: salt))
}

extension RunResult {
    func mean(_ key: String) -> Double {
        guard let s = summary(of: key) else { Issue.record("no metric \(key)"); return .nan }
        return s.mean
    }

    func all(_ key: String) -> [Double] {
        guard let v = values(of: key) else { Issue.record("no metric \(key)"); return [] }
        return v
    }
}

@Suite struct PlanTests {
    @Test func largestRemainderOfThePlaybookMix() {
        #expect(SimulationPlan.largestRemainder(total: 20_000, weights: [0.91, 0.06, 0.025, 0.005]) == [18_200, 1_200, 500, 100])
        // 1001 x (0.91, 0.06, 0.025, 0.005) = 910.91, 60.06, 25.025, 5.005: the one left goes to the largest remainder.
        #expect(SimulationPlan.largestRemainder(total: 1001, weights: [0.91, 0.06, 0.025, 0.005]) == [911, 60, 25, 5])
        #expect(SimulationPlan.largestRemainder(total: 10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(SimulationPlan.largestRemainder(total: 7, weights: [2.0 / 3, 1.0 / 3]) == [5, 2])
        #expect(SimulationPlan.largestRemainder(total: 0, weights: [1]) == [0])
    }

    /// `contacts all` over several target tiers (a mass SMS to two tiers) once trapped while
    /// the plan split its count, Int.max, over the tiers; it works the union pool instead.
    @Test func contactsAllOverSeveralTiersRuns() throws {
        let sms = Fixtures.campaign("sms", target: [0, 1], contacts: .all, funnel: [("convert", 0.1)],
                                    amount: .fixed(1_000), buys: [ProductShare(product: 0, share: 1)], cooldown: .weeks(4))
        var weighted = sms
        weighted.name = "weighted"
        weighted.targets = [TargetWeight(tier: 0, weight: 2), TargetWeight(tier: 1, weight: 1)]
        let s = Fixtures.small(customers: 400, campaigns: [sms, weighted], horizon: .months(2), runs: 2)
        let r = try run(s, runs: 2, threads: 1)
        // Every customer is contacted at the first occurrence of each campaign (then cools down).
        let contacts = try #require(r.summary(of: "funnel.sms.contacts"))
        #expect(contacts.mean >= 400)
        #expect(try #require(r.summary(of: "funnel.weighted.contacts")).mean >= 400)
    }

    @Test func metricsAndSeriesFollowTheCatalogue() throws {
        for s in [Fixtures.potentialUpgrade(), Fixtures.channels631(), Fixtures.hubAndSatellites(),
                  Fixtures.hubAndSatellites(standalone: true)] {
            let r = try run(s, runs: 1, threads: 1)
            #expect(r.metrics == MetricCatalog.metrics(for: s))
            #expect(r.series == MetricCatalog.series(for: s))
            #expect(r.replications[0].values.count == r.metrics.count)
            #expect(r.replications[0].series.count == r.series.count * s.steps)
            #expect(r.replications[0].values.allSatisfy { $0.isFinite })
        }
    }

    @Test func startingPopulationUsesLargestRemainderAndTierRanges() throws {
        let s = Fixtures.potentialUpgrade()
        var noCampaigns = s
        noCampaigns.campaigns = []
        let r = try run(noCampaigns, runs: 2, threads: 1)
        for (t, n) in [("longtail", 18_200.0), ("potential", 1_200), ("midhigh", 500), ("private", 100)] {
            #expect(r.series("customers.\(t)", replication: 0)?.first == n)
            #expect(r.mean("migration.\(t).\(t)") == n)
        }
        #expect(r.mean("upgrades") == 0)
        #expect(r.mean("uplift") == 0)
        // Managed FTE: (500 + 100) customers / 600 per manager = 1.
        #expect(abs(r.mean("staffing.customer_manager.managed_fte") - 1) < 1e-12)
        #expect(r.mean("staffing.customer_manager.available") == 1)
        // Default distributions: potential log-uniform over [50k, 200k): mean (200k-50k)/ln 4.
        let aumPotential = r.series("aum.potential", replication: 0)!.first! / 1200
        #expect(abs(aumPotential / (150_000 / log(4.0)) - 1) < 0.05)
    }

    @Test func invalidScenariosAreRejected() {
        var s = Fixtures.small()
        s.tiers = []
        #expect(throws: EngineError.self) { try run(s) }
        var t = Fixtures.small(campaigns: [Fixtures.campaign()])
        t.campaigns[0].hosts = [3]
        #expect(throws: EngineError.self) { try run(t) }
    }
}

@Suite struct HandWorkedTests {
    /// A deterministic funnel (every stage 100%): conversions are exactly occurrences x contacts.
    @Test func carriedFrequencyGivesTwelveMonthlyOccurrencesOnWeeklySteps() throws {
        let c = Fixtures.campaign(frequency: Rate(count: 1, per: .month), contacts: .count(3),
                                  effort: [Effort(unit: .occurrence, role: 0, minutes: 120)])
        let r = try run(Fixtures.small(campaigns: [c], runs: 3))
        #expect(r.all("occurrences.c") == [12, 12, 12])
        #expect(r.all("conversions.c") == [36, 36, 36])
        #expect(r.all("staffing.rm.hours") == [24, 24, 24])
    }

    @Test func exactStaffingHoursFromOccurrenceEffort() throws {
        // 2 per week x 1 h (two people x 30 min) over 52 weeks = 104 h; FTE per step = 2 h / 40 h.
        let c = Fixtures.campaign(frequency: Rate(count: 2, per: .week), contacts: .count(0),
                                  effort: [Effort(unit: .occurrence, role: 0, people: 2, minutes: 30)],
                                  cost: [Cost(amount: 100, unit: .occurrence)])
        let r = try run(Fixtures.small(campaigns: [c], runs: 2))
        #expect(r.all("staffing.rm.hours") == [104, 104])
        #expect(r.all("staffing.rm.fte").allSatisfy { abs($0 - 0.05) < 1e-12 })
        #expect(r.all("staffing.rm.peak_fte").allSatisfy { abs($0 - 0.05) < 1e-12 })
        #expect(r.all("cost") == [10_400, 10_400])
        #expect(r.all("uplift_per_cost") == [0, 0])
        #expect(r.series("hours.rm", replication: 0)!.allSatisfy { $0 == 2 })
        #expect(r.series("cost", replication: 1)!.allSatisfy { $0 == 200 })
    }

    @Test func capacityTurnsAwayTheRest() throws {
        let c = Fixtures.campaign(contacts: .count(20), funnel: [("invite", 1), ("attend", 1), ("convert", 1)],
                                  capacity: StageCapacity(limit: 5, stage: 1))
        let r = try run(Fixtures.small(campaigns: [c], runs: 2))
        #expect(r.all("occurrences.c") == [52, 52])
        #expect(r.all("funnel.c.contacts") == [1040, 1040])
        #expect(r.all("funnel.c.invite") == [1040, 1040])
        #expect(r.all("funnel.c.attend") == [260, 260])
        #expect(r.all("turned_away.c") == [780, 780])
        #expect(r.all("turned_away") == [780, 780])
        #expect(r.all("conversions") == [260, 260])
    }

    @Test func reachStagePassesOnlyReachableCustomers() throws {
        // reachable 60%, reach 100%: about 60% of contacts pass; a stage of another name ignores reachability.
        let c = Fixtures.campaign(contacts: .count(100), funnel: [("reach", 1), ("convert", 0)])
        let d = Fixtures.campaign("d", contacts: .count(100), funnel: [("call", 1)])
        let r = try run(Fixtures.small(customers: 4000, reachable: [0.6, 0.6], campaigns: [c, d], runs: 4))
        let share = r.mean("funnel.c.reach") / r.mean("funnel.c.contacts")
        // 5200 contacts per replication over 2000 customers; the share reachable in the
        // population is binomial around 60% (sd ~1.1%).
        #expect(abs(share - 0.6) < 0.04)
        #expect(r.mean("funnel.d.call") == 5200)
    }

    @Test func fundCoefficientPushesA45kCustomerIntoTheNextTier() throws {
        // Everyone in `low` holds exactly 45k in deposits; they buy 4,500 of a fund at 1.2 points:
        // 45,000 + 5,400 = 50,400 points, over the 50k line. With a deposit (1.0) they stay below.
        let fund = Fixtures.campaign(contacts: .all, amount: .fixed(4_500), buys: [ProductShare(product: 1, share: 1)],
                                     ends: .weeks(1))
        let deposit = Fixtures.campaign(contacts: .all, amount: .fixed(4_500), buys: [ProductShare(product: 0, share: 1)],
                                        ends: .weeks(1))
        let s1 = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(45_000), nil], campaigns: [fund], runs: 1)
        let s2 = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(45_000), nil], campaigns: [deposit], runs: 1)
        let r1 = try run(s1), r2 = try run(s2)
        #expect(r1.all("conversions") == [100])
        #expect(r1.all("upgrades.low_to_high") == [100])
        #expect(r1.all("uplift") == [450_000])
        #expect(r2.all("upgrades") == [0])
        #expect(r2.all("uplift") == [450_000])
        #expect(r2.all("migration.low.low") == [100])
    }

    @Test func flatCardTipsA46kCustomerOver50k() throws {
        // A card counts 5000 points once and takes no money: 46k + 5k = 51k points.
        let card = Fixtures.campaign(contacts: .all, amount: .fixed(10_000), buys: [ProductShare(product: 2, share: 1)],
                                     ends: .weeks(1))
        let s = Fixtures.small(customers: 50, shares: [1, 0], aum: [.fixed(46_000), nil], campaigns: [card], runs: 1)
        let r = try run(s)
        #expect(r.all("upgrades") == [50])
        #expect(r.all("uplift") == [0])
        #expect(r.all("aum.start") == [2_300_000])
    }

    @Test func expectedConversionsUpliftAndUpgradesWithinTheirBands() throws {
        // 1000 customers in `low` at exactly 40k; 30 contacts a week, no cooldown; the funnel
        // passes 0.5 x 0.4 = 20%; each conversion brings a fixed 20k into deposits (-> 60k, `high`).
        // Expected conversions per replication 52 x 30 x 0.2 = 312.
        let c = Fixtures.campaign(contacts: .count(30), funnel: [("accept", 0.5), ("convert", 0.4)],
                                  amount: .fixed(20_000))
        let s = Fixtures.small(shares: [1, 0], aum: [.fixed(40_000), nil], campaigns: [c], runs: 40)
        let r = try run(s)
        let conv = try #require(r.summary(of: "conversions"))
        // Binomial(1560, 0.2): sd 15.8 per replication.
        #expect(abs(conv.mean - 312) < 4 * 15.8 / 40.0.squareRoot())
        #expect(abs(conv.sd - 15.8) < 6)
        #expect(abs(r.mean("funnel.c.accept") - 780) < 4 * 19.7 / 40.0.squareRoot())
        // Uplift is exactly 20k per conversion; upgrades are the distinct converters.
        for rep in r.replications {
            let v = { (k: String) in rep.values[r.metricIndex(k)!] }
            #expect(v("uplift") == 20_000 * v("conversions"))
            #expect(v("upgrades") == v("migration.low.high"))
        }
        // Every converter moves to `high` and leaves the target pool: upgrades = conversions.
        #expect(r.all("upgrades") == r.all("conversions"))
    }

    @Test func weightedTargetsSplitContactsByLargestRemainder() throws {
        // 2/3 low, 1/3 high of 10 contacts: 7 and 3 (largest remainder), per occurrence.
        var c = Fixtures.campaign(target: [0, 1], contacts: .count(10), funnel: [("convert", 1)])
        c.targets = [TargetWeight(tier: 0, weight: 2.0 / 3), TargetWeight(tier: 1, weight: 1.0 / 3)]
        let r = try run(Fixtures.small(customers: 200, shares: [0.5, 0.5], aum: [.fixed(10_000), .fixed(100_000)],
                                       campaigns: [c], horizon: .weeks(1), runs: 2))
        #expect(r.all("funnel.c.contacts") == [10, 10])
        // conversions add nothing (no amount) so tiers do not change; cost-free.
        #expect(r.all("migration.low.low") == [100, 100])
        // A short pool gives what it has and the other tier makes up the rest (issue 14, item
        // 7): 1 customer in high, so 9 from low, 10 in all (before: 7 + 1 = 8).
        let r2 = try run(Fixtures.small(customers: 100, shares: [0.99, 0.01], campaigns: [c], horizon: .weeks(1), runs: 1))
        #expect(r2.all("funnel.c.contacts") == [10])
        #expect(r2.all("funnel.c.contacts.high") == [1])
    }

    @Test func cooldownExcludesRecentContacts() throws {
        // 10 customers, contacts 10 weekly, cooldown 4 weeks: contacted in weeks 0, 4, 8, ... -> 13 occurrences with contacts.
        let c = Fixtures.campaign(contacts: .count(10), cooldown: .weeks(4))
        let r = try run(Fixtures.small(customers: 20, campaigns: [c], runs: 1))
        #expect(r.all("occurrences.c") == [52])
        #expect(r.all("funnel.c.contacts") == [130])
    }

    @Test func cooldownHoldsForEveryWayOfChoosingContacts() throws {
        // The same 10 customers and 4-week cooldown, worked by `contacts all` (a scan of the
        // tier that checks each member's last contact) and by `contacts all` with a capacity
        // (a random order of the ready list): contacted in weeks 0, 4, 8, ..., 130 contacts in
        // the year either way. (`where maturing` scans too: FilterTests.)
        let all = Fixtures.campaign(contacts: .all, cooldown: .weeks(4))
        #expect(try run(Fixtures.small(customers: 20, campaigns: [all], runs: 1)).all("funnel.c.contacts") == [130])
        let seats = Fixtures.campaign(contacts: .all, capacity: StageCapacity(limit: 100, stage: 0), cooldown: .weeks(4))
        #expect(try run(Fixtures.small(customers: 20, campaigns: [seats], runs: 1)).all("funnel.c.contacts") == [130])
    }

    @Test func contactPolicySkipsAndCounts() throws {
        // Two weekly campaigns work the same 10 customers; at most 1 contact per 4 weeks.
        let a = Fixtures.campaign("a", contacts: .all, ends: .weeks(8))
        let b = Fixtures.campaign("b", contacts: .all, ends: .weeks(8))
        var s = Fixtures.small(customers: 20, campaigns: [a, b], runs: 1)
        s.policy = ContactPolicy(maxContacts: 1, period: .weeks(4))
        let r = try run(s)
        // Weeks 0 and 4: `a` contacts 10, `b` skips 10; other weeks both skip 10.
        #expect(r.all("funnel.a.contacts") == [20])
        #expect(r.all("funnel.b.contacts") == [0])
        #expect(r.all("policy_skipped") == [140])
    }

    @Test func enforcedStaffLeavesOccurrencesUnserved() throws {
        // 1 FTE = 40 h a week; each occurrence takes 15 h; 3 a week: the third is not run.
        let c = Fixtures.campaign(frequency: Rate(count: 3, per: .week), contacts: .count(1),
                                  effort: [Effort(unit: .occurrence, role: 0, minutes: 15 * 60)])
        var s = Fixtures.small(campaigns: [c], runs: 1)
        s.enforceStaff = true
        let r = try run(s)
        #expect(r.all("occurrences.c") == [104])
        #expect(r.all("unserved.c") == [52])
        #expect(r.all("unserved") == [52])
        #expect(r.all("staffing.rm.peak_fte") == [0.75])
        s.enforceStaff = false
        #expect(try run(s).all("unserved") == [0])
    }

    @Test func referralsBringNewCustomers() throws {
        let c = Fixtures.campaign(contacts: .count(50), referrals: Referrals(probability: 0.5, tier: 1))
        let r = try run(Fixtures.small(customers: 2000, aum: [nil, .fixed(80_000)], campaigns: [c], runs: 8))
        // 2600 conversions x 0.5: 1300, sd ~25.5 per replication.
        #expect(abs(r.mean("new_customers") - 1300) < 4 * 25.5 / 8.0.squareRoot())
        // New customers join `high` with 80k each: uplift.high = 80k x new customers.
        for rep in r.replications {
            let n = rep.values[r.metricIndex("new_customers")!]
            #expect(rep.values[r.metricIndex("uplift.high")!] == 80_000 * n)
            #expect(rep.values[r.metricIndex("migration.high.high")!] == 1000 + n)
        }
    }

    @Test func attritionAndGrowth() throws {
        var s = Fixtures.small(customers: 2000, shares: [1, 0], aum: [.fixed(10_000), nil], step: .month, runs: 6)
        s.branches[0].tiers[0].attritionPerMonth = 0.02
        let r = try run(s)
        // 2000 x (1 - 0.98^12) = 431.5 leavers, sd ~18.
        #expect(abs(r.mean("left_customers") - 2000 * (1 - pow(0.98, 12.0))) < 4 * 18 / 6.0.squareRoot())
        for rep in r.replications {
            let left = rep.values[r.metricIndex("left_customers")!]
            #expect(rep.values[r.metricIndex("uplift")!] == -10_000 * left)
            #expect(rep.values[r.metricIndex("migration.low.left")!] == left)
        }
        var g = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(10_000), nil], step: .month, runs: 1)
        g.branches[0].tiers[0].growthPerMonth = 0.01
        let rg = try run(g)
        #expect(abs(rg.all("aum.end")[0] / (1_000_000 * pow(1.01, 12.0)) - 1) < 1e-12)
    }

    @Test func termProductsMatureAndRetain() throws {
        // Everyone holds a 3-month term product; with retain 0 every balance has left after 3 months.
        var s = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(10_000), nil], runs: 1)
        s.products[1].term = .months(3)
        s.products[1].retain = 0
        s.tiers[0].holds = [ProductShare(product: 1, share: 1)]
        s.branches[0].tiers = s.tiers
        let r = try run(s)
        #expect(r.all("aum.end") == [0])
        s.products[1].retain = 1
        s.branches[0].tiers = s.tiers
        #expect(try run(s).all("uplift") == [0])
    }
}

@Suite struct FilterTests {
    @Test func maturingCustomersAreFollowedUpOnce() throws {
        // Everyone holds a 3-month fund (retain 0) part-way through its term; a follow-up with a
        // year's cooldown reaches each customer once, in the 4 weeks before maturity.
        var s = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(10_000), nil], runs: 2)
        s.products[1].term = .months(3)
        s.products[1].retain = 0
        s.tiers[0].holds = [ProductShare(product: 1, share: 1)]
        s.branches[0].tiers = s.tiers
        s.campaigns = [Fixtures.campaign("followup", contacts: .all, amount: .fixed(1000),
                                         buys: [ProductShare(product: 0, share: 1)], cooldown: .years(1),
                                         filter: .maturing(1, within: .weeks(4)))]
        let r = try run(s)
        #expect(r.all("funnel.followup.contacts") == [100, 100])
        // The fund leaves at maturity; the 1000 bought into deposits stays.
        #expect(r.all("aum.end") == [100_000, 100_000])
    }

    @Test func segmentAndBalanceFilters() throws {
        var s = Fixtures.small(customers: 2000, shares: [1, 0], campaigns: [
            Fixtures.campaign("seg", contacts: .all, filter: .segment(0), ends: .weeks(1)),
            Fixtures.campaign("band", contacts: .all, filter: .balance(low: 10_000, high: 20_000), ends: .weeks(1)),
        ], runs: 3)
        s.segments = [Segment(name: "payroll", shareByTier: [0.25, 0.25])]
        let r = try run(s)
        // Binomial(2000, 0.25): 500 +- 19.4.
        #expect(abs(r.mean("funnel.seg.contacts") - 500) < 4 * 19.4)
        // Log-uniform on [1k, 50k): P(10k <= x < 20k) = ln 2 / ln 50 = 0.1772 -> 354 +- 17.
        #expect(abs(r.mean("funnel.band.contacts") - 2000 * log(2.0) / log(50.0)) < 4 * 17)
    }

    @Test func badParametersAreRejectedWithAMessage() {
        var s = Fixtures.small(campaigns: [Fixtures.campaign(frequency: Rate(count: 1, per: .zero))])
        #expect(throws: EngineError.self) { try run(s) }
        s.campaigns = [Fixtures.campaign(amount: .pareto(min: 0, alpha: 1.5))]
        do {
            _ = try run(s)
            Issue.record("expected invalidScenario")
        } catch {
            #expect("\(error)".contains("pareto needs min > 0"))
        }
    }
}

@Suite struct ReproducibilityTests {
    static func smallUpgrade() -> Scenario {
        var s = Fixtures.potentialUpgrade(runs: 6)
        s.branches[0].customers = 4000
        s.settings.horizon = .months(3)
        return s
    }

    @Test func identicalWhateverTheThreadCount() throws {
        let s = Self.smallUpgrade()
        let one = try run(s, threads: 1), two = try run(s, threads: 2), eight = try run(s, threads: 8)
        #expect(one == two)
        #expect(one == eight)
        #expect(one.mean("conversions") > 0)
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        #expect(try enc.encode(one) == enc.encode(eight))
    }

    @Test func slicesMergeToTheWholeRun() throws {
        let s = Self.smallUpgrade()
        let whole = try run(s, threads: 2)
        let a = try run(s, threads: 1, replications: 0..<2)
        let b = try run(s, threads: 2, replications: 2..<6)
        var merged = try RunResult.merged([b, a])
        #expect(merged.replications == whole.replications)
        merged.stopping = whole.stopping
        #expect(merged == whole)
    }

    @Test func seriesAreKeptForTheFirstReplicationsOnly() throws {
        // Replications from `seriesReplications` on keep their metric row but not their series,
        // so memory does not grow by the series with `runs`; the bands summarise the rest.
        let limit = RunResult.seriesReplications
        let s = Self.smallUpgrade()
        let r = try run(s, threads: 2, replications: (limit - 3)..<(limit + 2))
        #expect(r.replications.map(\.index) == Array((limit - 3)..<(limit + 2)))
        #expect(r.replications.map { $0.series.isEmpty } == [false, false, false, true, true])
        #expect(r.replications.allSatisfy { $0.values.count == r.metrics.count })
        #expect(r.withSeries.count == 3)
        #expect(r.series("aum", replication: 3) == nil)
        let bands = try #require(r.seriesBands("aum"))
        let kept = try run(s, threads: 1, replications: (limit - 3)..<limit)
        #expect(bands == kept.seriesBands("aum"))
        // A slice past the limit has no series, hence no bands (not bands of nothing).
        let past = try run(s, threads: 1, replications: limit..<(limit + 2))
        #expect(past.withSeries.isEmpty && past.seriesBands("aum") == nil)
    }

    @Test func seedAndSaltChangeTheDraws() throws {
        let s = Self.smallUpgrade()
        let base = try run(s, runs: 2)
        #expect(try run(s, runs: 2, seed: 99).replications != base.replications)
        #expect(try run(s, runs: 2, salt: 1).replications != base.replications)
        #expect(try run(s, runs: 2).replications == base.replications)
    }

    @Test func commonRandomNumbersSurviveADroppedCampaign() throws {
        // A campaign on `low` is unaffected by adding one on `high`: same draws for the same decisions.
        let a = Fixtures.campaign("a", contacts: .count(20), funnel: [("accept", 0.3), ("convert", 0.5)], amount: .fixed(1000))
        let b = Fixtures.campaign("b", target: [1], contacts: .count(20), funnel: [("convert", 0.5)], amount: .fixed(1000))
        let r1 = try run(Fixtures.small(campaigns: [a], runs: 5))
        let r2 = try run(Fixtures.small(campaigns: [a, b], runs: 5))
        #expect(r1.all("conversions.a") == r2.all("conversions.a"))
        #expect(r1.all("aum.start") == r2.all("aum.start"))
        #expect(r2.all("conversions.b").reduce(0, +) > 0)
    }
}

@Suite struct CommonRandomNumberTests {
    static func variant(convert: Double) -> Scenario {
        let c = Fixtures.campaign(contacts: .count(30), funnel: [("accept", 0.5), ("convert", convert)],
                                  amount: .lognormal(median: 20_000, p90: 60_000))
        return Fixtures.small(customers: 1000, campaigns: [c], runs: 30)
    }

    @Test func pairedDifferencesAreTighterThanIndependentOnes() throws {
        let base = Self.variant(convert: 0.4), better = Self.variant(convert: 0.45)
        let a = try run(base), b = try run(better)
        let crn = ComparisonResult(runs: [a, b], metrics: ["uplift"], independent: false)
        let ind = ComparisonResult(runs: [a, try run(better, salt: 12_345)], metrics: ["uplift"], independent: true)
        let dc = try #require(crn.difference(of: "uplift")), di = try #require(ind.difference(of: "uplift"))
        // With common random numbers every conversion of the base also happens in the better
        // variant (U < 0.4 implies U < 0.45), so each paired difference is >= 0.
        #expect(try #require(crn.differences(of: "uplift")).allSatisfy { $0 >= 0 })
        #expect(crn.probabilityBetter(of: "uplift") == 1)
        #expect(dc.sd < di.sd / 2)
        #expect(dc.mean > 0)
    }

    @Test func networkAudienceDrawsFromEveryMemberBranch() throws {
        var s = Fixtures.small(customers: 100, shares: [1, 0], aum: [.fixed(10_000), nil], runs: 1)
        s.branches.append(Branch(name: "b2", customers: 100, staff: [0], tiers: s.tiers))
        s.networks = [Network(name: "n", hub: 0, satellites: [1])]
        var c = Fixtures.campaign(contacts: .all, amount: .fixed(1000), ends: .weeks(1))
        c.audience = .network
        c.hostNetworks = [0]
        s.campaigns = [c]
        let r = try run(s)
        #expect(r.all("funnel.c.contacts") == [200])
        #expect(r.all("uplift.b") == [100_000])
        #expect(r.all("uplift.b2") == [100_000])
        s.campaigns[0].audience = .own
        #expect(try run(s).all("uplift.b2") == [0])
    }
}

@Suite struct RunControlTests {
    @Test func cancellationThrowsPromptly() {
        let flag = CancellationFlag()
        flag.cancel()
        #expect(flag.isCancelled)
        let options = RunOptions(runs: .fixed(1000), threads: 2, cancellation: flag)
        #expect(throws: EngineError.cancelled(completed: 0)) {
            try Engine.run(Fixtures.small(), label: "base", options: options)
        }
    }

    @Test func cancellationDuringARun() {
        let flag = CancellationFlag()
        let options = RunOptions(runs: .fixed(10_000), threads: 2, cancellation: flag, progress: { done, _ in
            if done >= 4 { flag.cancel() }
        })
        do {
            _ = try Engine.run(Fixtures.small(customers: 200), label: "base", options: options)
            Issue.record("expected cancellation")
        } catch {
            guard case .cancelled(let n) = error else { Issue.record("\(error)"); return }
            #expect(n >= 1 && n < 10_000)
        }
    }

    @Test func precisionStoppingRunsWholeBatches() throws {
        let c = Fixtures.campaign(contacts: .count(5), funnel: [("convert", 0.5)], amount: .fixed(1000))
        var s = Fixtures.small(customers: 200, campaigns: [c], horizon: .weeks(8))
        s.settings.runs = .until(metric: MetricPath(metric: "uplift"), relativeHalfWidth: 0.02, cap: 1000)
        let (r, d) = try Engine.runWithDiagnostics(s, label: "base", options: RunOptions(threads: 2))
        #expect(r.count % Engine.precisionBatch == 0)
        #expect(r.count < 1000)
        #expect(r.stopping == .precision(metric: "uplift", relativeHalfWidth: 0.02, cap: 1000, reachedAfter: r.count))
        let sum = try #require(r.summary(of: "uplift"))
        #expect(sum.halfWidth < 0.02 * sum.mean)
        #expect(d.draws.count == r.count && d.draws.allSatisfy { $0 > 0 })
        // The same replications as a fixed run of that many.
        #expect(try run(s, runs: r.count).replications == r.replications)
    }

    @Test func precisionStoppingStopsAtTheCap() throws {
        let c = Fixtures.campaign(contacts: .count(5), funnel: [("convert", 0.5)], amount: .fixed(1000))
        var s = Fixtures.small(customers: 100, campaigns: [c], horizon: .weeks(2))
        s.settings.runs = .until(metric: MetricPath(metric: "uplift"), relativeHalfWidth: 0.0001, cap: 150)
        let r = try Engine.run(s, label: "base", options: RunOptions(threads: 2))
        #expect(r.count == 150)
        #expect(r.stopping == .precision(metric: "uplift", relativeHalfWidth: 0.0001, cap: 150, reachedAfter: nil))
    }

    @Test func progressReachesTheTotal() throws {
        let seen = LockedValue<[Int]>([])
        let options = RunOptions(runs: .fixed(40), threads: 2, progress: { done, total in
            #expect(total == 40)
            seen.withLock { $0.append(done) }
        })
        _ = try Engine.run(Fixtures.small(customers: 50, horizon: .weeks(2)), label: "base", options: options)
        let values = seen.withLock { $0 }
        #expect(values.max() == 40)
        #expect(values.allSatisfy { $0 > 0 && $0 <= 40 })
    }

    @Test func memoryEstimateScalesWithThreads() {
        let s = Fixtures.potentialUpgrade()
        let one = MemoryModel.bytes(s, runs: 1000, threads: 1), four = MemoryModel.bytes(s, runs: 1000, threads: 4)
        #expect(one > 20_000 * 80)
        #expect(four - one == 3 * MemoryModel.populationBytes(s, threads: 1))
    }

    /// A run whose populations would not fit on all its threads runs on fewer (the same
    /// results); one that would not fit on one thread, or whose rows would not, is refused.
    @Test func threadsAreLoweredToFitMemory() throws {
        var s = Fixtures.potentialUpgrade()
        let plan = try SimulationPlan(s)
        let perThread = MemoryModel.populationBytes(s, threads: 1, materialised: plan.materialisedCustomers)
        #expect(try Engine.threadsThatFit(plan, runs: 10, requested: 8) == 8)
        s.branches[0].customers = 20_000 * (MemoryModel.limit / 3 / perThread)
        let big = try SimulationPlan(s)
        let fit = try Engine.threadsThatFit(big, runs: 10, requested: 8)
        #expect(fit >= 1 && fit < 8)
        #expect(MemoryModel.bytes(s, runs: 10, threads: fit, materialised: big.materialisedCustomers) <= MemoryModel.limit)
        s.branches[0].customers *= 8
        #expect(throws: EngineError.self) { try Engine.threadsThatFit(try SimulationPlan(s), runs: 10, requested: 1) }
    }
}

@Suite struct AcceptanceScenarioTests {
    @Test func potentialUpgradeRaisesAUMWithinStaff() throws {
        let r = try run(Fixtures.potentialUpgrade(), runs: 8)
        #expect(r.mean("uplift") > 0)
        #expect(r.mean("upgrades.potential_to_midhigh") > 0)
        #expect(try #require(r.summary(of: "staffing.wealth_manager.fte")).p95 <= 2)
        #expect(r.all("occurrences.upgrade_meeting").allSatisfy { $0 == 104 })
        #expect(r.mean("cost") == 104 * 1500)
        #expect(r.stopping == .fixed)
        #expect(r.availableFTE == ["wealth_manager": 2, "lobby_manager": 1, "customer_manager": 1])
    }

    @Test func channels631RunsWithSaneCounts() throws {
        let r = try run(Fixtures.channels631(), runs: 3)
        for name in ["smart_outbound", "phone_quota", "lobby_referral", "payroll_visit"] {
            #expect(r.mean("occurrences.\(name)") > 0, "\(name)")
            #expect(r.mean("conversions.\(name)") > 0, "\(name)")
            #expect(r.mean("funnel.\(name).contacts") >= r.mean("funnel.\(name).reach"))
        }
        #expect(r.mean("policy_skipped") >= 0)
        #expect(r.mean("new_customers") > 0)
        #expect(r.mean("uplift") > 0)
        #expect(try #require(r.summary(of: "staffing.wealth_manager.peak_fte")).max <= 2 + 1e-9)
    }

    @Test func hubAndSatellitesBeatsStandalone() throws {
        let base = try run(Fixtures.hubAndSatellites(), runs: 3)
        let alone = try run(Fixtures.hubAndSatellites(standalone: true), runs: 3)
        #expect(base.mean("occurrences.themed_event") == 4 * 24)
        #expect(base.mean("occurrences.hub_salon") == 12)
        #expect(alone.mean("occurrences.themed_event") == 5 * 24)
        #expect(base.mean("turned_away") >= 0)
        #expect(base.mean("uplift") > 0 && alone.mean("uplift") > 0)
        #expect(base.mean("new_customers") > 0 && alone.mean("new_customers") == 0)
        // Keys follow names: dropping the network and the salon leaves the starting populations alone.
        #expect(base.all("aum.start") == alone.all("aum.start"))
        let cmp = ComparisonResult(runs: [alone, base], metrics: ["uplift"], independent: false)
        #expect(try #require(cmp.difference(of: "uplift")).mean > 0)
    }
}

@Suite struct StartingPopulationTests {
    /// Starting customers are made a batch at a time; one whose flat holding lifts its points
    /// past its tier's top starts in the higher tier (set, counts and AUM moved with it), and
    /// nobody else moves. Here everyone in `low` holds 48,000 in deposits and funds and, with
    /// probability 30%, a card worth 5000 points. A campaign that converts nobody targets both
    /// tiers, so they are materialised customer by customer (not summed as untouched).
    @Test func aFlatHoldingLiftsAStartingCustomerOneTier() throws {
        let idle = Fixtures.campaign(target: [0, 1], funnel: [("convert", 0)])
        var s = Fixtures.small(customers: 2000, shares: [1, 0], aum: [.fixed(48_000), nil], campaigns: [idle], runs: 6)
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.4), ProductShare(product: 1, share: 0.3),
                            ProductShare(product: 2, share: 0.3)]
        s.branches[0].tiers = s.tiers
        let r = try run(s)
        let stayed = r.all("migration.low.low"), lifted = r.all("migration.high.high")
        for i in 0..<6 {
            #expect(stayed[i] + lifted[i] == 2000)
            // 30% of 2000 hold the card: a binomial count, within 6 standard deviations.
            #expect(abs(lifted[i] - 600) < 6 * (2000 * 0.3 * 0.7).squareRoot(), "replication \(i): \(lifted[i])")
        }
        // 48,000 at (0.4 x 1 + 0.3 x 1.2) / 0.7 points a yuan is above the tier's top, so each
        // balance is clipped to just under it: 50,000 / (0.76 / 0.7). The move keeps it.
        let each = 50_000 / (0.76 / 0.7)
        for x in r.all("aum.start") { #expect(abs(x / (2000 * each) - 1) < 1e-9) }
        #expect(r.all("aum.end") == r.all("aum.start"))
        #expect(r.all("uplift") == Array(repeating: 0, count: 6))
        #expect(r.all("upgrades") == Array(repeating: 0, count: 6))
    }
}

extension StartingPopulationTests {
    /// Replications whose starting customers are filled a column at a time equal, value for
    /// value and step for step, those filled one customer at a time: with holdings across
    /// products, flat cards that lift customers a tier, a term product, segments, a balance
    /// band, referrals (new customers, always one at a time) and two branches, and on the
    /// shared potential-upgrade scenario.
    @Test func batchAndSingleFillsGiveTheSameReplications() throws {
        var s = Fixtures.small(customers: 1500, shares: [0.8, 0.2], runs: 1)
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(6), retain: 0.7))
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.4), ProductShare(product: 1, share: 0.3),
                            ProductShare(product: 2, share: 0.3)]
        s.tiers[1].holds = [ProductShare(product: 0, share: 0.5), ProductShare(product: 3, share: 0.3),
                            ProductShare(product: 2, share: 0.2)]
        s.segments = [Segment(name: "payroll", shareByTier: [0.25, 0.4])]
        s.branches = Self.twoBranches(s.tiers)
        let near = Self.nearBand
        let payroll = Fixtures.campaign("payroll", target: [1], contacts: .count(20), funnel: [("convert", 0.4)],
                                        amount: .lognormal(median: 50_000, p90: 150_000),
                                        buys: [ProductShare(product: 3, share: 0.5), ProductShare(product: 0, share: 0.5)],
                                        filter: .segment(0))
        s.campaigns = [near, payroll]
        for scenario in [s, Fixtures.potentialUpgrade(runs: 1)] {
            let plan = try SimulationPlan(scenario)
            var batch = Replicator(plan: plan, seed: 11, salt: 0)
            var single = Replicator(plan: plan, seed: 11, salt: 0, reference: .oneCustomerAtATime)
            _ = expectSameReplications(&batch, &single, plan: plan, label: scenario.title)
        }
    }

    /// Branches "a" (1,500 customers) and "b" (900) with the given tiers.
    private static func twoBranches(_ tiers: [Tier]) -> [Branch] {
        [Branch(name: "a", customers: 1500, staff: [1], tiers: tiers), Branch(name: "b", customers: 900, staff: [1], tiers: tiers)]
    }

    /// Phone calls to the bottom tier's 40k-50k balance band (ready lists with a balance
    /// filter), with a cooldown and referrals.
    private static let nearBand = Fixtures.campaign(
        "near", target: [0], contacts: .count(30), funnel: [("reach", 0.8), ("convert", 0.3)],
        amount: .uniform(5000, 20_000), buys: [ProductShare(product: 1, share: 1)],
        cooldown: .weeks(4), referrals: Referrals(probability: 0.2, tier: 0), filter: .balance(low: 40_000, high: 50_000))

    /// Runs replications 0..<4 on both workers and expects every metric (by bit pattern, so
    /// that -0 and 0 or two NaNs would count as different), every series value (by bit
    /// pattern, or within `seriesTolerance` relative when given) and the draw counts equal.
    /// Returns the first worker's records.
    private func expectSameReplications(_ first: inout Replicator, _ second: inout Replicator, plan: SimulationPlan,
                                        label: String, seriesTolerance: Double? = nil) -> [ReplicationRecord] {
        var records: [ReplicationRecord] = []
        for i in 0..<4 {
            let a = first.run(replication: i), b = second.run(replication: i)
            #expect(a.values.count == b.values.count && a.series.count == b.series.count)
            let values = a.values.indices.first { a.values[$0].bitPattern != b.values[$0].bitPattern }
            let series = a.series.indices.first { j in
                guard let tolerance = seriesTolerance else { return a.series[j].bitPattern != b.series[j].bitPattern }
                return abs(a.series[j] - b.series[j]) > tolerance * max(1, abs(b.series[j]))
            }
            #expect(values == nil, "\(label), replication \(i): metric \(values.map { plan.metrics[$0].key } ?? "-") differs")
            #expect(series == nil, "\(label), replication \(i): series value \(series ?? -1) differs")
            #expect(first.draws == second.draws)
            records.append(a)
        }
        return records
    }

    /// Maturities and `where maturing` pools taken from the lists by step equal, value for
    /// value, a pass over every customer and a scan of every pool set: two term products (one
    /// shorter than a step, renewed several times within it), holdings, growth and
    /// attrition, referrals, a network audience, `contacts all` over two tiers (the scan's
    /// order matters there) with and without seats, and cooldowns.
    @Test func maturityListsGiveTheSameReplicationsAsFullPasses() throws {
        var s = Fixtures.small(customers: 1500, shares: [0.8, 0.2], horizon: .months(9), step: .month, runs: 1)
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(6), retain: 0.6))
        s.products.append(Product(name: "week_term", points: 1.1, term: .weeks(1), retain: 0.8))
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.4), ProductShare(product: 4, share: 0.3),
                            ProductShare(product: 2, share: 0.3)]
        s.tiers[1].holds = [ProductShare(product: 0, share: 0.4), ProductShare(product: 3, share: 0.4),
                            ProductShare(product: 4, share: 0.2)]
        s.tiers[0].attritionPerMonth = 0.02
        s.tiers[1].attritionPerMonth = 0.01
        s.tiers[1].growthPerMonth = 0.01
        s.branches = [Branch(name: "hub", customers: 1500, staff: [1], tiers: s.tiers),
                      Branch(name: "sat", customers: 900, staff: [1], tiers: s.tiers)]
        s.networks = [Network(name: "city", hub: 0, satellites: [1])]
        var all = Fixtures.campaign("all", target: [0, 1], frequency: Rate(count: 1, per: .month), contacts: .all,
                                    funnel: [("reach", 1), ("convert", 0.2)], amount: .shareOfOffbank(0.3), capByOffbank: true,
                                    buys: [ProductShare(product: 3, share: 1)], cooldown: .months(2),
                                    filter: .maturing(3, within: .weeks(5)))
        all.audience = .network
        all.hostNetworks = [0]
        var some = Fixtures.campaign("some", target: [0, 1], frequency: Rate(count: 2, per: .month), contacts: .count(25),
                                     funnel: [("reach", 1), ("convert", 0.4)], amount: .lognormal(median: 10_000, p90: 40_000),
                                     capByOffbank: true, buys: [ProductShare(product: 4, share: 0.5), ProductShare(product: 3, share: 0.5)],
                                     cooldown: .months(1), referrals: Referrals(probability: 0.3, tier: 1),
                                     filter: .maturing(4, within: .weeks(2)))
        some.hosts = [1]
        let seats = Fixtures.campaign("seats", target: [0, 1], frequency: Rate(count: 1, per: .month), contacts: .all,
                                      funnel: [("attend", 0.6), ("convert", 0.5)], capacity: StageCapacity(limit: 10, stage: 0),
                                      amount: .fixed(30_000), buys: [ProductShare(product: 3, share: 1)],
                                      filter: .maturing(3, within: .months(3)))
        s.campaigns = [all, some, seats]
        let plan = try SimulationPlan(s)
        var lists = Replicator(plan: plan, seed: 11, salt: 0)
        var passes = Replicator(plan: plan, seed: 11, salt: 0, reference: .maturityPasses)
        let records = expectSameReplications(&lists, &passes, plan: plan, label: "maturity lists")
        let converted = plan.metrics.indices.filter { plan.metrics[$0].key.hasPrefix("conversions.") }
        let conversions = records.map { r in converted.map { r.values[$0] }.reduce(0, +) }.reduce(0, +)
        // The campaigns did work, so the comparison covered their pools.
        #expect(conversions > 100)
    }

    /// Growth applied lazily (customers brought current when read, or at the step a bound
    /// may be crossed) gives every metric and draw of growth applied to everyone every step,
    /// bit for bit; the step series, which come from the sets' running sums, agree to
    /// rounding. Positive growth that lifts customers a tier and across balance bands,
    /// negative growth that drops them, conversions and maturities that read grown balances,
    /// a balance-band campaign (ready lists) and a `contacts all` band campaign (a scan),
    /// attrition and referrals.
    @Test func lazyGrowthGivesTheSameReplicationsAsGrowingEveryone() throws {
        var s = Fixtures.small(customers: 1500, shares: [0.8, 0.2], horizon: .months(12), step: .week, runs: 1)
        s.products.append(Product(name: "wealth_6m", points: 1, term: .months(6), retain: 0.6))
        s.tiers[0].holds = [ProductShare(product: 0, share: 0.6), ProductShare(product: 3, share: 0.4)]
        s.tiers[0].growthPerMonth = 0.03
        s.tiers[0].attritionPerMonth = 0.01
        s.tiers[1].growthPerMonth = -0.02
        s.branches = Self.twoBranches(s.tiers)
        let near = Self.nearBand
        let sweep = Fixtures.campaign("sweep", target: [0], frequency: Rate(count: 1, per: .month), contacts: .all,
                                      funnel: [("convert", 0.2)], amount: .shareOfOffbank(0.2), capByOffbank: true,
                                      buys: [ProductShare(product: 3, share: 1)], filter: .balance(low: 30_000, high: 45_000))
        let high = Fixtures.campaign("high", target: [1], contacts: .count(20), funnel: [("convert", 0.4)],
                                     amount: .lognormal(median: 50_000, p90: 150_000), buys: [ProductShare(product: 0, share: 1)],
                                     cooldown: .weeks(8))
        s.campaigns = [near, sweep, high]
        let plan = try SimulationPlan(s)
        var lazy = Replicator(plan: plan, seed: 5, salt: 0)
        var eager = Replicator(plan: plan, seed: 5, salt: 0, reference: .eagerGrowth)
        let records = expectSameReplications(&lazy, &eager, plan: plan, label: "lazy growth", seriesTolerance: 1e-9)
        let moved = plan.metrics.indices.filter { ["upgrades", "downgrades"].contains(plan.metrics[$0].key) }
        let moves = records.map { r in moved.map { r.values[$0] }.reduce(0, +) }.reduce(0, +)
        // Growth moved customers across tiers, so the comparison covered those moves.
        #expect(moves > 20)
    }
}
