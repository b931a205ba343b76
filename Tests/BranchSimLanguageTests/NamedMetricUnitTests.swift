import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// `metric NAME = EXPR as UNIT`: the unit a named metric is printed in, when the arithmetic's
/// guess (a ratio for one metric over another) is not what it means.
@Suite struct NamedMetricUnitTests {
    func units(_ text: String) throws -> [String: MetricUnit] {
        let o = check(minimal + text)
        #expect(!o.hasErrors, "\(brief(o))")
        let program = try #require(o.program)
        return Dictionary(uniqueKeysWithValues: program.base.derivedMetrics.map { ($0.name, $0.unit) })
    }

    @Test func asGivesTheUnitAndWithoutItTheArithmeticDoes() throws {
        let u = try units("""
            metric attend_share = funnel.meet.attend / funnel.meet.contacts as share
            metric attend_rate = funnel.meet.attend / funnel.meet.contacts
            metric per_conversion = uplift / conversions as money
            metric doubled = 2 * uplift

            """)
        #expect(u["attend_share"] == .share)
        #expect(u["attend_rate"] == .ratio)
        #expect(u["per_conversion"] == .money)
        #expect(u["doubled"] == .money)
    }

    @Test func anUnknownUnitIsAnErrorThatNamesTheUnits() {
        let o = check(minimal + "metric s = funnel.meet.attend / funnel.meet.contacts as shares\n")
        let d = o.diagnostics.first { $0.id == .metricUnitUnknown }
        #expect(d != nil, "\(brief(o))")
        #expect(d?.message == "expected a unit after the value of 'metric s': count, fte, hours, money, ratio, share", "\(d?.message ?? "")")
        // At the unit written: line 14 (after the 13 lines of `minimal`), after "as ".
        #expect(d?.location.line == 14 && d?.location.column == 57, "\(d.map { "\($0.location)" } ?? "")")
        #expect(brief(o).joined(separator: "\n").contains("share"))
        let missing = check(minimal + "metric s = uplift as\n")
        #expect(missing.diagnostics.contains { $0.id == .metricUnitUnknown }, "\(brief(missing))")
    }

    @Test func theFormatterKeepsTheUnit() throws {
        let src = minimal + "metric  attend_share =  funnel.meet.attend/funnel.meet.contacts   as share\n"
        let once = try Formatter.format(src, file: "t.bsim")
        #expect(once.contains("metric attend_share = funnel.meet.attend / funnel.meet.contacts as share"), "\(once)")
        #expect(try Formatter.format(once, file: "t.bsim") == once)
    }
}
