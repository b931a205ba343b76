import Foundation
import Testing

/// The real `branchsim` shell (scenario language, engine, reports) at a terminal (tmux),
/// used as a person would: typing a plan line by line, running it, reading tables, fixing
/// a typo, Tab, history, Ctrl-C, :save, :set and :load.
///
/// The binary is `$BRANCHSIM_BIN` when set (the release build in `make test`), else the one
/// built beside this test bundle. Scenarios are small (2,000 customers, 13 weeks, a few runs)
/// so that a debug binary is quick too.
@Suite(.serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed; real-shell terminal tests skipped"))
struct RealShellTests {
    let prompt = "branchsim>"

    /// A small plan, typed one line at a time (the tiers one by one, blocks over several lines).
    static let plan = [
        #"scenario "Quick look" { horizon 3 months  step week  runs 20  seed 7 }"#,
        "tier longtail below 5万 share 91% reachable 60%",
        "tier potential from 5万 to 20万 share 6% reachable 75%",
        "tier midhigh from 20万 share 3% reachable 90%",
        "product deposit points 1.0",
        "role wealth_manager hours 40 per week",
        "branch downtown {",
        "  customers 2000",
        "  staff wealth_manager 2",
        "}",
        "campaign upgrade_meeting {",
        "  at downtown",
        "  channel event",
        "  target potential",
        "  frequency 1 per week",
        "  contacts 20",
        "  funnel reach 100% -> accept 45% ->",
        "         attend 70% -> convert 40%",
        "  amount lognormal(median 6万, p90 20万) max offbank",
        "  buys deposit 100%",
        "  effort occurrence wealth_manager 1 x 60 min",
        "}",
    ]

    static func binary() throws -> String {
        if let p = ProcessInfo.processInfo.environment["BRANCHSIM_BIN"], !p.isEmpty { return p }
        let path = URL(fileURLWithPath: try fixtureBinary()).deletingLastPathComponent().appendingPathComponent("branchsim").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TmuxSession.Failure(description: "branchsim not found at \(path); run 'swift build --product branchsim'")
        }
        return path
    }

    static var isRelease: Bool { (try? binary())?.contains("/release/") ?? false }

    func start(folder: String? = nil, environment: [String: String?] = [:], arguments: [String] = []) throws -> TmuxSession {
        let s = try TmuxSession(command: [try Self.binary()] + arguments, folder: folder,
                                environment: environment, width: 120, height: 50)
        try s.waitForLastLine(prompt, timeout: 10)
        return s
    }

    func enter(_ s: TmuxSession, _ line: String) throws {
        try s.type(line)
        try s.press("Enter")
    }

    /// Types the plan and waits for the prompt after its last line.
    func typePlan(_ s: TmuxSession) throws {
        for line in Self.plan { try enter(s, line) }
        try s.waitForOutput("branchsim> campaign upgrade_meeting {")
        try s.waitForOutput("      ...> }", count: 2)
        try s.waitForLastLine(prompt)
    }

    /// Enters `line`, waits for `output` to appear `count` times in all, then for the prompt.
    @discardableResult
    func entering(_ s: TmuxSession, _ line: String, shows output: String, count: Int = 1,
                  timeout: Double = 60) throws -> String {
        try enter(s, line)
        try s.waitForOutput(output, count: count, timeout: timeout)
        try s.waitForLastLine(prompt, timeout: timeout)
        return try s.transcript()
    }

    /// The table rows of the transcript that start with `metric` followed by blanks, as
    /// cells (column widths differ from table to table).
    func rows(_ transcript: String, _ metric: String) -> [[Substring]] {
        transcript.split(separator: "\n").filter { $0.hasPrefix(metric + " ") }.map { $0.split(separator: " ") }
    }

    @Test func typingAPlanThenRunReportWithoutRunningAgainAndExpect() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        var t = try s.transcript()
        #expect(t.contains("branchsim> branch downtown {\n      ...>   customers 2000\n      ...>   staff wealth_manager 2\n      ...> }"))
        #expect(t.contains("      ...>   funnel reach 100% -> accept 45% ->\n      ...>          attend 70% -> convert 40%"))
        #expect(!t.contains("error"), "each line of the plan is accepted, the tiers one at a time")

        t = try entering(s, "run runs 7", shows: "7 runs (fixed), seed 7, 13 weeks")
        let runRow = try #require(rows(t, "uplift").first)

        t = try entering(s, "report funnel", shows: "funnel: upgrade_meeting")
        #expect(rows(t, "contacts").contains { $0.count >= 2 && $0[1] == "260.0" }, "20 contacts x 13 weeks (one decimal: the column also holds means)")
        #expect(rows(t, "convert").count == 1)
        try entering(s, ":unset upgrade_meeting.funnel.convert", shows: "error: a funnel stage cannot be unset")
        t = try entering(s, "report uplift", shows: "uplift.potential")
        // The last result is reused: no new run header, the same numbers as the 7-run result.
        #expect(t.components(separatedBy: "runs (fixed)").count - 1 == 1)
        #expect(rows(t, "uplift") == [runRow, runRow])

        try entering(s, "expect uplift.mean > 0", shows: "PASS  expect uplift.mean > 0  measured")
        try entering(s, "expect uplift.mean > 1亿", shows: "FAIL  expect uplift.mean > 1亿  measured")

        // The scenario's own 20 runs give other numbers: the report above did not run again.
        t = try entering(s, "run", shows: "20 runs (fixed), seed 7, 13 weeks")
        let rerun = try #require(rows(t, "uplift").last)
        #expect(rerun != runRow)
        #expect(try s.exitStatus() == nil)
    }

    @Test func aTypoIsAnsweredWithACaretAndDidYouMeanAndTheShellGoesOn() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        for line in ["campaign second {", "  at downtown", "  target potentail", "  frequency 1 per week",
                     "  contacts 10", "  amount fixed 1万", "}"] {
            try enter(s, line)
        }
        let t = try s.waitForOutput("did you mean 'potential'?")
        try s.waitForLastLine(prompt)
        // file:line:col of the typed statement, its line and a caret under the typo.
        #expect(t.contains(":3:10: error: unknown tier 'potentail'"))
        #expect(t.contains("3 |   target potentail\n  |          ^~~~~~~~~"))
        // Nothing of the bad statement was kept, and the shell still works.
        try entering(s, ":show second", shows: "error: nothing named 'second'")
        try entering(s, "run runs 3", shows: "3 runs (fixed), seed 7, 13 weeks")
        try entering(s, ":show", shows: "  campaigns  upgrade_meeting\n")
    }

    @Test func expectAboutAComparisonMadeAtAnEarlierPrompt() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try entering(s, "variant twice { campaign upgrade_meeting { frequency 2 per week } }",
                     shows: "branchsim> variant twice { campaign upgrade_meeting { frequency 2 per week } }\nbranchsim>")
        try entering(s, "compare base, twice on uplift", shows: "twice - base")
        try entering(s, "expect compare.uplift.diff.mean > 0", shows: "PASS  expect compare.uplift.diff.mean > 0  measured")
        // After a plain run there is no comparison: the checker says what to do.
        try entering(s, "run runs 2", shows: "2 runs (fixed)")
        try entering(s, "expect compare.uplift.diff.mean > 0", shows: "needs a 'compare' before this 'expect'")
    }

    @Test func tabCompletesACampaignNameAndAMetricPath() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try s.type(":show up")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> :show upgrade_meeting")
        try s.press("Enter")
        try s.waitForOutput("  contacts 20\n")
        try s.waitForLastLine(prompt)
        try s.type("report funnel.upg")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> report funnel.upgrade_meeting")
        // A dot and Tab again list the stages.
        try s.type(".c")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> report funnel.upgrade_meeting.con")
        try s.press("C-u")
        try s.waitForLastLine(prompt)
    }

    @Test func historyIsRecalledWithUpAfterQuittingAndRestarting() throws {
        let first = try start()
        try entering(first, "role analyst hours 40 per week", shows: "branchsim> role analyst hours 40 per week\nbranchsim>")
        for line in ["branch east {", "  customers 3000", "}"] { try enter(first, line) }
        try first.waitForOutput("      ...> }")
        try first.waitForLastLine(prompt)
        try enter(first, ":quit")
        try first.waitUntil("the shell to end") { _ in try first.exitStatus() != nil }
        #expect(try first.exitStatus() == 0)
        let folder = first.folder
        first.close(keepFolder: true)
        let stored = try String(contentsOfFile: folder + "/state/branchsim/history", encoding: .utf8)
        #expect(stored.contains("role analyst hours 40 per week"))

        let second = try start(folder: folder)
        defer { second.close() }
        try second.press("Up")
        try second.waitForLastLine("branchsim> :quit")
        try second.press("Up")
        try second.waitFor("branchsim> branch east {\n  customers 3000\n}")
        try second.press("Up")
        try second.waitForLastLine("branchsim> role analyst hours 40 per week")
        try second.press("Enter")
        try second.waitForOutput("branchsim> role analyst hours 40 per week\nbranchsim>")
        #expect(!(try second.transcript()).contains("error"))
    }

    @Test func historyFileFromBranchsimHistory() throws {
        let folder = try makeTemporaryFolder()
        let path = folder + "/my-history"
        let first = try start(folder: folder, environment: ["BRANCHSIM_HISTORY": path])
        try entering(first, "product fund points 1.2", shows: "branchsim> product fund points 1.2\nbranchsim>")
        try enter(first, ":quit")
        try first.waitUntil("the shell to end") { _ in try first.exitStatus() != nil }
        first.close(keepFolder: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("product fund points 1.2"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/state/branchsim/history"))
        let second = try start(folder: folder, environment: ["BRANCHSIM_HISTORY": path])
        defer { second.close() }
        try second.press("Up", "Up")
        try second.waitForLastLine("branchsim> product fund points 1.2")
    }

    @Test func ctrlCStopsALongRunQuicklyAndTheShellGoesOn() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        // A campaign that calls every long-tail customer every workday makes each replication
        // heavy enough that the largest run allowed (50,000) lasts tens of seconds.
        try entering(s, "campaign blast { target longtail  frequency 1 per workday  contacts all  funnel convert 10%  amount fixed 1万 }",
                     shows: "branchsim> campaign blast")
        try enter(s, "run runs 50000")
        // The progress bar appears once the run has lasted half a second.
        try s.waitFor("/50000 reps", timeout: 30)
        let pressed = Date()
        try s.press("C-c")
        try s.waitForOutput("stopped by Ctrl-C after", timeout: 30)
        try s.waitForLastLine(prompt, timeout: 30)
        let elapsed = Date().timeIntervalSince(pressed)
        print("real shell: Ctrl-C to prompt in \(String(format: "%.3f", elapsed)) s (including screen polling)")
        #expect(elapsed < 5)
        var t = try s.transcript()
        #expect(!t.contains("50,000 runs"), "no report of a stopped run")
        #expect(!(try s.screen()).contains("reps  ETA"), "the progress bar is erased")
        // Nothing ran before: there is nothing to report, and the shell is usable.
        try entering(s, "report uplift", shows: "nothing to report yet")
        t = try entering(s, "run runs 3", shows: "3 runs (fixed), seed 7, 13 weeks")
        #expect(try s.exitStatus() == nil)
    }

    /// Issue 17: a decision statement at the prompt shows its runs' progress, and Ctrl-C stops
    /// it and returns to the prompt; then a short one completes with its table.
    @Test func sensitivityAtThePromptShowsProgressAndStopsOnCtrlC() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try entering(s, ":set upgrade_meeting.convert uncertain(30%..50%)", shows: "branchsim> :set upgrade_meeting.convert")
        try entering(s, "campaign blast { target longtail  frequency 1 per workday  contacts all  funnel convert 10%  amount fixed 1万 }",
                     shows: "branchsim> campaign blast")
        try enter(s, "sensitivity of uplift runs 50000")
        try s.waitFor("/50000 reps", timeout: 30)
        try s.press("C-c")
        try s.waitForOutput("stopped by Ctrl-C after", timeout: 30)
        try s.waitForLastLine(prompt, timeout: 30)
        #expect(!(try s.transcript()).contains("Sensitivity of uplift"), "no table of a stopped analysis")
        try entering(s, ":drop campaign blast", shows: "branchsim> :drop campaign blast")
        let t = try entering(s, "sensitivity of uplift runs 10", shows: "Sensitivity of uplift")
        #expect(t.contains("upgrade_meeting.convert"))
        #expect(try s.exitStatus() == nil)
    }

    /// Issue 17, item 5: `observed` typed over several lines, then `calibrate` shows its
    /// progress and stops on Ctrl-C; a short one completes, and `:save --chosen` writes the
    /// fitted plan.
    @Test func calibrateAtThePromptShowsProgressStopsOnCtrlCAndSavesTheFit() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try enter(s, "observed seen {")
        try enter(s, "  funnel.upgrade_meeting.attend 30 ± 5")
        try entering(s, "}", shows: "      ...> }", count: 3)
        try enter(s, "calibrate upgrade_meeting.contacts in 10..60 step 1 to seen runs 5000")
        try s.waitFor(" reps", timeout: 30)
        try s.press("C-c")
        try s.waitForOutput("stopped by Ctrl-C after", timeout: 30)
        try s.waitForLastLine(prompt, timeout: 30)
        #expect(!(try s.transcript()).contains("Calibrate to 'seen'"), "no table of a stopped calibration")
        let t = try entering(s, "calibrate upgrade_meeting.contacts in 10..40 step 10 to seen runs 5", shows: "Calibrate to 'seen'")
        #expect(t.contains("consistent range"))
        let path = s.folder + "/fitted.bsim"
        try entering(s, ":save \(path) --chosen", shows: "lines to \(path)")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("observed seen {"))
        #expect(!saved.contains("contacts 20"), "the fitted contacts replace the typed ones")
        #expect(try s.exitStatus() == nil)
    }

    @Test func saveRefusesToClobberSetChangesAndReportsSayStale() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try entering(s, "run runs 3", shows: "3 runs (fixed)")
        let path = s.folder + "/plan.bsim"
        try "precious\n".write(toFile: path, atomically: true, encoding: .utf8)
        try entering(s, ":save \(path)", shows: "already exists; add --force to overwrite it")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        try entering(s, ":save \(path) --force", shows: "lines to \(path)")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("campaign upgrade_meeting {"))
        #expect(saved.contains("convert 40%"))
        #expect(!saved.contains("run runs 3"), "only declarations are saved")

        try enter(s, ":set upgrade_meeting.funnel.convert 50%")
        try s.waitForOutput("branchsim> :set upgrade_meeting.funnel.convert 50%\nbranchsim>")
        var t = try entering(s, ":show upgrade_meeting", shows: "convert 50%")
        #expect(t.contains("last results") == false || t.contains("stale"))
        try entering(s, ":unset upgrade_meeting.funnel.convert", shows: "error: a funnel stage cannot be unset")
        t = try entering(s, "report uplift", shows: "uplift.potential")
        #expect(t.contains("note: the scenario changed since this run; `run` again to see the change"))
        try entering(s, ":show", shows: "last results: stale")
        // The saved file is a plan `branchsim run` accepts.
        try entering(s, ":load \(path)", shows: "loaded \(path)")
        try entering(s, ":show upgrade_meeting", shows: "convert 40%")
    }

    @Test func escXQuoteEnterNoLongerCrashesTheShell() throws {
        let s = try start()
        defer { s.close() }
        // libedit's extended-command prompt (Esc x) used to read `"` and crash (SIGSEGV).
        try s.press("Escape", "x")
        try s.type("\"")
        try s.press("Enter")
        try s.waitForOutput("error: ")
        try s.waitForLastLine(prompt)
        try entering(s, "help", shows: "Commands start with `:`")
        #expect(try s.exitStatus() == nil)
        try entering(s, "product deposit points 1.0", shows: "branchsim> product deposit points 1.0\nbranchsim>")
        try enter(s, "exit")
        try s.waitUntil("the shell to end") { _ in try s.exitStatus() != nil }
        #expect(try s.exitStatus() == 0)
    }

    @Test func aScenarioCannotRetitleOrClearTheTerminal() throws {
        let s = try start()
        defer { s.close() }
        let titleBefore = try s.paneTitle()
        let path = s.folder + "/evil.bsim"
        let plan = Self.plan.map { $0.hasPrefix("scenario ") ? "scenario \"Evil\u{1B}]2;pwned\u{07}\u{1B}[2J\" { horizon 3 months  step week  runs 5  seed 7 }" : $0 }
        try (plan.joined(separator: "\n") + "\noops \u{1B}]2;pwned again\u{07}\n").write(toFile: path, atomically: true, encoding: .utf8)
        try entering(s, ":load \(path)", shows: "error: ")
        var t = try s.transcript()
        #expect(t.contains("oops ^[]2;pwned again^G"), "the source line in the diagnostic, control characters shown")
        // Without the bad line the file loads; :show prints the title as the file has it, shown.
        try plan.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try entering(s, ":load \(path)", shows: "loaded \(path)")
        t = try entering(s, ":show", shows: "scenario \"Evil^[]2;pwned^G^[[2J\"")
        #expect(try s.paneTitle() == titleBefore)
        #expect(try s.screen().contains("BranchSim shell."), "the screen was not cleared")
    }

    /// `branchsim run` and `check` at a terminal: what the file says is shown, not obeyed.
    @Test func runAndCheckAtATerminalShowControlCharacters() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = Self.plan.joined(separator: "\n") + "\nrun runs 3\nexport last to \"r\u{1B}]2;pwned\u{07}.csv\"\n"
        try plan.write(toFile: folder + "/plan.bsim", atomically: true, encoding: .utf8)
        try (plan + "oops \u{1B}]2;pwned again\u{07}\u{1B}[2J\n").write(toFile: folder + "/bad.bsim", atomically: true, encoding: .utf8)
        for (args, shown) in [(["run", "plan.bsim"], "r^[]2;pwned^G.csv"), (["check", "bad.bsim"], "oops ^[]2;pwned again^G^[[2J")] {
            let s = try TmuxSession(command: [try Self.binary()] + args, width: 120, height: 50, workingDirectory: folder)
            defer { s.close() }
            let title = try s.paneTitle()
            try s.waitUntil("branchsim to end", timeout: 60) { _ in try s.exitStatus() != nil }
            let t = try s.waitForOutput("[exited")
            #expect(t.contains(shown), "\(args): \(t)")
            #expect(try s.paneTitle() == title)
            #expect(!title.contains("pwned"))
        }
    }

    @Test func tabCompletesVariantsAfterCompareAndACommandWorksAtTheContinuationPrompt() throws {
        let s = try start()
        defer { s.close() }
        try typePlan(s)
        try entering(s, "variant weekly { campaign upgrade_meeting { frequency 2 per week } }", shows: "branchsim> variant weekly")
        for (typed, completed) in [("compare base, w", "compare base, weekly"), ("run variant ", "run variant weekly")] {
            try s.type(typed)
            try s.press("Tab")
            try s.waitForLastLine("branchsim> " + completed)
            try s.press("C-u")
            try s.waitForLastLine(prompt)
        }
        // A `:` line at ...> is a command: the statement is dropped by :cancel, not continued.
        try enter(s, "campaign half {")
        try s.waitForLastLine("      ...>")
        try enter(s, ":cancel")
        try s.waitForOutput("note: dropped the unfinished statement (1 line)")
        try s.waitForLastLine(prompt)
        try entering(s, ":show", shows: "  campaigns  upgrade_meeting\n")
    }

    static let sharedScenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/scenarios/potential-upgrade.bsim").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedScenario), "../shared/scenarios is not there"))
    func loadRunsTheAcceptanceScenario() throws {
        let s = try start()
        defer { s.close() }
        let runs = Self.isRelease ? 50 : 10
        let text = try String(contentsOfFile: Self.sharedScenario, encoding: .utf8)
        #expect(text.contains("runs 2000"))
        let copy = s.folder + "/potential-upgrade.bsim"
        try text.replacingOccurrences(of: "runs 2000", with: "runs \(runs)").write(toFile: copy, atomically: true, encoding: .utf8)
        try enter(s, ":load \(copy)")
        try s.waitForOutput("loaded \(copy)", timeout: 30)
        try s.waitForOutput("PASS  expect staffing.wealth_manager.fte.p95 <= 2", timeout: 180)
        try s.waitForLastLine(prompt)
        let t = try s.transcript()
        // `run` then `report` (as in the file): the tables asked for, not the default report.
        #expect(t.contains("upgrades.potential_to_midhigh"))
        #expect(t.contains("PASS  expect uplift.mean > 0"))
        #expect(t.contains("funnel: upgrade_meeting"))
        #expect(!t.contains("error"))
        // The loaded plan is the session's: its names complete and :show knows them.
        try entering(s, ":show", shows: "  campaigns  upgrade_meeting")
    }
}
