import BranchSimDriver
import BranchSimModel
import CLibEdit
import Foundation

/// Where shell and backend text goes: results to standard output, diagnostics to standard
/// error, and whether ANSI colour is on.
public struct ShellOutput: Sendable {
    public enum Stream: Sendable { case standardOutput, standardError }

    private let sink: @Sendable (Stream, String) -> Void
    private let colorWanted: Bool
    /// Where `:output FILE` sends standard output (nil: nowhere else).
    let redirect: OutputRedirect?

    /// Whether ANSI styles are on (a terminal, `TERM` not `dumb`, `NO_COLOR` unset, and
    /// results not going to a file by `:output`).
    public var colorEnabled: Bool { colorWanted && !(redirect?.isActive ?? false) }

    /// - Parameters:
    ///   - colorEnabled: whether `styled` adds ANSI escapes.
    ///   - sink: receives every piece of text, newlines included, in order.
    public init(colorEnabled: Bool, sink: @escaping @Sendable (Stream, String) -> Void) {
        self.colorWanted = colorEnabled
        self.sink = sink
        self.redirect = nil
    }

    /// This output with standard output going to `redirect` while it is active.
    func redirecting(to redirect: OutputRedirect) -> ShellOutput {
        let inner = sink
        return ShellOutput(colorWanted: colorWanted, redirect: redirect) { stream, text in
            if stream == .standardOutput, redirect.capture(text) { return }
            inner(stream, text)
        }
    }

    private init(colorWanted: Bool, redirect: OutputRedirect, sink: @escaping @Sendable (Stream, String) -> Void) {
        self.colorWanted = colorWanted
        self.redirect = redirect
        self.sink = sink
    }

    /// Writes `text` and a newline to standard output.
    public func print(_ text: String) { sink(.standardOutput, text + "\n") }

    /// Writes `text` to standard output as is.
    public func write(_ text: String) { sink(.standardOutput, text) }

    /// Writes a diagnostic line (`file:line:col: error: ...`) to standard error.
    public func diagnostic(_ text: String) { sink(.standardError, text + "\n") }

    /// Writes `error: message` to standard error (red `error:` when colour is on).
    public func error(_ message: String) { diagnostic(styled("error:", .error) + " " + message) }

    /// Writes `note: message` to standard error.
    public func note(_ message: String) { diagnostic(styled("note:", .note) + " " + message) }

    public enum Style: Sendable {
        case error, warning, note, success, bold, dim, prompt
        var code: String {
            switch self {
            case .error: return "1;31"
            case .warning: return "1;33"
            case .note: return "1;36"
            case .success: return "32"
            case .bold: return "1"
            case .dim: return "2"
            case .prompt: return "1;34"
            }
        }
    }

    /// `text` in `style` when colour is on, else `text` unchanged.
    public func styled(_ text: String, _ style: Style) -> String {
        colorEnabled ? "\u{1B}[\(style.code)m\(text)\u{1B}[0m" : text
    }
}

/// Standard output and error of the process, with room for a progress bar on standard error:
/// every write first erases a bar that is showing, and writes never interleave.
///
/// This is the shell's output boundary: on a terminal, control characters in what is written
/// (a scenario's title, comments or source lines may carry ESC or BEL) are shown, not obeyed
/// (`TerminalText.visible`); only the shell's own colours pass. Into a file or pipe text
/// goes as it is.
final class TerminalWriter: @unchecked Sendable {
    /// Whether a bar is showing; every write happens with it held, so writes never interleave.
    private let barShowing = LockedValue(false)
    private let out: FileHandle
    private let err: FileHandle
    private let outIsTerminal: Bool
    private let errIsTerminal: Bool

    init(out: FileHandle = .standardOutput, err: FileHandle = .standardError) {
        self.out = out
        self.err = err
        outIsTerminal = isatty(out.fileDescriptor) == 1
        errIsTerminal = isatty(err.fileDescriptor) == 1
    }

    func write(_ stream: ShellOutput.Stream, _ text: String) {
        let toOut = stream == .standardOutput
        let shown = (toOut ? outIsTerminal : errIsTerminal) ? TerminalText.visible(text, keepingStyles: true) : text
        barShowing.withLock { showing in
            erase(&showing)
            // Standard output may be buffered by C stdio elsewhere (libedit); keep order.
            bs_flush_stdout()
            // FileHandle.write traps when a write fails (a full disk, a closed descriptor): lost
            // output is an error with exit status 2, a lost error message is let go.
            if toOut {
                StandardStreams.write(shown, toDescriptor: out.fileDescriptor)
            } else {
                try? err.write(contentsOf: Data(shown.utf8))
            }
        }
    }

    /// Draws `bar` over the current line of standard error.
    func showBar(_ bar: String) {
        barShowing.withLock { showing in
            try? err.write(contentsOf: Data(("\r" + bar + "\u{1B}[K").utf8))
            showing = true
        }
    }

    func eraseBar() {
        barShowing.withLock { erase(&$0) }
    }

    private func erase(_ showing: inout Bool) {
        if showing {
            try? err.write(contentsOf: Data("\r\u{1B}[K".utf8))
            showing = false
        }
    }
}

/// `:output FILE`: standard output collected and written to a file. After each statement or
/// command the file is replaced whole (`AtomicFile`), so it always holds everything so far and
/// never half a table.
final class OutputRedirect: Sendable {
    private struct State {
        var path: String?
        var shown: String?
        var text = ""
        var dirty = false
    }

    private let state = LockedValue(State())

    var isActive: Bool { state.withLock { $0.path != nil } }
    /// The file as the person typed it.
    var fileName: String? { state.withLock { $0.shown } }

    /// Starts sending output to `path` (empty now; replaced if it exists).
    func start(path: String, shown: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write("", to: path, overwrite: true)
        state.withLock { $0 = State(path: path, shown: shown) }
    }

    /// Stops redirecting (after a last `flush`).
    func stop() {
        state.withLock { $0 = State() }
    }

    /// Keeps `s` for the file when redirecting; false when not (the caller prints it).
    func capture(_ s: String) -> Bool {
        state.withLock { st in
            guard st.path != nil else { return false }
            st.text += s
            st.dirty = true
            return true
        }
    }

    /// Writes what was collected to the file if anything new came.
    func flush() throws(AtomicFile.WriteError) {
        let pending: (path: String, text: String)? = state.withLock { st in
            guard let path = st.path, st.dirty else { return nil }
            st.dirty = false
            return (path, st.text)
        }
        guard let pending else { return }
        try AtomicFile.write(pending.text, to: pending.path, overwrite: true)
    }
}
