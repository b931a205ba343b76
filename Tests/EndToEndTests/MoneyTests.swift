import Foundation
import Testing

/// The money definitions of docs/model.md on a case computed by hand: every replication is
/// the same (every contact converts a fixed amount), so the means are the exact values.
@Suite struct MoneyTests {
    /// 12 monthly steps; one meeting a month at `main` converts 10 customers x 1万 into `fund`
    /// (fee 1%, margin 12% a year); it costs 5万 once, 1,000 a month and 100 an occurrence, and
    /// takes one `rm` for 2 hours at 100 an hour. `other` hosts nothing.
    static let scenario = """
        scenario "money by hand" { horizon 12 months  step month  runs 5  seed 9 }
        tier longtail  below 5万          share 90%  reachable 100%
        tier potential from 5万           share 10%  reachable 100%
        product fund points 1.0 margin 12% per year fee 1% on purchase
        role rm hours 40 per week cost 100 per hour
        branch main  { customers 1000  staff rm 1 }
        branch other { customers 1000  staff rm 1 }
        campaign meet {
          at main
          target potential
          frequency 1 per month
          contacts 10
          funnel reach 100% -> convert 100%
          amount fixed 1万
          buys fund 100%
          effort occurrence rm 1 x 120 min
          cost 5万 once
          cost 1000 per month
          cost 100 per occurrence
        }
        campaign posters {
          at main
          target potential
          frequency 1 per month
          contacts 1
          funnel reach 100% -> convert 0%
          amount fixed 1万
          cost 500 per month
        }
        run

        """

    @Test func revenueCostsProfitRoiAndPaybackAreTheHandComputedOnes() throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("money.bsim")
        try Self.scenario.write(to: file, atomically: true, encoding: .utf8)
        let out = try Binary.run(["run", file.path, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let metrics = try #require(((json["runs"] as? [[String: Any]])?.first)?["metrics"] as? [String: [String: Any]])
        func mean(_ k: String) -> Double { (metrics[k]?["mean"] as? Double) ?? .nan }
        func near(_ k: String, _ x: Double) -> Bool {
            let v = mean(k)
            return abs(v - x) <= 1e-6 * max(1, abs(x))
        }
        // Fees: 12 x 10万 x 1% = 12,000. Margin: a purchase in step t (0-based) earns
        // 10万 x 12% / 12 = 1,000 in each of the 12 - t steps left: 1,000 x (12 + 11 + ... + 1) = 78,000.
        #expect(near("revenue.meet", 90_000), "\(mean("revenue.meet"))")
        #expect(near("revenue", 90_000) && near("outlet.main.revenue", 90_000) && near("outlet.other.revenue", 0))
        // Staff: 12 meetings x 2 h x 100.
        #expect(near("staff_cost", 2_400) && near("staff_cost.meet", 2_400) && near("staff_cost.posters", 0))
        // Cost: 5万 once + 12 x 1,000 + 12 x 100 = 63,200 for the meeting; 12 x 500 for the posters.
        #expect(near("cost.meet", 63_200) && near("cost.posters", 6_000) && near("cost", 69_200))
        #expect(near("outlet.main.cost", 69_200) && near("outlet.other.cost", 0))
        // Profit and ROI.
        #expect(near("profit.meet", 90_000 - 63_200 - 2_400))
        #expect(near("roi.meet", 24_400.0 / 65_600))
        #expect(near("profit", 90_000 - 69_200 - 2_400) && near("roi", 18_400.0 / 71_600))
        #expect(near("profit.posters", -6_000) && near("roi.posters", -1))
        // Payback of the meeting: after n steps, profit = 1,000 n + 1,000 n(n+1)/2 - 50,000 - 1,300 n
        // = 500 n^2 + 200 n - 50,000: negative at n = 9 (-7,700), >= 0 at n = 10 (2,000).
        #expect(near("payback.meet", 10))
        // The network also pays for the posters: 500 n^2 - 300 n - 50,000 >= 0 first at n = 11.
        #expect(near("payback", 11) && near("outlet.main.payback", 11))
        // Never paid back: steps + 1. Nothing spent: 0.
        #expect(near("payback.posters", 13) && near("outlet.other.payback", 0))
    }
}
