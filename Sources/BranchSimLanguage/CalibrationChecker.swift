import BranchSimDecisions
import BranchSimModel

/// Checks `observed` sets and `calibrate` (issue 17, item 5; docs/language.md, "Calibration").
extension ProgramChecker {
    /// The most points a calibration runs in full; a larger grid is sampled.
    static let calibrateExhaustiveLimit = 125
    /// Points sampled from a larger grid (a Latin hypercube snapped to the grid).
    static let calibrateSampled = 64
    /// Replications per point unless `runs N` says.
    static let calibrateDefaultRuns = 100

    /// Every `observed` set's figures, checked against the base scenario's metrics; sets with
    /// errors are left out (their errors are reported).
    mutating func checkObserved(base: Scenario) -> [String: [Observation]] {
        let keys = keys([base])
        let keySet = Set(keys)
        var out: [String: [Observation]] = [:]
        for s in observedSets {
            guard let name = s.name else { continue }
            var figures: [Observation] = []
            var seen: [String: SourceRange] = [:]
            var ok = true
            for p in s.block ?? [] where !p.malformed {
                // A line may hold several figures separated by commas; each starts with its metric.
                var items: [[Term]] = [[.word(p.key, p.keyRange)]]
                for t in p.values {
                    if t.isSymbol(.comma) { items.append([]) } else { items[items.count - 1].append(t) }
                }
                for item in items where !item.isEmpty {
                    guard let o = observation(item, set: name, keys: keySet, suggestions: keys) else { ok = false; continue }
                    if let first = seen[o.metric] {
                        sink.error(.observedMetricTwice, "'\(o.metric)' is observed twice in observed '\(name)'", item[0].range,
                                   [sink.here("first observed", first), .help("keep one figure per metric")])
                        ok = false
                        continue
                    }
                    seen[o.metric] = item[0].range
                    figures.append(o)
                }
            }
            if figures.isEmpty && ok {
                sink.error(.observedEmpty, "observed '\(name)' has no figures", s.nameRange ?? s.keywordRange,
                           [.help("write one figure a line: 'funnel.meet.attend 300 ± 30'")])
                ok = false
            }
            if ok { out[name] = figures }
        }
        return out
    }

    /// `METRIC VALUE ± TOL`, `METRIC >= X [± TOL]` or `METRIC <= X [± TOL]`.
    private mutating func observation(_ item: [Term], set: String, keys: Set<String>, suggestions: [String]) -> Observation? {
        guard var metric = item[0].word else { return nil }
        let help: [DiagnosticNote] = [.help("write 'attendance 300 ± 30' or 'subscribed.meet >= 1900万'")]
        func bad(_ at: Term?) -> Observation? {
            sink.error(.observedFigureExpected, "expected 'METRIC VALUE ± TOL' or 'METRIC >= VALUE' in observed '\(set)', found \(describe(at))",
                       at?.range ?? item[0].range, help)
            return nil
        }
        if metric.hasSuffix(".mean") && !keys.contains(metric) { metric.removeLast(5) }
        guard keys.contains(metric) else {
            sink.error(.metricUnknown, "unknown metric '\(metric)'", item[0].range, Suggest.notes(for: metric, in: suggestions))
            return nil
        }
        var rest = Array(item.dropFirst())
        var bound: Symbol?
        if case .symbol(let sym, _)? = rest.first, [.greater, .greaterEqual, .less, .lessEqual].contains(sym) {
            bound = sym
            rest.removeFirst()
        }
        // A figure may be negative (a net change: `uplift -50万 ± 20万`): a minus sign and a number.
        var sign = 1.0
        if rest.count >= 2, rest[0].isSymbol(.minus), case .number = rest[1] {
            sign = -1
            rest.removeFirst()
        }
        guard case .number(let magnitude, _, _, _)? = rest.first else { return bad(rest.first) }
        let value = sign * magnitude
        var tolerance = 0.0
        var tolTerm: Term?
        if rest.count >= 2 {
            guard rest[1].isSymbol(.plusMinus), rest.count == 3, case .number(let t, _, _, _) = rest[2] else {
                return bad(rest.count >= 2 && rest[1].isSymbol(.plusMinus) ? rest.dropFirst(2).first : rest[1])
            }
            tolerance = t
            tolTerm = rest[2]
        } else if bound == nil {
            // A figure without `± TOL` and without a bound: its tolerance is missing.
            return bad(nil)
        }
        if tolTerm != nil || bound == nil, !(tolerance > 0) {
            sink.error(.observedToleranceNotPositive, "the tolerance of '\(metric)' in observed '\(set)' must be more than zero",
                       tolTerm?.range ?? item[0].range,
                       [.help("write how far off the figure may be, e.g. '± 10' (a bound needs none: 'METRIC >= VALUE')")])
            return nil
        }
        let condition: Observation.Condition
        switch bound {
        case .greater?, .greaterEqual?: condition = .atLeast(value, tolerance: tolerance)
        case .less?, .lessEqual?: condition = .atMost(value, tolerance: tolerance)
        default: condition = .near(value, tolerance: tolerance)
        }
        return Observation(metric: metric, condition: condition, text: Formatter.terms(item))
    }

    /// `calibrate PATH in A..B [step S], ... to NAME [runs N]`.
    mutating func calibrate(_ v: inout Values, _ s: Statement, base: Scenario?, decls: [Statement]) -> Action? {
        var spaceTerms: [Term] = []
        while let t = v.peek, !["to", "runs"].contains(t.word ?? "") { spaceTerms.append(t); v.i += 1 }
        var sv = Values(spaceTerms, what: "'calibrate'", anchor: s.keywordRange)
        var paths: [String] = [], levels: [[Term]] = []
        for var item in sv.commaList() where !item.isEmpty {
            // `let NAME in A..B`: a `let` (an amount's median, say) as one parameter.
            if item.count >= 2, item[0].word == "let", let name = item[1].word {
                item.replaceSubrange(0...1, with: [.word("let \(name)", item[0].range.union(item[1].range))])
            }
            if item.count >= 5, let p = item[0].word, case .number(let a, _, let aText, _) = item[2], item[3].isSymbol(.range),
               case .number(let b, _, let bText, _) = item[4], b < a {
                sink.error(.calibrateRangeEmpty, "the range of '\(p)' is empty: \(aText) is above \(bText)", item[2].range.union(item[4].range),
                           [.help("write the low end first: '\(p) in A..B' with A <= B")])
                return nil
            }
            guard let (path, values) = optimizeRange(item, anchor: s.keywordRange) else { return nil }
            if paths.contains(path) {
                sink.error(.calibratePathTwice, "'\(path)' is calibrated twice", item[0].range, [.help("give each parameter one range")])
                return nil
            }
            paths.append(path)
            levels.append(values)
        }
        if paths.isEmpty {
            sink.error(.designRangeExpected, "expected 'in A..B' after 'the path'", v.here,
                       [.help("write 'calibrate meet.attend in 40%..80% step 5% to NAME'")])
            return nil
        }
        guard v.take("to"), let nt = v.next(), let name = nt.word else {
            sink.error(.calibrateToExpected, "expected 'to NAME' after the ranges of 'calibrate', found \(describe(v.peek))", v.here,
                       [.help("write 'calibrate meet.attend in 40%..80% to NAME', NAME an 'observed' set")])
            return nil
        }
        let runs = decisionRuns(&v) ?? Self.calibrateDefaultRuns
        if !v.atEnd { sink.error(.decisionUnexpected, "unexpected \(describe(v.peek)) in 'calibrate'", v.here); return nil }
        guard observedSets.contains(where: { $0.name == name }) else {
            sink.error(.calibrateObservedUnknown, "unknown observed set '\(name)'", nt.range,
                       Suggest.notes(for: name, in: observedSets.compactMap(\.name))
                        + [.help("declare it first: 'observed \(name) { METRIC VALUE ± TOL, ... }'")])
            return nil
        }
        // A set with errors was reported where it is written.
        guard base != nil, let observations = observed[name] else { return nil }
        let gridSize = levels.reduce(1.0) { $0 * Double($1.count) }
        let rows = Self.searchRows(levels, limit: Self.calibrateExhaustiveLimit, sampled: Self.calibrateSampled, seed: 29)
        guard let candidates = planCandidates(paths: paths, levels: levels, rows: rows, decls: decls,
                                              anchor: spaceTerms.first?.range ?? s.keywordRange) else { return nil }
        var request = CalibrateRequest(
            paths: paths, candidates: candidates, exhaustive: gridSize <= Double(Self.calibrateExhaustiveLimit),
            gridSize: Int(min(gridSize, 1e15)), observedName: name, observations: observations, runs: runs)
        // A sampled search is refined around what it finds (CalibrationRunner).
        if !request.exhaustive { request.grid = gridPlans(paths: paths, levels: levels, rows: rows, decls: decls) }
        return .decision(.calibrate(request))
    }
}
