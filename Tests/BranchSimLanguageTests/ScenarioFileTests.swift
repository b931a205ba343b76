import Testing
@testable import BranchSimLanguage
import BranchSimModel

@Suite struct ScenarioFileTests {
    @Test func acceptanceScenariosCheckClean() throws {
        let files = Fixtures.scenarioFiles
        #expect(files.count >= 3, "expected the shared scenarios")
        for path in files {
            let o = FrontEnd.check(path: path)
            let rendered = DiagnosticRenderer().render(o.diagnostics, sources: o.sources)
            #expect(o.diagnostics.isEmpty, "\(path):\n\(rendered)")
            #expect(o.program != nil)
        }
    }
}
