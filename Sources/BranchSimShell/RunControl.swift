import BranchSimEngine
import BranchSimModel
import Foundation

/// A running statement's link back to the shell: cancellation (Ctrl-C) and progress.
///
/// Thread-safe: the engine may read `isCancelled` and report progress from any thread.
public final class RunControl: Sendable {
    /// The engine's flag: cancelling the control cancels the simulation it was handed to.
    public let cancellation = CancellationFlag()
    private let reported = LockedValue((done: 0, total: 0))
    /// When the run started (monotonic), for the progress bar's delay and ETA.
    public let started: DispatchTime

    public init(started: DispatchTime = .now()) {
        self.started = started
    }

    /// True once the person pressed Ctrl-C. Check it between replications and return soon.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// Asks the run to stop. Safe to call from a signal source or any thread, more than once.
    public func cancel() { cancellation.cancel() }

    /// Reports that `done` of `total` replications (or other units of work) are finished.
    /// Cheap: it only records the numbers; the shell draws the bar on its own timer.
    public func progress(done: Int, total: Int) {
        reported.withLock { $0 = (done, total) }
    }

    /// The last reported progress, `(0, 0)` before any.
    public var lastProgress: (done: Int, total: Int) { reported.withLock { $0 } }
}
