import Foundation
import Testing
@testable import BranchSimShell

@Suite struct CompletionTests {
    @Test(arguments: [
        ("", "", CompletionContext.statementStart),
        ("camp", "camp", .statementStart),
        ("  camp", "camp", .statementStart),
        (":lo", ":lo", .command),
        (":load scen", "scen", .fileName),
        (":save plans/q", "plans/q", .fileName),
        (":show up", "up", .commandArgument("show")),
        (":set upgrade_meeting.fun", "upgrade_meeting.fun", .commandArgument("set")),
        (":set upgrade_meeting.funnel.convert 5", "5", .afterKeyword(":set")),
        (":help met", "met", .commandArgument("help")),
        ("include \"scen", "scen", .fileName),
        ("report uplift, fun", "fun", .metricPath),
        ("report funnel.upgrade_meeting.at", "funnel.upgrade_meeting.at", .metricPath),
        ("expect staffing.wealth", "staffing.wealth", .metricPath),
        ("sweep upgrade_meeting.contacts over 2", "2", .afterKeyword("sweep")),
        ("sweep upg", "upg", .sweepPath),
        ("sweep let ra", "ra", .letName),
        ("calibrate upg", "upg", .sweepPath),
        ("calibrate upgrade_meeting.funnel.attend in 40%..60% to ba", "ba", .observedName),
        ("calibrate x in 1..3, y in 2..4 step 1 to ", "", .observedName),
        ("calibrate x in 1..3 to bank ru", "ru", .afterKeyword("calibrate")),
        ("sweep let rate over 1, 2 on upl", "upl", .metricPath),
        ("compare base, more on upl", "upl", .metricPath),
        ("compare base, mo", "mo", .variantName("compare")),
        ("compare ", "", .variantName("compare")),
        ("run variant we", "we", .variantName("run")),
        ("run ru", "ru", .afterKeyword("run")),
        (":output res", "res", .fileName),
        (":format j", "j", .commandArgument("format")),
        (":units ", "", .commandArgument("units")),
        ("campaign x { at down", "down", .afterKeyword("campaign")),
        ("run; rep", "rep", .statementStart),
        ("funnel reach 70% ->att", "att", .afterKeyword("funnel")),
    ] as [(String, String, CompletionContext)])
    func wordAndContext(line: String, word: String, context: CompletionContext) {
        let r = Completion.analyze(beforeCursor: line)
        #expect(r.word == word)
        #expect(r.context == context)
    }

    @Test func atTheContinuationPromptAColonStartsACommand() {
        let pending = ["campaign upgrade_meeting {"]
        #expect(Completion.analyze(beforeCursor: ":can", pending: pending) == .init(word: ":can", context: .command))
        #expect(Completion.analyze(beforeCursor: "  :help met", pending: pending) == .init(word: "met", context: .commandArgument("help")))
        #expect(Completion.analyze(beforeCursor: "  fre", pending: pending) == .init(word: "fre", context: .afterKeyword("campaign")))
    }

    @Test func insideABlockTheOpeningKeywordIsTheContext() {
        let pending = ["campaign upgrade_meeting {"]
        #expect(Completion.analyze(beforeCursor: "  fre", pending: pending) == .init(word: "fre", context: .afterKeyword("campaign")))
        #expect(Completion.analyze(beforeCursor: "  at down", pending: pending) == .init(word: "down", context: .afterKeyword("campaign")))
        #expect(Completion.analyze(beforeCursor: "  fun", pending: ["report uplift,"]) == .init(word: "fun", context: .metricPath))
    }

    @Test func commonPrefixByCharacters() {
        #expect(Completion.commonPrefix([]) == "")
        #expect(Completion.commonPrefix(["uplift"]) == "uplift")
        #expect(Completion.commonPrefix(["funnel.a.reach", "funnel.a.attend"]) == "funnel.a.")
        #expect(Completion.commonPrefix(["upgrade", "uplift", "unserved"]) == "u")
        #expect(Completion.commonPrefix(["万能", "万元"]) == "万")
        #expect(Completion.commonPrefix(["abc", "xyz"]) == "")
    }

    @Test func oneCandidateIsInsertedWithASpace() {
        #expect(Completion.resolve(word: "camp", candidates: ["campaign", "tier"]) == .init(insert: "aign ", listing: []))
        // Folders and unfinished paths get no space, so typing can go on.
        #expect(Completion.resolve(word: "pl", candidates: ["plans/"]) == .init(insert: "ans/", listing: []))
    }

    @Test func severalCandidatesInsertTheirCommonPrefixAndList() {
        let r = Completion.resolve(word: "funnel.u", candidates: ["funnel.upgrade_meeting.reach", "funnel.upgrade_meeting.attend", "uplift"])
        #expect(r.insert == "pgrade_meeting.")
        #expect(r.listing == ["funnel.upgrade_meeting.attend", "funnel.upgrade_meeting.reach"])
        #expect(Completion.resolve(word: "zz", candidates: ["uplift"]) == .init(insert: "", listing: []))
        // Duplicates from the backend count once.
        #expect(Completion.resolve(word: "u", candidates: ["uplift", "uplift"]) == .init(insert: "plift ", listing: []))
    }

    /// Cells are measured in terminal columns: a four-character Chinese name is eight wide,
    /// so it does not share a 14-column line (counting characters put 'c' under the name).
    @Test func columnsMeasureDisplayWidth() {
        #expect(Completion.columns(["长尾长尾", "a", "b", "c"], width: 14) == "长尾长尾\na\nb\nc")
        #expect(Completion.columns(["长尾", "ab", "c"], width: 12) == "长尾  c\nab")
    }

    @Test func columnsGoDownThenAcross() {
        let text = Completion.columns(["a", "bb", "c", "d", "e"], width: 12)
        // cell width 4, 3 per row, 2 rows: column-major like ls.
        #expect(text == "a   c   e\nbb  d")
        #expect(Completion.columns(["only"], width: 2) == "only")
    }

    @Test func fileNamesFromTheFolderTheWordNames() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/plans", withIntermediateDirectories: true)
        _ = fm.createFile(atPath: dir + "/plan.bsim", contents: Data())
        _ = fm.createFile(atPath: dir + "/plans/q3.bsim", contents: Data())
        _ = fm.createFile(atPath: dir + "/.hidden", contents: Data())
        #expect(Completion.fileNames(for: "pl", currentDirectory: dir) == ["plan.bsim", "plans/"])
        #expect(Completion.fileNames(for: "plans/", currentDirectory: dir) == ["plans/q3.bsim"])
        #expect(Completion.fileNames(for: "", currentDirectory: dir) == ["plan.bsim", "plans/"])
        #expect(Completion.fileNames(for: ".h", currentDirectory: dir) == [".hidden"])
        #expect(Completion.fileNames(for: "~/pl", currentDirectory: "/", home: dir) == ["~/plan.bsim", "~/plans/"])
        #expect(Completion.fileNames(for: dir + "/plans/q", currentDirectory: "/") == [dir + "/plans/q3.bsim"])
        #expect(Completion.fileDisplay("plans/q3.bsim") == "q3.bsim")
        #expect(Completion.fileDisplay("a/plans/") == "plans/")
    }
}
