import Testing
@testable import BranchSimLanguage
import BranchSimModel

@Suite struct ScenarioFileTests {
    /// The acceptance scenarios (../shared/scenarios, when present) check clean, unchanged.
    @Test(.enabled(if: Fixtures.scenariosDirectory != nil, "no shared scenarios directory"))
    func acceptanceScenariosCheckClean() throws {
        #expect(Fixtures.scenarioFiles.count >= 3, "expected the shared scenarios")
        Self.expectClean(Fixtures.scenarioFiles)
    }

    static func expectClean(_ files: [String]) {
        for path in files {
            let o = FrontEnd.check(path: path)
            let rendered = DiagnosticRenderer().render(o.diagnostics, sources: o.sources)
            #expect(o.diagnostics.isEmpty, "\(path):\n\(rendered)")
            #expect(o.program != nil)
        }
    }

    /// The repository's own playbooks check clean, with or without ../shared beside the clone.
    @Test func repositoryPlaybooksCheckClean() throws {
        #expect(Fixtures.repositoryScenarioFiles.count >= 5, "expected the playbooks in scenarios/")
        Self.expectClean(Fixtures.repositoryScenarioFiles)
    }

    /// The repository's hub-and-satellites playbook: its `alone` variant undoes the network.
    @Test func repositoryHubAndSatellitesVariant() throws {
        let path = try #require(Fixtures.repositoryScenarioFiles.first { $0.hasSuffix("hub-and-satellites.bsim") })
        let p = try #require(FrontEnd.check(path: path).program)
        let themed = try #require(p.base.campaigns.first { $0.name == "themed_event" })
        #expect(themed.audience == .network && themed.targets.map(\.tier).count == 2)
        let alone = try #require(p.scenario(named: "alone"))
        #expect(alone.networks.isEmpty)
        #expect(alone.campaigns.map(\.name) == ["themed_event"])
        #expect(alone.campaigns[0].audience == .own && alone.campaigns[0].referrals == nil)
        #expect(alone.campaigns[0].hosts.count == p.base.branches.count)
    }

    /// The shared acceptance copy of hub-and-satellites (its variant is `standalone`).
    @Test(.enabled(if: Fixtures.scenariosDirectory != nil, "no shared scenarios directory"))
    func hubAndSatellitesVariant() throws {
        let path = try #require(Fixtures.scenarioFiles.first { $0.hasSuffix("hub-and-satellites.bsim") })
        let p = try #require(FrontEnd.check(path: path).program)
        let themed = try #require(p.base.campaigns.first { $0.name == "themed_event" })
        #expect(themed.hosts == [1, 2, 3, 4] && themed.audience == .network && themed.hostNetworks == [0, 0, 0, 0])
        #expect(themed.targets.map(\.tier) == [1, 2] && abs(themed.targets[0].weight - 2.0 / 3) < 1e-12)
        let standalone = try #require(p.scenario(named: "standalone"))
        #expect(standalone.networks.isEmpty)
        #expect(standalone.campaigns.map(\.name) == ["themed_event"])
        #expect(standalone.campaigns[0].hosts == [0, 1, 2, 3, 4] && standalone.campaigns[0].audience == .own)
        #expect(standalone.campaigns[0].referrals == nil)
        #expect(standalone.campaigns[0].effort == themed.effort)
    }

    @Test func variantOnlyProblemsSayWhichVariant() {
        let o = check(minimal + "variant v { campaign meet { funnel reach 100% -> convert 140% } }\n")
        #expect(brief(o) == ["14:58 error: stage 'convert' is 140%, outside 0..100%"])
        #expect(o.diagnostics.first?.notes == [.note("in variant 'v'")])
    }

    @Test func includePathsAreRelativeToTheIncludingFile() {
        let o = FrontEnd.check(path: "dir/main.bsim", loader: InMemoryLoader([
            "dir/main.bsim": "include \"lib/roles.bsim\"\ncampaign c { target potential  frequency daily  contacts 1  amount fixed 1 }\n",
            "dir/lib/roles.bsim": "include \"more.bsim\"\n",
            "dir/lib/more.bsim": "role rm hours 40 per week\n",
        ]))
        #expect(o.diagnostics.isEmpty)
        #expect(o.program?.base.roles.map(\.name) == ["rm"])
        #expect(o.sources.keys.sorted() == ["dir/lib/more.bsim", "dir/lib/roles.bsim", "dir/main.bsim"])
    }
}
