import BranchSimModel

// MARK: decisions — how a `sensitivity` or `optimize` result is shown.

extension DecisionResult.Cell {
    /// The cell as text, in the report's money units.
    func text(_ options: ReportOptions, signed: Bool = false) -> String {
        switch self {
        case .text(let s): return s
        case .value(let v, let u):
            let s = NumberFormat.value(v, unit: u, units: options.units)
            return signed && v > 0 ? "+" + s : s
        case .interval(let a, let b, let u): return NumberFormat.interval(a, b, unit: u, units: options.units)
        case .share(let p): return NumberFormat.percent(p)
        }
    }

    var isText: Bool { if case .text = self { return true } else { return false } }

    var json: JSONValue {
        switch self {
        case .text(let s): return .string(s)
        case .value(let v, _), .share(let v): return .finite(v)
        case .interval(let a, let b, _): return .array([.finite(a), .finite(b)])
        }
    }
}

extension TextReports {
    /// The table of a decision statement, then its notes.
    public static func decisionReport(_ d: DecisionResult, options: ReportOptions = ReportOptions()) -> String {
        let main = DecisionResult.Table(title: d.title, columns: d.columns, rows: d.rows)
        return ([main] + d.tables).map { table($0, options: options) }.joined(separator: "\n")
            + (d.notes.isEmpty ? "" : "\n" + d.notes.joined(separator: "\n"))
            + "\n"  // ends with a line break, as the other reports do: a blank line follows it
    }

    static func table(_ d: DecisionResult.Table, options: ReportOptions) -> String {
        var t = TextTable(title: d.title, columns: d.columns.enumerated().map { i, h in
            TextTable.Column(h, d.rows.first.map { $0.indices.contains(i) && $0[i].isText } == true ? .left : .right)
        })
        for row in d.rows { t.add(row.map { $0.text(options, signed: false) }) }
        return t.render()
    }
}

extension JSONReport {
    /// `decision`: its kind, metric, table and named values (docs/json-schema.md).
    static func decision(_ d: DecisionResult) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for (k, v) in d.values { values[k] = .finite(v) }
        var object: [String: JSONValue] = [
            "kind": .string(d.kind.rawValue),
            "title": .string(d.title),
            "metric": .string(d.metric),
            "unit": .string(d.unit.rawValue),
            "columns": .array(d.columns.map { .string($0) }),
            "rows": .array(d.rows.map { .array($0.map(\.json)) }),
            "notes": .array(d.notes.map { .string($0) }),
            "values": .object(values),
        ]
        if !d.units.isEmpty {
            object["value_units"] = .object(d.units.mapValues { .string($0.rawValue) })
        }
        // Only when there are some, so the other decisions' documents stay as they were.
        if !d.tables.isEmpty {
            object["tables"] = .array(d.tables.map { t in
                .object(["title": .string(t.title), "columns": .array(t.columns.map { .string($0) }),
                         "rows": .array(t.rows.map { .array($0.map(\.json)) })])
            })
        }
        return .object(object)
    }

}

extension HTMLReport {
    /// The decision's table, its chart (sensitivity: the tornado; calibrate: the observed
    /// figures against the fitted plan), its further tables and its notes.
    static func decision(_ d: DecisionResult, options: ReportOptions) -> String {
        var out = "<section id=\"decision\">\n<h2>\(esc(d.title))</h2>\n"
        if !d.bars.isEmpty {
            out += figure("What moves \(d.metric)", note: "mean of \(d.metric) with each input at its low and high setting; line: the base",
                          Charts.tornado(d.bars, base: d.base, unit: d.unit, metric: d.metric)) + "\n"
        }
        if !d.figures.isEmpty {
            out += figure("Observed figures against the fitted plan",
                          note: "band: what the bank saw; thin line: the fitted plan's interval for one outcome; "
                              + "thick: the 95% CI of its mean; dot: the mean. Each figure on its own scale.",
                          Charts.calibration(d.figures, title: "Observed figures against the fitted plan")) + "\n"
        }
        let header = d.columns.enumerated().map { i, h in (h, !(d.rows.first.map { $0.indices.contains(i) && $0[i].isText } ?? true)) }
        out += table(header, d.rows.map { $0.map { ($0.text(options).htmlEscaped, $0.isText ? "" : "num") } }) + "\n"
        for t in d.tables {
            let head = t.columns.enumerated().map { i, h in (h, !(t.rows.first.map { $0.indices.contains(i) && $0[i].isText } ?? true)) }
            out += "<h3>\(esc(t.title))</h3>\n"
            out += table(head, t.rows.map { $0.map { ($0.text(options).htmlEscaped, $0.isText ? "" : "num") } }) + "\n"
        }
        for n in d.notes { out += "<p class=\"note\">\(esc(n))</p>\n" }
        return out + "</section>"
    }
}

extension String {
    fileprivate var htmlEscaped: String { XML.escape(self) }
}
