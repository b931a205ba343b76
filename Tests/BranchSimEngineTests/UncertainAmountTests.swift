import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

/// Uncertain amounts, referral rates and costs (docs/model.md, "Uncertain inputs"): each drawn
/// once per replication from the key of its own path, and setting what it names.
@Suite struct UncertainAmountTests {
    /// Campaign `c` with an uncertain fixed amount, referral probability and cost per contact.
    static func scenario(amount: InputDistribution? = nil, referrals: InputDistribution? = nil,
                         cost: InputDistribution? = nil, runs: Int = 120) -> Scenario {
        var c = Fixtures.campaign("c", contacts: .count(20), funnel: [("convert", 0.5)], amount: .fixed(amount?.mean ?? 10_000),
                                  referrals: Referrals(probability: referrals?.mean ?? 0.1, tier: 0, uncertainty: referrals),
                                  cost: [Cost(amount: 5, unit: .occurrence), Cost(amount: cost?.mean ?? 50, unit: .contact, uncertainty: cost),
                                         Cost(amount: 7, unit: .contact)])
        c.amountUncertainty = amount
        return Fixtures.small(customers: 400, campaigns: [c], horizon: .weeks(6), runs: runs)
    }

    @Test func anUncertainAmountSetsEveryConversionsAmountInItsReplication() throws {
        let r = try run(Self.scenario(amount: .uniform(low: 20_000, high: 40_000)))
        let drawn = r.all("input.c.amount"), subscribed = r.all("subscribed.c"), conversions = r.all("conversions.c")
        #expect(drawn.allSatisfy { $0 >= 20_000 && $0 <= 40_000 })
        // `fixed X`: each conversion brings exactly the replication's X.
        for (x, (s, n)) in zip(drawn, zip(subscribed, conversions)) { #expect(abs(s - x * n) <= 1e-6 * max(1, s)) }
        #expect(MetricCatalog.metrics(for: Self.scenario(amount: .uniform(low: 1, high: 2))).first { $0.key == "input.c.amount" }?.unit == .money)
    }

    @Test func anUncertainCostReplacesItsLineAndKeepsTheOthers() throws {
        let r = try run(Self.scenario(cost: .triangular(low: 20, mode: 40, high: 90)))
        let drawn = r.all("input.c.cost.contact"), cost = r.all("cost.c")
        let contacts = r.all("funnel.c.contacts"), occurrences = r.all("occurrences.c")
        for k in drawn.indices {
            // 5 per occurrence, the drawn cost plus the certain 7 per contact.
            let expected = 5 * occurrences[k] + (drawn[k] + 7) * contacts[k]
            #expect(abs(cost[k] - expected) <= 1e-9 * expected)
        }
    }

    @Test func anUncertainReferralRateDrivesTheNewCustomers() throws {
        let r = try run(Self.scenario(referrals: .uniform(low: 0, high: 0.9), runs: 200))
        let drawn = r.all("input.c.referrals"), newcomers = r.all("new_customers"), conversions = r.all("conversions.c")
        let perConversion = zip(newcomers, conversions).map { $0 / max(1, $1) }
        #expect(UncertainInputTests().correlation(drawn, perConversion) > 0.9)
        #expect(MetricCatalog.metrics(for: Self.scenario(referrals: .uniform(low: 0, high: 0.9))).first { $0.key == "input.c.referrals" }?.unit == .share)
    }

    @Test func eachKindHasAKeyOfItsOwnAndKeepsItAcrossVariants() throws {
        let one = try run(Self.scenario(amount: .uniform(low: 20_000, high: 40_000)))
        let all = Self.scenario(amount: .uniform(low: 20_000, high: 40_000), referrals: .uniform(low: 0, high: 0.2),
                                cost: .uniform(low: 20, high: 90))
        let three = try run(all)
        // Adding other inputs leaves the amount's draws as they were (keys by path).
        #expect(one.all("input.c.amount") == three.all("input.c.amount"))
        // Three inputs, three different streams (same distribution scaled would correlate exactly).
        let u = three.all("input.c.referrals").map { $0 / 0.2 }, v = three.all("input.c.cost.contact").map { ($0 - 20) / 70 }
        #expect(u != v)
        // A variant with more contacts draws the same inputs (common random numbers).
        var busy = all
        busy.campaigns[0].contacts = .count(30)
        let b = try run(busy)
        for key in ["input.c.amount", "input.c.referrals", "input.c.cost.contact"] { #expect(three.all(key) == b.all(key)) }
        // Held at a value by its path (sensitivity's low and high runs).
        var options = RunOptions(threads: 2)
        options.fixedInputs = ["c.amount": 25_000, "c.cost.contact": 30]
        let held = try Engine.run(all, label: "base", options: options)
        #expect(held.all("input.c.amount").allSatisfy { $0 == 25_000 })
        #expect(held.all("input.c.referrals") == three.all("input.c.referrals"))
    }

    @Test func aLognormalMedianKeepsItsShape() throws {
        // `lognormal(median uncertain(...), p90 Q)`: the drawn median with the written shape.
        var s = Self.scenario(amount: .uniform(low: 20_000, high: 40_000), runs: 40)
        s.campaigns[0].amount = .lognormal(median: 30_000, p90: 90_000)
        let r = try run(s)
        let drawn = r.all("input.c.amount"), subscribed = r.all("subscribed.c"), n = r.all("conversions.c")
        // Each replication's mean amount per conversion moves with its drawn median.
        let perConversion = zip(subscribed, n).map { $0 / max(1, $1) }
        #expect(UncertainInputTests().correlation(drawn, perConversion) > 0.7)
        #expect(Distribution.lognormal(median: 1, p90: 5).withScale(2) == .lognormal(median: 2, p90: 5))
        #expect(Distribution.shareOfOffbank(0.2).withScale(0.3) == .shareOfOffbank(0.3))
    }

    /// Sensitivity's low and high runs share every draw but the held input (common random
    /// numbers): the paired differences vary far less than those of independent runs.
    @Test func lowAndHighRunsOnCommonRandomNumbersPairTightly() throws {
        let s = Self.scenario(amount: .uniform(low: 20_000, high: 40_000), referrals: .uniform(low: 0, high: 0.2), runs: 60)
        func held(_ x: Double, salt: UInt64 = 0) throws -> [Double] {
            var options = RunOptions(threads: 2, streamSalt: salt)
            options.fixedInputs = ["c.amount": x]
            return try Engine.run(s, label: "base", options: options).all("aum.end")
        }
        let low = try held(20_000), high = try held(40_000), other = try held(40_000, salt: 5)
        let paired = MetricSummary(values: zip(high, low).map { $0 - $1 }), independent = MetricSummary(values: zip(other, low).map { $0 - $1 })
        #expect(paired.mean > 0)
        #expect(paired.sd < independent.sd / 3, "paired sd \(paired.sd), independent \(independent.sd)")
    }

    /// A product's uncertain fee sets the revenue of every purchase in its replication; an
    /// uncertain margin held at a value earns exactly what the same certain margin earns.
    @Test func uncertainFeesAndMarginsSetTheProductsMoney() throws {
        var s = Self.scenario(runs: 40)
        s.products[0].feeUncertainty = .uniform(low: 0.005, high: 0.015)
        s.products[0].feeOnPurchase = 0.01
        let r = try run(s)
        let fee = r.all("input.deposit.fee"), revenue = r.all("revenue"), subscribed = r.all("subscribed")
        for k in fee.indices { #expect(abs(revenue[k] - fee[k] * subscribed[k]) <= 1e-9 * max(1, revenue[k])) }
        #expect(MetricCatalog.metrics(for: s).first { $0.key == "input.deposit.fee" }?.unit == .share)

        var certain = Self.scenario(runs: 40)
        certain.products[0].marginPerYear = 0.012
        var uncertain = certain
        uncertain.products[0].marginUncertainty = .triangular(low: 0.0005, mode: 0.001, high: 0.002)
        uncertain.products[0].marginUncertaintyPerMonth = true
        var options = RunOptions(threads: 2)
        options.fixedInputs = ["deposit.margin": 0.001]
        let held = try Engine.run(uncertain, label: "base", options: options).all("revenue")
        let plain = try run(certain).all("revenue")
        #expect(held.count == plain.count && plain.contains { $0 > 0 })
        for (a, b) in zip(held, plain) { #expect(abs(a - b) <= 1e-9 * max(1, b)) }
        let drawn = try run(uncertain)
        #expect(Set(drawn.all("input.deposit.margin")).count == 40)
    }
}
