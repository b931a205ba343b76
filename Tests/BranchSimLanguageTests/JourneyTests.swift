import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Campaign conditions (holdings, hand-offs, life cycle, `and`/`or`/`not`, parentheses) and
/// rankings, read into the model.
@Suite struct JourneyTests {
    /// `minimal` with products, a source campaign `ai` and a campaign `call` whose `where` is
    /// `condition` (and `extra` lines in `call`).
    static func source(_ condition: String, extra: String = "") -> String {
        minimal + """
            segment payroll share 20%
            product deposit points 1
            product fund points 1.2
            product card points 5000 flat
            campaign ai {
              target potential
              frequency 1 per workday
              contacts 200
              funnel reach 100% -> listen 25%
              amount fixed 0
            }
            campaign call {
              target potential, midhigh where \(condition)
              frequency 1 per workday
              contacts 20
              amount fixed 1万
            \(extra)
            }

            """
    }

    func campaign(_ src: String, _ name: String = "call") throws -> Campaign {
        let o = check(src)
        #expect(!o.hasErrors, "\(brief(o))")
        let p = try #require(o.program)
        return try #require(p.base.campaigns.first { $0.name == name })
    }

    @Test func handOffWithWindowAndNegatedGroup() throws {
        let c = try campaign(Self.source("passed ai.listen within 2 weeks and not (holds fund or products >= 2)"))
        #expect(c.filter == nil)
        #expect(c.condition == .and([
            .event(.passed(campaign: "ai", stage: "listen"), within: .weeks(2)),
            .not(.or([.holds(1), .products(.greaterEqual, 2)])),
        ]))
    }

    @Test func andBindsTighterThanOr() throws {
        let c = try campaign(Self.source("payroll or holds card and not contacted within 90 days"))
        #expect(c.condition == .or([.segment(0), .and([.holds(2), .not(.event(.contacted(campaign: nil), within: .days(90)))])]))
    }

    @Test func everyAtom() throws {
        let atoms: [(String, Condition)] = [
            ("converted ai within 3 months", .event(.converted(campaign: "ai"), within: .months(3))),
            ("passed ai.listen", .event(.passed(campaign: "ai", stage: "listen"), within: nil)),
            ("contacted ai within 1 week", .event(.contacted(campaign: "ai"), within: .weeks(1))),
            ("contacted", .event(.contacted(campaign: nil), within: nil)),
            ("upgraded within 1 month", .event(.upgraded, within: .months(1))),
            ("downgraded", .event(.downgraded, within: nil)),
            ("not holds fund", .not(.holds(1))),
            ("products < 3", .products(.less, 3)),
        ]
        for (text, expected) in atoms {
            #expect(try campaign(Self.source(text)).condition == expected, "\(text)")
        }
        // `new within` needs joiners: with referrals somewhere it checks clean.
        let c = try campaign(Self.source("new within 3 months", extra: "  referrals 10% new potential"))
        #expect(c.condition == .event(.joined, within: .months(3)))
    }

    /// One segment, band or maturity keeps the plain filter (the engine's fast paths, and the
    /// results of existing files, are unchanged).
    @Test func plainFiltersStayFilters() throws {
        let c = try campaign(Self.source("payroll"))
        #expect(c.filter == .segment(0) && c.condition == nil)
        let b = try campaign(Self.source("balance 3万..5万"))
        #expect(b.filter == .balance(low: 30_000, high: 50_000) && b.condition == nil)
        let g = try campaign(Self.source("(payroll)"))
        #expect(g.filter == .segment(0) && g.condition == nil)
    }

    @Test func rankings() throws {
        let cases: [(String, Ranking)] = [("gap", .gap), ("balance desc", .balance(descending: true)),
                                          ("balance asc", .balance(descending: false)), ("balance", .balance(descending: true)),
                                          ("last_contact", .lastContact)]
        for (text, expected) in cases {
            #expect(try campaign(Self.source("payroll", extra: "  rank by \(text)")).rank == expected, "\(text)")
        }
    }

    /// A source declared after the campaign that takes from it is found; one a variant drops
    /// is allowed there (the hand-off is then never true), and still an error in the base.
    @Test func sourcesAnywhereAndDroppedInAVariant() throws {
        let later = minimal + """
            campaign call {
              target potential where converted later within 2 weeks
              frequency weekly
              contacts 10
              amount fixed 1万
            }
            campaign later {
              target potential
              frequency weekly
              contacts 10
              amount fixed 1万
            }
            variant without { drop campaign later }

            """
        let o = check(later)
        #expect(!o.hasErrors, "\(brief(o))")
        let p = try #require(o.program)
        #expect(p.variants.first?.scenario.campaigns.map(\.name) == ["meet", "call"])
        #expect(p.variants.first?.scenario.campaigns[1].condition == .event(.converted(campaign: "later"), within: .weeks(2)))
    }

    /// Negated references are not hand-offs: a campaign may exclude those another took
    /// while that one excludes its own, without a cycle.
    @Test func negatedReferencesMakeNoCycle() throws {
        let src = replacing(8, with: "  target potential where not contacted call within 4 weeks") + "\n"
            + "campaign call {\n  target potential where passed meet.attend within 2 weeks\n  frequency weekly\n  contacts 10\n  amount fixed 1万\n}\n"
        let o = check(src)
        #expect(!o.hasErrors, "\(brief(o))")
    }

    @Test func formatterKeepsGroupsAndIsIdempotent() throws {
        let src = Self.source("passed   ai.listen within 2 weeks and not ( holds fund or products>=2 )")
        let once = try Formatter.format(src, file: "t.bsim")
        #expect(once.contains("where passed ai.listen within 2 weeks and not (holds fund or products >= 2)"), "\(once)")
        #expect(try Formatter.format(once, file: "t.bsim") == once)
        #expect(try campaign(once).condition == campaign(src).condition)
    }

    /// A group may span lines: a line break inside parentheses continues the statement.
    @Test func groupsContinueOverLines() throws {
        let c = try campaign(Self.source("(payroll or\n    holds card) and upgraded within 1 month"))
        #expect(c.condition == .and([.or([.segment(0), .holds(2)]), .event(.upgraded, within: .months(1))]))
    }
}
