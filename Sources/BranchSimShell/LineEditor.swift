import BranchSimModel
import CLibEdit
import Foundation

/// What one read at the prompt gave.
enum LineEvent: Equatable {
    case line(String)
    /// Ctrl-C: the line was dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// A small Swift type over libedit: prompt, emacs keys, in-memory history, Tab completion
/// and Ctrl-C at the prompt.
///
/// While a line is edited, the terminal's keyboard signals are off (`setty -d -isig`), so
/// Ctrl-C reaches the editor as a key and clears the line; when `readLine` returns, libedit
/// puts the terminal back, and Ctrl-C during a run is a SIGINT again.
final class LineEditor {
    /// Computes Tab's result for the text before the cursor.
    typealias Completer = (_ beforeCursor: String) -> Completion.Result

    private let el: OpaquePointer
    private let hist: OpaquePointer
    private let promptBuffer: UnsafeMutablePointer<CChar>
    private let promptCapacity = 512
    private let completer: Completer
    private var interrupted = false
    /// The text after the cursor when Ctrl-C was pressed (already on screen).
    private var afterCursor = ""

    /// Starts libedit on standard input and output. Returns nil when libedit cannot start
    /// (no usable terminal).
    init?(programName: String, completer: @escaping Completer) {
        guard let hist = history_init() else { return nil }
        guard let el = el_init(programName, bs_stdin(), bs_stdout(), bs_stderr()) else {
            history_end(hist)
            return nil
        }
        self.el = el
        self.hist = hist
        self.completer = completer
        promptBuffer = .allocate(capacity: promptCapacity)
        promptBuffer.initialize(to: 0)

        bs_history_setsize(hist, 1000)
        bs_history_setunique(hist, 1)
        bs_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        bs_el_set_prompt(el, { el in
            // Called by libedit while drawing; a C function cannot capture, so the
            // prompt lives in a buffer owned by the editor found through client data.
            guard let el, let data = bs_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }, 1)
        bs_el_set_editor(el, "emacs")
        bs_el_set_signal(el, 1)
        bs_el_set_hist(el, hist)
        bs_el_addfn(el, "branchsim-complete", "complete the word before the cursor", { el, _ in
            guard let el, let data = bs_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete()
        })
        bs_el_addfn(el, "branchsim-suspend", "suspend branchsim (like Ctrl-Z in a shell)", { _, _ in
            // Keyboard signals are off while editing, so ^Z arrives as a key: stop the job as
            // the terminal would. libedit's own SIGTSTP/SIGCONT handling (EL_SIGNAL) puts the
            // terminal back for the parent shell and restores editing on `fg`.
            kill(0, SIGTSTP)
            return UInt8(CC_REDISPLAY)
        })
        bs_el_addfn(el, "branchsim-interrupt", "drop the line", { el, _ in
            guard let el, let data = bs_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupt()
        })
        // The person's ~/.editrc first, then our bindings (Tab and ^C must be ours).
        el_source(el, nil)
        bs_el_bind(el, "^I", "branchsim-complete")
        bs_el_bind(el, "^C", "branchsim-interrupt")
        bs_el_bind(el, "^Z", "branchsim-suspend")
        Self.disableExtendedCommand(el)
        bs_el_setty_noisig(el)
    }

    /// libedit's extended-command prompt (`ed-command`: Esc x in emacs mode, `:` in vi's command
    /// mode) reads a line and hands it to its own `el_parse`, which crashes on an unclosed
    /// quote (Esc, x, `"`, Enter: SIGSEGV) and could rebind Tab and Ctrl-C. The shell offers
    /// no such prompt: those keys beep, as unbound keys do. Its own history search (Ctrl-R)
    /// and vi's `/` search read a line too but only search with it; they stay.
    private static func disableExtendedCommand(_ el: OpaquePointer) {
        if bs_el_is_vi(el) != 0 {
            bs_el_bind_vi_command(el, ":", "ed-unassigned")
        } else {
            bs_el_bind(el, "\\ex", "ed-unassigned")
            bs_el_bind(el, "\\eX", "ed-unassigned")
        }
    }

    deinit {
        el_end(el)
        history_end(hist)
        promptBuffer.deallocate()
    }

    /// Adds an entry (possibly several lines) to the in-memory history for Up/Down.
    func addHistory(_ entry: String) {
        bs_history_enter(hist, entry)
    }

    /// Reads one line with `prompt` (which may hold ANSI escapes; they are marked as not
    /// taking room on screen).
    func readLine(prompt: String) -> LineEvent {
        setPrompt(prompt)
        interrupted = false
        var count: Int32 = 0
        let raw = el_gets(el, &count)
        if interrupted {
            // The terminal cursor is where the editing cursor was: write over the rest of the
            // line (the same text) to get to its end, then show ^C and go to a new line.
            bs_write_stdout(afterCursor + "^C\n")
            return .interrupted
        }
        guard let raw, count > 0 else { return .endOfInput }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    private func setPrompt(_ prompt: String) {
        // Wrap ANSI escape sequences in \u{1} so libedit does not count them as columns.
        var marked = ""
        var inEscape = false
        for ch in prompt.unicodeScalars {
            if ch == "\u{1B}" {
                marked += "\u{1}"
                inEscape = true
            }
            marked.unicodeScalars.append(ch)
            if inEscape && ch == "m" {
                marked += "\u{1}"
                inEscape = false
            }
        }
        let bytes = Array(marked.utf8.prefix(promptCapacity - 1))
        for (i, b) in bytes.enumerated() { promptBuffer[i] = CChar(bitPattern: b) }
        promptBuffer[bytes.count] = 0
    }

    /// Tab.
    private func complete() -> UInt8 {
        guard let info = el_line(el)?.pointee else { return UInt8(CC_ERROR) }
        let before = String(decoding: UnsafeBufferPointer(
            start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self),
            count: info.cursor - info.buffer), as: UTF8.self)
        let result = completer(before)
        if !result.insert.isEmpty {
            el_insertstr(el, result.insert)
        }
        if !result.listing.isEmpty {
            let width = Int(bs_terminal_columns(STDOUT_FILENO))
            // File names may hold control characters: shown, not obeyed.
            let listing = Completion.columns(result.listing.map { TerminalText.visible($0) }, width: width > 0 ? width : 80)
            bs_write_stdout("\n" + listing + "\n")
            return UInt8(CC_REDISPLAY)
        }
        return result.insert.isEmpty ? UInt8(CC_REFRESH_BEEP) : UInt8(CC_REFRESH)
    }

    /// Ctrl-C at the prompt: end the read; `readLine` reports it and finishes the display.
    private func interrupt() -> UInt8 {
        interrupted = true
        afterCursor = ""
        if let info = el_line(el)?.pointee {
            afterCursor = String(decoding: UnsafeBufferPointer(
                start: UnsafeRawPointer(info.cursor).assumingMemoryBound(to: UInt8.self),
                count: info.lastchar - info.cursor), as: UTF8.self)
        }
        return UInt8(CC_NEWLINE)
    }
}
