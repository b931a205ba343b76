import Testing
@testable import BranchSimLanguage
import BranchSimModel

@Suite struct DocumentTests {
    func document() -> ScenarioDocument {
        var d = ScenarioDocument()
        let o = d.enter(minimal)
        #expect(!o.hasErrors)
        return d
    }

    @Test func enterAddsAndReplacesDeclarations() throws {
        var d = document()
        #expect(d.declarations.map(\.kind) == ["tier", "tier", "tier", "tier", "role", "branch", "campaign"])
        let o = d.enter("campaign meet { target potential  frequency 3 per week  contacts 10  amount fixed 1万 }")
        #expect(!o.hasErrors)
        #expect(o.changed.map(\.name) == ["meet"])
        let program = try #require(d.check().program)
        #expect(program.base.campaigns.count == 1)
        #expect(program.base.campaigns[0].frequency == Rate(count: 3, per: .week))
        #expect(program.base.campaigns[0].funnel.isEmpty)
    }

    @Test func actionsComeBackCheckedAndAreNotStored() {
        var d = document()
        let o = d.enter("run runs 50\nreport uplift")
        #expect(o.actions.map(\.action) == [.run(runs: .fixed(50), variant: nil), .report(["uplift"])])
        #expect(d.declarations.count == 7)
        #expect(d.check().program?.actions.isEmpty == true)
    }

    @Test func tiersCanBeTypedOneAtATime() throws {
        var d = ScenarioDocument()
        let first = d.enter("tier longtail below 5万 share 91%")
        #expect(!first.hasErrors)
        #expect(first.unfinished.map(\.message).contains("tier shares add up to 91%, not 100%"))
        #expect(d.declarations.map(\.name) == ["longtail"])
        // An action needs the scenario: the unfinished errors come back, and nothing runs.
        let early = d.enter("run runs 5")
        #expect(early.hasErrors)
        #expect(early.actions.isEmpty)
        #expect(early.diagnostics.contains { $0.message.contains("customers above it have no tier") })
        // A real error in the next tier is not held back.
        let over = d.enter("tier rich from 5万 share 20%")
        #expect(over.hasErrors)
        #expect(d.declarations.count == 1)
        let last = d.enter("tier rest from 5万 share 9%")
        #expect(!last.hasErrors && last.unfinished.isEmpty)
        #expect(try #require(d.check().program).base.tiers.map(\.name) == ["longtail", "rest"])
        #expect(!d.enter("run runs 5").hasErrors)
    }

    @Test func errorsChangeNothing() {
        var d = document()
        let before = d.source()
        let o = d.enter("campaign meet { target potentail  frequency 3 per week  contacts 10 }")
        #expect(o.hasErrors)
        #expect(o.diagnostics.first(where: \.isError)?.location == SourceLocation(file: "<entry:2>", line: 1, column: 24))
        #expect(d.source() == before)
    }

    /// The document knows nothing of the shell: a `drop` outside a variant gets the
    /// language's advice (the shell rephrases it by its ID), and entries are named by the caller.
    @Test func dropOutsideAVariantIsTheLanguagesDiagnostic() throws {
        var d = document()
        let o = d.enter("drop campaign meet", file: "<typed>")
        let e = try #require(o.diagnostics.first)
        #expect(e.id == .dropOutsideVariant && e.location.file == "<typed>")
        #expect(e.notes.map(\.text) == ["help: write 'variant NAME { drop campaign ... }'"])
    }

    @Test func setUnsetAndDrop() throws {
        var d = document()
        #expect(d.set(path: "meet.funnel.convert", value: "50%").isEmpty)
        #expect(d.set(path: "meet.frequency", value: "3").isEmpty)
        #expect(d.set(path: "downtown.customers", value: "5000").isEmpty)
        #expect(d.set(path: "meet.cooldown", value: "8 weeks").isEmpty)
        var p = try #require(d.check().program)
        #expect(p.base.campaigns[0].funnel[2].probability == 0.5)
        #expect(p.base.campaigns[0].frequency == Rate(count: 3, per: .week))
        #expect(p.base.branches[0].customers == 5000)
        #expect(p.base.campaigns[0].cooldown == .weeks(8))
        #expect(d.unset(path: "meet.cooldown").isEmpty)
        p = try #require(d.check().program)
        #expect(p.base.campaigns[0].cooldown == nil)
        // A bad value is refused and reported.
        let bad = d.set(path: "meet.funnel.convert", value: "150%")
        #expect(bad.map(\.message) == ["stage 'convert' is 150%, outside 0..100%"])
        #expect(DiagnosticRenderer().render(bad, sources: d.sources) == """
            <set:6>:1:1: error: stage 'convert' is 150%, outside 0..100%
              |
            1 | 150%
              | ^~~~

            """)
        #expect(d.set(path: "meet.funel.convert", value: "5%").first?.message == "campaign has no property 'funel'")
        #expect(d.drop(kind: "campaign", name: "meet").isEmpty)
        #expect(d.check().program?.base.campaigns.isEmpty == true)
        #expect(d.drop(kind: "campaign", name: "meet").first?.message == "there is no campaign 'meet'")
    }

    @Test func sourceAndShowAreCanonical() throws {
        let d = document()
        #expect(try d.source() == Formatter.format(minimal, file: "x"))
        #expect(d.show(name: "downtown") == "branch downtown { customers 2000  staff wealth_manager 2 }\n")
        #expect(d.show(name: "nothing") == nil)
        var f = d
        #expect(!f.enter("scenario \"Plan\" { runs 10 }\npolicy max 2 contacts per month").hasErrors)
        #expect(f.declarations.suffix(2).map(\.name) == ["scenario", "policy"])
        #expect(f.show(name: "scenario") == "scenario \"Plan\" { runs 10 }\n")
        #expect(f.drop(kind: "policy", name: "policy").isEmpty)
        #expect(f.declarations.last?.kind == "scenario")
        var e = ScenarioDocument()
        #expect(e.enter(d.source()).diagnostics.isEmpty)
    }

    @Test func loadReplacesTheDocument() throws {
        var d = document()
        let diags = d.load(path: "a.bsim", loader: InMemoryLoader(["a.bsim": "role rm hours 40 per week\nrun\n"]))
        #expect(diags.isEmpty)
        #expect(d.declarations.map(\.name) == ["rm"])
        let missing = d.load(path: "nope.bsim", loader: InMemoryLoader([:]))
        #expect(missing.first?.message == "cannot read 'nope.bsim': no such file")
        #expect(d.declarations.map(\.name) == ["rm"])
    }

    @Test func inputCompleteness() {
        #expect(InputCompleteness.needsMore("campaign x {"))
        #expect(InputCompleteness.needsMore("funnel reach 100% ->"))
        #expect(InputCompleteness.needsMore("buys deposit 50%,"))
        #expect(InputCompleteness.needsMore("amount uniform(1万,"))
        #expect(!InputCompleteness.needsMore("campaign x { contacts 10 }"))
        #expect(!InputCompleteness.needsMore("run # a comment {"))
    }

    @Test func vocabularyForCompletion() {
        #expect(LanguageVocabulary.keywords.contains("campaign") && !LanguageVocabulary.keywords.contains("drop"))
        #expect(LanguageVocabulary.properties["campaign"]?.contains("funnel") == true)
        #expect(Set(LanguageVocabulary.synopsis.keys) == Set(LanguageVocabulary.keywords))
        #expect(LanguageVocabulary.channels == ["event", "phone", "ai_call", "sms", "wechat", "lobby", "visit", "mgm"])
    }
}
