import Dispatch
import BranchSimModel
import Foundation

/// Ctrl-C while a statement runs: SIGINT is ignored as a signal and seen through a dispatch
/// source instead, which cancels the current `RunControl`. A second Ctrl-C while the run is
/// still stopping warns; a third leaves the program (status 130).
/// At the prompt, Ctrl-C is a key (see `LineEditor`), not a signal.
final class InterruptHandler: @unchecked Sendable {
    /// The statement running, and the Ctrl-C presses seen since it began.
    private let state = LockedValue<(current: RunControl?, presses: Int)>((nil, 0))
    private let source: any DispatchSourceSignal

    init(out: ShellOutput) {
        signal(SIGINT, SIG_IGN)
        // On Linux the source reads a signalfd, which only sees signals blocked in every
        // thread; an ignored signal that is not blocked is dropped by the kernel.
        Self.setSIGINTBlocked(true)
        // A parent may have started us with signals blocked (a thread's mask is inherited):
        // hang-up, terminate, job control and resizing must work at the prompt.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for s in [SIGHUP, SIGTERM, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH] { sigaddset(&wanted, s) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "branchsim.sigint"))
        source.setEventHandler { [weak self] in
            self?.interrupted(out: out)
        }
        source.resume()
    }

    func begin(_ control: RunControl) {
        state.withLock { $0 = (control, 0) }
    }

    func end() {
        state.withLock { $0.current = nil }
    }

    private func interrupted(out: ShellOutput) {
        state.withLock { s in
            guard let current = s.current else { return }
            s.presses += 1
            switch s.presses {
            case 1: current.cancel()
            case 2: out.note("still stopping the run; press Ctrl-C once more to quit branchsim")
            default: exit(130)
            }
        }
    }

    /// Stops listening and gives SIGINT back its default action.
    func stop() {
        source.cancel()
        // Still ignored while unblocking, so a pending Ctrl-C is dropped, not fatal.
        Self.setSIGINTBlocked(false)
        signal(SIGINT, SIG_DFL)
    }

    private static func setSIGINTBlocked(_ blocked: Bool) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, nil)
    }
}
