import BranchSimModel
import Testing
@testable import BranchSimEngine

/// Attribution (issue 14, item 6): the money each campaign brought in, the customers it
/// lifted a tier, and its funnel by the customers' start tier.
@Suite struct AttributionTests {
    /// A union pool over both tiers, every stage certain, 1,000 yuan per conversion: the
    /// by-tier counts add up to the campaign's, the money is 1,000 per conversion, and every
    /// upgrade (low to high; nothing else moves customers) is one the campaign made.
    @Test func byTierCountsAddUpAndMoneyIsPerConversion() throws {
        let c = Fixtures.campaign(target: [0, 1], contacts: .count(30), funnel: [("attend", 1), ("convert", 1)],
                                  amount: .fixed(1_000))
        let r = try run(Fixtures.small(customers: 600, campaigns: [c], runs: 4))
        for i in 0..<4 {
            let v = { (k: String) in r.all(k)[i] }
            #expect(v("funnel.c.contacts.low") + v("funnel.c.contacts.high") == v("funnel.c.contacts"))
            #expect(v("funnel.c.attend.low") + v("funnel.c.attend.high") == v("funnel.c.attend"))
            #expect(v("conversions.c.low") + v("conversions.c.high") == v("conversions.c"))
            #expect(v("funnel.c.contacts.low") > 0 && v("funnel.c.contacts.high") > 0)
            #expect(v("subscribed.c") == 1_000 * v("conversions.c"))
            #expect(v("subscribed.c.low") == 1_000 * v("conversions.c.low"))
            #expect(v("subscribed.c.low") + v("subscribed.c.high") == v("subscribed.c"))
            #expect(v("subscribed") == v("subscribed.c"))
            #expect(v("upgraded.c") == v("upgrades"))
            #expect(v("upgraded.c") > 0)
            #expect(abs(v("uplift") - v("subscribed")) < 1e-6)
        }
    }

    /// By the tier a customer started in, not the tier it is in when contacted: a campaign on
    /// the high tier that contacts customers it lifted there counts them under `low`.
    @Test func countsGoByStartTier() throws {
        let lift = Fixtures.campaign("lift", target: [0], contacts: .count(50), amount: .fixed(60_000))
        let high = Fixtures.campaign("high", target: [1], contacts: .all, starts: .weeks(2))
        let r = try run(Fixtures.small(customers: 400, campaigns: [lift, high], horizon: .weeks(4), runs: 2))
        for i in 0..<2 {
            // `lift` moves 50 low customers to high a week (60,000 yuan lifts any of them over
            // 50,000), before `high` runs in the same week: in weeks 2 and 3 `high` contacts
            // 150 and then 200 of them, and the 200 who started high both times.
            #expect(r.all("upgraded.lift")[i] == 4 * 50)
            #expect(r.all("funnel.high.contacts.low")[i] == 150 + 200)
            #expect(r.all("funnel.high.contacts.high")[i] == 2 * 200)
            #expect(r.all("subscribed.high")[i] == 0)
        }
    }

    /// A bare family selector keeps one row per campaign; naming the campaign shows its tiers.
    @Test func bareSelectorsLeaveTheBreakdownsOut() throws {
        let c = Fixtures.campaign(target: [0, 1])
        let keys = MetricCatalog.metrics(for: Fixtures.small(campaigns: [c])).map(\.key)
        #expect(MetricCatalog.select("conversions", from: keys) == ["conversions.c", "conversions"])
        #expect(MetricCatalog.select("conversions.c", from: keys) == ["conversions.c", "conversions.c.low", "conversions.c.high"])
        #expect(MetricCatalog.select("funnel", from: keys) == ["funnel.c.contacts", "funnel.c.convert"])
        #expect(MetricCatalog.select("funnel.c.convert", from: keys) == ["funnel.c.convert", "funnel.c.convert.low", "funnel.c.convert.high"])
        #expect(MetricCatalog.select("attribution", from: keys).first == "subscribed.c")
        #expect(MetricCatalog.select("attribution.c", from: keys).count == 2 + 2 * (2 + 1 + 1))
        #expect(MetricCatalog.select("attribution.nope", from: keys).isEmpty)
    }
}
