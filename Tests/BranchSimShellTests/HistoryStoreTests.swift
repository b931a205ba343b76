import Foundation
import Testing
@testable import BranchSimShell

@Suite struct HistoryStoreTests {
    @Test func encodingRoundTripsNewlinesAndBackslashes() {
        let entries = ["run", "campaign x {\n  funnel a 1% ->\n  b 2%\n}", #"export last to "a\b.csv""#, "\\n literal", "trailing\\"]
        for e in entries {
            let line = HistoryStore.encode(e)
            #expect(!line.contains("\n"))
            #expect(HistoryStore.decode(line) == e)
        }
    }

    @Test func appendThenReloadKeepsMultiLineEntriesWhole() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = HistoryStore(path: dir + "/deep/state/history")
        try store.append("tier potential from 5万 to 20万 share 6%")
        try store.append("campaign upgrade_meeting {\n  contacts 40\n}")
        try store.append(":save plan.bsim --force")
        // A new store (a new session) sees the same entries in order.
        let reloaded = HistoryStore(path: dir + "/deep/state/history").load()
        #expect(reloaded == ["tier potential from 5万 to 20万 share 6%",
                             "campaign upgrade_meeting {\n  contacts 40\n}",
                             ":save plan.bsim --force"])
        let raw = try String(contentsOfFile: dir + "/deep/state/history", encoding: .utf8)
        #expect(raw.split(separator: "\n").count == 3)
    }

    @Test func loadKeepsTheLastEntriesAndCompactsALongFile() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = HistoryStore(path: dir + "/history", limit: 3)
        for i in 1...7 { try store.append("run runs \(i)") }
        #expect(store.load() == ["run runs 5", "run runs 6", "run runs 7"])
        let raw = try String(contentsOfFile: dir + "/history", encoding: .utf8)
        #expect(raw == "run runs 5\nrun runs 6\nrun runs 7\n")
    }

    @Test func missingFileIsAnEmptyHistory() {
        #expect(HistoryStore(path: "/nonexistent/branchsim/history").load().isEmpty)
    }

    @Test func pathFollowsOverrideThenXDGThenHome() {
        #expect(HistoryStore.defaultPath(environment: ["BRANCHSIM_HISTORY": "/tmp/h", "XDG_STATE_HOME": "/x", "HOME": "/home/a"]) == "/tmp/h")
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/x", "HOME": "/home/a"]) == "/x/branchsim/history")
        // XDG paths must be absolute; a relative one is ignored.
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "rel", "HOME": "/home/a"]) == "/home/a/.local/state/branchsim/history")
        #expect(HistoryStore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/state/branchsim/history")
    }

    @Test func appendToAnUnwritablePlaceSaysWhatToDo() {
        let store = HistoryStore(path: "/proc/branchsim-cannot/history")
        #expect(throws: HistoryError.self) { try store.append("run") }
        do {
            try store.append("run")
        } catch {
            #expect("\(error)".contains("BRANCHSIM_HISTORY"))
        }
    }
}
