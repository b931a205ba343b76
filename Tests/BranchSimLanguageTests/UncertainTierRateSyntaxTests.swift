import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Uncertain tier rates (share, reachable, attrition, growth) and product retention
/// (docs/language.md, "Uncertain inputs").
@Suite struct UncertainTierRateSyntaxTests {
    /// `minimal` with its tier lines replaced by `tiers` (and `extra` lines before the role).
    func scenario(_ tiers: String, extra: String = "") throws -> Scenario {
        let o = check(source(tiers, extra: extra))
        #expect(!o.hasErrors, "\(brief(o))")
        return try #require(o.program).base
    }

    func source(_ tiers: String, extra: String = "") -> String {
        let lines = minimal.split(separator: "\n", omittingEmptySubsequences: false)
        return tiers + "\n" + extra + lines[4...].joined(separator: "\n")
    }

    static let tiers = """
        tier longtail  below 5万          share 91% attrition uncertain(0%..2%) per month
        tier potential from 5万 to 20万   share uncertain(4%..8%) reachable beta(mean 60%, sd 10%) growth triangular(-2%, 1%, 6%) per year
        tier midhigh   from 20万 to 600万 share 2.5%
        tier private   from 600万         share 0.5%
        """

    @Test func tierRatesMayBeDistributions() throws {
        let s = try scenario(Self.tiers)
        let longtail = s.tiers[0], potential = s.tiers[1]
        #expect(longtail.uncertain[.attrition] == TierInput(distribution: .uniform(low: 0, high: 0.02)))
        #expect(abs(longtail.attritionPerMonth - 0.01) < 1e-12)
        #expect(potential.uncertain[.share]?.distribution == .uniform(low: 0.04, high: 0.08) && abs(potential.share - 0.06) < 1e-12)
        #expect(potential.uncertain[.reachable]?.distribution == .beta(mean: 0.6, sd: 0.1))
        #expect(potential.uncertain[.growth] == TierInput(distribution: .triangular(low: -0.02, mode: 0.01, high: 0.06), perYear: true))
        // The mean per year (5%/3), compounded down to a month.
        #expect(abs(potential.growthPerMonth - (pow(1 + 0.05 / 3, 1.0 / 12) - 1)) < 1e-12)
        #expect(s.uncertainInputs.map(\.path) == ["longtail.attrition", "potential.share", "potential.reachable", "potential.growth"])
        #expect(s.uncertainInputs.allSatisfy { $0.unit == .share })
        #expect(s.remainderTiers == [0])
        let keys = Set(MetricCatalog.metrics(for: s).map(\.key))
        #expect(keys.isSuperset(of: ["input.longtail.attrition", "input.potential.share", "input.potential.growth"]))
    }

    @Test func aBranchOverrideIsAnInputOfItsOwn() throws {
        let s = try scenario(Self.tiers.replacingOccurrences(of: " attrition uncertain(0%..2%) per month", with: ""))
        #expect(s.uncertainInputs.map(\.path) == ["potential.share", "potential.reachable", "potential.growth"])
        let source = source(Self.tiers).replacingOccurrences(
            of: "branch downtown { customers 2000  staff wealth_manager 2 }",
            with: "branch downtown { customers 2000  staff wealth_manager 2  tier potential reachable uncertain(40%..50%) growth 1% per month }")
        let o = check(source)
        #expect(!o.hasErrors, "\(brief(o))")
        let b = try #require(o.program).base
        // The branch's reachable is its own input; its growth a number (no input left).
        #expect(b.uncertainInputs.map(\.path) == ["longtail.attrition", "potential.share", "downtown.potential.reachable"])
        #expect(b.branches[0].tiers[1].uncertain[.growth] == nil && b.branches[0].tiers[1].growthPerMonth == 0.01)
    }

    @Test func productRetentionMayBeADistribution() throws {
        let s = try scenario(Self.tiers, extra: "product td points 1.0 term 3 months retain triangular(50%, 80%, 95%)\n")
        let p = try #require(s.products.first { $0.name == "td" })
        #expect(p.retainUncertainty == .triangular(low: 0.5, mode: 0.8, high: 0.95) && abs(p.retain - 0.75) < 1e-12)
        #expect(s.uncertainInputs.first?.path == "td.retain")
    }

    @Test func uncertainSharesMustLeaveRoomForTheRemainderTier() {
        // The longtail's share is uncertain, so the potential tier takes up the rest: at their
        // highest the others add up to 99% + 2.5% + 0.5%.
        let over = check(source(Self.tiers.replacingOccurrences(of: "share 91% attrition", with: "share uncertain(83%..99%) attrition")
            .replacingOccurrences(of: "share uncertain(4%..8%)", with: "share 6%")))
        #expect(brief(over).filter { $0.contains("error") } == [
            "1:34 error: the tier shares other than tier 'potential' can add up to 102%, more than 100%",
        ])
        let d = over.diagnostics.first { $0.id == .inputSharesExceed }
        #expect(d?.notes.map { "\($0)" }.joined().contains("so it would be left -2%") == true, "\(String(describing: d?.notes))")
        // Within the limit: no error.
        #expect(!check(source(Self.tiers.replacingOccurrences(of: "share 91% attrition", with: "share uncertain(83%..97%) attrition")
            .replacingOccurrences(of: "share uncertain(4%..8%)", with: "share 7%"))).hasErrors)

        let all = check(source("""
            tier longtail  below 5万          share uncertain(90%..92%)
            tier potential from 5万 to 20万   share uncertain(5%..7%)
            tier midhigh   from 20万 to 600万 share uncertain(2%..3%)
            tier private   from 600万         share uncertain(0%..1%)
            """))
        #expect(brief(all).filter { $0.contains("error") } == [
            "4:34 error: every tier's share is uncertain: no tier takes up what the drawn shares leave",
        ])

        let branch = check(source(Self.tiers).replacingOccurrences(
            of: "branch downtown { customers 2000  staff wealth_manager 2 }",
            with: "branch downtown {\n  customers 2000\n  tier longtail share uncertain(70%..100%)\n  tier midhigh share 8.5%\n}"))
        #expect(brief(branch).filter { $0.contains("error") } == [
            "9:16 error: the tier shares at branch 'downtown' other than tier 'midhigh' can add up to 108.5%, more than 100%",
        ])
    }

    @Test func attritionAndGrowthKeepTheirLimits() {
        let negative = check(source(Self.tiers.replacingOccurrences(of: "attrition uncertain(0%..2%)", with: "attrition uncertain(-1%..2%)")))
        #expect(brief(negative).contains { $0.contains("error") && $0.contains("outside 0..100%") }, "\(brief(negative))")
        let shrink = check(source(Self.tiers.replacingOccurrences(of: "growth triangular(-2%, 1%, 6%)", with: "growth uncertain(-120%..5%)")))
        #expect(brief(shrink).contains { $0.contains("error") && $0.contains("below -100%") }, "\(brief(shrink))")
        let period = check(source(Self.tiers.replacingOccurrences(of: "uncertain(0%..2%) per month", with: "uncertain(0%..2%) per week")))
        #expect(brief(period).contains { $0.contains("expected 'month' or 'year'") }, "\(brief(period))")
    }
}
