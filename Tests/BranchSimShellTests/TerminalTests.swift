import Foundation
import Testing

/// The shell at a real terminal (tmux), driven as a person would, through the
/// `shell-fixture` binary (the real `Shell` over the scripted backend).
@Suite(.serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed; terminal tests skipped"))
struct TerminalTests {
    let prompt = "branchsim>"

    func start(folder: String? = nil, environment: [String: String?] = [:]) throws -> TmuxSession {
        let session = try TmuxSession(command: [try fixtureBinary()], folder: folder, environment: environment)
        try session.waitForLastLine(prompt)
        return session
    }

    @Test func statementOverSeveralLinesUsesTheSecondaryPrompt() throws {
        let s = try start()
        defer { s.close() }
        try s.type("campaign upgrade_meeting {")
        try s.press("Enter")
        try s.waitForLastLine("      ...>")
        try s.type("  funnel reach 70% ->")
        try s.press("Enter")
        try s.type("    attend 35%")
        try s.press("Enter")
        try s.type("}")
        try s.press("Enter")
        try s.waitFor("ok: campaign upgrade_meeting { (4 lines)")
        try s.waitForLastLine(prompt)
        let lines = try s.lines()
        #expect(lines.contains("      ...>   funnel reach 70% ->"))
        #expect(lines.contains("      ...> }"))
    }

    @Test func anErrorIsAnsweredAndTheShellStaysAlive() throws {
        let s = try start()
        defer { s.close() }
        try s.type("oops 1")
        try s.press("Enter")
        try s.waitFor("<prompt>:1:1: error: unknown statement 'oops'; :help statements lists them")
        try s.type(":lod x")
        try s.press("Enter")
        try s.waitFor("error: unknown command ':lod'; did you mean ':load'?")
        try s.type("run")
        try s.press("Enter")
        try s.waitFor("ok: run (1 line)")
        try s.waitForLastLine(prompt)
    }

    @Test func tabCompletesANameAndListsSeveral() throws {
        let s = try start()
        defer { s.close() }
        try s.type("campaign upgrade_meeting { }")
        try s.press("Enter")
        try s.waitFor("ok: campaign upgrade_meeting")
        try s.type(":show upg")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> :show upgrade_meeting")
        try s.press("Enter")
        try s.waitFor("campaign upgrade_meeting { }\nbranchsim>")
        // Several candidates: the common part is inserted and all are listed under the line.
        try s.type("report funnel.u")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> report funnel.upgrade_meeting.")
        let screen = try s.screen()
        #expect(screen.contains("funnel.upgrade_meeting.attend"))
        #expect(screen.contains("funnel.upgrade_meeting.reach"))
        try s.type("at")
        try s.press("Tab")
        try s.waitForLastLine("branchsim> report funnel.upgrade_meeting.attend")
    }

    @Test func historyIsRecalledWithUpAfterARestart() throws {
        let first = try start()
        try first.type("tier potential share 6%")
        try first.press("Enter")
        try first.waitFor("ok: tier potential share 6% (1 line)\nbranchsim>")
        try first.type("campaign x {")
        try first.press("Enter")
        try first.type("  contacts 40")
        try first.press("Enter")
        try first.type("}")
        try first.press("Enter")
        try first.waitFor("ok: campaign x { (3 lines)")
        try first.waitForLastLine(prompt)
        try first.type(":quit")
        try first.press("Enter")
        try first.waitUntil("the shell to end") { _ in try first.exitStatus() != nil }
        let folder = first.folder
        first.close(keepFolder: true)

        let second = try start(folder: folder)
        defer { second.close() }
        try second.press("Up")
        try second.waitFor("branchsim> :quit")
        try second.press("Up")
        // The multi-line entry comes back as one entry.
        try second.waitFor("branchsim> campaign x {\n  contacts 40\n}")
        try second.press("Enter")
        try second.waitFor("ok: campaign x { (3 lines)\nbranchsim>")
        // Back past the entry just run, :quit and the first campaign entry.
        try second.press("Up", "Up", "Up", "Up")
        try second.waitForLastLine("branchsim> tier potential share 6%")
    }

    @Test func ctrlCDuringARunStopsItAndTheShellGoesOn() throws {
        let s = try start()
        defer { s.close() }
        try s.type("slow 2000")  // 2000 steps of 20 ms: 40 s unless stopped
        try s.press("Enter")
        // The progress bar appears once the run has lasted half a second.
        try s.waitFor("/2000 reps  ETA")
        let pressed = Date()
        try s.press("C-c")
        try s.waitFor("slow run stopped after")
        try s.waitFor("note: stopped by Ctrl-C after")
        try s.waitForLastLine(prompt)
        print("Ctrl-C to prompt: \(String(format: "%.3f", Date().timeIntervalSince(pressed))) s (including screen polling)")
        #expect(!(try s.screen()).contains("reps  ETA"), "the progress bar is erased")
        try s.type("run")
        try s.press("Enter")
        try s.waitFor("ok: run (1 line)")
        try s.waitForLastLine(prompt)
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let s = try start()
        defer { s.close() }
        try s.type("half a line")
        try s.press("C-a", "C-c")
        try s.waitFor("branchsim> half a line^C\nbranchsim>")
        // A second one on an empty line does nothing harmful.
        try s.press("C-c")
        try s.waitFor("branchsim> ^C\nbranchsim>")
        // Inside an unfinished statement it drops the whole statement.
        try s.type("campaign x {")
        try s.press("Enter")
        try s.waitForLastLine("      ...>")
        try s.press("C-c")
        try s.waitForLastLine(prompt)
        try s.type("run")
        try s.press("Enter")
        try s.waitFor("ok: run (1 line)")
        let screen = try s.screen()
        #expect(!screen.contains("ok: half"))
        #expect(!screen.contains("ok: campaign"))
        #expect(try s.exitStatus() == nil)
    }

    @Test func ctrlDOnAnEmptyLineLeaves() throws {
        let s = try start()
        defer { s.close() }
        try s.type("ru")
        try s.press("C-d")  // not empty: Ctrl-D edits, does not leave
        try s.press("C-a", "C-k")
        try s.waitForLastLine(prompt)
        #expect(try s.exitStatus() == nil)
        try s.press("C-d")
        try s.waitUntil("the shell to end") { _ in try s.exitStatus() != nil }
        #expect(try s.exitStatus() == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "bash is not installed"))
    func ctrlZSuspendsAndFgResumes() throws {
        // Job control needs an interactive parent shell.
        let s = try TmuxSession(command: ["/bin/bash", "--norc", "--noprofile", "-i"], environment: ["PS1": "$ "])
        defer { s.close() }
        try s.waitForLastLine("$")
        try s.type(try fixtureBinary())
        try s.press("Enter")
        try s.waitForLastLine(prompt)
        try s.type("half")
        try s.press("C-z")
        try s.waitFor("Stopped")
        try s.waitForLastLine("$")
        try s.type("fg")
        try s.press("Enter")
        try s.waitForLastLine("branchsim> half")
        try s.press("C-u")
        try s.type("run")
        try s.press("Enter")
        try s.waitFor("ok: run (1 line)")
        try s.waitForLastLine(prompt)
    }

    @Test func saveRefusesToClobberAnExistingFile() throws {
        let s = try start()
        defer { s.close() }
        let path = s.folder + "/plan.bsim"
        try "precious\n".write(toFile: path, atomically: true, encoding: .utf8)
        try s.type("tier potential share 6%")
        try s.press("Enter")
        try s.waitFor("ok: tier potential share 6% (1 line)\nbranchsim>")
        try s.type(":save \(path)")
        try s.press("Enter")
        try s.waitFor("already exists; add --force to overwrite it")
        try s.waitForLastLine(prompt)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        try s.type(":save \(path) --force")
        try s.press("Enter")
        try s.waitFor("saved 1 line to")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "tier potential share 6%\n")
    }

    @Test(arguments: ["C.UTF-8", nil])
    func chineseNumbersAreEditedAsCharacters(lang: String?) throws {
        // With LANG unset the C locale is not UTF-8; the shell must still take 万 as one character.
        let s = try start(environment: ["LANG": lang])
        defer { s.close() }
        try s.type("tier potential from 5万 to 20万X")
        try s.press("BSpace", "Left", "Left", "BSpace")  // delete X, then the 2 before 0万
        try s.type("3")
        try s.press("Enter")
        try s.waitFor("ok: tier potential from 5万 to 30万 (1 line)")
    }

    @Test func colourOnlyWithoutNoColor() throws {
        let coloured = try start()
        defer { coloured.close() }
        #expect(try coloured.screen(escapes: true).contains("\u{1B}["))
        let plain = try start(environment: ["NO_COLOR": "1"])
        defer { plain.close() }
        #expect(!(try plain.screen(escapes: true)).contains("\u{1B}["))
    }
}
