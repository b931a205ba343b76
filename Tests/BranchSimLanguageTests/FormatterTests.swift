import Testing
@testable import BranchSimLanguage
import BranchSimModel

@Suite struct FormatterTests {
    static let samples: [String] = [
        minimal,
        minimal + "# trailing remarks\n",
        """
        # Header comment

        # About the scenario
        scenario   "x"  {  horizon 6 months ; runs 100   # few runs
          seed 3
        }
        let a = (1 + 2) * 3 / 4 - -1
        tier low below 5万 share 90%
        tier high from 5万 share 10%
        campaign c { target high 2/3 , low 1/3 where balance 3万..4万
          frequency daily ; contacts 10 funnel reach 100%->convert 10%   # inline
          amount lognormal( median 1万 , p90 5万 )
          # before effort
        }
        variant v {
          campaign c { contacts 20 }
          drop policy
        }
        sweep c.contacts over 10, 20
        expect uplift.mean > -5  # sign

        """,
    ]

    @Test func formattingIsIdempotentAndKeepsTheProgram() throws {
        for src in Self.samples + Fixtures.allScenarioFiles.map(Fixtures.text) {
            let once = try Formatter.format(src, file: "t.bsim")
            let twice = try Formatter.format(once, file: "t.bsim")
            #expect(once == twice, "not idempotent:\n\(once)\n---\n\(twice)")
            let a = check(src), b = check(once)
            // Equal programs (actions' source lines move when lines are joined or split).
            #expect(a.program?.base == b.program?.base)
            #expect(a.program?.variants.map(\.scenario) == b.program?.variants.map(\.scenario))
            #expect(a.program?.actions.map(\.action) == b.program?.actions.map(\.action))
            #expect(a.diagnostics.map(\.message) == b.diagnostics.map(\.message))
            // Every comment survives.
            for line in src.split(separator: "\n") {
                if let hash = line.firstIndex(of: "#") {
                    // A bare `#` line (a blank line inside a comment block) has no text to find:
                    // count those instead.
                    let text = line[line.index(after: hash)...].trimmingCharacters(in: " ")
                    if text.isEmpty {
                        let bare = { (s: String) in s.split(separator: "\n").filter { $0.trimmingCharacters(in: " ") == "#" }.count }
                        #expect(bare(once) >= bare(src), "lost a bare '#' comment line")
                    } else {
                        #expect(once.contains(text), "lost comment '\(text)'")
                    }
                }
            }
        }
    }

    @Test func canonicalLayout() throws {
        let out = try Formatter.format(Self.samples[2], file: "t.bsim")
        #expect(out == """
            # Header comment

            # About the scenario
            scenario "x" {
              horizon 6 months
              runs 100  # few runs
              seed 3
            }

            let a = (1 + 2) * 3 / 4 - -1
            tier low  below 5万 share 90%
            tier high from 5万  share 10%

            campaign c {
              target high 2/3, low 1/3 where balance 3万..4万
              frequency daily
              contacts 10  funnel reach 100% -> convert 10%  # inline
              amount lognormal(median 1万, p90 5万)
              # before effort
            }

            variant v {
              campaign c { contacts 20 }
              drop policy
            }

            sweep c.contacts over 10, 20
            expect uplift.mean > -5  # sign

            """)
    }

    @Test func commentTextIsKeptAsWritten() throws {
        let text = "# - a list item that runs on,\n#   indented under its dash\n#glued\n#\nproduct deposit points 1.0\n"
        let once = try Formatter.format(text, file: "c.bsim")
        #expect(once == "# - a list item that runs on,\n#   indented under its dash\n# glued\n#\nproduct deposit points 1.0\n")
        #expect(try Formatter.format(once, file: "c.bsim") == once)
    }

    @Test func refusesToFormatBrokenFiles() {
        #expect(throws: Formatter.Failure.self) { try Formatter.format("tier x {\n", file: "t.bsim") }
    }
}

extension Substring {
    func trimmingCharacters(in c: Character) -> String { String(self).trimmingCharacters(in: c) }
}
