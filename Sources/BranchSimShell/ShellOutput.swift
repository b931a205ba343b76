import BranchSimDriver
import BranchSimModel
import CLibEdit
import Foundation

/// Where shell and backend text goes: results to standard output, diagnostics to standard
/// error, and whether ANSI colour is on.
public struct ShellOutput: Sendable {
    public enum Stream: Sendable { case standardOutput, standardError }

    private let sink: @Sendable (Stream, String) -> Void
    /// Whether ANSI styles are on (a terminal, `TERM` not `dumb`, `NO_COLOR` unset).
    public let colorEnabled: Bool

    /// - Parameters:
    ///   - colorEnabled: whether `styled` adds ANSI escapes.
    ///   - sink: receives every piece of text, newlines included, in order.
    public init(colorEnabled: Bool, sink: @escaping @Sendable (Stream, String) -> Void) {
        self.colorEnabled = colorEnabled
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
final class TerminalWriter: @unchecked Sendable {
    /// Whether a bar is showing; every write happens with it held, so writes never interleave.
    private let barShowing = LockedValue(false)
    private let out: FileHandle
    private let err: FileHandle

    init(out: FileHandle = .standardOutput, err: FileHandle = .standardError) {
        self.out = out
        self.err = err
    }

    func write(_ stream: ShellOutput.Stream, _ text: String) {
        barShowing.withLock { showing in
            erase(&showing)
            // Standard output may be buffered by C stdio elsewhere (libedit); keep order.
            bs_flush_stdout()
            // FileHandle.write traps when a write fails (a full disk, a closed descriptor): lost
            // output is an error with exit status 2, a lost error message is let go.
            if stream == .standardOutput {
                StandardStreams.write(text, toDescriptor: out.fileDescriptor)
            } else {
                try? err.write(contentsOf: Data(text.utf8))
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
