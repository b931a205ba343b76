import BranchSimModel

/// The machine-readable result: schema `branchsim.result/1`, documented in docs/json-schema.md.
///
/// The same document always renders to the same bytes: keys sorted, numbers in shortest
/// round-trip form, NaN and infinities as `null`.
public enum JSONReport {
    public static let schema = "branchsim.result/1"

    /// - Parameter threads: threads for the summaries (`nil`: every processor), so that
    ///   `--threads 1` means one thread from start to end.
    public static func render(_ doc: ReportDocument, threads: Int? = nil) -> String {
        value(doc, threads: threads).rendered()
    }

    /// The document as a JSON value (for embedding or inspection).
    public static func value(_ doc: ReportDocument, threads: Int? = nil) -> JSONValue {
        var root: [String: JSONValue] = [
            "schema": .string(schema),
            "scenario": .string(doc.title),
            "runs": .array(runs(doc, threads: threads)),
            "expectations": .array(doc.expectations.map(expectation)),
        ]
        root["comparison"] = doc.comparison.map(comparison) ?? .null
        root["sweep"] = doc.sweep.map(sweep) ?? .null
        // Only when there are rankings, so documents without them keep their bytes.
        if !doc.rankings.isEmpty { root["rankings"] = .array(doc.rankings.map(ranking)) }
        // Only when there is one, so documents without a decision stay as they were.
        if let d = doc.decision { root["decision"] = decision(d) }
        return .object(root)
    }

    /// Every run the document holds, labelled: each point of the sweep (`path`, `point`), else
    /// each variant of the comparison (`variant`), else the plain runs. `compare` forgets an
    /// earlier sweep, so a document holding both had its sweep last.
    static func runs(_ doc: ReportDocument, threads: Int?) -> [JSONValue] {
        func labelled(_ r: RunResult, _ extra: [String: JSONValue]) -> JSONValue {
            guard case .object(var o) = run(r, threads: threads) else { return .null }
            for (k, v) in extra { o[k] = v }
            return .object(o)
        }
        if let s = doc.sweep, !s.points.isEmpty {
            return s.points.map { labelled($0.result, ["path": .string(s.path), "point": .string($0.label)]) }
        }
        if let c = doc.comparison, !c.runs.isEmpty {
            return c.runs.map { labelled($0, ["variant": .string($0.label)]) }
        }
        return doc.runs.map { run($0, threads: threads) }
    }

    static func summary(_ s: MetricSummary, unit: MetricUnit?) -> JSONValue {
        var o: [String: JSONValue] = [
            "n": .integer(Int64(s.n)), "mean": .finite(s.mean), "sd": .finite(s.sd),
            "ci_low": .finite(s.ciLow), "ci_high": .finite(s.ciHigh), "p5": .finite(s.p5),
            "p50": .finite(s.p50), "p95": .finite(s.p95), "min": .finite(s.min), "max": .finite(s.max),
        ]
        if let unit { o["unit"] = .string(unit.rawValue) }
        return .object(o)
    }

    static func run(_ r: RunResult, threads: Int? = nil) -> JSONValue {
        let summaries = r.allSummaries(threads: threads)
        var metrics: [String: JSONValue] = [:]
        for (i, m) in r.metrics.enumerated() {
            metrics[m.key] = summary(summaries.metrics[i], unit: m.unit)
        }
        var series: [String: JSONValue] = [:]
        for (k, name) in r.series.enumerated() {
            let bands = summaries.series[k]
            series[name] = .array(bands.enumerated().map { t, b in
                .object(["step": .integer(Int64(t + 1)), "p5": .finite(b.p5), "p50": .finite(b.p50),
                         "p95": .finite(b.p95), "mean": .finite(b.mean)])
            })
        }
        return .object([
            "label": .string(r.label),
            "title": .string(r.title),
            "seed": .unsigned(r.seed),
            "replications": .integer(Int64(r.count)),
            // The series' bands summarise the first replications only (RunResult.seriesReplications).
            "series_replications": .integer(Int64(r.seriesCount)),
            "stopping": .string(TextReports.stoppingText(r.stopping)),
            "steps": .integer(Int64(r.steps)),
            "step_unit": .string(r.stepUnit),
            "available_fte": .object(r.availableFTE.mapValues { .finite($0) }),
            "metric_order": .array(r.metrics.map { .string($0.key) }),
            "metrics": .object(metrics),
            "series": .object(series),
            "outlet_staffing": .array(TextReports.outletStaffingRows(r).map { row in
                .object([
                    "outlet": .string(row.outlet ?? ""), "role": .string(row.role), "hours": .finite(row.hours),
                    "fte_mean": .finite(row.fteMean), "fte_p95": .finite(row.fteP95), "peak_fte": .finite(row.peakFTE),
                    "managed_fte": .finite(row.managedFTE), "available": .finite(row.available),
                    "shortfall": .finite(row.shortfall), "status": .string(row.status),
                ])
            }),
        ])
    }

    static func comparison(_ c: ComparisonResult) -> JSONValue {
        var metrics: [String: JSONValue] = [:]
        for key in c.expandedMetrics {
            let unit = MetricUnits.unit(of: key, in: c.runs.first)
            let variants: [JSONValue] = c.runs.map { r in
                .object(["label": .string(r.label), "summary": r.summary(of: key).map { summary($0, unit: unit) } ?? .null])
            }
            let diffs: [JSONValue] = c.runs.indices.dropFirst().map { later in
                .object([
                    "first": .string(c.runs[0].label),
                    "later": .string(c.runs[later].label),
                    "diff": c.difference(of: key, later: later).map { summary($0, unit: unit) } ?? .null,
                    "prob_better": .finite(c.probabilityBetter(of: key, later: later)),
                ])
            }
            metrics[key] = .object(["unit": .string(unit.rawValue), "variants": .array(variants), "diffs": .array(diffs)])
        }
        return .object([
            "variants": .array(c.runs.map { .string($0.label) }),
            "independent": .bool(c.independent),
            "replications": .integer(Int64(c.runs.first?.count ?? 0)),
            "selectors": .array(c.metrics.map { .string($0) }),
            "metric_order": .array(c.expandedMetrics.map { .string($0) }),
            "metrics": .object(metrics),
        ])
    }

    static func sweep(_ s: SweepResult) -> JSONValue {
        let keys = s.points.first.map { ReportSelection.expand(s.metrics, in: $0.result) } ?? []
        return .object([
            "path": .string(s.path),
            "selectors": .array(s.metrics.map { .string($0) }),
            "metric_order": .array(keys.map { .string($0) }),
            "points": .array(s.points.map { p in
                var m: [String: JSONValue] = [:]
                for key in keys {
                    m[key] = p.result.summary(of: key).map { summary($0, unit: MetricUnits.unit(of: key, in: p.result)) } ?? .null
                }
                return .object([
                    "label": .string(p.label), "value": .finite(p.value),
                    "replications": .integer(Int64(p.result.count)), "seed": .unsigned(p.result.seed),
                    "metrics": .object(m),
                ])
            }),
        ])
    }

    static func ranking(_ k: OutletRanking) -> JSONValue {
        .object([
            "metric": .string(k.metric), "label": .string(k.label), "echelons": .integer(Int64(k.echelons)),
            "replications": .integer(Int64(k.replications)),
            "outlets": .array(k.outlets.indices.map { o in
                .object([
                    "outlet": .string(k.outlets[o]), "mean": .finite(k.meanValue[o]), "mean_rank": .finite(k.meanRank(o)),
                    "rank_probabilities": .array((1...max(1, k.outlets.count)).map { .finite(k.rankProbability(o, rank: $0)) }),
                    "echelon_probabilities": .array(k.echelonProbabilities(o).map { .finite($0) }),
                ])
            }),
        ])
    }

    static func expectation(_ o: ExpectationOutcome) -> JSONValue {
        guard case .object(var fields) = expectationFields(o) else { return .null }
        // Only with metrics on the right side (`fte.p95 <= available`): its value.
        if let a = o.against { fields["against"] = .finite(a) }
        return .object(fields)
    }

    static func expectationFields(_ o: ExpectationOutcome) -> JSONValue {
        .object([
            "text": .string(o.expectation.text),
            "path": .string(o.expectation.path.description),
            "passed": .bool(o.passed),
            "measured": .finite(o.measured),
            "ci_low": .finite(o.intervalLow),
            "ci_high": .finite(o.intervalHigh),
            "file": .string(o.location.file),
            "line": .integer(Int64(o.location.line)),
            "column": .integer(Int64(o.location.column)),
        ])
    }
}
