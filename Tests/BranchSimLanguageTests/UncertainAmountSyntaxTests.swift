import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Uncertain amounts, referral rates and costs of a campaign (docs/language.md, "Uncertain inputs").
@Suite struct UncertainAmountSyntaxTests {
    func campaign(_ lines: String) throws -> (Campaign, Scenario) {
        let o = check(inCampaign(lines).replacingOccurrences(of: "  amount fixed 1万\n", with: ""))
        #expect(!o.hasErrors, "\(brief(o))")
        let s = try #require(o.program).base
        return (s.campaigns[0], s)
    }

    func firstError(_ lines: String) -> String {
        brief(check(inCampaign(lines).replacingOccurrences(of: "  amount fixed 1万\n", with: ""))).first { $0.contains("error") } ?? ""
    }

    @Test func amountsReferralsAndCostsMayBeDistributions() throws {
        let (c, s) = try campaign("""
            amount fixed uncertain(3万..5万)
              referrals triangular(0%, 5%, 20%) new potential
              cost 100 once
              cost uncertain(10..30) per contact
            """)
        #expect(c.amount == .fixed(40_000))
        #expect(c.amountUncertainty == .uniform(low: 30_000, high: 50_000))
        #expect(c.referrals?.uncertainty == .triangular(low: 0, mode: 0.05, high: 0.2))
        #expect(abs(c.referrals!.probability - 0.25 / 3) < 1e-12)
        #expect(c.cost[1].uncertainty == .uniform(low: 10, high: 30) && c.cost[1].amount == 20 && c.cost[0].uncertainty == nil)
        #expect(s.uncertainInputs.map(\.path) == ["meet.amount", "meet.referrals", "meet.cost.contact"])
        #expect(s.uncertainInputs.map(\.unit) == [.money, .share, .money])
        let units = Dictionary(uniqueKeysWithValues: MetricCatalog.metrics(for: s).map { ($0.key, $0.unit) })
        #expect(units["input.meet.amount"] == .money && units["input.meet.referrals"] == .share && units["input.meet.cost.contact"] == .money)
    }

    @Test func theAmountsScaleIsTheUncertainPart() throws {
        let (l, _) = try campaign("amount lognormal(median triangular(3万, 4万, 6万), p90 20万)")
        #expect(l.amount == .lognormal(median: 130_000 / 3, p90: 200_000))
        #expect(l.amountUncertainty == .triangular(low: 30_000, mode: 40_000, high: 60_000))
        let (sh, s) = try campaign("amount share uncertain(20%..40%) of offbank max offbank")
        guard case .shareOfOffbank(let share)? = sh.amount else { Issue.record("not a share: \(String(describing: sh.amount))"); return }
        #expect(abs(share - 0.3) < 1e-12 && sh.capByOffbank)
        #expect(s.uncertainInputs.first?.unit == .share)
        let (p, _) = try campaign("amount pareto(min uncertain(1万..2万), alpha 1.5)")
        #expect(p.amount == .pareto(min: 15_000, alpha: 1.5))
        // Certain amounts are as before.
        let (f, s2) = try campaign("amount lognormal(median 5万, p90 20万)")
        #expect(f.amount == .lognormal(median: 50_000, p90: 200_000) && f.amountUncertainty == nil && s2.uncertainInputs.isEmpty)
    }

    @Test func productFeesAndMarginsMayBeDistributions() throws {
        let source = minimal.replacingOccurrences(of: "role wealth_manager", with: """
            product deposit points 1.0 fee uncertain(0.5%..1.5%) on purchase margin triangular(0.05%, 0.1%, 0.15%) per month
            role wealth_manager
            """)
        let o = check(source)
        #expect(!o.hasErrors, "\(brief(o))")
        let s = try #require(o.program).base
        let p = try #require(s.products.first { $0.name == "deposit" })
        #expect(p.feeUncertainty == .uniform(low: 0.005, high: 0.015) && abs(p.feeOnPurchase - 0.01) < 1e-12)
        #expect(p.marginUncertainty == .triangular(low: 0.0005, mode: 0.001, high: 0.0015) && p.marginUncertaintyPerMonth)
        #expect(abs(p.marginPerYear - 0.012) < 1e-12)
        #expect(s.uncertainInputs.map(\.path) == ["deposit.fee", "deposit.margin"])
        #expect(s.uncertainInputs.allSatisfy { $0.unit == .share })
    }

    @Test func sensitivityLabelsAnAmountInItsUnit() throws {
        let o = check(inCampaign("cost uncertain(10..30) per contact").replacingOccurrences(of: "amount fixed 1万", with: "amount fixed uncertain(3万..5万)")
                      + "sensitivity of uplift\n")
        #expect(!o.hasErrors, "\(brief(o))")
        guard case .decision(.sensitivity(_, let factors, _))? = try #require(o.program).actions.last?.action else {
            Issue.record("no sensitivity"); return
        }
        #expect(factors.map(\.lowLabel) == ["3.1万", "11"])
        #expect(factors.map(\.highLabel) == ["4.9万", "29"])
    }

    @Test func nestedInputsFormatAsWritten() {
        let source = inCampaign("referrals uncertain(2%..8%) new potential").replacingOccurrences(
            of: "amount fixed 1万", with: "amount lognormal(median triangular(3万, 4万, 6万), p90 20万)")
        let decls = FrontEnd.parse(source: source, file: "t.bsim").unit.statements
        let text = Formatter.format(statements: decls)
        #expect(text.contains("amount lognormal(median triangular(3万, 4万, 6万), p90 20万)"), "\(text)")
        #expect(text.contains("referrals uncertain(2%..8%) new potential"), "\(text)")
    }

    @Test func badUncertainAmountsNameTheirPlace() {
        #expect(firstError("amount fixed beta(mean 40%, sd 5%)").contains("error: 'beta' is for rates, not for 'fixed' in 'amount'"))
        #expect(firstError("amount fixed uncertain(5万..3万)").contains("error: 'uncertain' of 'fixed' in 'amount' of campaign 'meet' is out of order"))
        #expect(firstError("amount lognormal(median uncertain(3万..25万), p90 20万)")
            .contains("error: the p90 of 'lognormal' (20万) must be above its median (25万)"))
        #expect(firstError("amount fixed uncertain(3%..5%)").contains("must be an amount, found '3%'"))
        #expect(firstError("referrals uncertain(3万..5万) new potential").contains("must be a percentage"))
        #expect(firstError("cost uncertain(1..2) per contact\n  cost uncertain(3..4) per contact")
            .contains("error: campaign 'meet' has two uncertain costs 'per contact': the input 'meet.cost.contact' would be drawn twice"))
    }
}
