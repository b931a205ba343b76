import BranchSimModel
import Foundation
import ShellTestSupport
import Testing
@testable import BranchSimShell

/// The read-evaluate loop, driven by a list of lines (no terminal).
@Suite struct ShellLoopTests {
    typealias Harness = TestShell<ScriptedBackend>

    @Test func aStatementOverSeveralLinesIsExecutedOnceWhole() throws {
        let h = try Harness()
        var source = ListSource(["campaign upgrade_meeting {", "  funnel reach 70% ->", "    attend 35%", "}", "run"])
        #expect(h.shell.run(source: &source, interactive: true) == 0)
        #expect(h.executed == ["campaign upgrade_meeting {\n  funnel reach 70% ->\n    attend 35%\n}", "run"])
        #expect(source.prompts == ["branchsim> ", "      ...> ", "      ...> ", "      ...> ", "branchsim> ", "branchsim> "])
    }

    @Test func trailingCommaContinuesAndBlankLinesAreSkipped() throws {
        let h = try Harness()
        #expect(h.run(["", "report uplift,", "  funnel", "   "], interactive: false) == 0)
        #expect(h.executed == ["report uplift,\n  funnel"])
    }

    @Test func scriptLocationsCountLinesOfStandardInput() throws {
        let h = try Harness()
        _ = h.run(["tier a share 1%", "", "campaign c {", "}", "run"], interactive: false)
        let locations = h.backend.calls.compactMap { if case .execute(_, let l) = $0 { return l.description } else { return nil } }
        #expect(locations == ["<stdin>:1:1", "<stdin>:3:1", "<stdin>:5:1"])
    }

    @Test func scriptStatusIsOneForAFailedExpectation() throws {
        let h = try Harness()
        #expect(h.run(["run", "expect false", "report uplift"], interactive: false) == 1)
        #expect(h.executed == ["run", "expect false", "report uplift"])
    }

    @Test func scriptStopsAtTheFirstErrorWithStatusTwo() throws {
        let h = try Harness()
        #expect(h.run(["expect false", "oops here", "run"], interactive: false) == 2)
        #expect(h.executed == ["expect false", "oops here"])
        #expect(h.captured.stderr == "<stdin>:2:1: error: unknown statement 'oops'; :help statements lists them\n")
    }

    @Test func interactiveSessionKeepsGoingAfterAnError() throws {
        let h = try Harness()
        #expect(h.run(["oops", "run"], interactive: true) == 0)
        #expect(h.executed == ["oops", "run"])
        #expect(h.captured.stdout.contains("ok: run (1 line)"))
    }

    @Test func anUnfinishedStatementAtTheEndGoesToTheBackend() throws {
        let h = try Harness()
        _ = h.run(["campaign x {", "  contacts 40"], interactive: false)
        #expect(h.executed == ["campaign x {\n  contacts 40"])
    }

    @Test func ctrlCDropsTheUnfinishedStatement() throws {
        let h = try Harness()
        var source = ListSource(events: [.line("campaign x {"), .interrupted, .line("run")])
        _ = h.shell.run(source: &source, interactive: true)
        #expect(h.executed == ["run"])
        #expect(source.prompts == ["branchsim> ", "      ...> ", "branchsim> ", "branchsim> "])
    }

    @Test func quitEndsTheLoop() throws {
        let h = try Harness()
        #expect(h.run(["run", ":q", "run"], interactive: true) == 0)
        #expect(h.executed == ["run"])
    }

    @Test func commandsReachTheBackend() throws {
        let h = try Harness()
        _ = h.run([":load \(h.dir)/missing.bsim", ":show", ":show x", ":set upgrade_meeting.funnel.convert 50%",
                   ":unset upgrade_meeting.funnel.convert", ":reset", ":load ~/missing.bsim"], interactive: true)
        #expect(h.backend.calls == [
            .load("\(h.dir)/missing.bsim"), .show(nil), .show("x"),
            .set("upgrade_meeting.funnel.convert", "50%"), .unset("upgrade_meeting.funnel.convert"), .reset,
            .load("\(h.dir)/missing.bsim"),
        ])
    }

    @Test func unknownCommandSuggestsAndTheShellGoesOn() throws {
        let h = try Harness()
        #expect(h.run([":sav plan.bsim", "run"], interactive: true) == 0)
        #expect(h.captured.stderr == "error: unknown command ':sav'; did you mean ':save'? (:help commands lists them)\n")
        #expect(h.executed == ["run"])
    }

    @Test func saveWritesTheSessionAndRefusesToClobber() throws {
        let h = try Harness()
        let path = h.dir + "/plan.bsim"
        _ = h.run(["tier potential share 6%", ":save \(path)"], interactive: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "tier potential share 6%\n")
        _ = h.run(["run", ":save \(path)"], interactive: true)
        #expect(h.captured.stderr.contains("error: '\(path)' already exists; add --force to overwrite it, or choose another name"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "tier potential share 6%\n")
        _ = h.run([":save \(path) --force"], interactive: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "tier potential share 6%\nrun\n")
        #expect(h.captured.stdout.contains("saved 2 lines to \(path)"))
    }

    @Test func saveWithNothingToSaveWritesNothing() throws {
        let h = try Harness()
        _ = h.run([":save \(h.dir)/empty.bsim"], interactive: true)
        #expect(!FileManager.default.fileExists(atPath: h.dir + "/empty.bsim"))
        #expect(h.captured.stderr == "error: nothing to save yet; type statements or :load a file first\n")
    }

    @Test func historyIsAppendedAsEntered() throws {
        let h = try Harness()
        _ = h.run(["campaign x {", "}", "run", ":history 2"], interactive: true)
        #expect(HistoryStore(path: h.dir + "/history").load() == ["campaign x {\n}", "run", ":history 2"])
        #expect(h.captured.stdout.hasSuffix("2    run\n3    :history 2\n\n"))  // the last newline: end of input
        // Scripts leave no history.
        let s = try Harness()
        _ = s.run(["run"], interactive: false)
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/history"))
    }

    @Test func historyListingIndentsContinuationLines() {
        #expect(Shell.formatHistory(["a {\n  b\n}", "run"], last: 5) == "1    a {\n       b\n     }\n2    run\n")
        #expect(Shell.formatHistory(["a", "b", "c"], last: 1) == "3    c\n")
    }

    @Test func helpHasTheShellTopicsAndTheBackendsOwn() throws {
        let h = try Harness()
        _ = h.run([":help", ":help commands", ":help fixture", ":help metrix"], interactive: true)
        #expect(h.captured.stdout.contains("more topics: fixture"))
        #expect(h.captured.stdout.contains(":save FILE [--force]"))
        #expect(h.captured.stdout.contains("The scripted test backend."))
        #expect(h.captured.stderr == "error: no help on 'metrix'; did you mean 'metrics'? topics: statements, campaign, metrics, commands, keys, fixture\n")
        for topic in HelpText.topics { #expect(HelpText.text(for: topic) != nil) }
    }

    @Test func completionAsksTheBackendWithTheWholeStatement() throws {
        let h = try Harness()
        _ = h.run(["campaign upgrade_meeting {", "}"], interactive: true)
        #expect(h.shell.complete(beforeCursor: "report funnel.upgrade_meeting.a") == .init(insert: "ttend ", listing: []))
        #expect(h.shell.complete(beforeCursor: "cam") == .init(insert: "paign ", listing: []))
        #expect(h.shell.complete(beforeCursor: ":sh") == .init(insert: "ow ", listing: []))
        #expect(h.shell.complete(beforeCursor: ":show upg") == .init(insert: "rade_meeting ", listing: []))
        #expect(h.shell.complete(beforeCursor: ":help met") == .init(insert: "rics ", listing: []))
        let r = h.shell.complete(beforeCursor: "report staffing.")
        #expect(r.insert == "wealth_manager.")
        #expect(r.listing == ["staffing.wealth_manager.fte", "staffing.wealth_manager.hours"])
    }

    @Test func bareHelpQuitAndExitAreCommandsAloneOnALine() throws {
        let h = try Harness()
        #expect(h.run(["help", "run", "exit", "run"], interactive: true) == 0)
        #expect(h.captured.stdout.contains("Commands start with `:`"))
        #expect(h.executed == ["run"])
        #expect(h.captured.stderr == "")
        #expect(HistoryStore(path: h.dir + "/history").load() == ["help", "run", "exit"], "history keeps what was typed")
        let q = try Harness()
        #expect(q.run(["  quit  ", "run"], interactive: false) == 0)
        #expect(q.executed.isEmpty)
        // Not alone, or inside a statement: statement text as before.
        let s = try Harness()
        _ = s.run(["help me", "campaign x {", "quit", "}"], interactive: true)
        #expect(s.executed == ["help me", "campaign x {\nquit\n}"])
    }

    @Test func aCommandInTheMiddleOfAStatementIsTheShellsAndTheStatementGoesOn() throws {
        let h = try Harness()
        var source = ListSource(["campaign x {", ":buffer", "  contacts 40", ":help commands", "}", "run"])
        #expect(h.shell.run(source: &source, interactive: true) == 0)
        #expect(h.executed == ["campaign x {\n  contacts 40\n}", "run"])
        #expect(h.captured.stdout.hasPrefix("campaign x {\nCommands:"))
        #expect(source.prompts == ["branchsim> ", "      ...> ", "      ...> ", "      ...> ", "      ...> ", "branchsim> ", "branchsim> "])
    }

    @Test func cancelDropsTheUnfinishedStatement() throws {
        let h = try Harness()
        #expect(h.run(["campaign x {", "  contacts 40", ":cancel", "run", ":cancel"], interactive: false) == 0)
        #expect(h.executed == ["run"])
        #expect(h.captured.stderr == "note: dropped the unfinished statement (2 lines)\nnote: nothing to cancel: no statement is unfinished\n")
    }

    @Test func outputSendsResultsToAFileUntilReset() throws {
        let h = try Harness()
        let path = h.dir + "/results.txt"
        try "old text\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(h.run(["run", ":output \(path)", "report uplift", "campaign x {", "}", ":output", "run"], interactive: true) == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ok: report uplift (1 line)\nok: campaign x { (2 lines)\n")
        #expect(h.captured.stdout == "ok: run (1 line)\nok: run (1 line)\n\n")
        #expect(h.captured.stderr.contains("note: results go to \(path)"))
        #expect(h.captured.stderr.contains("note: results go to the terminal again (\(path) is complete)"))
    }

    @Test func outputToAFileThatCannotBeWrittenIsAnErrorAndTheShellGoesOn() throws {
        let h = try Harness()
        #expect(h.run([":output \(h.dir)/no/such/folder/out.txt", "run"], interactive: true) == 0)
        #expect(h.captured.stderr.hasPrefix("error: cannot send results to \(h.dir)/no/such/folder/out.txt: "))
        #expect(h.captured.stdout == "ok: run (1 line)\n\n")
        // A file that goes away mid-session: the error says so, results come back to the terminal.
        let g = try Harness()
        let folder = g.dir + "/out"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var source = ListSource([":output \(folder)/r.txt", "run"])
        #expect(g.shell.run(source: &source, interactive: true) == 0)
        try FileManager.default.removeItem(atPath: folder)
        source = ListSource(["report uplift", "run"])
        #expect(g.shell.run(source: &source, interactive: true) == 0)
        #expect(g.captured.stderr.contains("error: cannot write the output to \(folder)/r.txt: "))
        #expect(g.captured.stderr.contains("results go to the terminal again"))
        #expect(g.captured.stdout.hasSuffix("ok: run (1 line)\n\n"))
    }

    @Test func formatAndUnitsNeedABackendThatHasThem() throws {
        let h = try Harness()
        #expect(h.run([":format json", ":units wan", ":format xml"], interactive: true) == 0)
        #expect(h.captured.stderr == """
            error: this shell has one output format
            error: this shell has no units to choose
            error: unknown format 'xml'; did you mean 'html'? formats: table, csv, json, html; usage: :format [table|csv|json|html]

            """)
    }

    @Test func runControlCancellationStopsASlowRun() throws {
        let backend = ScriptedBackend(stepDuration: 0.001)
        let control = RunControl()
        let captured = CapturedOutput()
        control.cancel()
        #expect(backend.execute("slow 100", at: SourceLocation(file: "<prompt>", line: 1, column: 1),
                                control: control, out: captured.output) == .error)
        #expect(captured.stdout == "slow run stopped after 0 of 100 steps\n")
        let fresh = RunControl()
        #expect(!fresh.isCancelled)
        fresh.progress(done: 3, total: 9)
        #expect(fresh.lastProgress == (3, 9))
    }

    /// The shell names what is typed at the prompt and phrases the language's `drop` advice
    /// as its own `:drop` (the language knows neither the prompt nor `:drop`).
    @Test func promptEntriesAreNamedAndDropAdviceIsTheShells() {
        let backend = ScenarioBackend()
        let captured = CapturedOutput()
        let at = SourceLocation(file: "<prompt>", line: 1, column: 1)
        #expect(backend.execute("let a = 1", at: at, control: RunControl(), out: captured.output) == .ok)
        #expect(backend.execute("drop campaign meet", at: at, control: RunControl(), out: captured.output) == .error)
        #expect(captured.stderr == """
            <prompt:2>:1:1: error: 'drop' belongs inside a variant
              |
            1 | drop campaign meet
              | ^~~~
              = help: at the prompt, use ':drop KIND NAME'
            """ + "\n")
    }
}
