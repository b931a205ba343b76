import BranchSimDecisions
import BranchSimModel

/// Checks the decision statements (issue 17): `sensitivity`, `optimize`, `calibrate`.
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
                // Labels to 0.1% (the held values are the exact quantiles).
                func label(_ x: Double) -> String { formatPercent((x * 1000).rounded() / 1000) }
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
        } else if let input = base.uncertainInputs.first(where: { $0.path == path || "\($0.path)" == path.replacingOccurrences(of: ".funnel.", with: ".") }) {
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
