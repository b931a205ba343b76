import BranchSimDriver
import BranchSimModel
import CLibEdit
import Foundation

/// Where the shell reads lines from: libedit at a terminal, standard input in a script,
/// or a list in tests.
protocol LineSource {
    mutating func next(prompt: String) -> LineEvent
}

/// Standard input read as a script: no prompts, no editing.
struct StandardInputSource: LineSource {
    mutating func next(prompt: String) -> LineEvent {
        Swift.readLine(strippingNewline: true).map(LineEvent.line) ?? .endOfInput
    }
}

/// The interactive shell: reads statements and `:commands`, hands statements to the
/// backend, and owns the terminal (editing, history, completion, Ctrl-C, progress, colour).
///
/// At a terminal it reads with libedit; otherwise it reads standard input as a script
/// (same multi-line rules, no prompts, no colour) and stops at the first error.
/// `run()` returns the exit status: 0, 1 if an `expect` failed, 2 after an error
/// (interactive sessions return 0 unless reading failed).
public final class Shell {
    private let backend: any ShellBackend
    private let options: ShellOptions
    private let writer: TerminalWriter?
    private let out: ShellOutput
    private let history: HistoryStore
    /// Every entry, oldest first: the loaded file's and this session's (for `:history`).
    private(set) var entries: [String] = []
    private var historyWarned = false
    /// Lines of an unfinished statement.
    private var pending: [String] = []
    private var interrupts: InterruptHandler?
    private var editor: LineEditor?
    /// `:output FILE`.
    private let redirect = OutputRedirect()

    /// - Parameters:
    ///   - backend: the language side.
    ///   - options: prompts, history, colour, mode.
    ///   - output: where text goes; nil: the process's standard output and error (with a
    ///     progress bar on standard error when it is a terminal).
    public init(backend: any ShellBackend, options: ShellOptions = ShellOptions(), output: ShellOutput? = nil) {
        self.backend = backend
        self.options = options
        self.history = HistoryStore(path: options.historyPath ?? HistoryStore.defaultPath(environment: options.environment))
        if let output {
            self.writer = nil
            self.out = output.redirecting(to: redirect)
        } else {
            let writer = TerminalWriter()
            self.writer = writer
            let interactive = options.interactive ?? (isatty(STDIN_FILENO) == 1)
            self.out = ShellOutput(colorEnabled: interactive && options.colorEnabled) { stream, text in
                writer.write(stream, text)
            }.redirecting(to: redirect)
        }
    }

    /// Runs until `:quit`, Ctrl-D or the end of the script; returns the exit status.
    public func run() -> Int32 {
        let interactive = options.interactive ?? (isatty(STDIN_FILENO) == 1)
        guard interactive else {
            // `branchsim repl FILE < script`: FILE first, as at the prompt, then the script.
            var loaded: Int32 = 0
            if let file = options.startupFile, case .done(let outcome) = command(":load \"\(file)\"") {
                if outcome == .error { return 2 }
                if outcome == .expectationFailed { loaded = 1 }
            }
            var source = StandardInputSource()
            return max(loaded, run(source: &source, interactive: false))
        }
        entries = history.load()
        Self.useUTF8Locale()
        let editor = LineEditor(programName: options.programName) { [unowned self] before in
            self.complete(beforeCursor: before)
        }
        guard let editor else {
            out.note("cannot start line editing on this terminal; reading plain lines")
            var source = StandardInputSource()
            return run(source: &source, interactive: true)
        }
        self.editor = editor
        for e in entries { editor.addHistory(e) }
        let handler = InterruptHandler(out: out)
        interrupts = handler
        defer {
            handler.stop()
            interrupts = nil
            self.editor = nil
        }
        if let banner = options.banner { out.print(banner) }
        if let file = options.startupFile { _ = command(":load \"\(file)\"") }
        var source = EditorSource(editor: editor)
        return run(source: &source, interactive: true)
    }

    /// libedit reads and draws multibyte text (`5万`) by the C locale, which a Swift program
    /// leaves at "C": take the environment's, and UTF-8 if that is not UTF-8.
    private static func useUTF8Locale() {
        setlocale(LC_CTYPE, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
    }

    /// The read-evaluate loop over any source (tests pass a list of lines).
    func run(source: inout some LineSource, interactive: Bool) -> Int32 {
        var status: Int32 = 0
        var line = 0
        var firstLine = 1
        pending = []
        func record(_ outcome: ExecutionOutcome) -> Bool {
            switch outcome {
            case .ok: return true
            case .expectationFailed:
                status = max(status, 1)
                return true
            case .error:
                if interactive { return true }
                status = 2
                return false
            }
        }
        while true {
            let prompt = pending.isEmpty ? options.primaryPrompt : options.secondaryPrompt
            let event = source.next(prompt: interactive ? out.styled(prompt, .prompt) : prompt)
            switch event {
            case .endOfInput:
                if !pending.isEmpty {
                    // Let the backend say what is unfinished (an unclosed `{` at its line).
                    let text = pending.joined(separator: "\n")
                    pending = []
                    if interactive { remember(text) }
                    _ = record(execute(text, firstLine: firstLine, interactive: interactive))
                }
                if interactive { out.write("\n") } else if status < 2 { _ = record(backend.endOfScript(out: out)) }
                flushOutput()
                return status
            case .interrupted:
                pending = []
                continue
            case .line(let text):
                line += 1
                var trimmed = text.trimmingCharacters(in: .whitespaces)
                if pending.isEmpty {
                    firstLine = line
                    if trimmed.isEmpty { continue }
                    // As psql: `help`, `quit` and `exit` alone on a line are the commands
                    // (no statement starts with them).
                    if let command = Self.bareCommands[trimmed] { trimmed = command }
                }
                // A `:command` is the shell's even in the middle of a statement (as psql's
                // `\` commands): the unfinished lines stay, and `...>` comes back.
                if trimmed.hasPrefix(":") {
                    if interactive { remember(text.trimmingCharacters(in: .whitespaces)) }
                    if !record(backend.settle(out: out)) { return status }
                    let result = command(trimmed)
                    flushOutput()
                    switch result {
                    case .quit: return status
                    case .done(let outcome):
                        if !record(outcome) { return status }
                    }
                    continue
                }
                pending.append(text)
                let statement = pending.joined(separator: "\n")
                if backend.needsMoreInput(statement) { continue }
                pending = []
                if interactive { remember(statement) }
                let outcome = execute(statement, firstLine: firstLine, interactive: interactive)
                flushOutput()
                if !record(outcome) { return status }
            }
        }
    }

    /// Words that mean a command when alone on a line at the main prompt.
    static let bareCommands = ["help": ":help", "quit": ":quit", "exit": ":quit"]

    /// Writes what `:output` collected to its file; on failure says so, and results go to the
    /// terminal again.
    private func flushOutput() {
        do {
            try redirect.flush()
        } catch {
            let name = redirect.fileName ?? ""
            redirect.stop()
            out.error("cannot write the output to \(name): \(error.description); results go to the terminal again")
        }
    }

    // MARK: - Statements

    private func execute(_ text: String, firstLine: Int, interactive: Bool) -> ExecutionOutcome {
        let location = interactive
            ? SourceLocation(file: "<prompt>", line: 1, column: 1)
            : SourceLocation(file: "<stdin>", line: firstLine, column: 1)
        return underControl { control in backend.execute(text, at: location, control: control, out: out) }
    }

    /// Runs `work` with a fresh RunControl that Ctrl-C cancels and the progress bar watches.
    private func underControl(_ work: (RunControl) -> ExecutionOutcome) -> ExecutionOutcome {
        let control = RunControl()
        interrupts?.begin(control)
        let showBar = writer != nil && isatty(STDERR_FILENO) == 1
            && options.environment["TERM"].map { $0 != "dumb" } ?? false
        // No bar, no timer: a script's thousands of statements each paid for one.
        let reporter = showBar ? writer.map { ProgressReporter(control: control, writer: $0, enabled: true) } : nil
        let outcome = work(control)
        reporter?.stop()
        interrupts?.end()
        if control.isCancelled {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - control.started.uptimeNanoseconds) / 1e9
            out.note("stopped by Ctrl-C after \(ProgressBar.formatSeconds(elapsed))")
            return .error
        }
        return outcome
    }

    // MARK: - Commands

    private enum CommandResult { case done(ExecutionOutcome), quit }

    private func command(_ line: String) -> CommandResult {
        let parsed: ShellCommand
        switch ShellCommand.parse(line) {
        case .success(let c): parsed = c
        case .failure(let e):
            out.error(e.description)
            return .done(.error)
        }
        switch parsed {
        case .quit: return .quit
        case .load(let path):
            let expanded = expandTilde(path)
            return .done(underControl { control in backend.load(path: expanded, control: control, out: out) })
        case .save(let path, let force): return .done(save(to: expandTilde(path), shown: path, force: force))
        case .saveChosen(let path, let force):
            return .done(save(to: expandTilde(path), shown: path, force: force, chosen: true))
        case .show(let name):
            backend.show(name: name, out: out)
            return .done(.ok)
        case .set(let path, let value): return .done(backend.set(path: path, value: value, out: out))
        case .unset(let path): return .done(backend.unset(path: path, out: out))
        case .drop(let kind, let name): return .done(backend.drop(kind: kind, name: name, out: out))
        case .reset:
            backend.reset(out: out)
            return .done(.ok)
        case .help(let topic): return .done(help(topic))
        case .history(let count):
            out.write(Self.formatHistory(entries, last: count ?? 20))
            return .done(.ok)
        case .cancel:
            guard !pending.isEmpty else {
                out.note("nothing to cancel: no statement is unfinished")
                return .done(.ok)
            }
            let n = pending.count
            pending = []
            out.note("dropped the unfinished statement (\(n) line\(n == 1 ? "" : "s"))")
            return .done(.ok)
        case .buffer:
            if pending.isEmpty {
                out.note("no statement is unfinished")
            } else {
                out.print(pending.joined(separator: "\n"))
            }
            return .done(.ok)
        case .format(let name): return .done(backend.setFormat(name, out: out))
        case .units(let name): return .done(backend.setUnits(name, out: out))
        case .output(let path): return .done(output(to: path))
        }
    }

    private func save(to path: String, shown: String, force: Bool, chosen: Bool = false) -> ExecutionOutcome {
        if !force, FileManager.default.fileExists(atPath: path) {
            out.error(AtomicFile.WriteError.exists(shown).description)
            return .error
        }
        guard let text = chosen ? backend.chosenPlanText(out: out) : backend.textToSave(out: out) else { return .error }
        do {
            try AtomicFile.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n", to: path, overwrite: force)
        } catch {
            out.error(error.description)
            return .error
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        out.print("saved \(lines) line\(lines == 1 ? "" : "s") to \(shown)")
        return .ok
    }

    /// `:output FILE` / `:output`.
    private func output(to path: String?) -> ExecutionOutcome {
        flushOutput()
        guard let path else {
            if let name = redirect.fileName {
                redirect.stop()
                out.note("results go to the terminal again (\(name) is complete)")
            } else {
                out.note("results go to the terminal")
            }
            return .ok
        }
        let expanded = expandTilde(path)
        do {
            try redirect.start(path: expanded, shown: path)
        } catch {
            out.error("cannot send results to \(path): \(error.description)")
            return .error
        }
        out.note("results go to \(path) (`:output` alone to see them here again)")
        return .ok
    }

    private func help(_ topic: String?) -> ExecutionOutcome {
        guard let topic else {
            var text = HelpText.overview
            let more = backend.helpTopics.filter { !HelpText.topics.contains($0) }
            if !more.isEmpty { text += "\n  more topics: " + more.joined(separator: ", ") }
            if let extra = backend.help(topic: nil) { text += "\n\n" + extra }
            out.print(text)
            return .ok
        }
        if let text = backend.help(topic: topic) ?? HelpText.text(for: topic) {
            out.print(text)
            return .ok
        }
        let all = HelpText.topics + backend.helpTopics.filter { !HelpText.topics.contains($0) }
        let hint = suggestion(for: topic, among: all).map { "did you mean '\($0)'? " } ?? ""
        out.error("no help on '\(topic)'; \(hint)topics: \(all.joined(separator: ", "))")
        return .error
    }

    /// `:history` output: numbered like bash, continuation lines indented under the first.
    static func formatHistory(_ entries: [String], last n: Int) -> String {
        let start = max(0, entries.count - n)
        let width = String(entries.count).count
        var text = ""
        for i in start..<entries.count {
            let number = String(i + 1)
            let lines = entries[i].split(separator: "\n", omittingEmptySubsequences: false)
            let indent = String(repeating: " ", count: width + 4)
            text += String(repeating: " ", count: width - number.count) + number + "    " + lines[0] + "\n"
            for l in lines.dropFirst() { text += indent + l + "\n" }
        }
        return text
    }

    private func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = options.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    // MARK: - History and completion

    private func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        editor?.addHistory(entry)
        if entries.last != entry { entries.append(entry) }
        do {
            try history.append(entry)
        } catch {
            if !historyWarned { out.note("\(error)") }
            historyWarned = true
        }
    }

    func complete(beforeCursor: String) -> Completion.Result {
        let request = Completion.analyze(beforeCursor: beforeCursor, pending: pending)
        let word = request.word
        switch request.context {
        case .command:
            return Completion.resolve(word: word, candidates: ShellCommand.names.filter { $0 != "q" }.map { ":" + $0 })
        case .fileName:
            let home = options.environment["HOME"] ?? NSHomeDirectory()
            return Completion.resolve(word: word, candidates: Completion.fileNames(for: word, home: home),
                                      display: Completion.fileDisplay)
        case .commandArgument("help"):
            return Completion.resolve(word: word, candidates: HelpText.topics + backend.helpTopics.filter { !HelpText.topics.contains($0) })
        case .commandArgument("format"):
            return Completion.resolve(word: word, candidates: ShellCommand.formats)
        case .commandArgument("units"):
            return Completion.resolve(word: word, candidates: ShellCommand.unitNames)
        case .statementStart, .metricPath, .afterKeyword, .commandArgument, .variantName, .sweepPath, .letName, .observedName:
            let line = (pending + [beforeCursor]).joined(separator: "\n")
            return Completion.resolve(word: word, candidates: backend.completions(for: word, line: line, context: request.context))
        }
    }
}

/// Lines from libedit.
struct EditorSource: LineSource {
    let editor: LineEditor
    mutating func next(prompt: String) -> LineEvent { editor.readLine(prompt: prompt) }
}
