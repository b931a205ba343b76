import BranchSimModel

/// What checking produced: a program when there were no errors, and every diagnostic.
public struct CheckOutcome: Sendable {
    public var program: CheckedProgram?
    public var diagnostics: [Diagnostic]
    /// Every file read (for rendering diagnostics), by path.
    public var sources: [String: SourceFile]

    public init(program: CheckedProgram?, diagnostics: [Diagnostic], sources: [String: SourceFile]) {
        self.program = program
        self.diagnostics = diagnostics
        self.sources = sources
    }

    public var hasErrors: Bool { diagnostics.contains { $0.isError } }
    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }
    public var warnings: [Diagnostic] { diagnostics.filter { !$0.isError } }
}

/// Checks a whole file's statements (includes already expanded) into a `CheckedProgram`.
struct ProgramChecker {
    var sink: DiagnosticSink
    /// A comparison is already there (the shell ran `compare` in an earlier entry): an
    /// `expect compare.…` needs no `compare` before it in this text.
    var comparedBefore = false
    /// Resolves and allows the files data statements read.
    var loader: any SourceLoader = FileSystemLoader()
    /// What the data statements read (`nil`: none in the file).
    var data: DataImports?
    /// The `observed` sets, as written, and the figures of those without errors (CalibrationChecker.swift).
    var observedSets: [Statement] = []
    var observed: [String: [Observation]] = [:]

    /// Parses `file`, expanding `include`s through `loader`.
    static func parseExpanding(_ file: SourceFile, loader: any SourceLoader, sink: inout DiagnosticSink,
                               stack: [String] = []) -> [Statement] {
        sink.add(file)
        let (unit, problems) = Parser.parse(file)
        for (id, m, r, n) in problems { sink.error(id, m, r, n) }
        return expandIncludes(unit.statements, from: file.path, loader: loader, sink: &sink,
                              stack: stack + [lexicallyNormalized(file.path)])
    }

    /// How deep `include`s may nest (each level is a frame of the checker's recursion).
    static let maxIncludeDepth = 64
    /// The most values a `sweep` takes, in either form (each value is a whole run).
    static let maxSweepValues = 1000

    static func expandIncludes(_ statements: [Statement], from path: String, loader: any SourceLoader,
                               sink: inout DiagnosticSink, stack: [String]) -> [Statement] {
        var out: [Statement] = []
        for s in statements {
            guard s.kind == .include else { out.append(s); continue }
            guard s.args.count == 1, case .string(let target, let r) = s.args[0] else {
                sink.error(.includeFileExpected, "expected a file name in quotes after 'include'", s.args.first?.range ?? s.keywordRange,
                           [.help("write 'include \"common.bsim\"'")])
                continue
            }
            let resolved = resolveIncludePath(target, relativeTo: path)
            let key = lexicallyNormalized(resolved)
            if let at = stack.firstIndex(of: key) {
                let cycle = (stack[at...] + [key]).joined(separator: " -> ")
                sink.error(.includeCycle, "include cycle: \(cycle)", r, [.help("remove one of the 'include' statements")])
                continue
            }
            if stack.count >= maxIncludeDepth {
                sink.error(.includeTooDeep, "includes nested more than \(maxIncludeDepth) deep at '\(target)'", r,
                           [.help("include the shared files from one top-level file instead of from each other")])
                continue
            }
            do {
                let file = try loader.load(target, relativeTo: path)
                out += parseExpanding(file, loader: loader, sink: &sink, stack: stack)
            } catch let e as PathNotAllowed {
                sink.error(.pathOutsideFolder, "'\(target)' is outside the scenario's folder '\(e.folder)'", r,
                           [.note("it resolves to '\(e.path)'; it was not read"),
                            .help("copy the file into the scenario's folder, or allow its folder: --allow-path \(e.suggestedFolder)")])
            } catch let e as SourceLoadError {
                sink.error(.includeUnreadable, "cannot include '\(target)': \(e.reason)", r, [.note("looked for '\(resolved)'"),
                                                                         .help("paths are relative to the including file")])
            } catch {
                sink.error(.includeUnreadable, "cannot include '\(target)': \(error)", r)
            }
        }
        return out
    }

    /// Reports declarations given twice and statements in the wrong place.
    static func checkDuplicates(_ decls: [Statement], sink: inout DiagnosticSink) {
        var first: [String: Statement] = [:]
        for s in decls {
            let key: String
            if s.kind.isNamedDeclaration, let n = s.name { key = "\(s.kind.rawValue) \(n)" } else if s.kind == .scenario || s.kind == .policy || s.kind == .enforce {
                key = s.kind.rawValue
            } else { continue }
            if let f = first[key] {
                let what = s.kind.isNamedDeclaration ? "\(s.kind.rawValue) '\(s.name ?? "")'" : "'\(s.kind.rawValue)'"
                sink.error(.duplicateDeclaration, "duplicate \(what)", s.nameRange ?? s.keywordRange,
                           [sink.here("first declared", f.nameRange ?? f.keywordRange), .help("rename or remove one of them")])
            } else {
                first[key] = s
            }
        }
    }

    /// `drop` outside a variant (a front end may offer its own way to remove a declaration:
    /// the shell has `:drop`, and rephrases the help of `DiagnosticID.dropOutsideVariant`).
    static func dropOutsideVariant(_ s: Statement, sink: inout DiagnosticSink) {
        sink.error(.dropOutsideVariant, "'drop' belongs inside a variant", s.keywordRange,
                   [.help("write 'variant NAME { drop \(s.args.first?.word ?? "KIND") ... }'")])
    }

    mutating func check(_ statements: [Statement]) -> CheckedProgram? {
        var decls: [Statement] = []
        var variants: [Statement] = []
        var actions: [Statement] = []
        var dataStatements: [Statement] = []
        for s in statements {
            switch s.kind {
            case .variant: variants.append(s)
            case .run, .report, .compare, .sweep, .expect, .export, .rank, .sensitivity, .optimize, .calibrate: actions.append(s)
            case .observed: observedSets.append(s)
            case .drop:
                Self.dropOutsideVariant(s, sink: &sink)
            case .include: break
            case .branches, .customers: dataStatements.append(s)
            case .scenario, .tier, .segment, .product, .role, .branch, .network, .campaign, .policy, .enforce, .let, .metric:
                decls.append(s)
            }
        }
        Self.checkDuplicates(decls, sink: &sink)
        Self.checkDuplicates(variants, sink: &sink)
        Self.checkDuplicates(observedSets, sink: &sink)
        // The bank's data, read once for the base, its variants and its sweep points.
        if !dataStatements.isEmpty {
            let read = DataImports.read(dataStatements, decls: decls, loader: loader, sink: &sink)
            // A scenario built without the data would report every campaign at an imported
            // outlet: the data's own errors come first.
            guard read.ok else { return nil }
            data = read
        }
        let baseChecker = ScenarioChecker(sink: sink)
        baseChecker.data = data
        let base = baseChecker.build(decls)
        sink = baseChecker.sink
        var built: [(name: String, scenario: Scenario)] = []
        var seenVariant: Set<String> = []
        for v in variants {
            let name = v.name ?? ""
            if name == "base" { sink.error(.variantNamedBase, "'base' names the file without variants; choose another variant name", v.nameRange ?? v.keywordRange) }
            guard seenVariant.insert(name).inserted else { continue }
            let merged = Edits.merge(base: decls, variant: v, sink: &sink)
            for s in v.body ?? [] where s.kind.isNamedDeclaration || s.kind == .scenario {
                Self.checkDuplicates((v.body ?? []).filter { $0.kind == s.kind && $0.name == s.name }, sink: &sink)
            }
            let before = sink.diagnostics.count
            let checker = ScenarioChecker(sink: sink)
            checker.droppedCampaigns = Set((v.body ?? []).compactMap { d -> String? in
                guard d.kind == .drop, d.args.first?.word == "campaign" else { return nil }
                return d.args.dropFirst().first?.word
            })
            checker.data = data
            let scenario = checker.build(merged)
            var vs = checker.sink
            let added = vs.diagnostics[before...].map { d -> Diagnostic in
                var d = d
                d.notes.append(.note("in variant '\(name)'"))
                return d
            }
            vs.diagnostics.removeSubrange(before...)
            added.forEach { vs.append($0) }
            sink = vs
            if let scenario { built.append((name, scenario)) }
        }
        if let base { observed = checkObserved(base: base) }
        let located = checkActions(actions, base: base, variants: built, decls: decls, variantNames: variants.compactMap(\.name))
        guard let base, !sink.hasErrors else { return nil }
        return CheckedProgram(base: base, variants: built, actions: located)
    }

    // MARK: actions

    func keys(_ scenarios: [Scenario]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for s in scenarios {
            for m in MetricCatalog.metrics(for: s) where seen.insert(m.key).inserted { out.append(m.key) }
        }
        return out
    }

    /// Keys and their group prefixes (`funnel`, `staffing.wealth_manager`), for suggestions.
    func selectors(_ keys: [String]) -> [String] {
        var out = Set(keys)
        for k in keys {
            let parts = k.split(separator: ".")
            for n in 1..<max(1, parts.count) { out.insert(parts[..<n].joined(separator: ".")) }
        }
        return out.sorted()
    }

    /// Metric names or group prefixes, checked against `keys` (not checked when the scenario
    /// itself has errors: `keys` is then empty and every name would look unknown).
    private mutating func metricList(_ items: [[Term]], keys: [String], anchor: SourceRange, what: String) -> [String] {
        var out: [String] = []
        for item in items {
            guard item.count == 1, let w = item[0].word else {
                sink.error(.metricNameExpected, "expected a metric name in \(what), found \(describe(item.first))", item.first?.range ?? anchor,
                           [.help("metrics are written like 'uplift', 'funnel' or 'staffing.wealth_manager.fte'")])
                continue
            }
            if !keys.isEmpty && MetricCatalog.select(w, from: keys).isEmpty {
                sink.error(.metricUnknown, "unknown metric '\(w)'", item[0].range, Suggest.notes(for: w, in: selectors(keys)))
            } else {
                out.append(w)
            }
        }
        return out
    }

    private mutating func checkActions(_ actions: [Statement], base: Scenario?, variants: [(name: String, scenario: Scenario)],
                                       decls: [Statement], variantNames: [String]) -> [LocatedAction] {
        var out: [LocatedAction] = []
        var current: [Scenario] = base.map { [$0] } ?? []
        var compared = comparedBefore
        let lets = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
        for s in decls where s.kind == .let { lets.defineLet(s) }
        func scenario(_ name: String) -> Scenario? {
            name == "base" ? base : variants.first { $0.name == name }?.scenario
        }
        for s in actions {
            let loc = sink.location(of: s.keywordRange)
            let before = sink.diagnostics.count
            var action: Action?
            var v = Values(s.args, what: "'\(s.kind.rawValue)'", anchor: s.keywordRange)
            switch s.kind {
            case .run:
                var runs: RunCount?
                var variant: String?
                while !v.atEnd {
                    if v.take("runs") {
                        if v.take("until") {
                            let (count, _) = runsUntil(&v, base: base, lets: lets)
                            runs = count
                        } else if let (n, _) = lets.integer(&v, "'runs'", min: 1, max: LanguageDefaults.runsMaximum,
                                                            why: LanguageDefaults.runsMaximumHelp) {
                            runs = .fixed(n)
                        }
                    } else if v.take("variant") {
                        guard let t = v.next(), let w = t.word else { sink.error(.runVariantExpected, "expected a variant name after 'variant'", v.here); break }
                        if scenario(w) == nil && !variantNames.contains(w) {
                            sink.error(.variantUnknown, "unknown variant '\(w)'", t.range, Suggest.notes(for: w, in: variantNames + ["base"]))
                        } else { variant = w == "base" ? nil : w }
                    } else {
                        sink.error(.runUnexpected, "unexpected \(describe(v.peek)) after 'run'", v.here,
                                   [.help("write 'run', 'run runs 500' or 'run variant NAME'")])
                        break
                    }
                }
                sink.diagnostics += lets.sink.diagnostics
                lets.sink.diagnostics = []
                if let sc = variant.map(scenario) ?? base { current = [sc] }
                action = .run(runs: runs, variant: variant)
            case .report:
                let items = v.commaList().filter { !$0.isEmpty }
                if items.isEmpty { sink.error(.reportMetricsExpected, "expected metrics after 'report'", s.keywordRange, [.help("write 'report uplift, upgrades, funnel'")]) }
                action = .report(metricList(items, keys: keys(current), anchor: s.keywordRange, what: "'report'"))
            case .compare:
                var names: [String] = []
                var nameTerms: [Term] = []
                while let t = v.peek, t.word != "on", t.word != "independent" { nameTerms.append(t); v.i += 1 }
                var nv = Values(nameTerms, what: "'compare'", anchor: s.keywordRange)
                var scs: [Scenario] = []
                let items = nv.commaList().filter { !$0.isEmpty }
                for item in items {
                    guard item.count == 1, let w = item[0].word else {
                        sink.error(.compareVariantExpected, "expected a variant name in 'compare', found \(describe(item.first))", item[0].range)
                        continue
                    }
                    if names.contains(w) {
                        sink.error(.compareVariantTwice, "'\(w)' is named twice in 'compare'", item[0].range)
                    } else if let sc = scenario(w) { scs.append(sc); names.append(w) } else if variantNames.contains(w) { names.append(w) } else {
                        sink.error(.variantUnknown, "unknown variant '\(w)'", item[0].range, Suggest.notes(for: w, in: variantNames + ["base"]))
                    }
                }
                if items.count < 2 {
                    sink.error(.compareTooFew, "'compare' needs at least two variants", s.keywordRange, [.help("write 'compare base, NAME on uplift'")])
                }
                var metrics = ["uplift"]
                var independent = false
                if v.take("on") {
                    var mt: [Term] = []
                    while let t = v.peek, t.word != "independent" { mt.append(t); v.i += 1 }
                    var mv = Values(mt, what: "'compare'", anchor: s.keywordRange)
                    metrics = metricList(mv.commaList().filter { !$0.isEmpty }, keys: keys(scs.isEmpty ? current : scs), anchor: s.keywordRange, what: "'compare'")
                }
                if v.take("independent") { independent = true }
                if !v.atEnd { sink.error(.compareUnexpected, "unexpected \(describe(v.peek)) in 'compare'", v.here) }
                if !scs.isEmpty { current = scs }
                compared = true
                action = .compare(variants: names, metrics: metrics, independent: independent)
            case .sweep:
                action = Self.isDesign(s.args) ? design(&v, s, base: base, decls: decls) : sweep(&v, s, base: base, decls: decls)
            // MARK: decisions
            case .sensitivity:
                action = sensitivity(&v, s, base: base, decls: decls)
            case .optimize:
                action = optimize(&v, s, base: base, decls: decls)
            case .calibrate:
                action = calibrate(&v, s, base: base, decls: decls)
            case .expect:
                action = expect(&v, s, keys: keys(current), compared: compared, lets: lets)
            case .rank:
                action = rank(&v, s, scenarios: current, lets: lets)
            case .export:
                guard v.take("last"), v.take("to") else {
                    sink.error(.exportLastExpected, "expected 'last to \"FILE\"' after 'export'", v.here, [.help("write 'export last to \"results.csv\"'")])
                    break
                }
                guard case .string(let path, let r)? = v.next() else {
                    sink.error(.exportFileExpected, "expected a file name in quotes after 'export last to'", v.here)
                    break
                }
                let ext = path.split(separator: ".").last.map { String($0).lowercased() } ?? ""
                if !["csv", "json", "html"].contains(ext) || !path.contains(".") {
                    sink.error(.exportFormatUnknown, "cannot export to '\(path)': the file name must end in .csv, .json or .html", r)
                }
                if !v.atEnd { sink.error(.exportUnexpected, "unexpected \(describe(v.peek)) after the file name", v.here) }
                action = .export(path: path)
            default: break
            }
            if let action, sink.diagnostics.count == before || !sink.diagnostics[before...].contains(where: \.isError) {
                out.append(LocatedAction(action, at: loc))
            }
        }
        return out
    }

    private mutating func runsUntil(_ v: inout Values, base: Scenario?, lets: ScenarioChecker) -> (RunCount?, Bool) {
        guard let t = v.next(), let m = t.word else { sink.error(.untilMetricExpected, "expected a metric after 'runs until'", v.here); return (nil, false) }
        guard v.take("within") else { sink.error(.untilWithinExpected, "expected 'within P%' after 'runs until \(m)'", v.here); return (nil, false) }
        guard let p = lets.probability(&v, "the precision of 'runs until'") else {
            sink.diagnostics += lets.sink.diagnostics; lets.sink.diagnostics = []; return (nil, false)
        }
        var cap = LanguageDefaults.runsUntilCap
        if v.take("max"), let (n, _) = lets.integer(&v, "the cap of 'runs until'", min: 2, max: LanguageDefaults.runsMaximum,
                                                    why: LanguageDefaults.runsMaximumHelp) { cap = n }
        sink.diagnostics += lets.sink.diagnostics
        lets.sink.diagnostics = []
        guard let base else { return (nil, false) }
        let keys = MetricCatalog.metrics(for: base).map(\.key)
        guard let path = MetricCatalog.resolve(m, keys: Set(keys)), path.scope == .run else {
            sink.error(.untilMetricUnknown, "unknown metric '\(m)' in 'runs until'", t.range, Suggest.notes(for: m, in: keys))
            return (nil, false)
        }
        return (.until(metric: path, relativeHalfWidth: p, cap: cap), true)
    }

    private mutating func expect(_ v: inout Values, _ s: Statement, keys: [String], compared: Bool, lets: ScenarioChecker) -> Action? {
        guard let t = v.next(), let path = t.word else {
            sink.error(.expectMetricExpected, "expected a metric after 'expect'", v.here, [.help("write 'expect uplift.mean > 0'")])
            return nil
        }
        if keys.isEmpty { return nil }  // the scenario has errors; they are reported already
        let keySet = Set(keys)
        let decided = DecisionResult.expectPrefixes.contains { path.hasPrefix($0) }
        guard let mp = decided ? MetricPath(scope: .decision, metric: path) : MetricCatalog.resolve(path, keys: keySet) else {
            var cands = selectors(keys)
            cands += keys.flatMap { k in Statistic.allCases.map { "\(k).\($0.rawValue)" } }
            if path.hasPrefix("compare.") { cands = keys.map { "compare.\($0).diff.mean" } + keys.map { "compare.\($0).prob_better" } }
            sink.error(.metricUnknown, "unknown metric '\(path)'", t.range, Suggest.notes(for: path, in: cands)
                       + [.note("a metric path is METRIC[.STAT], 'compare.METRIC.diff[.STAT]' or 'compare.METRIC.prob_better'")])
            return nil
        }
        if mp.scope != .run && mp.scope != .decision && !compared {
            sink.error(.expectNeedsCompare, "'\(path)' needs a 'compare' before this 'expect'", t.range, [.help("write 'compare A, B on \(mp.metric)' first")])
        }
        let condition: Expectation.Condition
        if v.take("within") {
            // The bounds are numbers as on the right of a comparison: amounts, counts, or
            // percentages for a share (`within 40%..60%`).
            guard let a = lets.number(&v, "the lower bound")?.value, v.takeSymbol(.range),
                  let b = lets.number(&v, "the upper bound")?.value else {
                sink.diagnostics += lets.sink.diagnostics; lets.sink.diagnostics = []
                sink.error(.expectRangeExpected, "expected 'A..B' after 'within'", v.here)
                return nil
            }
            if b < a { sink.error(.expectRangeReversed, "the range \(formatAmount(a))..\(formatAmount(b)) is reversed", t.range) }
            condition = .within(a, b)
        } else {
            let opTerm = v.next()
            let ops: [Symbol: ComparisonOperator] = [.greater: .greater, .greaterEqual: .greaterOrEqual, .less: .less,
                                                     .lessEqual: .lessOrEqual, .equalEqual: .equal, .notEqual: .notEqual]
            guard case .symbol(let sym, _)? = opTerm, let op = ops[sym] else {
                sink.error(.expectComparisonExpected, "expected a comparison ('>', '>=', '<', '<=', '==', '!=') or 'within' after '\(path)', found \(describe(opTerm))",
                           opTerm?.range ?? v.here, opTerm?.isSymbol(.equals) == true ? [.help("write '==' to compare for equality")] : [])
                return nil
            }
            let rest = Array(v.terms[v.i...])
            if ExpectExpressionReader.needed(rest, lets: lets.lets) {
                // Metrics on the right: `fte.p95 <= staffing.hub.wealth_manager.available`.
                var reader = ExpectExpressionReader(terms: rest, resolve: { MetricCatalog.resolve($0, keys: keySet) }, lets: lets.lets,
                                                    candidates: { keys + keys.flatMap { k in Statistic.allCases.map { "\(k).\($0.rawValue)" } } },
                                                    sink: sink)
                let e = reader.read()
                sink = reader.sink
                v.i = v.terms.count
                guard let e else { return nil }
                for p in e.metrics where p.scope != .run && !compared {
                    sink.error(.expectNeedsCompare, "'\(p)' needs a 'compare' before this 'expect'", t.range, [.help("write 'compare A, B on \(p.metric)' first")])
                }
                condition = .compareExpression(op, e)
            } else {
                guard let n = lets.number(&v, "the expected value") else {
                    sink.diagnostics += lets.sink.diagnostics; lets.sink.diagnostics = []
                    return nil
                }
                condition = .compare(op, n.value)
            }
        }
        if !v.atEnd { sink.error(.expectUnexpected, "unexpected \(describe(v.peek)) after the expectation", v.here) }
        let src = sink.sources[s.keywordRange.file]
        let text = src.map { $0.slice(s.range) } ?? path
        return .expect(Expectation(path: mp, condition: condition, text: text))
    }

    private mutating func sweep(_ v: inout Values, _ s: Statement, base: Scenario?, decls: [Statement]) -> Action? {
        guard let first = v.next(), var path = first.word else {
            sink.error(.sweepPathExpected, "expected a path after 'sweep'", v.here, [.help("write 'sweep CAMPAIGN.contacts over 20, 40, 60'")])
            return nil
        }
        var pathRange = first.range
        if path == "let", let n = v.peek, let name = n.word { path = "let \(name)"; pathRange = pathRange.union(n.range); v.i += 1 }
        var values: [[Term]] = []
        var rest: [Term] = []
        if v.take("over") {
            var vt: [Term] = []
            while let t = v.peek, t.word != "on" { vt.append(t); v.i += 1 }
            var vv = Values(vt, what: "'sweep'", anchor: s.keywordRange)
            values = vv.commaList().filter { !$0.isEmpty }
            if values.count > Self.maxSweepValues, let first = values[Self.maxSweepValues].first {
                sink.error(.sweepTooManyValues, "the sweep has \(values.count) values; at most \(Self.maxSweepValues)", first.range,
                           [.help("sweep fewer values, or split the sweep in several")])
                return nil
            }
        } else if v.take("from") {
            let lets = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
            for d in decls where d.kind == .let { lets.defineLet(d) }
            guard let a = lets.number(&v, "the start of the sweep"), v.take("to"), let b = lets.number(&v, "the end of the sweep"),
                  v.take("step"), let st = lets.number(&v, "the sweep step") else {
                sink.diagnostics += lets.sink.diagnostics
                sink.error(.sweepRangeExpected, "expected 'from A to B step S' in 'sweep'", v.here, [.help("write 'sweep CAMPAIGN.contacts from 20 to 60 step 10'")])
                return nil
            }
            if st.value <= 0 { sink.error(.sweepStepNotPositive, "the sweep step must be more than zero", st.range); return nil }
            if b.value < a.value { sink.error(.sweepBackwards, "the sweep runs backwards: \(b.text) is below \(a.text)", a.range.union(b.range)); return nil }
            let steps = ((b.value - a.value) / st.value + 1e-9).rounded(.down)
            guard steps < Double(Self.maxSweepValues) else {  // the values are steps 0, 1, ...
                sink.error(.sweepTooManyValues, "the sweep has \(steps < 1e15 ? String(Int(steps) + 1) : "more than 10^15") values; at most \(Self.maxSweepValues)", st.range,
                           [.help("raise the step or narrow the range")])
                return nil
            }
            let count = Int(steps) + 1
            for k in 0..<count {
                let x = a.value + Double(k) * st.value
                values.append([.number(x, a.suffix, text: Self.text(x, a.suffix), a.range.union(b.range))])
            }
        } else {
            sink.error(.sweepValuesExpected, "expected 'over V1, V2, ...' or 'from A to B step S' after the sweep path", v.here)
            return nil
        }
        while let t = v.peek, t.word != "on" { rest.append(t); v.i += 1 }
        if let t = rest.first { sink.error(.sweepUnexpected, "unexpected \(describe(t)) in 'sweep'", t.range) }
        var metrics = ["uplift"]
        let baseKeys = base.map { keys([$0]) } ?? []
        if v.take("on") {
            var mv = Values(Array(v.terms[v.i...]), what: "'sweep'", anchor: s.keywordRange)
            v.i = v.terms.count
            metrics = metricList(mv.commaList().filter { !$0.isEmpty }, keys: baseKeys, anchor: s.keywordRange, what: "'sweep'")
        }
        if values.isEmpty { sink.error(.sweepNoValues, "the sweep has no values", s.keywordRange); return nil }
        guard base != nil else { return nil }
        var points: [SweepPoint] = []
        for (k, value) in values.enumerated() {
            var edited = decls
            do { try Edits.set(path: path, value: value, in: &edited) } catch {
                sink.error(error.id, error.message, pathRange, error.notes)
                return nil
            }
            let scratch = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
            scratch.data = data
            let label = Formatter.terms(value)
            if let sc = scratch.build(edited) {
                let num = value.lazy.compactMap { t -> Double? in if case .number(let x, _, _, _) = t { return x } else { return nil } }.first
                points.append(SweepPoint(label: label, value: num ?? Double(k), scenario: sc))
            } else {
                let range = value.first!.range.union(value.last!.range)
                sink.error(.sweepValueInvalid, "sweep value '\(label)' makes the scenario invalid", range,
                           scratch.sink.diagnostics.filter(\.isError).prefix(3).map { .note("\($0.description)") })
            }
        }
        return .sweep(path: path, points: points, metrics: metrics)
    }

    /// A generated sweep value written with the start value's suffix.
    static func text(_ x: Double, _ suffix: NumberSuffix?) -> String {
        guard let suffix else { return formatPlain(x) }
        return formatPlain(((x / suffix.scale) * 1e9).rounded() / 1e9) + suffix.rawValue
    }
}

/// The language front end: text or a path in, a checked program or diagnostics out.
public enum FrontEnd {
    /// Checks the file at `path` (and the files it includes).
    public static func check(path: String, loader: any SourceLoader = FileSystemLoader()) -> CheckOutcome {
        do {
            let file = try loader.load(path, relativeTo: nil)
            return check(file, loader: loader.rooted(at: path))
        } catch let e as SourceLoadError {
            let d = Diagnostic(.fileUnreadable, message: "cannot read '\(path)': \(e.reason)",
                               location: SourceLocation(file: path, line: 0, column: 0))
            return CheckOutcome(program: nil, diagnostics: [d], sources: [:])
        } catch {
            let d = Diagnostic(.fileUnreadable, message: "cannot read '\(path)': \(error)", location: SourceLocation(file: path, line: 0, column: 0))
            return CheckOutcome(program: nil, diagnostics: [d], sources: [:])
        }
    }

    /// Checks `source` as if read from `file` (`include`s are resolved relative to `file`).
    public static func check(source: String, file: String, loader: any SourceLoader = FileSystemLoader()) -> CheckOutcome {
        check(SourceFile(path: file, text: source), loader: loader)
    }

    static func check(_ file: SourceFile, loader: any SourceLoader) -> CheckOutcome {
        var sink = DiagnosticSink()
        let statements = ProgramChecker.parseExpanding(file, loader: loader, sink: &sink)
        var checker = ProgramChecker(sink: sink)
        checker.loader = loader
        let program = checker.check(statements)
        return CheckOutcome(program: program, diagnostics: sorted(checker.sink.diagnostics), sources: checker.sink.sources)
    }

    /// Diagnostics in source order: by file (in the order first seen), line, then column.
    static func sorted(_ ds: [Diagnostic]) -> [Diagnostic] {
        var fileOrder: [String: Int] = [:]
        for d in ds where fileOrder[d.location.file] == nil { fileOrder[d.location.file] = fileOrder.count }
        return ds.enumerated().sorted { a, b in
            let x = a.element.location, y = b.element.location
            let kx = (fileOrder[x.file]!, x.line, x.column, a.offset), ky = (fileOrder[y.file]!, y.line, y.column, b.offset)
            return kx < ky
        }.map(\.element)
    }

    /// Parses only: the AST and syntax diagnostics (no includes, no checking).
    public static func parse(source: String, file: String) -> (unit: SourceUnit, diagnostics: [Diagnostic]) {
        let f = SourceFile(path: file, text: source)
        var sink = DiagnosticSink()
        sink.add(f)
        let (unit, problems) = Parser.parse(f)
        for (id, m, r, n) in problems { sink.error(id, m, r, n) }
        return (unit, sink.diagnostics)
    }
}
