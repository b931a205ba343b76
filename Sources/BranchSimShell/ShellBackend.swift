import BranchSimModel

/// What the word being completed is, judged from the text before it.
public enum CompletionContext: Sendable, Equatable {
    /// The first word of a statement (keywords such as `campaign`, `run`, `report`).
    case statementStart
    /// After `report`, `expect`, `sweep` or `compare ... on`: a metric path (`funnel.upgrade_meeting.attend`).
    case metricPath
    /// After `:load`, `:save` or `include`: a file name. The shell completes these itself and
    /// does not ask the backend.
    case fileName
    /// Anywhere else in a statement; the payload is the statement's first word (`campaign`, `tier`, ...).
    case afterKeyword(String)
    /// After `:` at the start of a line: a shell command. The shell completes these itself,
    /// adding the backend's nothing.
    case command
    /// The argument of `:show`, `:set` or `:unset`: a declared name or a property path.
    case commandArgument(String)
    /// After `compare` (before `on`) or `run variant`: a variant name; the payload is the
    /// statement's keyword (`compare` also takes `base`).
    case variantName(String)
    /// The first word after `sweep`: a path `sweep` can vary (`CAMPAIGN.contacts`, `let`).
    case sweepPath
    /// After `sweep let`: a `let` name.
    case letName
    /// After `calibrate ... to`: the name of an `observed` set.
    case observedName
}

/// How a statement, a `:load` or a `:set` ended. A script's exit status follows from these
/// (`expectationFailed` -> 1, `error` -> 2), like `branchsim run`.
public enum ExecutionOutcome: Sendable, Equatable {
    case ok
    /// Everything ran, but an `expect` did not hold.
    case expectationFailed
    /// A diagnostic was printed (syntax, check or run error), or the run was cancelled.
    case error
}

/// The language side of the shell: the parser, checker and engine, behind one protocol.
///
/// The shell owns the terminal (editing, history, completion, Ctrl-C, progress, colour,
/// `:cmd` parsing, files for `:save`); the backend owns the meaning of text. All methods
/// are called on the thread that called `Shell.run()`, one at a time.
public protocol ShellBackend: AnyObject {
    /// Whether `text` (the lines entered so far, joined by newlines) is an unfinished statement:
    /// an open `{` or `(`, or a last line ending in `,` or `->`. While true, the shell keeps
    /// reading with the secondary prompt.
    func needsMoreInput(_ text: String) -> Bool

    /// Candidates for `word` (the text from the start of the word to the cursor) in `line`
    /// (the whole current line). Candidates should start with `word`; others are dropped.
    func completions(for word: String, line: String, context: CompletionContext) -> [String]

    /// Runs one or more complete statements typed at the prompt (or read from a script).
    /// `location` is where `text` starts: `<prompt>:1:1` for what was typed (lines counted
    /// within the entry), `<stdin>:LINE:1` in a script, so diagnostics can name file:line:col.
    /// Long work must check `control.isCancelled` often (between replications) and return
    /// soon after it becomes true (returning `.error` or what it has), and should call
    /// `control.progress(done:total:)`.
    func execute(_ text: String, at location: SourceLocation, control: RunControl, out: ShellOutput) -> ExecutionOutcome

    /// `:load FILE`: reads a scenario file into the session, then runs its statements as
    /// `branchsim run` would (Ctrl-C stops them through `control`). `path` has `~` expanded.
    func load(path: String, control: RunControl, out: ShellOutput) -> ExecutionOutcome

    /// `:save FILE`: the session as scenario text. The shell writes it: it refuses to
    /// overwrite an existing file unless `--force` was given, and writes atomically (a
    /// temporary file in the same folder, then rename). Return nil after printing why
    /// there is nothing to save.
    func textToSave(out: ShellOutput) -> String?

    /// `:save --chosen FILE`: the session as scenario text with the plan the last `optimize`
    /// chose applied (the session itself stays as it is). Nil after printing why there is none.
    func chosenPlanText(out: ShellOutput) -> String?

    /// `:show [NAME]`: prints the session (nil) or one declaration.
    func show(name: String?, out: ShellOutput)

    /// `:set PATH VALUE`, e.g. `:set upgrade_meeting.funnel.convert 50%`.
    func set(path: String, value: String, out: ShellOutput) -> ExecutionOutcome

    /// `:unset PATH`: back to the value the scenario had before any `:set`.
    func unset(path: String, out: ShellOutput) -> ExecutionOutcome

    /// `:reset`: forgets everything declared in this session.
    func reset(out: ShellOutput)

    /// Help for topics beyond the shell's own (`statements`, `campaign`, `metrics`, `commands`,
    /// `keys`), or a more detailed text for one of those; nil if the backend has none.
    func help(topic: String?) -> String?

    /// Extra help topic names to list under `:help` and complete after it.
    var helpTopics: [String] { get }

    /// The end of a script (input that is not a terminal): problems that were waiting for a
    /// later statement (a tier set that never closes, a campaign at an undeclared branch)
    /// will not be resolved now; report them and return `.error`, so that a script exits as
    /// `branchsim run` does on the same text.
    func endOfScript(out: ShellOutput) -> ExecutionOutcome

    /// `:format NAME` (`table`, `csv`, `json`, `html`; nil: print the current one).
    func setFormat(_ name: String?, out: ShellOutput) -> ExecutionOutcome

    /// `:units NAME` (`yuan`, `wan`; nil: print the current ones).
    func setUnits(_ name: String?, out: ShellOutput) -> ExecutionOutcome

    /// Finishes statements `execute` accepted but has not acted on yet (a script's
    /// declarations, which a backend may enter together): reports their problems and returns
    /// `.error` if any. The shell calls this before a `:command` and at the end of a script.
    func settle(out: ShellOutput) -> ExecutionOutcome

    /// `:drop KIND NAME`: removes a declaration (a campaign, a branch, a variant...); on
    /// errors nothing changes.
    func drop(kind: String, name: String, out: ShellOutput) -> ExecutionOutcome
}

extension ShellBackend {
    public var helpTopics: [String] { [] }
    public func endOfScript(out: ShellOutput) -> ExecutionOutcome { .ok }
    public func settle(out: ShellOutput) -> ExecutionOutcome { .ok }
    public func setFormat(_ name: String?, out: ShellOutput) -> ExecutionOutcome {
        out.error("this shell has one output format")
        return .error
    }
    public func setUnits(_ name: String?, out: ShellOutput) -> ExecutionOutcome {
        out.error("this shell has no units to choose")
        return .error
    }
    public func drop(kind: String, name: String, out: ShellOutput) -> ExecutionOutcome {
        out.error("this shell cannot drop declarations")
        return .error
    }
}

extension ShellBackend {
    public func chosenPlanText(out: ShellOutput) -> String? {
        out.error("no plan chosen yet: run 'optimize' or 'calibrate' first")
        return nil
    }
}
