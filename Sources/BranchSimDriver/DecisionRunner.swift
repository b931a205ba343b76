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
        let n = center.replications.count
        notes.insert("Each input at its low and its high setting, the others as in the base (uncertain ones still drawn), "
            + "\(n) replications each on common random numbers; effect = mean of (high - low) per replication, with its 95% CI.", at: 0)
        return DecisionResult(
            kind: .sensitivity, title: "Sensitivity of \(metric)", metric: metric, unit: unit,
            columns: ["rank", "input", "low", "high", "\(metric) at low", "at high", "effect (high - low)", "95% CI"],
            rows: rows, notes: notes, values: out,
            bars: ranked.map { .init(input: $0.factor.path, lowLabel: $0.factor.lowLabel, highLabel: $0.factor.highLabel, low: $0.low, high: $0.high) },
            base: baseMean)
    }
}
