import BranchSimDriver
import BranchSimLanguage
import BranchSimModel
import BranchSimReports
import Foundation

/// The real language side of the shell: a `ScenarioDocument` of the declarations typed or
/// loaded so far, checked with the same checker as files, and a `ProgramRunner` that runs
/// actions and keeps the last results for `report`, `expect` and `export`.
public final class ScenarioBackend: ShellBackend {
    private var document = ScenarioDocument()
    private let runner: ProgramRunner
    /// Entries typed at the prompt so far: each is its own source, `<prompt:N>`.
    private var promptEntries = 0

    public init(configuration: RunConfiguration = RunConfiguration()) {
        // The runner prints through whichever ShellOutput the current call passes in.
        let box = OutputBox()
        self.outputBox = box
        runner = ProgramRunner(
            configuration: configuration,
            sink: OutputSink(out: { box.write($0, error: false) }, err: { box.write($0, error: true) }))
    }

    private let outputBox: OutputBox

    // MARK: Input

    public func needsMoreInput(_ text: String) -> Bool { InputCompleteness.needsMore(text) }

    public func completions(for word: String, line: String, context: CompletionContext) -> [String] {
        var pool: [String]
        switch context {
        case .statementStart:
            pool = LanguageVocabulary.keywords
        case .metricPath:
            pool = metricCompletions(for: word)
        case .variantName(let keyword):
            pool = (keyword == "compare" ? ["base"] : []) + document.names(of: "variant")
        case .sweepPath:
            pool = propertyPaths() + (document.names(of: "let").isEmpty ? [] : ["let"])
        case .letName:
            pool = document.names(of: "let")
        case .observedName:
            pool = document.names(of: "observed")
        case .afterKeyword("run"):
            pool = ["runs", "variant"]
        case .afterKeyword("sweep"):
            pool = ["over", "from", "to", "step", "on", "in", "and", "latin"]
        case .afterKeyword(let keyword) where keyword.hasPrefix(":"):
            // The words after a command's argument (`:show NAME `, `:set PATH VALUE`): nothing to offer.
            pool = []
        case .afterKeyword(let keyword):
            pool = declaredNames() + (LanguageVocabulary.properties[keyword] ?? [])
                + LanguageVocabulary.channels + LanguageVocabulary.distributions + LanguageVocabulary.inputDistributions
                + LanguageVocabulary.decisionWords + LanguageVocabulary.rateWords
                + LanguageVocabulary.calendarUnits + LanguageVocabulary.staffTimeUnits
                + LanguageVocabulary.effortUnits + ["all", "hub", "satellites", "own", "network", "where", "balance",
                                                     "max", "offbank", "at", "x", "variant", "runs", "on", "independent", "over", "from", "to", "step", "within", "last"]
        case .commandArgument(let command):
            pool = declaredNames()
            if command == "set" || command == "unset" { pool += propertyPaths() }
            if command == "help" { pool += helpTopics }
        case .fileName, .command:
            pool = []
        }
        var seen = Set<String>()
        return pool.filter { $0.hasPrefix(word) && seen.insert($0).inserted }.sorted()
    }

    private func declaredNames() -> [String] {
        document.declarations.map(\.name)
    }

    /// Metric keys and their group prefixes (`funnel`, `funnel.upgrade_meeting`); statistics
    /// (`.mean`, `.p95`, ...) once a whole key and a dot are typed; `compare.` forms after `compare.`.
    private func metricCompletions(for word: String) -> [String] {
        let keys = document.metricKeys
        var out = keys
        var groups = Set<String>()
        for k in keys {
            var parts = k.split(separator: ".").map(String.init)
            while parts.count > 1 {
                parts.removeLast()
                groups.insert(parts.joined(separator: "."))
            }
        }
        out += groups.sorted()
        for k in keys where word.hasPrefix(k + ".") {
            out += LanguageVocabulary.statistics.map { "\(k).\($0)" }
        }
        if word.hasPrefix("compare.") {
            out += keys.map { "compare.\($0).diff" } + keys.map { "compare.\($0).prob_better" }
            for k in keys where word.hasPrefix("compare.\(k).diff.") {
                out += LanguageVocabulary.statistics.map { "compare.\(k).diff.\($0)" }
            }
        } else {
            out.append("compare.")
        }
        return out
    }

    /// `CAMPAIGN.PROPERTY`, `CAMPAIGN.funnel.STAGE`, `BRANCH.customers`, `TIER.PROPERTY` paths for `:set`.
    private func propertyPaths() -> [String] {
        var out: [String] = []
        guard let scenario = document.check().program?.base else { return out }
        for c in scenario.campaigns {
            out += (LanguageVocabulary.properties["campaign"] ?? []).map { "\(c.name).\($0)" }
            out += c.funnel.map { "\(c.name).funnel.\($0.name)" }
        }
        for b in scenario.branches { out += ["\(b.name).customers", "\(b.name).offbank"] }
        for t in scenario.tiers { out += (LanguageVocabulary.branchTierProperties).map { "\(t.name).\($0)" } }
        out += ["scenario.runs", "scenario.seed", "scenario.horizon", "scenario.step"]
        return out
    }

    // MARK: Statements

    /// A script's declarations not entered yet, as one text from line `deferredFirstLine`
    /// of `deferredFile` (blank lines keep each at its own line). Entering each declaration
    /// alone re-checks the whole document, quadratic in a script's length (10,000 piped
    /// lines took minutes); declarations in a row are entered together when an action, a
    /// command or the end of the script needs them, as a file's are.
    private var deferredText = ""
    private var deferredFile = ""
    private var deferredFirstLine = 0
    /// The line after the last deferred one.
    private var deferredNextLine = 0

    public func execute(_ text: String, at location: SourceLocation, control: RunControl, out: ShellOutput) -> ExecutionOutcome {
        if location.file != "<prompt>", InputCompleteness.onlyDeclares(text) {
            if deferredText.isEmpty || deferredFile != location.file || location.line < deferredNextLine {
                if settle(out: out) == .error { return .error }
                deferredFile = location.file
                deferredFirstLine = location.line
                deferredNextLine = location.line
            }
            deferredText += String(repeating: "\n", count: location.line - deferredNextLine) + text + "\n"
            deferredNextLine = location.line + 1 + text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return .ok
        }
        if settle(out: out) == .error { return .error }
        return enter(text, at: location, control: control, out: out)
    }

    public func settle(out: ShellOutput) -> ExecutionOutcome {
        guard !deferredText.isEmpty else { return .ok }
        let text = deferredText
        deferredText = ""
        return enter(text, at: SourceLocation(file: deferredFile, line: deferredFirstLine, column: 1),
                     control: RunControl(), out: out)
    }

    private func enter(_ text: String, at location: SourceLocation, control: RunControl, out: ShellOutput) -> ExecutionOutcome {
        outputBox.target = out
        defer { outputBox.target = nil }
        // Blank lines in front keep diagnostics at the script's own line numbers.
        let padded = String(repeating: "\n", count: max(0, location.line - 1)) + text
        // At the prompt every entry is its own source (`<prompt:N>`); a script's entries share
        // `<stdin>` and its line numbers.
        var name = location.file
        if name == "<prompt>" {
            promptEntries += 1
            name = "<prompt:\(promptEntries)>"
        }
        let entry = document.enter(padded, file: name, afterComparison: runner.lastComparison != nil)
        if !entry.diagnostics.isEmpty { render(entry.diagnostics.map(Self.phrasedForTheShell), sources: entry.sources, out: out) }
        if entry.hasErrors { return .error }
        if !entry.changed.isEmpty { runner.resultsAreStale = true }
        guard let program = entry.program, !entry.actions.isEmpty else { return .ok }
        return run(entry.actions, in: program, control: control, out: out)
    }

    /// `:format`: tables (the runner's own), or the whole last results as CSV, JSON or HTML
    /// after each entry that runs or reports.
    private var format = "table"

    public func setFormat(_ name: String?, out: ShellOutput) -> ExecutionOutcome {
        guard let name else {
            out.print("format \(format)")
            return .ok
        }
        format = name
        // The runner prints tables; for the others it stays quiet and this backend prints the document.
        runner.configuration.format = name == "table" ? .table : .json
        out.print("format \(name)" + (name == "table" ? "" : ": run, compare, sweep and report print the last results as \(name.uppercased())"))
        return .ok
    }

    public func setUnits(_ name: String?, out: ShellOutput) -> ExecutionOutcome {
        if let name { runner.configuration.report.units = name == "wan" ? .wan : .yuan }
        out.print(runner.configuration.report.units == .wan ? "units wan: amounts in tables in 万" : "units yuan: amounts in tables in yuan")
        return .ok
    }

    /// The last results as `format` says (nil for tables, which the runner prints itself).
    private func formattedResults() -> String? {
        switch format {
        case "csv": return runner.renderDocument(format: .csv)
        case "json": return runner.renderDocument(format: .json)
        case "html": return HTMLReport.render(runner.document, scenario: runner.lastScenario, options: runner.configuration.report)
        default: return nil
        }
    }

    private func run(_ actions: [LocatedAction], in program: CheckedProgram, control: RunControl,
                     out: ShellOutput) -> ExecutionOutcome {
        runner.configuration.report.colour = out.colorEnabled
        func printDocument() {
            let shows = actions.contains { a in
                switch a.action {
                case .run, .compare, .sweep, .report, .rank: return true
                case .expect, .export, .decision: return false
                }
            }
            if shows, runner.lastRun != nil || runner.lastComparison != nil, let text = formattedResults() {
                out.write(text.hasSuffix("\n") ? text : text + "\n")
            }
        }
        let before = runner.outcomes.count
        for (i, a) in actions.enumerated() {
            var nextIsReport = false
            if i + 1 < actions.count, case .report = actions[i + 1].action { nextIsReport = true }
            do {
                let hooks = RunHooks(cancellation: control.cancellation,
                                     progress: { done, total in control.progress(done: done, total: total) })
                try runner.execute(a, in: program, printDefaultReport: !nextIsReport, control: hooks)
            } catch {
                if error.cancelled {
                    out.note("\(error.message); the last results are unchanged")
                } else {
                    out.diagnostic(error.description)
                }
                return .error
            }
        }
        printDocument()
        return runner.outcomes.dropFirst(before).contains { !$0.passed } ? .expectationFailed : .ok
    }

    public func endOfScript(out: ShellOutput) -> ExecutionOutcome {
        if settle(out: out) == .error { return .error }
        guard !document.declarations.isEmpty else { return .ok }
        let checked = document.check()
        let errors = checked.diagnostics.filter(\.isError)
        guard !errors.isEmpty else { return .ok }
        render(errors, sources: checked.sources, out: out)
        return .error
    }

    /// The shell's advice where the language's does not fit the prompt: a `drop` typed
    /// outside a variant is what `:drop KIND NAME` does.
    static func phrasedForTheShell(_ d: Diagnostic) -> Diagnostic {
        var d = d
        if d.id == .dropOutsideVariant { d.notes = [.help("at the prompt, use ':drop KIND NAME'")] }
        return d
    }

    private func render(_ diagnostics: [Diagnostic], sources: [String: SourceFile], out: ShellOutput) {
        // Problems of a :set or :unset path have no source text: no `<input>:` in front.
        let (placeless, placed) = (diagnostics.filter { $0.location.file == "<input>" },
                                   diagnostics.filter { $0.location.file != "<input>" })
        for d in placeless {
            let head = d.isError ? out.styled("error:", .error) : out.styled("warning:", .warning)
            out.diagnostic(([head + " " + d.message] + d.notes.map { "  = " + $0.text }).joined(separator: "\n"))
        }
        guard !placed.isEmpty else { return }
        let text = DiagnosticRenderer(colour: out.colorEnabled).render(placed, sources: sources)
        out.diagnostic(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }

    // MARK: Commands

    /// `:load FILE`: the file's declarations replace the session's, then its statements
    /// (`run`, `report`, `compare`, `expect`, ...) run as `branchsim run` would run them.
    public func load(path: String, control: RunControl, out: ShellOutput) -> ExecutionOutcome {
        outputBox.target = out
        defer { outputBox.target = nil }
        let diagnostics = document.load(path: path)
        let checked = FrontEnd.check(path: path)
        if !checked.diagnostics.isEmpty { render(checked.diagnostics, sources: checked.sources, out: out) }
        if diagnostics.contains(where: \.isError) || checked.hasErrors { return .error }
        runner.clearResults()
        let names = document.declarations.map(\.name)
        out.print("loaded \(path): \(names.count) declarations")
        guard let program = checked.program, !program.actions.isEmpty else { return .ok }
        return run(program.actions, in: program, control: control, out: out)
    }

    public func textToSave(out: ShellOutput) -> String? {
        if document.declarations.isEmpty {
            out.error("nothing to save yet: declare a tier, branch or campaign first")
            return nil
        }
        return document.source()
    }

    public func chosenPlanText(out: ShellOutput) -> String? {
        guard let d = runner.lastDecision, !d.settings.isEmpty else {
            out.error("no plan chosen yet: run 'optimize' or 'calibrate' first")
            return nil
        }
        var chosen = document
        for (path, value) in d.settings {
            let problems = chosen.set(path: path, value: value).filter(\.isError)
            if !problems.isEmpty {
                render(problems, sources: chosen.check().sources, out: out)
                return nil
            }
        }
        return chosen.source()
    }

    public func show(name: String?, out: ShellOutput) {
        if let name {
            if let text = document.show(name: name) {
                out.write(text.hasSuffix("\n") ? text : text + "\n")
            } else {
                let near = Suggest.closest(to: name, in: declaredNames())
                out.error("nothing named '\(name)'" + (near.map { "; did you mean '\($0)'?" } ?? ""))
            }
            return
        }
        if document.declarations.isEmpty {
            out.print("the session is empty: type a statement, or `:load FILE` (`:help` for more)")
            return
        }
        let checked = document.check()
        if let s = checked.program?.base {
            out.print("scenario \"\(s.title)\": \(s.steps) \(s.settings.step.rawValue)s, seed \(s.settings.seed)")
            out.print("  tiers      " + s.tiers.map(\.name).joined(separator: ", "))
            out.print("  products   " + s.products.map(\.name).joined(separator: ", "))
            if !s.roles.isEmpty { out.print("  roles      " + s.roles.map(\.name).joined(separator: ", ")) }
            out.print("  branches   " + s.branches.map { "\($0.name) (\($0.customers))" }.joined(separator: ", "))
            if !s.networks.isEmpty {
                out.print("  networks   " + s.networks.map { "\($0.name) (hub \(s.branches[$0.hub].name))" }.joined(separator: ", "))
            }
            out.print("  campaigns  " + (s.campaigns.isEmpty ? "none" : s.campaigns.map(\.name).joined(separator: ", ")))
            let variants = document.names(of: "variant")
            if !variants.isEmpty { out.print("  variants   " + variants.joined(separator: ", ")) }
        } else {
            out.print("declared: " + document.declarations.map { "\($0.kind) \($0.name)" }.joined(separator: ", "))
            render(checked.diagnostics, sources: checked.sources, out: out)
        }
        if runner.lastRun != nil {
            out.print(runner.resultsAreStale ? "last results: stale (the scenario changed since; `run` again)" : "last results: current")
        }
    }

    public func set(path: String, value: String, out: ShellOutput) -> ExecutionOutcome {
        edit(document.set(path: path, value: value), out: out)
    }

    public func unset(path: String, out: ShellOutput) -> ExecutionOutcome {
        edit(document.unset(path: path), out: out)
    }

    public func drop(kind: String, name: String, out: ShellOutput) -> ExecutionOutcome {
        edit(document.drop(kind: kind, name: name), out: out)
    }

    private func edit(_ diagnostics: [Diagnostic], out: ShellOutput) -> ExecutionOutcome {
        if !diagnostics.isEmpty { render(diagnostics, sources: document.check().sources, out: out) }
        if diagnostics.contains(where: \.isError) { return .error }
        runner.resultsAreStale = true
        return .ok
    }

    public func reset(out: ShellOutput) {
        document.reset()
        runner.clearResults()
        out.print("the session is empty")
    }

    /// `metrics` adds this scenario's paths to the shell's own text; `language` and `run` are new.
    public var helpTopics: [String] { ["metrics", "language", "run"] }

    public func help(topic: String?) -> String? {
        switch topic {
        case "metrics", "metric":
            let keys = document.metricKeys
            guard !keys.isEmpty else {
                return HelpText.metrics + "\nOnce the session holds a complete scenario, `:help metrics` also lists its metric paths."
            }
            return HelpText.metrics + "\nMetric paths of this scenario:\n" + Self.columns(keys, width: 100)
        case "language":
            let lines = LanguageVocabulary.keywords.map { k -> String in
                if k == "campaign" { return "  campaign NAME { ... }   (:help campaign lists its properties)" }
                return "  " + (LanguageVocabulary.synopsis[k] ?? k)
            }
            return "The scenario language, one statement per line (docs/language.md has the details):\n"
                + lines.joined(separator: "\n")
                + "\nA statement continues on the next line while a `{` or `(` is open or a line ends in `,` or `->`."
        case "run":
            return """
                Running a plan and reading the results:
                  run                            simulate the scenario (runs from `scenario { runs N }`)
                  run runs 200                   a quicker look with fewer runs
                  run variant weekly             simulate a variant
                  report uplift, funnel          tables for the last run, without running again
                  expect uplift.mean > 0         PASS or FAIL against the last results
                  compare base, weekly on uplift paired runs (common random numbers) of variants
                  sweep upgrade_meeting.contacts over 20, 40, 60
                  export last to "plan.html"     also .csv and .json
                A run of more than half a second shows a progress bar; Ctrl-C stops it and keeps the
                last results. After :set, reports say the results are stale until you run again.
                """
        default:
            return nil
        }
    }

    /// `items` in as many columns as fit in `width`, filled down each column.
    static func columns(_ items: [String], width: Int) -> String {
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perLine = max(1, (width - 2) / cell)
        let rows = (items.count + perLine - 1) / perLine
        var lines: [String] = []
        for r in 0..<rows {
            var line = " "
            for c in 0..<perLine {
                let i = c * rows + r
                guard i < items.count else { break }
                line += " " + items[i].padding(cell - 1)
            }
            lines.append(line.trimmingTrailingSpaces())
        }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Routes the runner's output to the ShellOutput of the call in progress.
private final class OutputBox: Sendable {
    private let box = LockedValue<ShellOutput?>(nil)

    var target: ShellOutput? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }

    func write(_ text: String, error: Bool) {
        guard let t = target else {
            FileHandle.standardError.write(Data(text.utf8))
            return
        }
        if error {
            t.diagnostic(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        } else {
            t.write(text)
        }
    }
}
