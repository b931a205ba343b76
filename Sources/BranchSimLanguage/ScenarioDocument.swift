import BranchSimModel

/// What entering a piece of text into a `ScenarioDocument` did.
public struct EntryOutcome: Sendable {
    /// Problems found; when any is an error, the document did not change (errors that only
    /// wait for more declarations are in `unfinished`, not here).
    public var diagnostics: [Diagnostic]
    /// Actions typed (`run`, `report`, ...), checked against the document as it now stands.
    public var actions: [LocatedAction]
    /// The checked program after the entry (nil when the document has errors).
    public var program: CheckedProgram?
    /// Declarations added or replaced, as (kind, name).
    public var changed: [(kind: String, name: String)]
    /// Sources for rendering the diagnostics.
    public var sources: [String: SourceFile]
    /// Errors a later declaration can resolve (`Diagnostic.unfinished`), when they were the
    /// only ones: the declarations were kept, and the scenario cannot run until they are resolved.
    public var unfinished: [Diagnostic] = []

    public var hasErrors: Bool { diagnostics.contains(where: \.isError) }
}

/// The declarations typed or loaded so far in the shell, kept as AST.
///
/// A declaration replaces one of the same kind and name (or is added at the end).
/// Actions are not stored: they come back checked. On any error nothing changes, except
/// for errors a later declaration can resolve (`Diagnostic.unfinished`), so that a
/// scenario can be typed one declaration at a time.
public struct ScenarioDocument: Sendable {
    private var statements: [Statement] = []
    /// Every text read or entered so far, by name (the names given to `enter`, `<set:N>`, file paths): pass it
    /// to `DiagnosticRenderer.render(_:sources:)` for the diagnostics of `set`, `unset`, `drop`, `load`.
    public private(set) var sources: [String: SourceFile] = [:]
    private var entryCount = 0
    public private(set) var loadedPath: String?
    /// Reads includes and data files: in the working directory's tree, or the loaded file's
    /// folder's (and `--allow-path` folders).
    var loader: any SourceLoader = FileSystemLoader()

    public init() {}

    /// Kind and name of every declaration, in order (`scenario`, `policy`, `enforce` have their kind as name).
    public var declarations: [(kind: String, name: String)] {
        statements.map { ($0.kind.rawValue, Self.key($0)) }
    }

    /// The name a declaration is known by in the shell: its name, or its kind for
    /// `scenario`, `policy` and `enforce`.
    private static func key(_ s: Statement) -> String {
        s.kind.isNamedDeclaration ? (s.name ?? "") : s.kind.rawValue
    }

    /// Names declared of one kind (for completion).
    public func names(of kind: String) -> [String] {
        statements.filter { $0.kind.rawValue == kind }.compactMap(\.name)
    }

    /// Metric keys of the document's base scenario (for completion); empty when it has errors.
    public var metricKeys: [String] {
        check().program.map { MetricCatalog.metrics(for: $0.base).map(\.key) } ?? []
    }

    /// `:load FILE`: replaces the document with the file's declarations (actions are dropped).
    /// On errors the document is unchanged.
    public mutating func load(path: String, loader: any SourceLoader = FileSystemLoader()) -> [Diagnostic] {
        var sink = DiagnosticSink()
        let file: SourceFile
        do { file = try loader.load(path, relativeTo: nil) } catch {
            let reason = (error as? SourceLoadError)?.reason ?? "\(error)"
            return [Diagnostic(.fileUnreadable, message: "cannot read '\(path)': \(reason)", location: SourceLocation(file: path, line: 0, column: 0))]
        }
        // The file's includes and data stay in its folder (or an allowed one).
        let loader = loader.rooted(at: path)
        let stmts = ProgramChecker.parseExpanding(file, loader: loader, sink: &sink)
        let decls = stmts.filter { !$0.kind.isAction }
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        _ = checker.check(decls)
        if checker.sink.hasErrors {
            sources.merge(checker.sink.sources) { _, new in new }
            return FrontEnd.sorted(checker.sink.diagnostics)
        }
        statements = decls
        sources = checker.sink.sources
        loadedPath = file.path
        self.loader = loader
        return checker.sink.diagnostics
    }

    /// Parses entered text; declarations replace those of the same kind and name (or are added);
    /// actions come back checked against the document as it now stands.
    /// - Parameter file: the name the text's diagnostics give (`<entry:N>` when nil); entries
    ///   under one name share its line numbers, as the lines of one script.
    /// - Parameter afterComparison: the last results are a comparison (the shell ran `compare`
    ///   earlier), so `expect compare.…` may come without a `compare` in `text`.
    public mutating func enter(_ text: String, file: String? = nil, afterComparison: Bool = false) -> EntryOutcome {
        entryCount += 1
        let name = file ?? "<entry:\(entryCount)>"
        var source = SourceFile(path: name, text: text)
        var parsed = source
        // Entries of one script (`<stdin>`) share a file name: keep the earlier lines in the
        // source, so that kept declarations still point at their own text, and parse only the
        // new lines (the earlier ones blanked, byte for byte, so offsets stay put).
        let padding = text.utf8.prefix { $0 == 0x0A }.count
        if let file, let old = sources[file], padding >= old.lineCount {
            let rest = String(repeating: "\n", count: padding - old.lineCount + 1) + String(text.utf8.dropFirst(padding))!
            source = SourceFile(path: name, text: old.text + rest)
            let blank = String(decoding: old.bytes.map { $0 == 0x0A ? 0x0A : 0x20 }, as: UTF8.self)
            parsed = SourceFile(path: name, text: blank + rest)
        }
        var sink = DiagnosticSink(sources: sources)
        let stmts = ProgramChecker.parseExpanding(parsed, loader: loader, sink: &sink)
        sink.add(source)
        var updated = statements
        var actions: [Statement] = []
        var changed: [(kind: String, name: String)] = []
        // Where each declaration is, by kind and name: a script's thousands of entries each
        // find theirs at once, not by a scan of the whole document.
        var index: [String: Int] = [:]
        for (i, d) in updated.enumerated() where index[Self.slot(d)] == nil { index[Self.slot(d)] = i }
        for s in stmts {
            if s.kind.isAction { actions.append(s); continue }
            if s.kind == .drop {
                ProgramChecker.dropOutsideVariant(s, sink: &sink)
                continue
            }
            if let i = index[Self.slot(s)] {
                updated[i] = s
            } else {
                index[Self.slot(s)] = updated.count
                updated.append(s)
            }
            changed.append((s.kind.rawValue, Self.key(s)))
        }
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        checker.comparedBefore = afterComparison
        let program = checker.check(updated + actions)
        let errors = checker.sink.diagnostics.filter(\.isError)
        if !errors.isEmpty, actions.isEmpty, errors.allSatisfy(\.unfinished) {
            // Declarations typed one at a time (the first of four tiers): keep them; the
            // errors come back when an action needs the scenario, if nothing resolved them.
            statements = updated
            sources = checker.sink.sources
            return EntryOutcome(diagnostics: FrontEnd.sorted(checker.sink.diagnostics.filter { !$0.isError }), actions: [],
                                program: nil, changed: changed, sources: checker.sink.sources,
                                unfinished: FrontEnd.sorted(errors))
        }
        if checker.sink.hasErrors {
            sources[source.path] = source
            return EntryOutcome(diagnostics: FrontEnd.sorted(checker.sink.diagnostics), actions: [], program: nil, changed: [], sources: checker.sink.sources)
        }
        statements = updated
        sources = checker.sink.sources
        return EntryOutcome(diagnostics: FrontEnd.sorted(checker.sink.diagnostics), actions: program?.actions ?? [], program: program,
                            changed: changed, sources: checker.sink.sources)
    }

    /// What a declaration replaces: one of the same kind and name (the kind alone for
    /// `scenario`, `policy` and `enforce`).
    private static func slot(_ s: Statement) -> String {
        s.kind.rawValue + " " + (s.kind.isNamedDeclaration ? s.name ?? "" : "")
    }

    /// Checks the whole document.
    public func check() -> CheckOutcome {
        var checker = ProgramChecker(sink: DiagnosticSink(sources: sources))
        checker.loader = loader
        let program = checker.check(statements)
        return CheckOutcome(program: program, diagnostics: checker.sink.diagnostics, sources: checker.sink.sources)
    }

    /// `:set PATH VALUE` (`:set upgrade_meeting.funnel.convert 50%`); on errors nothing changes.
    public mutating func set(path: String, value: String) -> [Diagnostic] {
        entryCount += 1
        let file = SourceFile(path: "<set:\(entryCount)>", text: value)
        var sink = DiagnosticSink(sources: sources)
        sink.add(file)
        sources[file.path] = file
        // Parse the value as the arguments of a synthetic 'run ' line, then shift ranges back onto `value`.
        let (vunit, vproblems) = Parser.parse(SourceFile(path: file.path, text: value.isEmpty ? "" : "run " + value))
        guard vproblems.isEmpty, let terms = vunit.statements.first?.args, !terms.isEmpty else {
            for (id, m, r, n) in vproblems { sink.error(id, m, Self.shift(r, by: -4), n) }
            if vproblems.isEmpty { sink.error(.editValueExpected, "expected a value after '\(path)'", nil) }
            return sink.diagnostics
        }
        let shifted = terms.map { Self.shift($0, by: -4) }
        var updated = statements
        do { try Edits.set(path: path, value: shifted, in: &updated) } catch {
            sink.error(error.id, error.message, nil, error.notes)
            return sink.diagnostics
        }
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        _ = checker.check(updated)
        if checker.sink.hasErrors { return checker.sink.diagnostics }
        statements = updated
        sources = checker.sink.sources
        return checker.sink.diagnostics
    }

    /// Removes a property set at `path`, back to its default; on errors nothing changes.
    public mutating func unset(path: String) -> [Diagnostic] {
        var updated = statements
        var sink = DiagnosticSink(sources: sources)
        do { try Edits.unset(path: path, in: &updated) } catch {
            sink.error(error.id, error.message, nil, error.notes)
            return sink.diagnostics
        }
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        _ = checker.check(updated)
        if checker.sink.hasErrors { return checker.sink.diagnostics }
        statements = updated
        return checker.sink.diagnostics
    }

    /// `:drop KIND NAME`; on errors nothing changes.
    public mutating func drop(kind: String, name: String) -> [Diagnostic] {
        var sink = DiagnosticSink(sources: sources)
        guard let k = StatementKind(rawValue: kind), !k.isAction, k != .drop, k != .include else {
            sink.error(.editDropKindUnknown, "cannot drop '\(kind)'", nil, Suggest.notes(for: kind, in: LanguageVocabulary.droppableKinds + ["variant"]))
            return sink.diagnostics
        }
        guard let i = statements.firstIndex(where: { $0.kind == k && (Self.key($0) == name || !k.isNamedDeclaration) }) else {
            sink.error(.editDropNameUnknown, "there is no \(kind) '\(name)'", nil, Suggest.notes(for: name, in: names(of: kind)))
            return sink.diagnostics
        }
        var updated = statements
        updated.remove(at: i)
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        _ = checker.check(updated)
        if checker.sink.hasErrors { return checker.sink.diagnostics }
        statements = updated
        return checker.sink.diagnostics
    }

    /// `:reset`: an empty document.
    public mutating func reset() {
        statements = []
        sources = [:]
        loadedPath = nil
    }

    /// The canonical text of the whole document (for `:save`).
    public func source() -> String { Formatter.format(statements: statements) }

    /// One declaration as it stands (by name, or `scenario`/`policy`), canonical text.
    public func show(name: String) -> String? {
        guard let s = statements.first(where: { Self.key($0) == name })
        else { return nil }
        var copy = s
        copy.blankLineBefore = false
        return Formatter.format(statement: copy)
    }

    // Moves a range parsed with a prefix back onto the value's text.
    static func shift(_ r: SourceRange, by d: Int) -> SourceRange {
        SourceRange(file: r.file, start: max(0, r.start + d), end: max(0, r.end + d))
    }

    static func shift(_ t: Term, by d: Int) -> Term {
        switch t {
        case .word(let w, let r): return .word(w, shift(r, by: d))
        case .number(let v, let s, let text, let r): return .number(v, s, text: text, shift(r, by: d))
        case .string(let s, let r): return .string(s, shift(r, by: d))
        case .symbol(let s, let r): return .symbol(s, shift(r, by: d))
        case .call(let n, let a, let r): return .call(n, args: a.map { $0.map { shift($0, by: d) } }, shift(r, by: d))
        case .expr(let e, let r): return .expr(e, shift(r, by: d))
        }
    }
}
