import BranchSimModel

/// What a run says of its uncertain inputs (docs/model.md, "Uncertain inputs"): the values
/// they drew, each in its own unit (a rate as a percentage, an amount as money), and that the
/// spread of the results includes theirs; `sensitivity` separates the two.
public enum InputReports {
    /// The run's input metrics (`input.PATH`), in catalogue order.
    public static func inputKeys(_ r: RunResult) -> [String] {
        r.metrics.map(\.key).filter { $0.hasPrefix("input.") }
    }

    /// The line under a run's tables when it has uncertain inputs.
    public static func note(count: Int) -> String {
        "\(count == 1 ? "1 uncertain input is" : "\(count) uncertain inputs are") drawn once per replication: the spread (p5..p95) of"
            + " every metric includes the inputs' spread as well as Monte Carlo noise; 'sensitivity of METRIC' separates the two"
            + " and ranks the inputs."
    }

    /// The inputs' table for `run`'s text report, or `nil` without inputs.
    static func text(_ r: RunResult, options: ReportOptions) -> String? {
        let keys = inputKeys(r)
        guard !keys.isEmpty else { return nil }
        return TextReports.metricTable(r, keys: keys, title: "uncertain inputs (the values drawn)", options: options).render()
            + note(count: keys.count) + "\n"
    }

    /// The inputs' table for the HTML summary, or `nil` when no run has inputs.
    static func html(_ variants: [RunResult], options: ReportOptions) -> String? {
        var keys: [String] = []
        for r in variants { for k in inputKeys(r) where !keys.contains(k) { keys.append(k) } }
        guard !keys.isEmpty else { return nil }
        var rows: [[(String, String)]] = []
        for key in keys {
            var row = [(HTMLReport.esc(key), "")]
            for r in variants {
                guard let s = r.summary(of: key) else { row += [(NumberFormat.missing, "num"), ("", "num ci")]; continue }
                let unit = MetricUnits.unit(of: key, in: r)
                row.append((HTMLReport.esc(NumberFormat.value(s.mean, unit: unit, units: options.units)), "num"))
                row.append((HTMLReport.esc(NumberFormat.interval(s.p5, s.p95, unit: unit, units: options.units)), "num ci"))
            }
            rows.append(row)
        }
        return "<h3>Uncertain inputs (mean and p5 .. p95 of the values drawn)</h3>\n"
            + HTMLReport.table([("input", false)] + variants.flatMap { [($0.label, true), ("p5 .. p95", true)] }, rows)
            + "<p class=\"note\">\(HTMLReport.esc(note(count: keys.count)))</p>\n"
    }
}
