import BranchSimDecisions
import BranchSimModel

/// Checks the decision statements (issue 17): `sensitivity`, `optimize`.
extension ProgramChecker {
    /// `sensitivity of METRIC [over PATH ±P%, ...] [runs N]`.
    mutating func sensitivity(_ v: inout Values, _ s: Statement, base: Scenario?, decls: [Statement]) -> Action? {
        guard v.take("of"), let t = v.next(), let metric = t.word else {
            sink.error(.decisionMetricExpected, "expected 'of METRIC' after 'sensitivity'", v.peek?.range ?? s.keywordRange,
                       [.help("write 'sensitivity of uplift' or 'sensitivity of uplift over meet.contacts ±20%'")])
            return nil
        }
        guard let base else { return nil }
        guard metricKnown(metric, t.range, in: base) else { return nil }
        var factors: [SensitivityFactor] = []
        if v.take("over") {
            var items: [Term] = []
            while let t = v.peek, t.word != "runs" { items.append(t); v.i += 1 }
            var iv = Values(items, what: "'sensitivity'", anchor: s.keywordRange)
            for item in iv.commaList() {
                guard let f = scaledFactor(item, base: base, decls: decls, anchor: s.keywordRange) else { return nil }
                factors.append(f)
            }
        } else {
            let inputs = base.uncertainInputs
            if inputs.isEmpty {
                sink.error(.decisionNoInputs, "the scenario has no uncertain inputs to rank", s.keywordRange,
                           [.help("make a rate uncertain (convert uncertain(35%..45%)) or write 'sensitivity of \(metric) over PATH ±20%, ...'")])
                return nil
            }
            for input in inputs {
                let lo = input.distribution.quantile(0.05), hi = input.distribution.quantile(0.95)
                // Labels to 0.1% or to the yuan (the held values are the exact quantiles).
                func label(_ x: Double) -> String {
                    if input.unit == .share { return formatPercent((x * 1000).rounded() / 1000) }
                    // Money to 3 significant figures, in 万 from 1万 (4.9万, not 49000).
                    let rounded = Double(String(format: "%.3g", x)) ?? x
                    return rounded >= 1e4 ? formatPlain((rounded / 1e4 * 1000).rounded() / 1000) + "万" : formatAmount(rounded)
                }
                factors.append(SensitivityFactor(path: input.path, lowLabel: label(lo), highLabel: label(hi),
                                                 setting: .input(low: lo, high: hi)))
            }
        }
        let runs = decisionRuns(&v)
        if !v.atEnd { sink.error(.decisionUnexpected, "unexpected \(describe(v.peek)) in 'sensitivity'", v.here); return nil }
        return .decision(.sensitivity(metric: metric, factors: factors, runs: runs))
    }

    /// `runs N` at the end of a decision statement.
    mutating func decisionRuns(_ v: inout Values) -> Int? {
        guard v.take("runs") else { return nil }
        guard case .number(let n, nil, _, let r)? = v.next(), n >= 2, n == n.rounded(), n <= 100_000 else {
            sink.error(.decisionRunsExpected, "expected a whole number of runs from 2 to 100000 after 'runs'", v.terms[max(0, v.i - 1)].range)
            return nil
        }
        _ = r
        return Int(n)
    }

    /// Whether `metric` is one of the scenario's metric keys (else an error with suggestions).
    mutating func metricKnown(_ metric: String, _ range: SourceRange, in base: Scenario) -> Bool {
        let keys = keys([base])
        if keys.contains(metric) { return true }
        sink.error(.metricUnknown, "unknown metric '\(metric)'", range, Suggest.notes(for: metric, in: keys))
        return false
    }

    /// `PATH ±P%`: the scenario with the number at PATH lowered and raised by P.
    mutating func scaledFactor(_ item: [Term], base: Scenario, decls: [Statement], anchor: SourceRange) -> SensitivityFactor? {
        guard item.count == 3, let path = item[0].word, item[1].isSymbol(.plusMinus),
              case .number(let p, .percent, let pText, _) = item[2], p > 0 else {
            sink.error(.decisionFactorExpected, "expected 'PATH ±P%' in 'sensitivity ... over', found \(describe(item.first))",
                       item.first?.range ?? anchor, [.help("write 'meet.contacts ±20%, meet.convert ±10%'")])
            return nil
        }
        var current: (value: Double, suffix: NumberSuffix?)?
        if case .number(let x, let suffix, _, _)? = Edits.currentNumber(path: path, in: decls) {
            current = (x, suffix)
        } else if let input = base.uncertainInputs.first(where: { $0.path == path || "\($0.path)" == path.replacingOccurrences(of: ".funnel.", with: ".") }),
                  case .stage = input.target {
            current = (input.distribution.mean, .percent)
        }
        guard let (x, suffix) = current else {
            sink.error(.decisionPathNotANumber, "'\(path)' is not set to a number, so it cannot move ±\(pText)", item[0].range,
                       [.help("give it a number (':set \(path) VALUE'), or name a property that has one, such as 'CAMPAIGN.contacts'")])
            return nil
        }
        let whole = suffix != .percent && x == x.rounded()
        func moved(_ sign: Double) -> Double {
            var y = x * (1 + sign * p)
            if suffix == .percent { y = min(1, max(0, y)) }
            if whole { y = y.rounded() }
            return y
        }
        var ends: [Scenario] = []
        for y in [moved(-1), moved(1)] {
            var edited = decls
            let term = Term.number(y, suffix, text: Self.text(y, suffix), item[0].range)
            do { try Edits.set(path: path, value: [term], in: &edited) } catch {
                sink.error(error.id, error.message, item[0].range, error.notes)
                return nil
            }
            let scratch = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
            guard let sc = scratch.build(edited) else {
                sink.error(.decisionValueInvalid, "'\(path)' at \(Self.text(y, suffix)) makes the scenario invalid", item[0].range,
                           scratch.sink.diagnostics.filter(\.isError).prefix(3).map { .note("\($0.description)") })
                return nil
            }
            ends.append(sc)
        }
        return SensitivityFactor(path: path, lowLabel: Self.text(moved(-1), suffix), highLabel: Self.text(moved(1), suffix),
                                 setting: .scenarios(low: ends[0], high: ends[1]))
    }
}

// MARK: designs: sweeps over several parameters at once

extension ProgramChecker {
    /// Whether a `sweep`'s terms (before `on`) hold a design: several parameters joined by
    /// `and`, or a Latin hypercube (`latin N`).
    static func isDesign(_ terms: [Term]) -> Bool {
        for t in terms {
            if t.word == "on" { return false }
            if t.word == "and" || t.word == "latin" { return true }
        }
        return false
    }

    /// `sweep P1 over V, ... and P2 from A to B step S [on METRIC, ...]` (every combination,
    /// the first parameter slowest) or `sweep P1 in A..B and P2 in A..B latin N [on ...]` (a
    /// Latin hypercube of N points): one run per point, with common random numbers.
    mutating func design(_ v: inout Values, _ s: Statement, base: Scenario?, decls: [Statement]) -> Action? {
        var clauses: [[Term]] = [[]]
        var latin: (Int, SourceRange)?
        while let t = v.peek, t.word != "on" {
            v.i += 1
            if t.word == "and" { clauses.append([]); continue }
            if t.word == "latin" {
                guard case .number(let n, nil, _, let r)? = v.next(), n >= 2, n == n.rounded(), n <= Double(Self.maxSweepValues) else {
                    sink.error(.designLatinCountExpected, "expected a whole number of points from 2 to \(Self.maxSweepValues) after 'latin'",
                               v.terms[v.i - 1].range, [.help("write 'sweep meet.contacts in 20..60 and meet.frequency in 1..3 latin 20'")])
                    return nil
                }
                latin = (Int(n), r)
                continue
            }
            clauses[clauses.count - 1].append(t)
        }
        struct Parameter { var path: String; var range: SourceRange; var values: [Term]; var low: Num?; var high: Num? }
        var parameters: [Parameter] = []
        let lets = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
        for d in decls where d.kind == .let { lets.defineLet(d) }
        for clause in clauses {
            var cv = Values(clause, what: "'sweep'", anchor: s.keywordRange)
            guard let first = cv.next(), let path = first.word else {
                sink.error(.sweepPathExpected, "expected a path after 'sweep'", cv.here, [.help("write 'sweep CAMPAIGN.contacts over 20, 40, 60'")])
                return nil
            }
            var p = Parameter(path: path, range: first.range, values: [])
            if cv.take("over") {
                p.values = cv.commaList().filter { !$0.isEmpty }.compactMap { $0.count == 1 ? $0[0] : nil }
            } else if cv.take("from") {
                guard let a = lets.number(&cv, "the start of the sweep"), cv.take("to"), let b = lets.number(&cv, "the end of the sweep"),
                      cv.take("step"), let st = lets.number(&cv, "the sweep step"), st.value > 0, b.value >= a.value else {
                    sink.error(.sweepRangeExpected, "expected 'from A to B step S' in 'sweep'", cv.here, [.help("write 'sweep CAMPAIGN.contacts from 20 to 60 step 10'")])
                    return nil
                }
                var x = a.value
                while x <= b.value + 1e-9 * max(1, abs(b.value)) && p.values.count <= Self.maxSweepValues {
                    p.values.append(.number(x, a.suffix, text: Self.text(x, a.suffix), a.range.union(b.range)))
                    x += st.value
                }
                p.low = a; p.high = b
            } else if cv.take("in") {
                guard let a = lets.number(&cv, "the low end of the range"), cv.takeSymbol(.range),
                      let b = lets.number(&cv, "the high end of the range"), b.value >= a.value else {
                    sink.error(.designRangeExpected, "expected 'in A..B' after '\(path)'", cv.here, [.help("write '\(path) in 20..60'")])
                    return nil
                }
                p.low = a; p.high = b
            } else {
                sink.error(.sweepValuesExpected, "expected 'over V1, V2, ...' or 'from A to B step S' after the sweep path", cv.here)
                return nil
            }
            if !cv.atEnd { sink.error(.sweepUnexpected, "unexpected \(describe(cv.peek)) in 'sweep'", cv.here); return nil }
            if latin == nil && p.values.isEmpty {
                sink.error(.designLevelsExpected, "'\(path)' needs its values ('over V1, V2' or 'from A to B step S') in a full factorial sweep",
                           p.range, [.help("give the values, or end the sweep with 'latin N' for a Latin hypercube of N points")])
                return nil
            }
            if latin != nil && (p.low == nil || p.high == nil) {
                sink.error(.designRangeExpected, "expected 'in A..B' after '\(path)'", p.range, [.help("write '\(path) in 20..60'")])
                return nil
            }
            parameters.append(p)
        }
        sink.diagnostics += lets.sink.diagnostics
        var metrics = ["uplift"]
        let baseKeys = base.map { keys([$0]) } ?? []
        if v.take("on") {
            var mv = Values(Array(v.terms[v.i...]), what: "'sweep'", anchor: s.keywordRange)
            v.i = v.terms.count
            for item in mv.commaList() where !item.isEmpty {
                guard item.count == 1, let w = item[0].word else { continue }
                if !baseKeys.isEmpty && MetricCatalog.select(w, from: baseKeys).isEmpty {
                    sink.error(.metricUnknown, "unknown metric '\(w)'", item[0].range, Suggest.notes(for: w, in: selectors(baseKeys)))
                    return nil
                }
                metrics.append(w)
            }
            metrics.removeFirst()
        }
        // The points: rows of one term per parameter.
        var rows: [[Term]]
        if let (n, r) = latin {
            let ranges = parameters.map { $0.low!.value...$0.high!.value }
            rows = Design.latinHypercube(n, ranges, seed: 17).map { point in
                zip(parameters, point).map { p, x in
                    let whole = p.low!.suffix != .percent && p.low!.value == p.low!.value.rounded() && p.high!.value == p.high!.value.rounded()
                    let y = whole ? x.rounded() : (x * 1e6).rounded() / 1e6
                    return Term.number(y, p.low!.suffix, text: Self.text(y, p.low!.suffix), r)
                }
            }
        } else {
            let total = parameters.reduce(1.0) { $0 * Double($1.values.count) }
            guard total <= Double(Self.maxSweepValues) else {
                sink.error(.sweepTooManyValues, "the sweep has \(Int(total)) values; at most \(Self.maxSweepValues)", s.keywordRange,
                           [.help("sweep fewer values, or end the sweep with 'latin N' for a Latin hypercube of N points")])
                return nil
            }
            let indices = Design.fullFactorial(parameters.map { $0.values.indices.map(Double.init) })
            rows = indices.map { idx in zip(parameters, idx).map { $0.values[Int($1)] } }
        }
        guard base != nil else { return nil }
        var points: [SweepPoint] = []
        for (k, row) in rows.enumerated() {
            var edited = decls
            for (p, term) in zip(parameters, row) {
                do { try Edits.set(path: p.path, value: [term], in: &edited) } catch {
                    sink.error(error.id, error.message, p.range, error.notes)
                    return nil
                }
            }
            let label = zip(parameters, row).map { "\($0.path.split(separator: ".").last ?? "") \(Formatter.terms([$1]))" }
                .joined(separator: ", ")
            let scratch = ScenarioChecker(sink: DiagnosticSink(sources: sink.sources))
            guard let sc = scratch.build(edited) else {
                sink.error(.sweepValueInvalid, "sweep value '\(label)' makes the scenario invalid", parameters[0].range,
                           scratch.sink.diagnostics.filter(\.isError).prefix(3).map { .note("\($0.description)") })
                return nil
            }
            points.append(SweepPoint(label: label, value: Double(k), scenario: sc))
        }
        return .sweep(path: parameters.map(\.path).joined(separator: " × "), points: points, metrics: metrics)
    }
}

// MARK: optimize

extension ProgramChecker {
    /// The most plans an exhaustive search takes; a larger grid is sampled.
    static let exhaustiveLimit = 64
    /// Plans sampled from a larger grid (a Latin hypercube snapped to the grid).
    static let sampledPlans = 40

    /// `optimize maximize|minimize METRIC over PATH in A..B [step S], ... [subject to PATH OP X, ...]
    /// [within D] [runs N]`.
    mutating func optimize(_ v: inout Values, _ s: Statement, base: Scenario?, decls: [Statement]) -> Action? {
        let maximize: Bool
        if v.take("maximize") || v.take("maximise") { maximize = true } else if v.take("minimize") || v.take("minimise") {
            maximize = false
        } else {
            sink.error(.optimizeGoalExpected, "expected 'maximize' or 'minimize' after 'optimize', found \(describe(v.peek))", v.here,
                       [.help("write 'optimize maximize uplift over meet.contacts in 20..60 step 20'")])
            return nil
        }
        guard let mt = v.next(), var metric = mt.word else {
            sink.error(.decisionMetricExpected, "expected 'of METRIC' after 'optimize'", v.here)
            return nil
        }
        if metric.hasSuffix(".mean") { metric.removeLast(5) }
        guard let base else { return nil }
        guard metricKnown(metric, mt.range, in: base) else { return nil }
        guard v.take("over") else {
            sink.error(.optimizeOverExpected, "expected 'over PATH in A..B' after the metric", v.here,
                       [.help("write 'optimize maximize \(metric) over meet.contacts in 20..60 step 20'")])
            return nil
        }
        var spaceTerms: [Term] = []
        while let t = v.peek, !["subject", "within", "runs"].contains(t.word ?? "") { spaceTerms.append(t); v.i += 1 }
        var sv = Values(spaceTerms, what: "'optimize'", anchor: s.keywordRange)
        var paths: [String] = [], levels: [[Term]] = []
        for item in sv.commaList() where !item.isEmpty {
            guard let (path, values) = optimizeRange(item, anchor: s.keywordRange) else { return nil }
            paths.append(path)
            levels.append(values)
        }
        if paths.isEmpty {
            sink.error(.optimizeOverExpected, "expected 'over PATH in A..B' after the metric", v.here)
            return nil
        }
        var constraints: [Expectation] = []
        if v.take("subject") {
            guard v.take("to") else { sink.error(.decisionUnexpected, "unexpected \(describe(v.peek)) in 'optimize'", v.here); return nil }
            var ct: [Term] = []
            while let t = v.peek, !["within", "runs"].contains(t.word ?? "") { ct.append(t); v.i += 1 }
            var cv = Values(ct, what: "'optimize'", anchor: s.keywordRange)
            let keys = Set(keys([base]))
            for item in cv.commaList() where !item.isEmpty {
                let ops: [Symbol: ComparisonOperator] = [.greater: .greater, .greaterEqual: .greaterOrEqual, .less: .less,
                                                         .lessEqual: .lessOrEqual]
                guard item.count == 3, let p = item[0].word, case .symbol(let sym, _) = item[1], let op = ops[sym],
                      case .number(let x, _, let xText, _) = item[2] else {
                    sink.error(.optimizeConstraintExpected, "expected 'METRIC-PATH OP VALUE' after 'subject to', found \(describe(item.first))",
                               item.first?.range ?? s.keywordRange, [.help("write 'subject to staffing.wealth_manager.fte.p95 <= 2, cost <= 50万'")])
                    return nil
                }
                guard let mp = MetricCatalog.resolve(p, keys: keys), mp.scope == .run else {
                    sink.error(.metricUnknown, "unknown metric '\(p)'", item[0].range,
                               Suggest.notes(for: p, in: keys.flatMap { k in [k] + Statistic.allCases.map { "\(k).\($0.rawValue)" } }))
                    return nil
                }
                constraints.append(Expectation(path: mp, condition: .compare(op, x), text: "\(p) \(sym.rawValue) \(xText)"))
            }
        }
        var delta: Double?
        if v.take("within") {
            guard case .number(let d, let suffix, _, let r)? = v.next(), d > 0, suffix != .percent else {
                sink.error(.optimizeWithinExpected, "expected the indifference zone, an amount above 0, after 'within'", v.here,
                           [.help("write 'within 1万': plans closer than that to the best count as equally good")])
                return nil
            }
            _ = r
            delta = d
        }
        let runs = decisionRuns(&v) ?? 20
        if !v.atEnd { sink.error(.decisionUnexpected, "unexpected \(describe(v.peek)) in 'optimize'", v.here); return nil }
        // The plans: the whole grid when small, else a Latin hypercube of it.
        let gridSize = levels.reduce(1.0) { $0 * Double($1.count) }
        let rows = Self.searchRows(levels, limit: Self.exhaustiveLimit, sampled: Self.sampledPlans, seed: 23)
        guard let candidates = planCandidates(paths: paths, levels: levels, rows: rows, decls: decls,
                                              anchor: spaceTerms.first?.range ?? s.keywordRange) else { return nil }
        var request = OptimizeRequest(
            maximize: maximize, metric: metric, paths: paths, candidates: candidates,
            exhaustive: gridSize <= Double(Self.exhaustiveLimit), gridSize: Int(min(gridSize, 1e15)),
            constraints: constraints, delta: delta, firstStage: runs)
        if !request.exhaustive { request.grid = gridPlans(paths: paths, levels: levels, rows: rows, decls: decls) }
        return .decision(.optimize(request))
    }

    /// The points of a search over `levels`: every combination (first parameter slowest) when
    /// there are at most `limit`, else a Latin hypercube of `sampled` points snapped to the
    /// grid (duplicates dropped).
    static func searchRows(_ levels: [[Term]], limit: Int, sampled: Int, seed: UInt64) -> [[Int]] {
        let gridSize = levels.reduce(1.0) { $0 * Double($1.count) }
        if gridSize <= Double(limit) {
            return Design.fullFactorial(levels.map { $0.indices.map(Double.init) }).map { $0.map { Int($0) } }
        }
        var seen: Set<[Int]> = []
        return Design.latinHypercube(sampled, levels.map { 0...Double($0.count) }, seed: seed).compactMap { point in
            let row = zip(levels, point).map { min($0.count - 1, Int($1)) }
            return seen.insert(row).inserted ? row : nil
        }
    }

    /// A sampled grid's plans on demand, for the refinement of its search.
    func gridPlans(paths: [String], levels: [[Term]], rows: [[Int]], decls: [Statement]) -> GridPlans {
        let sources = sink.sources
        return GridPlans(levelCounts: levels.map(\.count), rows: rows) { row in
            Self.plan(at: row, paths: paths, levels: levels, decls: decls, sources: sources)
        }
    }

    /// Why the plan at a grid point could not be built: setting a path failed, or the values
    /// make the scenario invalid (with the scenario checker's diagnostics).
    enum PlanFailure: Error {
        case edit(Edits.Failure)
        case invalid(labels: [String], diagnostics: [Diagnostic])
    }

    /// The plan at one point of a grid: the scenario with `paths` set to the row's levels.
    static func buildPlan(at row: [Int], paths: [String], levels: [[Term]], decls: [Statement],
                          sources: [String: SourceFile]) -> Result<OptimizeRequest.Candidate, PlanFailure> {
        var edited = decls
        let terms = zip(levels, row).map { $0[$1] }
        for (path, term) in zip(paths, terms) {
            do { try Edits.set(path: path, value: [term], in: &edited) } catch { return .failure(.edit(error)) }
        }
        let labels = terms.map { Formatter.terms([$0]) }
        let scratch = ScenarioChecker(sink: DiagnosticSink(sources: sources))
        guard let sc = scratch.build(edited) else { return .failure(.invalid(labels: labels, diagnostics: scratch.sink.diagnostics)) }
        let numbers = terms.map { t -> Double in if case .number(let x, _, _, _) = t { return x } else { return .nan } }
        return .success(.init(values: labels, numbers: numbers, scenario: sc))
    }

    /// The plan at one point of a grid, built after checking (no diagnostics: nil when the
    /// values make the scenario invalid). `planCandidates` builds the points it checks.
    static func plan(at row: [Int], paths: [String], levels: [[Term]], decls: [Statement],
                     sources: [String: SourceFile]) -> OptimizeRequest.Candidate? {
        try? buildPlan(at: row, paths: paths, levels: levels, decls: decls, sources: sources).get()
    }

    /// Each row's plan: the scenario with `paths` set to the row's levels (nil after an error).
    mutating func planCandidates(paths: [String], levels: [[Term]], rows: [[Int]], decls: [Statement],
                                 anchor: SourceRange) -> [OptimizeRequest.Candidate]? {
        var candidates: [OptimizeRequest.Candidate] = []
        for row in rows {
            switch Self.buildPlan(at: row, paths: paths, levels: levels, decls: decls, sources: sink.sources) {
            case .success(let c):
                candidates.append(c)
            case .failure(.edit(let error)):
                sink.error(error.id, error.message, anchor, error.notes)
                return nil
            case .failure(.invalid(let labels, let diagnostics)):
                sink.error(.decisionValueInvalid, "'\(paths.joined(separator: ", "))' at \(labels.joined(separator: ", ")) makes the scenario invalid",
                           anchor, diagnostics.filter(\.isError).prefix(3).map { .note("\($0.description)") })
                return nil
            }
        }
        return candidates
    }

    /// `PATH in A..B [unit words] [step S]`: the path and its levels (whole numbers A..B, or
    /// A, A+S, ..., or five even levels of a range that is not whole).
    mutating func optimizeRange(_ item: [Term], anchor: SourceRange) -> (String, [Term])? {
        var iv = Values(item, what: "'optimize'", anchor: anchor)
        guard let pt = iv.next(), let path = pt.word, iv.take("in"),
              case .number(let a, let suffix, _, let r)? = iv.next(), iv.takeSymbol(.range),
              case .number(let b, let bSuffix, _, _)? = iv.next(), bSuffix == suffix, b >= a else {
            sink.error(.designRangeExpected, "expected 'in A..B' after '\(item.first?.word ?? "the path")'", iv.here,
                       [.help("write '\(item.first?.word ?? "meet.contacts") in 20..60 step 20'")])
            return nil
        }
        while let w = iv.peekWord, w != "step" { iv.i += 1 }  // `in 1..3 per week`: the unit stays as written
        var step: Double?
        if iv.take("step") {
            guard case .number(let st, _, _, _)? = iv.next(), st > 0 else {
                sink.error(.sweepStepNotPositive, "the sweep step must be more than zero", iv.here)
                return nil
            }
            step = st
        }
        if !iv.atEnd { sink.error(.decisionUnexpected, "unexpected \(describe(iv.peek)) in 'optimize'", iv.here); return nil }
        let whole = suffix != .percent && a == a.rounded() && b == b.rounded()
        let st = step ?? (whole && b - a <= 10 ? 1 : (b - a) / 4)
        var values: [Double] = []
        var x = a
        while x <= b + 1e-9 * max(1, abs(b)) && values.count < Self.maxSweepValues {
            values.append(x)
            x += st > 0 ? st : (b - a + 1)
        }
        if values.isEmpty { values = [a] }
        return (path, values.map { .number($0, suffix, text: Self.text($0, suffix), r) })
    }
}
