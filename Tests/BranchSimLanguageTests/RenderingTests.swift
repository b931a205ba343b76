import Testing
@testable import BranchSimLanguage
import BranchSimModel

@Suite struct RenderingTests {
    @Test func rendersHeaderSourceCaretAndHelp() {
        let o = check(replacing(8, with: "  target potentail"))
        #expect(o.diagnostics.count == 1)
        let text = DiagnosticRenderer().render(o.diagnostics[0], sources: o.sources)
        #expect(text == """
            t.bsim:8:10: error: unknown tier 'potentail'
              |
            8 |   target potentail
              |          ^~~~~~~~~
              = help: did you mean 'potential'?

            """)
    }

    /// An ESC or BEL in a file is shown, not sent to the terminal (it could retitle or clear
    /// it), and the caret still sits under the spot.
    @Test func controlCharactersInTheSourceLineAreShownAndTheCaretFollows() {
        let o = check("let a = 1 # \u{1B}]0;pwned\u{07}\u{1B}[2J\nlet b = \u{1B}[2J q\n")
        let d = try! #require(o.diagnostics.first)
        let text = DiagnosticRenderer().render(d, sources: o.sources)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains("2 | let b = ^[[2J q\n"))
        let lines = text.split(separator: "\n")
        let caretLine = try! #require(lines.first { $0.hasPrefix("  | ") && $0.contains("^") })
        let sourceLine = try! #require(lines.first { $0.hasPrefix("2 | ") })
        let at = sourceLine.distance(from: sourceLine.startIndex, to: sourceLine.firstIndex(of: "^")!)
        let caret = caretLine.distance(from: caretLine.startIndex, to: caretLine.firstIndex(of: "^")!)
        #expect(caret == at, "the caret is under '^[', the shown ESC:\n\(text)")
    }

    @Test func caretUnderCJKUsesDisplayWidth() {
        let o = check("tier 长尾 below 5万 share 100% reachable 60\n")
        let d = try! #require(o.diagnostics.first { $0.message.contains("percentage") })
        let text = DiagnosticRenderer().render(d, sources: o.sources)
        // '长尾' and '万' take two columns each: the caret sits under '60'.
        #expect(text == """
            t.bsim:1:39: error: 'reachable' of tier '长尾' must be a percentage, found '60'
              |
            1 | tier 长尾 below 5万 share 100% reachable 60
              |                                          ^~
              = help: write '60%'

            """)
    }

    /// The caret line uses the one display-width table (`DisplayWidth`): a combining accent
    /// takes no column and a wide emoji two (the renderer's own table counted both as one).
    @Test func caretAfterCombiningMarkAndEmoji() throws {
        let o = check("scenario \"cafe\u{301}\u{231A}\" { runs 0 }\n" + minimal)
        let d = try #require(o.diagnostics.first)
        let lines = DiagnosticRenderer().render(d, sources: o.sources).split(separator: "\n")
        // 'scenario "café⌚" { runs ' is 25 columns wide.
        #expect(lines[3] == "  | " + String(repeating: " ", count: 25) + "^", "\(lines)")
    }

    /// A line wider than a terminal is cut to an excerpt around the column, the caret still
    /// under the spot (a 240 KB line used to be printed whole).
    @Test func longLineIsShownAsAnExcerpt() throws {
        let padding = String(repeating: "长", count: 100)  // 200 columns before the error
        let o = check("let a = 1\n# \(padding)\nlet b = \(String(repeating: "2 + ", count: 60))q + \(String(repeating: "3 + ", count: 60))4\n")
        let d = try #require(o.diagnostics.first { $0.message == "unknown name 'q'" })
        let lines = DiagnosticRenderer().render(d, sources: o.sources).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "t.bsim:3:249: error: unknown name 'q'")
        let source = String(lines[2]), caret = String(lines[3])
        #expect(source.hasPrefix("3 | …") && source.hasSuffix("…"), "\(source)")
        #expect(source.count <= 4 + 162)
        // The caret's column in the excerpt holds the 'q'.
        let at = try #require(caret.firstIndex(of: "^"))
        let column = caret.distance(from: caret.startIndex, to: at)
        #expect(Array(source)[column] == "q", "\(source)\n\(caret)")
        // Short lines are untouched.
        let short = check(replacing(8, with: "  target potentail"))
        #expect(DiagnosticRenderer().render(short.diagnostics[0], sources: short.sources).contains("8 |   target potentail\n"))
    }

    @Test func notesAndWideGutter() {
        let src = String(repeating: "\n", count: 11) + minimal + "tier potential from 5万 to 20万 share 6%\n"
        let o = check(src)
        let d = try! #require(o.diagnostics.first)
        let text = DiagnosticRenderer().render(d, sources: o.sources)
        #expect(text == """
            t.bsim:25:6: error: duplicate tier 'potential'
               |
            25 | tier potential from 5万 to 20万 share 6%
               |      ^~~~~~~~~
               = note: first declared at t.bsim:13:6
               = help: rename or remove one of them

            """)
    }

    @Test func colourOnlyWhenAsked() {
        let o = check(replacing(8, with: "  target potentail"))
        let plain = DiagnosticRenderer(colour: false).render(o.diagnostics, sources: o.sources)
        let coloured = DiagnosticRenderer(colour: true).render(o.diagnostics, sources: o.sources)
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }

    @Test func fileWithoutPosition() {
        let o = FrontEnd.check(path: "/nonexistent/x.bsim")
        #expect(o.hasErrors)
        #expect(DiagnosticRenderer().render(o.diagnostics, sources: o.sources) == "/nonexistent/x.bsim: error: cannot read '/nonexistent/x.bsim': no such file\n")
    }

    @Test func jsonShape() throws {
        let o = check(replacing(8, with: "  target potentail"))
        let j = DiagnosticJSON(o.diagnostics[0])
        #expect(j.id == "name.reference-unknown")
        #expect(j == DiagnosticJSON(id: .referenceUnknown, file: "t.bsim", line: 8, column: 10, endLine: 8, endColumn: 19, severity: "error",
                                    message: "unknown tier 'potentail'", notes: ["help: did you mean 'potential'?"]))
    }
}

extension DiagnosticJSON {
    init(id: DiagnosticID, file: String, line: Int, column: Int, endLine: Int, endColumn: Int, severity: String, message: String,
         notes: [String]) {
        self.init(Diagnostic(id, severity: severity == "error" ? .error : .warning, message: message,
                             location: SourceLocation(file: file, line: line, column: column),
                             end: SourceLocation(file: file, line: endLine, column: endColumn),
                             notes: notes.map { n in n.hasPrefix("help: ") ? .help(String(n.dropFirst(6))) : .note(String(n.dropFirst(6))) }))
    }
}
