import BranchSimModel

extension FrontEnd {
    /// Checks the file at `path` with properties changed first, as `branchsim run --set
    /// PATH=VALUE` gives them: PATH is a sweep path (`upgrade_meeting.funnel.convert`,
    /// `scenario.runs`, `let rate`; a leading kind, `campaign.upgrade_meeting.funnel.convert`,
    /// is allowed) and VALUE is written as in the language (`35%`, `6万`, `2 per week`). The
    /// change applies to the base scenario, so to every variant that does not set it itself.
    /// A problem with a setting is an error at `--set PATH` (the value's text is its source).
    public static func check(path: String, settings: [(path: String, value: String)],
                             loader: any SourceLoader = FileSystemLoader()) -> CheckOutcome {
        guard !settings.isEmpty else { return check(path: path, loader: loader) }
        let file: SourceFile
        do { file = try loader.load(path, relativeTo: nil) } catch {
            let reason = (error as? SourceLoadError)?.reason ?? "\(error)"
            let d = Diagnostic(.fileUnreadable, message: "cannot read '\(path)': \(reason)",
                               location: SourceLocation(file: path, line: 0, column: 0))
            return CheckOutcome(program: nil, diagnostics: [d], sources: [:])
        }
        var sink = DiagnosticSink()
        let loader = loader.rooted(at: path)
        var statements = ProgramChecker.parseExpanding(file, loader: loader, sink: &sink)
        if sink.hasErrors { return CheckOutcome(program: nil, diagnostics: sorted(sink.diagnostics), sources: sink.sources) }
        for setting in settings {
            let name = "--set \(setting.path)"
            let valueFile = SourceFile(path: name, text: setting.value)
            sink.add(valueFile)
            // The value is read as the arguments of a synthetic `run` line, as `:set` reads it.
            let (unit, problems) = Parser.parse(SourceFile(path: name, text: setting.value.isEmpty ? "" : "run " + setting.value))
            guard problems.isEmpty, let terms = unit.statements.first?.args, !terms.isEmpty else {
                for (id, m, r, n) in problems { sink.error(id, m, ScenarioDocument.shift(r, by: -4), n) }
                if problems.isEmpty {
                    sink.append(Diagnostic(.settingValueMissing, message: "\(name)= has no value",
                                           location: SourceLocation(file: name, line: 0, column: 0),
                                           notes: [.help("write --set \(setting.path)=VALUE, e.g. --set upgrade_meeting.funnel.convert=35%")]))
                }
                continue
            }
            let shifted = terms.map { ScenarioDocument.shift($0, by: -4) }
            var target = setting.path.trimmingCharacters(in: " ")
            let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 3, let kind = StatementKind(rawValue: parts[0]), kind.isNamedDeclaration,
               statements.contains(where: { $0.kind == kind && $0.name == parts[1] }) {
                target = parts.dropFirst().joined(separator: ".")
            }
            do { try Edits.set(path: target, value: shifted, in: &statements) } catch {
                sink.append(Diagnostic(error.id, message: error.message,
                                       location: SourceLocation(file: name, line: 0, column: 0), notes: error.notes))
            }
        }
        if sink.hasErrors { return CheckOutcome(program: nil, diagnostics: sorted(sink.diagnostics), sources: sink.sources) }
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        let program = checker.check(statements)
        return CheckOutcome(program: program, diagnostics: sorted(checker.sink.diagnostics), sources: checker.sink.sources)
    }
}
