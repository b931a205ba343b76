import BranchSimDecisions
import BranchSimEngine
import BranchSimModel
import BranchSimReports

/// Runs the decision statements (issue 17; docs/model.md, "Decisions under uncertainty").
extension ProgramRunner {
    /// The noise salt of the twin replications that split a result's spread (any fixed value
    /// but 0: the same file gives the same split).
    static let twinNoiseSalt: UInt64 = 0x7457_494E_5F4E_4F49

    func decide(_ request: DecisionRequest, in program: CheckedProgram, control: RunHooks?,
                at loc: SourceLocation) throws(RunnerError) -> DecisionResult {
        switch request {
        case .sensitivity(let metric, let factors, let runs):
            return try sensitivity(of: metric, over: factors, runs: runs.map { .fixed($0) }, base: program.base,
                                   control: control, at: loc)
        case .optimize(let q):
            return try optimize(q, control: control, at: loc)
        case .calibrate(let q):
            return try calibrate(q, control: control, at: loc)
        }
    }

    /// One run of the base, one with twin noise (when there are uncertain inputs), and a low
    /// and a high run per factor, all on common random numbers; effects are paired.
    func sensitivity(of metric: String, over factors: [SensitivityFactor], runs: RunCount?, base: Scenario,
                     control: RunHooks?, at loc: SourceLocation) throws(RunnerError) -> DecisionResult {
        var companions = [base]
        for f in factors { if case .scenarios(let lo, let hi) = f.setting { companions += [lo, hi] } }
        func values(_ r: RunResult) throws(RunnerError) -> [Double] {
            guard let v = r.values(of: metric) else { throw RunnerError("the runs have no metric '\(metric)'", at: loc) }
            return v
        }
        let center = try simulate(base, label: "sensitivity", runs: runs, salt: 0, companions: companions, control: control, at: loc)
        let y = try values(center)
        let unit = center.metrics.first { $0.key == metric }?.unit ?? .count
        let baseMean = MetricSummary(values: y).mean
        var out: [(key: String, value: Double)] = [("sensitivity.base", baseMean)]
        var notes: [String] = []
        if !base.uncertainInputs.isEmpty {
            let twin = try simulate(base, label: "sensitivity twin", runs: runs, salt: 0, companions: companions,
                                    noiseSalt: Self.twinNoiseSalt, control: control, at: loc)
            let split = InputSpread(values: y, twins: try values(twin))
            out += [("sensitivity.spread.sd", split.total.squareRoot()), ("sensitivity.spread.input_sd", split.inputs.squareRoot()),
                    ("sensitivity.spread.noise_sd", split.noise.squareRoot()), ("sensitivity.spread.input_share", split.inputShare)]
            let f = { (v: Double) in NumberFormat.value(v, unit: unit, units: self.configuration.report.units) }
            notes.append("Spread of \(metric) over \(split.replications) replications: sd \(f(split.total.squareRoot())); "
                + "from the uncertain inputs \(f(split.inputs.squareRoot())) (\(NumberFormat.percent(split.inputShare)) of the variance), "
                + "from Monte Carlo noise \(f(split.noise.squareRoot())) (twin replications: the same inputs, other noise).")
        }
        struct Effect { var factor: SensitivityFactor; var low: Double; var high: Double; var diff: MetricSummary }
        var effects: [Effect] = []
        for f in factors {
            let lo: RunResult, hi: RunResult
            switch f.setting {
            case .input(let a, let b):
                lo = try simulate(base, label: "\(f.path)=\(f.lowLabel)", runs: runs, salt: 0, companions: companions,
                                  fixedInputs: [f.path: a], control: control, at: loc)
                hi = try simulate(base, label: "\(f.path)=\(f.highLabel)", runs: runs, salt: 0, companions: companions,
                                  fixedInputs: [f.path: b], control: control, at: loc)
            case .scenarios(let a, let b):
                lo = try simulate(a, label: "\(f.path)=\(f.lowLabel)", runs: runs, salt: 0, companions: companions, control: control, at: loc)
                hi = try simulate(b, label: "\(f.path)=\(f.highLabel)", runs: runs, salt: 0, companions: companions, control: control, at: loc)
            }
            let yl = try values(lo), yh = try values(hi)
            let diff = MetricSummary(values: zip(yh, yl).map { $0 - $1 })
            effects.append(Effect(factor: f, low: MetricSummary(values: yl).mean, high: MetricSummary(values: yh).mean, diff: diff))
        }
        // Largest effect first; ties keep the order written.
        let ranked = effects.enumerated().sorted { a, b in
            abs(a.element.diff.mean) != abs(b.element.diff.mean) ? abs(a.element.diff.mean) > abs(b.element.diff.mean) : a.offset < b.offset
        }.map(\.element)
        var rows: [[DecisionResult.Cell]] = []
        for (rank, e) in ranked.enumerated() {
            let p = "sensitivity.\(e.factor.path)"
            out += [("\(p).low", e.low), ("\(p).high", e.high), ("\(p).effect", e.diff.mean),
                    ("\(p).effect.ci_low", e.diff.ciLow), ("\(p).effect.ci_high", e.diff.ciHigh), ("\(p).rank", Double(rank + 1))]
            rows.append([.text(String(rank + 1)), .text(e.factor.path), .text(e.factor.lowLabel), .text(e.factor.highLabel),
                         .value(e.low, unit), .value(e.high, unit), .value(e.diff.mean, unit),
                         .interval(e.diff.ciLow, e.diff.ciHigh, unit)])
        }
        let n = center.count
        notes.insert("Each input at its low and its high setting, the others as in the base (uncertain ones still drawn), "
            + "\(n) replications each on common random numbers; effect = mean of (high - low) per replication, with its 95% CI.", at: 0)
        var result = DecisionResult(
            kind: .sensitivity, title: "Sensitivity of \(metric)", metric: metric, unit: unit,
            columns: ["rank", "input", "low", "high", "\(metric) at low", "at high", "effect (high - low)", "95% CI"],
            rows: rows, notes: notes, values: out,
            bars: ranked.map { .init(input: $0.factor.path, lowLabel: $0.factor.lowLabel, highLabel: $0.factor.highLabel, low: $0.low, high: $0.high) },
            base: baseMean)
        // Every value is a figure of the metric but the ranks and the inputs' share of the variance.
        for (key, _) in out where !key.hasSuffix(".rank") {
            result.units[key] = key.hasSuffix(".input_share") ? .share : unit
        }
        return result
    }
}

// MARK: optimize

extension ProgramRunner {
    /// The most replications the selection gives one plan before it stops (then the plan
    /// with the best mean among those left is chosen, and the report says so).
    static let selectionCap = 1000
    /// Replications added per round to the plans still in contention.
    static let selectionBatch = 10
    /// A sampled grid's refinement: the best feasible plans a round is around, and the size of
    /// the sub-grid it screens whole (else a Latin hypercube of `optimizeRefineSampled` of it).
    static let optimizeRefineAnchors = 3
    static let optimizeRefineLimit = 64
    static let optimizeRefineSampled = 40

    /// Screens every candidate on the first `firstStage` replications (common random
    /// numbers), keeps those whose constraints hold, then runs Kim and Nelson's procedure on
    /// them, batch by batch, until one is left.
    func optimize(_ q: OptimizeRequest, control: RunHooks?, at loc: SourceLocation) throws(RunnerError) -> DecisionResult {
        var candidates = q.candidates
        var companions = q.candidates.map(\.scenario)
        let sign = q.maximize ? 1.0 : -1.0
        func label(_ k: Int) -> String { zip(q.paths, candidates[k].values).map { "\($0)=\($1)" }.joined(separator: ", ") }
        func run(_ k: Int, _ range: Range<Int>) throws(RunnerError) -> RunResult {
            try simulate(candidates[k].scenario, label: "optimize \(label(k))", runs: .fixed(range.upperBound), salt: 0,
                         companions: companions, replications: range, control: control, at: loc)
        }
        // Every candidate's outputs so far, replication by replication.
        var outputs: [[Double]] = []
        var screened: [RunResult] = []
        func screen(_ ks: Range<Int>) throws(RunnerError) {
            for k in ks {
                let r = try run(k, 0..<q.firstStage)
                guard let y = r.values(of: q.metric) else { throw RunnerError("the runs have no metric '\(q.metric)'", at: loc) }
                outputs.append(y)
                screened.append(r)
            }
        }
        try screen(candidates.indices)
        func holds(_ r: RunResult) -> [ExpectationOutcome] {
            q.constraints.map { ExpectationEvaluator.evaluate($0, at: loc, run: r, comparison: nil) }
        }
        func screenedMean(_ k: Int) -> Double { sign * outputs[k].reduce(0, +) / Double(max(1, outputs[k].count)) }
        // A sampled grid is refined: rounds over the grid around the best feasible plans screened
        // so far, until a round has no plan not yet screened.
        var refinement = Refinement()
        if let grid = q.grid {
            var refiner = GridRefiner(grid, limit: Self.optimizeRefineLimit, sampled: Self.optimizeRefineSampled)
            for _ in 0..<Self.refineRounds {
                let best = candidates.indices.filter { holds(screened[$0]).allSatisfy(\.passed) }
                    .sorted { (screenedMean($0), -$0) > (screenedMean($1), -$1) }.prefix(Self.optimizeRefineAnchors)
                guard let added = refiner.round(around: Array(best)) else { break }
                let start = candidates.count
                candidates += added
                companions = candidates.map(\.scenario)
                try screen(start..<candidates.count)
            }
            refinement = refiner.result
        }
        let feasible = candidates.indices.filter { holds(screened[$0]).allSatisfy(\.passed) }
        let unit = screened.first?.metrics.first { $0.key == q.metric }?.unit ?? .count
        guard !feasible.isEmpty else {
            throw RunnerError("no plan of the \(candidates.count) tried meets the constraints (\(q.constraints.map(\.text).joined(separator: ", "))) "
                + "on its first \(q.firstStage) replications; widen the ranges or relax the constraints", at: loc)
        }
        let means = outputs.map { $0.reduce(0, +) / Double(max(1, $0.count)) }
        let delta = q.delta ?? max(1e-9, 0.01 * (feasible.map { abs(means[$0]) }.max() ?? 1))
        var kn = BestPlanSelection(count: feasible.count, alpha: 0.05, delta: delta, firstStage: q.firstStage)
        for r in 0..<q.firstStage { kn.add(feasible.map { sign * outputs[$0][r] }) }
        var next = q.firstStage
        var capped = false
        while !kn.isDone {
            if next >= Self.selectionCap { capped = true; break }
            let end = min(Self.selectionCap, next + Self.selectionBatch)
            let alive = kn.contenders
            for i in alive {
                let k = feasible[i]
                let r = try run(k, next..<end)
                guard let y = r.values(of: q.metric) else { throw RunnerError("the runs have no metric '\(q.metric)'", at: loc) }
                outputs[k] += y
            }
            for r in next..<end where !kn.isDone {
                kn.add(kn.contenders.map { sign * outputs[feasible[$0]][r] })
            }
            next = end
        }
        let chosenIndex = kn.chosen ?? kn.contenders.max { kn.mean(of: $0) < kn.mean(of: $1) }!
        let chosen = feasible[chosenIndex]
        // The chosen plan's whole run (its replications so far) for its constraints at p95.
        let full = try run(chosen, 0..<outputs[chosen].count)
        let checks = holds(full)
        // Runner-ups: the best other feasible plans by mean, paired against the chosen one.
        let others = feasible.filter { $0 != chosen }.sorted { sign * means[$0] > sign * means[$1] }.prefix(5)
        let top = [chosen] + others
        let common = top.map { outputs[$0].count }.min() ?? q.firstStage
        let pBest = probabilityBest(top.map { k in outputs[k].prefix(common).map { sign * $0 } }, resamples: 1000, seed: 7)
        var rows: [[DecisionResult.Cell]] = []
        var values: [(key: String, value: Double)] = []
        let chosenSummary = MetricSummary(values: outputs[chosen])
        for (j, k) in top.enumerated() {
            let n = min(outputs[k].count, outputs[chosen].count)
            let diff = MetricSummary(values: (0..<n).map { outputs[k][$0] - outputs[chosen][$0] })
            let s = MetricSummary(values: outputs[k])
            var row: [DecisionResult.Cell] = [.text(j == 0 ? "chosen" : "\(j + 1)")]
            row += candidates[k].values.map { .text($0) }
            row += [.value(s.mean, unit), .text(String(outputs[k].count)),
                    j == 0 ? .text("") : .interval(diff.ciLow, diff.ciHigh, unit), .share(pBest[j])]
            rows.append(row)
        }
        for (p, x) in zip(q.paths, candidates[chosen].numbers) { values.append(("optimize.\(p)", x)) }
        values += [("optimize.best", chosenSummary.mean), ("optimize.best.ci_low", chosenSummary.ciLow),
                   ("optimize.best.ci_high", chosenSummary.ciHigh), ("optimize.p_best", pBest[0]),
                   ("optimize.plans", Double(candidates.count)), ("optimize.feasible", Double(feasible.count)),
                   ("optimize.refined", Double(refinement.added)),
                   ("optimize.replications", Double(outputs.reduce(0) { $0 + $1.count })),
                   ("optimize.constraints_hold", checks.allSatisfy(\.passed) ? 1 : 0)]
        let f = { (v: Double) in NumberFormat.value(v, unit: unit, units: self.configuration.report.units) }
        var notes = [
            "\(q.exhaustive ? "Every plan of the grid" : "A Latin hypercube of \(q.candidates.count) plans of the grid's \(q.gridSize)")"
                + (q.grid == nil ? " " : refinement.added == 0
                    ? ", then no more (the grid around the best feasible plans had no plan not yet screened), "
                    : ", then \(refinement.added) more in \(refinement.rounds) round\(refinement.rounds == 1 ? "" : "s") over the grid around "
                        + "the \(refinement.anchors) best feasible plans screened so far, one level past them"
                        + (refinement.sampled ? " (a Latin hypercube of \(Self.optimizeRefineSampled) where that grid had over \(Self.optimizeRefineLimit) plans)" : "")
                        + (refinement.invalid > 0 ? " (\(refinement.invalid) made the scenario invalid and were skipped)" : "") + ", ")
                + "screened on \(q.firstStage) replications; \(feasible.count) met the constraints. Then Kim and Nelson's "
                + "procedure on common random numbers (indifference zone \(f(delta)), alpha 5%): "
                + (capped ? "it reached \(Self.selectionCap) replications with \(kn.contenders.count) plans left, within the zone of "
                             + "each other; the one with the best mean is shown."
                          : "the chosen plan is within \(f(delta)) of the best with probability at least 95%."),
            "Runner-ups: the difference to the chosen plan (paired replications) with its 95% CI; P(best) by paired bootstrap "
                + "over the \(common) replications all of them share.",
        ]
        for c in checks {
            notes.append("Constraint \(c.expectation.text): measured \(c.unit.map { NumberFormat.value(c.measured, unit: $0, units: self.configuration.report.units) } ?? NumberFormat.general(c.measured)) over \(outputs[chosen].count) "
                + "replications of the chosen plan: \(c.passed ? "holds" : "does NOT hold")")
        }
        var result = DecisionResult(
            kind: .optimize, title: "Optimize: \(q.maximize ? "maximize" : "minimize") \(q.metric)", metric: q.metric, unit: unit,
            columns: ["plan"] + q.paths + ["\(q.metric) mean", "runs", "vs chosen (95% CI)", "P(best)"],
            rows: rows, notes: notes, values: values)
        result.settings = zip(q.paths, candidates[chosen].values).map { ($0, $1) }
        for (p, label) in zip(q.paths, candidates[chosen].values) {
            result.units["optimize.\(p)"] = DecisionResult.parameterUnit(label: label)
        }
        for key in ["optimize.best", "optimize.best.ci_low", "optimize.best.ci_high"] { result.units[key] = unit }
        result.units["optimize.p_best"] = .share
        return result
    }
}
