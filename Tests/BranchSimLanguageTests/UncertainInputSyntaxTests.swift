import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// `uncertain(A..B)`, `triangular(L, M, H)`, `beta(mean M, sd S)` as funnel rates.
@Suite struct UncertainInputSyntaxTests {
    static let funnelLine = "  funnel reach 100% -> attend 50% -> convert 40%"

    func stages(_ funnel: String) throws -> [FunnelStage] {
        let o = check(minimal.replacingOccurrences(of: Self.funnelLine, with: funnel))
        #expect(!o.hasErrors, "\(brief(o))")
        return try #require(o.program).base.campaigns[0].funnel
    }

    @Test func ratesMayBeDistributions() throws {
        let f = try stages("  funnel reach 100% -> attend uncertain(60%..80%) -> convert triangular(30%, 40%, 55%)")
        #expect(f[0].uncertainty == nil)
        #expect(f[1].uncertainty == .uniform(low: 0.6, high: 0.8))
        #expect(abs(f[1].probability - 0.7) < 1e-12)
        #expect(f[2].uncertainty == .triangular(low: 0.3, mode: 0.4, high: 0.55))
        let b = try stages("  funnel reach 100% -> attend 50% -> convert beta(mean 40%, sd 5%)")
        #expect(b[2].uncertainty == .beta(mean: 0.4, sd: 0.05))
        #expect(b[2].probability == 0.4)
        let o = check(minimal.replacingOccurrences(of: Self.funnelLine, with: "  funnel reach 100% -> attend uncertain(60%..80%) -> convert 40%"))
        let s = try #require(o.program).base
        #expect(s.uncertainInputs.map(\.path) == ["meet.attend"])
        #expect(MetricCatalog.metrics(for: s).last?.key == "input.meet.attend")
    }

    @Test func scenariosWithoutThemHaveNoInputMetrics() throws {
        let s = try #require(check(minimal).program).base
        #expect(s.uncertainInputs.isEmpty)
        #expect(!MetricCatalog.metrics(for: s).contains { $0.key.hasPrefix("input.") })
    }

    @Test func badDistributionsNameTheirPlace() {
        func first(_ funnel: String) -> String {
            brief(check(minimal.replacingOccurrences(of: Self.funnelLine, with: funnel))).first ?? ""
        }
        #expect(first("  funnel reach 100% -> attend uncertain(80%..60%) -> convert 40%")
            == "11:31 error: 'uncertain' of stage 'attend' is out of order: the low end is above the high end")
        #expect(first("  funnel reach 100% -> attend uncertain(60%, 80%) -> convert 40%")
            == "11:31 error: expected uncertain(35%..45%) in stage 'attend'")
        #expect(first("  funnel reach 100% -> attend beta(mean 50%, sd 60%) -> convert 40%").hasPrefix(
            "11:31 error: 'beta' of stage 'attend': beta(mean M, sd S) needs M strictly between"))
        #expect(first("  funnel reach 100% -> attend triangular(30%, 20%, 55%) -> convert 40%")
            == "11:31 error: 'triangular' of stage 'attend' is out of order: it needs LOW <= MODE <= HIGH and LOW < HIGH")
        #expect(first("  funnel reach 100% -> attend uncertain(60..80%) -> convert 40%")
            == "11:41 error: 'uncertain' in stage 'attend' must be a percentage, found '60'")
    }

    @Test func aStageIsSetByItsShortPathToo() throws {
        var decls = FrontEnd.parse(source: minimal, file: "t.bsim").unit.statements
        let donor = FrontEnd.parse(source: "campaign z { funnel convert uncertain(30%..50%) }\n", file: "z.bsim").unit
        let call = try #require(donor.statements.first?.properties.first?.values.last)
        try Edits.set(path: "meet.convert", value: [call], in: &decls)
        #expect(Formatter.format(statements: decls).contains("convert uncertain(30%..50%)"))
        // And back to a plain rate.
        let plain = try #require(FrontEnd.parse(source: "campaign z { funnel convert 45% }\n", file: "z.bsim").unit
            .statements.first?.properties.first?.values.last)
        try Edits.set(path: "meet.funnel.convert", value: [plain], in: &decls)
        #expect(Formatter.format(statements: decls).contains("convert 45%"))
    }
}
