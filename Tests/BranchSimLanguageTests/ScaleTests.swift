import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Files with very many statements check in time linear in their length (issue 19: 400,000
/// `let`s never finished checking). These assert the result, not a time: a quadratic step
/// shows as a test that does not finish (docs/performance.md has the measured times).
@Suite struct ScaleTests {
    @Test func fiftyThousandLetsCheck() {
        let n = 50_000
        var text = "let v0 = 1\n"
        for i in 1..<n { text += "let v\(i) = v\(i - 1) + 1\n" }
        text += replacing(10, with: "  contacts v\(n - 1)")
        let o = check(text)
        #expect(o.diagnostics.isEmpty, "\(brief(o).prefix(3))")
        guard let program = o.program else { Issue.record("no program"); return }  // not #require: it would print the file
        #expect(program.base.campaigns[0].contacts == .count(n))
    }

    @Test func fiveThousandBranchesAndCampaignsCheck() {
        // 5,000 campaigns took 4 s in release before (16 s at 10,000); each campaign's state
        // costs memory per customer (MemoryModel), so the branches are small.
        let n = 5_000
        var text = minimal
        for i in 0..<n { text += "branch b\(i) { customers 1 }\n" }
        for i in 0..<n {
            text += "campaign c\(i) { at b\(i)  target potential  frequency 1 per week  contacts 1  amount fixed 1万 }\n"
        }
        text = text.replacingOccurrences(of: "  frequency 2 per week", with: "  at downtown\n  frequency 2 per week")
        let o = check(text)
        #expect(o.diagnostics.isEmpty, "\(brief(o).prefix(3))")
        guard let program = o.program else { Issue.record("no program"); return }  // not #require: it would print the file
        #expect(program.base.branches.count == n + 1 && program.base.campaigns.count == n + 1)
        #expect(program.base.campaigns.last?.hosts == [n])
    }

    @Test func twentyThousandRolesInOneBranchAndAsManyNetworksCheck() {
        let n = 20_000
        var text = minimal + "scenario { runs 10 }\n"  // 20,000 roles' series for 1,000 runs need 16 GiB
        for i in 0..<n { text += "role r\(i) hours 40 per week\n" }
        text += "branch big { customers 10  staff " + (0..<n).map { "r\($0) 1" }.joined(separator: ", ") + " }\n"
        for i in 0..<n { text += "branch b\(i) { customers 10 }\nnetwork n\(i) { hub b\(i) }\n" }
        text = text.replacingOccurrences(of: "  frequency 2 per week", with: "  at downtown\n  frequency 2 per week")
        let o = check(text)
        #expect(o.diagnostics.isEmpty, "\(brief(o).prefix(3))")
        guard let program = o.program else { Issue.record("no program"); return }  // not #require: it would print the file
        #expect(program.base.branches[1].staff.reduce(0, +) == Double(n))
        #expect(program.base.networks.count == n && program.base.networks.last?.hub == n + 1)
    }
}
