import Testing
@testable import BranchSimLanguage
import BranchSimModel
import TestSupport

@Suite struct PropertyTests {
    static var corpus: [String] {
        [minimal] + Fixtures.allScenarioFiles.map(Fixtures.text) + FormatterTests.samples
    }

    static let fragments = ["{", "}", "(", ")", ",", "->", "..", "%", "万", "x", "\n", ";", "#", "\"", " ", "5万", "-1", "1e400",
                            "campaign", "tier", "variant", "let a = a", "include \"t.bsim\"", "drop", "at hub", "funnel", "长尾",
                            "99999999999999999999", "/", "0", "uniform(", "lognormal(median", "\u{0}", "\u{FFFD}", "runs until"]

    /// Random bytes, truncations, splices and token insertions: never a crash or a hang,
    /// always either a program or at least one error.
    @Test func randomAndMutatedInputsNeverCrash() {
        var rng = SeededRandom(seed: 20_190_201)
        let corpus = Self.corpus
        var programs = 0, rejected = 0
        for i in 0..<1200 {
            let base = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            var text: String
            switch i % 5 {
            case 0:
                let bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                text = String(decoding: bytes, as: UTF8.self)
            case 1:
                let u = Array(base.utf8)
                text = String(decoding: u.prefix(Int.random(in: 0...u.count, using: &rng)), as: UTF8.self)
            case 2:
                let other = Array(corpus[Int.random(in: 0..<corpus.count, using: &rng)].utf8)
                let u = Array(base.utf8)
                let a = Int.random(in: 0...u.count, using: &rng), b = Int.random(in: 0...other.count, using: &rng)
                text = String(decoding: u.prefix(a) + other.suffix(from: b), as: UTF8.self)
            case 3:
                var u = Array(base.unicodeScalars)
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    let f = Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &rng)]
                    let at = Int.random(in: 0...u.count, using: &rng)
                    u.insert(contentsOf: f.unicodeScalars, at: at)
                }
                text = String(String.UnicodeScalarView(u))
            default:
                var u = Array(base.unicodeScalars)
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !u.isEmpty {
                    u.remove(at: Int.random(in: 0..<u.count, using: &rng))
                }
                text = String(String.UnicodeScalarView(u))
            }
            let o = FrontEnd.check(source: text, file: "t.bsim", loader: InMemoryLoader(["t.bsim": text]))
            if o.program != nil { programs += 1 } else { rejected += 1 }
            #expect(o.program != nil || o.hasErrors, "no program and no error for:\n\(text)")
            // Every diagnostic renders, and formatting either succeeds idempotently or reports syntax errors.
            _ = DiagnosticRenderer().render(o.diagnostics, sources: o.sources)
            if i % 10 == 0, let once = try? Formatter.format(text, file: "t.bsim") {
                #expect((try? Formatter.format(once, file: "t.bsim")) == once)
            }
            _ = InputCompleteness.needsMore(text)
            if i % 20 == 0 {
                var d = ScenarioDocument()
                _ = d.enter(minimal)
                let before = d.source()
                let e = d.enter(text)
                #expect(!e.hasErrors || d.source() == before, "an entry with errors changed the document")
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(2).map(String.init)
                _ = d.set(path: "meet." + (words.first ?? "x"), value: words.last ?? "")
                _ = d.set(path: "meet.funnel.convert", value: String(text.prefix(12)))
            }
        }
        #expect(programs > 0 && rejected > 0)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "let a = " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + "\n"
        let o = check(deep)
        #expect(brief(o).first == "1:109 error: expression nested too deeply (more than 100 levels)")
        let minus = "let a = " + String(repeating: "-", count: 10_000) + "1\n"
        #expect(check(minus).hasErrors)
        let variants = String(repeating: "variant v {\n", count: 5_000) + String(repeating: "}\n", count: 5_000)
        #expect(brief(check(variants)).first == "2:1 error: 'variant' is not allowed inside a variant")
    }
}
