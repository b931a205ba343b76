import Testing
@testable import BranchSimShell

@Suite struct ProgressBarTests {
    @Test func rendersTheBarCountsAndETA() {
        // 1200 of 2000 after 0.6 s: 0.4 s to go; 30 cells, 18 filled.
        #expect(ProgressBar.render(done: 1200, total: 2000, elapsed: 0.6, width: 80)
                == "[" + String(repeating: "#", count: 18) + String(repeating: " ", count: 12) + "] 1200/2000 reps  ETA 0.4 s")
    }

    @Test func nothingDoneHasNoETAAndAllDoneIsFull() {
        #expect(ProgressBar.render(done: 0, total: 10, elapsed: 1, width: 60)
                == "[" + String(repeating: " ", count: 30) + "] 0/10 reps  ETA --")
        #expect(ProgressBar.render(done: 10, total: 10, elapsed: 1, width: 60)
                == "[" + String(repeating: "#", count: 30) + "] 10/10 reps  ETA 0.0 s")
        // Progress past the total is clamped.
        #expect(ProgressBar.render(done: 12, total: 10, elapsed: 1, width: 60).hasSuffix("] 10/10 reps  ETA 0.0 s"))
    }

    @Test func narrowTerminalsShrinkTheBarThenDropIt() {
        let line = ProgressBar.render(done: 5, total: 10, elapsed: 1, width: 35)
        #expect(line == "[######      ] 5/10 reps  ETA 1.0 s")
        #expect(line.count <= 35)
        #expect(ProgressBar.render(done: 5, total: 10, elapsed: 1, width: 20) == "5/10 reps  ETA 1.0 s")
        #expect(ProgressBar.render(done: 5, total: 10, elapsed: 1, width: 8) == "5/10 rep")
    }

    @Test func secondsAreFormattedForPeople() {
        #expect(ProgressBar.formatSeconds(0.44) == "0.4 s")
        #expect(ProgressBar.formatSeconds(12.4) == "12 s")
        #expect(ProgressBar.formatSeconds(125) == "2 min 5 s")
        #expect(ProgressBar.formatSeconds(.infinity) == "--")
    }

    @Test func colourFollowsTerminalTermAndNoColor() {
        let tty = ["TERM": "xterm-256color"]
        #expect(ShellOptions.colorAllowed(environment: tty, stdoutIsTerminal: true, stderrIsTerminal: true))
        #expect(!ShellOptions.colorAllowed(environment: tty, stdoutIsTerminal: false, stderrIsTerminal: true))
        #expect(!ShellOptions.colorAllowed(environment: ["TERM": "dumb"], stdoutIsTerminal: true, stderrIsTerminal: true))
        #expect(!ShellOptions.colorAllowed(environment: [:], stdoutIsTerminal: true, stderrIsTerminal: true))
        #expect(!ShellOptions.colorAllowed(environment: ["TERM": "xterm", "NO_COLOR": "1"], stdoutIsTerminal: true, stderrIsTerminal: true))
        #expect(ShellOptions.colorAllowed(environment: ["TERM": "xterm", "NO_COLOR": ""], stdoutIsTerminal: true, stderrIsTerminal: true))
    }
}
