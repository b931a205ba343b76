import Foundation
import Testing

/// The real `branchsim` with a script piped into standard input, as `cat plan.bsim | branchsim`.
@Suite struct PipedScriptTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `text` on standard input; a run still going after `limit` seconds
    /// is stopped (the result then says so), so that a hang fails the test instead of the suite.
    func pipe(_ text: String, limit: Double = 300) throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)  // a stopped binary must not take the test runner with it
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try RealShellTests.binary())
        p.environment = ["HOME": dir, "XDG_STATE_HOME": dir + "/state", "TERM": "xterm-256color", "LANG": "C.UTF-8"]
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Write from another thread: the script is larger than a pipe's buffer.
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let pid = p.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) { if p.isRunning { kill(pid, SIGKILL) } }
        final class Box: @unchecked Sendable { var data = Data() }
        let e = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            e.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e.data, as: UTF8.self))
    }

    /// 10,000 piped lines took 528 s when each declaration re-checked the whole session; the
    /// same lines as a file check in a fraction of a second. The script must finish (within a
    /// limit far above the seconds it takes, against a hang) with the file's results.
    @Test func tenThousandPipedLinesFinishWithTheirResults() throws {
        var lines = (0..<10_000).map { "let x\($0) = \($0) + 1" }
        lines += RealShellTests.plan.map { $0 == "  contacts 20" ? "  contacts x19" : $0 }
        lines += ["run runs 5", "expect uplift.mean > 0", "sweep upgrade_meeting.contacts over 10, x29 on uplift",
                  "report uplift", "expect uplift.mean > 1亿"]
        let r = try pipe(lines.joined(separator: "\n") + "\n", limit: 120)
        #expect(r.status == 1, "the last expectation fails (status 9: not finished in 120 s)")
        #expect(r.stderr == "")
        #expect(r.stdout.contains("5 runs (fixed), seed 7, 13 weeks"))
        #expect(r.stdout.contains("PASS  expect uplift.mean > 0"))
        #expect(r.stdout.components(separatedBy: "sweep upgrade_meeting.contacts: 2 values").count - 1 == 2)
        #expect(r.stdout.contains("FAIL  expect uplift.mean > 1亿"))
    }

    @Test func aBadLineInALongScriptStopsItWithItsLineNumber() throws {
        var lines = (0..<2_000).map { "let x\($0) = \($0)" }
        lines[1_500] = "let x1500 = 3 +"
        lines += ["run"]
        let r = try pipe(lines.joined(separator: "\n") + "\n")
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("<stdin>:1501:"), "\(r.stderr)")
        #expect(r.stdout == "")
    }
}
