import BranchSimDecisions
import BranchSimModel
import BranchSimReports

/// Runs `calibrate` (issue 17, item 5; docs/model.md, "Calibration").
extension ProgramRunner {
    /// Runs every point on the same replications (common random numbers), scores each against
    /// the observed figures, and reports the best fit and the range of consistent values.
    func calibrate(_ q: CalibrateRequest, control: RunHooks?, at loc: SourceLocation) throws(RunnerError) -> DecisionResult {
        var candidates = q.candidates
        func label(_ k: Int) -> String { zip(q.paths, candidates[k].values).map { "\($0)=\($1)" }.joined(separator: ", ") }
        var points: [CalibrationPoint] = []
        var units: [MetricUnit] = q.observations.map { _ in .count }
        var replications = 0
        var perPoint = q.runs
        func runPoints(_ ks: Range<Int>, companions: [Scenario]) throws(RunnerError) {
            for k in ks {
                let r = try simulate(candidates[k].scenario, label: "calibrate \(label(k))", runs: .fixed(q.runs), salt: 0,
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
        }
        try runPoints(candidates.indices, companions: q.candidates.map(\.scenario))
        // A sampled search is refined: rounds over the grid around the points found consistent
        // so far, until a round finds no point not yet run (or `refineRounds` rounds).
        var refinement: Refinement?
        if let grid = q.grid {
            var refiner = GridRefiner(grid)
            for _ in 0..<Self.refineRounds {
                let now = Calibration(points: points)
                let anchors = now.consistent.isEmpty
                    ? Array(points.indices.sorted { (points[$0].fit, $0) < (points[$1].fit, $1) }.prefix(5)) : now.consistent
                guard let added = refiner.round(around: anchors, fromConsistent: !now.consistent.isEmpty) else { break }
                let start = candidates.count
                candidates += added
                try runPoints(start..<candidates.count, companions: candidates.map(\.scenario))
            }
            refinement = refiner.result
        }
        let cal = Calibration(points: points)
        let best = cal.best
        let numbers = candidates.map(\.numbers)
        let fmt = { (v: Double, u: MetricUnit) in NumberFormat.value(v, unit: u, units: self.configuration.report.units) }
        // Parameters: fitted value, consistent range, what was searched.
        var rows: [[DecisionResult.Cell]] = []
        var values: [(key: String, value: Double)] = []
        var notes: [String] = []
        // The unit `expect` prints each value in (DecisionResult.units).
        var valueUnits: [String: MetricUnit] = [:]
        for (j, path) in q.paths.enumerated() {
            // `let NAME` is read back as `calibrate.NAME`.
            let key = "calibrate." + (path.hasPrefix("let ") ? String(path.dropFirst(4)) : path)
            for k in [key, "\(key).low", "\(key).high"] { valueUnits[k] = DecisionResult.parameterUnit(label: candidates[best].values[j]) }
            let levels = Set(numbers.map { $0[j] })
            let searched = "\(candidates.min { $0.numbers[j] < $1.numbers[j] }!.values[j])..\(candidates.max { $0.numbers[j] < $1.numbers[j] }!.values[j]) (\(levels.count) values)"
            var range = "none"
            values.append((key, numbers[best][j]))
            if let r = cal.range(of: j, values: numbers) {
                let lo = cal.consistent.first { numbers[$0][j] == r.lowerBound }!, hi = cal.consistent.first { numbers[$0][j] == r.upperBound }!
                range = r.lowerBound == r.upperBound ? candidates[lo].values[j] : "\(candidates[lo].values[j])..\(candidates[hi].values[j])"
                values += [("\(key).low", r.lowerBound), ("\(key).high", r.upperBound)]
            }
            if levels.count > 1, let r = cal.range(of: j, values: numbers), r.lowerBound == levels.min(), r.upperBound == levels.max() {
                notes.append("\(path): consistent over the whole range searched: the figures do not pin it down (alone, or only together with another parameter).")
            } else if levels.count > 1, numbers[best][j] == levels.min() || numbers[best][j] == levels.max() {
                notes.append("\(path): the fitted value \(candidates[best].values[j]) is at the edge of the range searched; widen the range to see past it.")
            }
            rows.append([.text(path), .text(candidates[best].values[j]), .text(range), .text(searched)])
        }
        // The figures at the fitted plan.
        var figureRows: [[DecisionResult.Cell]] = []
        var figures: [DecisionResult.Figure] = []
        for (i, o) in q.observations.enumerated() {
            let c = cal.points[best].checks[i], u = units[i]
            let seen: String, band: (Double, Double)
            switch o.condition {
            case .near(let v, let t):
                seen = "\(fmt(v, u)) ± \(fmt(t, u))"
                band = (v - t, v + t)
            case .atLeast(let x, let t):
                seen = ">= \(fmt(x, u))" + (t > 0 ? " ± \(fmt(t, u))" : "")
                band = (x - t, .infinity)
            case .atMost(let x, let t):
                seen = "<= \(fmt(x, u))" + (t > 0 ? " ± \(fmt(t, u))" : "")
                band = (-.infinity, x + t)
            }
            figures.append(.init(metric: o.metric, unit: u, observedLow: band.0, observedHigh: band.1, observedLabel: seen,
                                 mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, low: c.low, high: c.high, consistent: c.meets))
            figureRows.append([.text(o.metric), .text(seen), .value(c.mean, u), .interval(c.ciLow, c.ciHigh, u),
                               .interval(c.low, c.high, u), .text(NumberFormat.general((c.z * 100).rounded() / 100)),
                               .text(c.meets ? "yes" : "no")])
            let p = "calibrate.observed.\(o.metric)"
            for k in [p, "\(p).ci_low", "\(p).ci_high", "\(p).low", "\(p).high"] { valueUnits[k] = u }
            values += [(p, c.mean), ("\(p).ci_low", c.ciLow), ("\(p).ci_high", c.ciHigh), ("\(p).low", c.low), ("\(p).high", c.high),
                       ("\(p).z", c.z), ("\(p).meets", c.meets ? 1 : 0)]
        }
        // The best points by fit.
        let ranked = candidates.indices.sorted { a, b in
            cal.points[a].fit != cal.points[b].fit ? cal.points[a].fit < cal.points[b].fit : a < b
        }.prefix(5)
        let pointRows: [[DecisionResult.Cell]] = ranked.enumerated().map { n, k in
            [.text(n == 0 ? "fitted" : String(n + 1))] + candidates[k].values.map { .text($0) }
                + [.text(NumberFormat.general((cal.points[k].fit * 100).rounded() / 100)), .text(cal.points[k].consistent ? "yes" : "no")]
        }
        values += [("calibrate.fit", cal.points[best].fit), ("calibrate.fits", cal.points[best].consistent ? 1 : 0),
                   ("calibrate.consistent", Double(cal.consistent.count)), ("calibrate.points", Double(candidates.count)),
                   ("calibrate.replications", Double(replications)), ("calibrate.refined", Double(refinement?.added ?? 0))]
        let k = q.observations.count
        var searchNote = q.exhaustive ? "Every point of the grid (\(candidates.count))"
            : "A Latin hypercube of \(q.candidates.count) points of the grid's \(q.gridSize)"
        if let f = refinement {
            // The region the second stage covered, in the paths' own values.
            let added = candidates[(candidates.count - f.added)...]
            let box = q.paths.indices.map { j -> String in
                guard let lo = added.min(by: { $0.numbers[j] < $1.numbers[j] }), let hi = added.max(by: { $0.numbers[j] < $1.numbers[j] })
                else { return q.paths[j] }
                return "\(q.paths[j]) \(lo.values[j] == hi.values[j] ? lo.values[j] : "\(lo.values[j])..\(hi.values[j])")"
            }.joined(separator: ", ")
            let around = "the \(f.anchors) \(f.fromConsistent ? "consistent" : "best-fitting") point\(f.anchors == 1 ? "" : "s") found"
            if f.added == 0 {
                searchNote += ", then no more: the grid around \(around) had no point not yet run"
            } else {
                searchNote += ", then \(f.added) more in \(f.rounds) round\(f.rounds == 1 ? "" : "s") over the grid around "
                    + "\(around), one level past them\(f.sampled ? " (a Latin hypercube where that grid had over \(Self.refineExhaustiveLimit) points)" : "") "
                    + "(\(box))" + (f.invalid > 0 ? "; \(f.invalid) points make the scenario invalid and were skipped" : "")
            }
        }
        notes.insert(
            searchNote + (refinement == nil ? " " : ", ")
                + "run \(perPoint) times each on common random numbers. Fit: the sum over the figures of z², z = (mean - figure) / "
                + "sqrt(tolerance² + sd²) (a bound counts only when the mean is past it); the fitted plan has the lowest.", at: 0)
        notes.insert(
            "Consistent: every figure's band (value ± tolerance) meets the point's interval for one outcome, "
                + "mean ± t·sd·sqrt(1 + 1/n) at \(NumberFormat.percent(1 - 0.05 / Double(k))) each "
                + "(95% for the \(k) together); \(cal.consistent.count) of the \(candidates.count) points are. "
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
        result.settings = zip(q.paths, candidates[best].values).map { ($0, $1) }
        result.figures = figures
        result.units = valueUnits
        return result
    }

    /// A sampled search's second stage (docs/model.md, "Calibration"): the sub-grid spanning
    /// the points the sample found consistent (or, when none is, its five best fits), one
    /// level wider on each side.
    /// The bookkeeping of a refinement's rounds: the level indices of every point run (in
    /// run order, as the anchors' indices count them), those tried, and the tally.
    struct GridRefiner {
        let grid: GridPlans
        let limit: Int, sampled: Int
        var rows: [[Int]]
        var tried: Set<[Int]>
        var result = Refinement()

        init(_ grid: GridPlans, limit: Int = refineExhaustiveLimit, sampled: Int = refineSampled) {
            self.grid = grid
            self.limit = limit
            self.sampled = sampled
            rows = grid.rows
            tried = Set(grid.rows)
        }

        /// The plans of the next round around `anchors` (indices of points run), in order;
        /// nil when the round has no point not yet tried (the refinement is done).
        mutating func round(around anchors: [Int], fromConsistent: Bool = false) -> [OptimizeRequest.Candidate]? {
            guard !anchors.isEmpty else { return nil }
            let plan = refinementRows(levelCounts: grid.levelCounts, rows: rows, tried: tried, anchors: anchors,
                                      limit: limit, sampled: sampled)
            guard !plan.rows.isEmpty else { return nil }
            result.rounds += 1
            result.anchors = anchors.count
            result.fromConsistent = fromConsistent
            result.sampled = result.sampled || plan.sampled
            tried.formUnion(plan.rows)
            var added: [OptimizeRequest.Candidate] = []
            for row in plan.rows {
                guard let c = grid.plan(at: row) else { result.invalid += 1; continue }
                added.append(c)
                rows.append(row)
            }
            result.added += added.count
            return added
        }
    }

    struct Refinement {
        var rounds = 0
        /// The points the last round was around, and whether they were the consistent ones
        /// (else the best fits).
        var anchors = 0
        var fromConsistent = false
        var added = 0
        var invalid = 0
        var sampled = false
    }

    static let refineExhaustiveLimit = 125
    static let refineSampled = 64
    static let refineRounds = 4
    static let refineSeed: UInt64 = 31

    /// One round of a sampled search's refinement (docs/model.md, "Calibration" and
    /// "Choosing the best plan"): the sub-grid spanning the `anchors` (indices into `rows`:
    /// `calibrate`'s consistent points, `optimize`'s best feasible plans), one level past them
    /// on each side; its points not yet `tried` when there are at most `limit`, else those of
    /// a Latin hypercube of `count` of them.
    /// `rows`: the level indices of every point run, in run order.
    static func refinementRows(levelCounts: [Int], rows: [[Int]], tried: Set<[Int]>, anchors: [Int],
                               limit: Int = refineExhaustiveLimit, sampled count: Int = refineSampled) -> (rows: [[Int]], sampled: Bool) {
        var box: [ClosedRange<Int>] = []
        for j in levelCounts.indices {
            let used = anchors.map { rows[$0][j] }
            box.append(max(0, (used.min() ?? 0) - 1)...min(levelCounts[j] - 1, (used.max() ?? 0) + 1))
        }
        let boxSize = box.reduce(1.0) { $0 * Double($1.count) }
        var out: [[Int]]
        let sampled = boxSize > Double(limit)
        if !sampled {
            out = Design.fullFactorial(box.map { $0.map(Double.init) }).map { $0.map { Int($0) } }
        } else {
            out = Design.latinHypercube(count, box.map { Double($0.lowerBound)...Double($0.upperBound + 1) },
                                        seed: refineSeed &+ UInt64(tried.count))
                .map { point in zip(box, point).map { min($0.upperBound, Int($1)) } }
        }
        var kept = Set<[Int]>()
        out = out.filter { !tried.contains($0) && kept.insert($0).inserted }
        return (out, sampled)
    }
}
