import CLibEdit
import Foundation

/// The progress line shown on standard error during a long run:
/// `[#####     ] 1200/2000 reps  ETA 0.4 s`.
public enum ProgressBar {
    /// How long a run must last before the bar appears, in seconds.
    public static let delay = 0.5

    /// The bar for `done` of `total` after `elapsed` seconds, at most `width` columns wide.
    /// A pure function of its arguments.
    public static func render(done: Int, total: Int, elapsed: Double, width: Int) -> String {
        let total = max(total, 0)
        let done = min(max(done, 0), total)
        let eta: String
        if done == 0 || total == 0 {
            eta = "ETA --"
        } else {
            eta = "ETA " + formatSeconds(elapsed * Double(total - done) / Double(done))
        }
        let counts = "\(done)/\(total) reps  \(eta)"
        // "[" + cells + "] " + counts
        let cells = min(30, width - counts.count - 3)
        guard cells >= 5 else { return String(counts.prefix(max(width, 0))) }
        let filled = total == 0 ? 0 : cells * done / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: cells - filled)
            + "] " + counts
    }

    /// `0.4 s`, `12 s`, `2 min 5 s`.
    public static func formatSeconds(_ s: Double) -> String {
        if !s.isFinite || s < 0 { return "--" }
        if s < 10 { return String(format: "%.1f s", s) }
        if s < 60 { return "\(Int(s.rounded())) s" }
        let whole = Int(s.rounded())
        return "\(whole / 60) min \(whole % 60) s"
    }
}

/// Draws `ProgressBar` for a `RunControl` on a timer while a statement runs, on a terminal only.
final class ProgressReporter: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    private let writer: TerminalWriter
    private let cancelled = DispatchSemaphore(value: 0)

    /// Starts drawing (after `ProgressBar.delay`) when `enabled`; call `stop()` when the run ends.
    init(control: RunControl, writer: TerminalWriter, enabled: Bool) {
        self.writer = writer
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "branchsim.progress"))
        timer.setCancelHandler { [cancelled] in cancelled.signal() }
        if enabled {
            timer.schedule(deadline: .now() + ProgressBar.delay, repeating: .milliseconds(100))
            timer.setEventHandler { [writer] in
                let (done, total) = control.lastProgress
                guard total > 0, !control.isCancelled else { return }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - control.started.uptimeNanoseconds) / 1e9
                let width = Int(bs_terminal_columns(STDERR_FILENO))
                writer.showBar(ProgressBar.render(done: done, total: total, elapsed: elapsed,
                                                  width: width > 0 ? width - 1 : 79))
            }
        }
        timer.resume()
    }

    /// Stops the timer and erases the bar; after it returns, no bar is drawn any more.
    func stop() {
        timer.cancel()
        // The cancel handler runs after any event handler in flight has finished.
        cancelled.wait()
        writer.eraseBar()
    }
}
