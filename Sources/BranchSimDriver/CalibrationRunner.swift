import BranchSimDecisions
import BranchSimModel
import BranchSimReports

/// Runs `calibrate` (issue 17, item 5; docs/model.md, "Calibration").
extension ProgramRunner {
    /// Runs every point on the same replications (common random numbers), scores each against
    /// the observed figures, and reports the best fit and the range of consistent values.
    func calibrate(_ q: CalibrateRequest, control: RunHooks?, at loc: SourceLocation) throws(RunnerError) -> DecisionResult {
        let companions = q.candidates.map(\.scenario)
        func label(_ k: Int) -> String { zip(q.paths, q.candidates[k].values).map { "\($0)=\($1)" }.joined(separator: ", ") }
        var points: [CalibrationPoint] = []
        var units: [MetricUnit] = q.observations.map { _ in .count }
        var replications = 0
        var perPoint = q.runs
        for k in q.candidates.indices {
            let r = try simulate(q.candidates[k].scenario, label: "calibrate \(label(k))", runs: .fixed(q.runs), salt: 0,
                                 companions: companions, control: control, at: loc)
            var samples: [[Double]] = []
            for (i, o) in q.observations.enumerated() {
                guard let y = r.values(of: o.metric) else { throw RunnerError("the runs have no metric '\(o.metric)'", at: loc) }
                samples.append(y)
                if k == 0 { units[i] = r.metrics.first { $0.key == o.metric }?.unit ?? .count }
            }
            guard r.count >= 2 else {
                throw RunnerError("calibrate needs at least 2 runs per point to know the spread of one outcome; "
                    + "it has \(r.count) (drop '--runs \(r.count)' or raise it)", at: loc)
            }
            replications += r.count
            perPoint = r.count  // `--runs` on the command line overrides `runs N`
            points.append(CalibrationPoint(samples: samples, observations: q.observations))
        }
        let cal = Calibration(points: points)
        let best = cal.best
        let numbers = q.candidates.map(\.numbers)
        let fmt = { (v: Double, u: MetricUnit) in NumberFormat.value(v, unit: u, units: self.configuration.report.units) }
        // Parameters: fitted value, consistent range, what was searched.
        var rows: [[DecisionResult.Cell]] = []
        var values: [(key: String, value: Double)] = []
        var notes: [String] = []
        for (j, path) in q.paths.enumerated() {
            // `let NAME` is read back as `calibrate.NAME`.
            let key = "calibrate." + (path.hasPrefix("let ") ? String(path.dropFirst(4)) : path)
            let levels = Set(numbers.map { $0[j] })
            let searched = "\(q.candidates.min { $0.numbers[j] < $1.numbers[j] }!.values[j])..\(q.candidates.max { $0.numbers[j] < $1.numbers[j] }!.values[j]) (\(levels.count) values)"
            var range = "none"
            values.append((key, numbers[best][j]))
            if let r = cal.range(of: j, values: numbers) {
                let lo = cal.consistent.first { numbers[$0][j] == r.lowerBound }!, hi = cal.consistent.first { numbers[$0][j] == r.upperBound }!
                range = r.lowerBound == r.upperBound ? q.candidates[lo].values[j] : "\(q.candidates[lo].values[j])..\(q.candidates[hi].values[j])"
                values += [("\(key).low", r.lowerBound), ("\(key).high", r.upperBound)]
            }
            if levels.count > 1, let r = cal.range(of: j, values: numbers), r.lowerBound == levels.min(), r.upperBound == levels.max() {
                notes.append("\(path): consistent over the whole range searched: the figures do not pin it down (alone, or only together with another parameter).")
            } else if levels.count > 1, numbers[best][j] == levels.min() || numbers[best][j] == levels.max() {
                notes.append("\(path): the fitted value \(q.candidates[best].values[j]) is at the edge of the range searched; widen the range to see past it.")
            }
            rows.append([.text(path), .text(q.candidates[best].values[j]), .text(range), .text(searched)])
        }
        // The figures at the fitted plan.
        var figureRows: [[DecisionResult.Cell]] = []
        for (i, o) in q.observations.enumerated() {
            let c = cal.points[best].checks[i], u = units[i]
            let seen: String
            switch o.condition {
            case .near(let v, let t): seen = "\(fmt(v, u)) ± \(fmt(t, u))"
            case .atLeast(let x, let t): seen = ">= \(fmt(x, u))" + (t > 0 ? " ± \(fmt(t, u))" : "")
            case .atMost(let x, let t): seen = "<= \(fmt(x, u))" + (t > 0 ? " ± \(fmt(t, u))" : "")
            }
            figureRows.append([.text(o.metric), .text(seen), .value(c.mean, u), .interval(c.ciLow, c.ciHigh, u),
                               .interval(c.low, c.high, u), .text(NumberFormat.general((c.z * 100).rounded() / 100)),
                               .text(c.meets ? "yes" : "no")])
            let p = "calibrate.observed.\(o.metric)"
            values += [(p, c.mean), ("\(p).ci_low", c.ciLow), ("\(p).ci_high", c.ciHigh), ("\(p).low", c.low), ("\(p).high", c.high),
                       ("\(p).z", c.z), ("\(p).meets", c.meets ? 1 : 0)]
        }
        // The best points by fit.
        let ranked = q.candidates.indices.sorted { a, b in
            cal.points[a].fit != cal.points[b].fit ? cal.points[a].fit < cal.points[b].fit : a < b
        }.prefix(5)
        let pointRows: [[DecisionResult.Cell]] = ranked.enumerated().map { n, k in
            [.text(n == 0 ? "fitted" : String(n + 1))] + q.candidates[k].values.map { .text($0) }
                + [.text(NumberFormat.general((cal.points[k].fit * 100).rounded() / 100)), .text(cal.points[k].consistent ? "yes" : "no")]
        }
        values += [("calibrate.fit", cal.points[best].fit), ("calibrate.fits", cal.points[best].consistent ? 1 : 0),
                   ("calibrate.consistent", Double(cal.consistent.count)), ("calibrate.points", Double(q.candidates.count)),
                   ("calibrate.replications", Double(replications))]
        let k = q.observations.count
        notes.insert(
            "\(q.exhaustive ? "Every point of the grid (\(q.candidates.count))" : "A Latin hypercube of \(q.candidates.count) points of the grid's \(q.gridSize)") "
                + "run \(perPoint) times each on common random numbers. Fit: the sum over the figures of z², z = (mean - figure) / "
                + "sqrt(tolerance² + sd²) (a bound counts only when the mean is past it); the fitted plan has the lowest.", at: 0)
        notes.insert(
            "Consistent: every figure's band (value ± tolerance) meets the point's interval for one outcome, "
                + "mean ± t·sd·sqrt(1 + 1/n) at \(NumberFormat.percent(1 - 0.05 / Double(k))) each "
                + "(95% for the \(k) together); \(cal.consistent.count) of the \(q.candidates.count) points are. "
                + "The range of a parameter is its lowest and highest value among them.", at: 1)
        if !cal.points[best].consistent {
            notes.append("The fitted plan is NOT consistent with the figures: no point searched reproduces them all; "
                + "widen the ranges, calibrate other parameters, or check the figures and their tolerances.")
        }
        var result = DecisionResult(
            kind: .calibrate, title: "Calibrate to '\(q.observedName)'", metric: q.observations.first?.metric ?? "",
            unit: units.first ?? .count, columns: ["parameter", "fitted", "consistent range", "searched"],
            rows: rows, notes: notes, values: values)
        result.tables = [
            .init(title: "Observed '\(q.observedName)' at the fitted plan",
                  columns: ["metric", "observed", "simulated mean", "95% CI", "one outcome", "z", "consistent"], rows: figureRows),
            .init(title: "Best points", columns: ["point"] + q.paths + ["fit (sum z²)", "consistent"], rows: pointRows),
        ]
        result.settings = zip(q.paths, q.candidates[best].values).map { ($0, $1) }
        return result
    }
}
