import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Files with very many statements check in time linear in their length (issue 19: 400,000
/// `let`s never finished checking). These assert the result, not a time: a quadratic step
/// shows as a test that does not finish (docs/performance.md has the measured times).
@Suite struct ScaleTests {
    @Test func fiftyThousandLetsCheck() throws {
        let n = 50_000
        var text = "let v0 = 1\n"
        for i in 1..<n { text += "let v\(i) = v\(i - 1) + 1\n" }
        text += replacing(10, with: "  contacts v\(n - 1)")
        let o = check(text)
        #expect(o.diagnostics.isEmpty, "\(brief(o).prefix(3))")
        let program = try #require(o.program)
        #expect(program.base.campaigns[0].contacts == .count(n))
    }

    @Test func tenThousandBranchesAndCampaignsCheck() throws {
        let n = 10_000
        var text = minimal
        for i in 0..<n { text += "branch b\(i) { customers 10 }\n" }
        for i in 0..<n {
            text += "campaign c\(i) { at b\(i)  target potential  frequency 1 per week  contacts 1  amount fixed 1万 }\n"
        }
        text = text.replacingOccurrences(of: "  frequency 2 per week", with: "  at downtown\n  frequency 2 per week")
        let o = check(text)
        #expect(o.diagnostics.isEmpty, "\(brief(o).prefix(3))")
        let program = try #require(o.program)
        #expect(program.base.branches.count == n + 1 && program.base.campaigns.count == n + 1)
        #expect(program.base.campaigns.last?.hosts == [n])
    }
}
