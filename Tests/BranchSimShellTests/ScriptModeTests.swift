import Foundation
import Testing

/// The fixture binary with standard input from a file or pipe: statements read as a script.
@Suite struct ScriptModeTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func runFixture(stdin text: String, environment: [String: String] = [:]) throws -> Outcome {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/plan.bsim"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try fixtureBinary())
        p.environment = ["HOME": dir, "XDG_STATE_HOME": dir + "/state", "TERM": "xterm-256color"]
            .merging(environment) { $1 }
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: dir + "/state/branchsim/history"), "scripts leave no history")
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func aScriptRunsWithoutPromptsOrColour() throws {
        let r = try runFixture(stdin: "campaign x {\n  contacts 40\n}\n\nrun\n")
        #expect(r.status == 0)
        #expect(r.stdout == "ok: campaign x { (3 lines)\nok: run (1 line)\n")
        #expect(r.stderr == "")
    }

    @Test func aFailedExpectationExitsWithOne() throws {
        let r = try runFixture(stdin: "run\nexpect false\nreport uplift\n")
        #expect(r.status == 1)
        #expect(r.stdout == "ok: run (1 line)\nexpectation failed: false\nok: report uplift (1 line)\n")
    }

    @Test func anErrorStopsTheScriptWithTwoAndNamesTheLine() throws {
        let r = try runFixture(stdin: "run\n\noops\nrun\n")
        #expect(r.status == 2)
        #expect(r.stdout == "ok: run (1 line)\n")
        #expect(r.stderr == "<stdin>:3:1: error: unknown statement 'oops'; :help statements lists them\n")
    }

    @Test func noProgressBarWhenStandardErrorIsNotATerminal() throws {
        // 40 steps of 20 ms: longer than the half second after which a terminal gets a bar.
        let r = try runFixture(stdin: "slow 40\n")
        #expect(r.status == 0)
        #expect(r.stdout == "slow run finished: 40 steps\n")
        #expect(r.stderr == "")
    }
}
