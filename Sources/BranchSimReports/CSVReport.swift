import BranchSimModel
import Foundation

/// Comma-separated values for spreadsheets and scripts (RFC 4180 quoting, `\n` line ends).
public enum CSVReport {
    /// Long format, one row per replication x metric, replications in order and metrics in
    /// the run's order: `replication,seed,metric,value`.
    public static func long(_ r: RunResult) -> String {
        rows(header: "", [("", r)])
    }

    /// The long format of a whole document, so paired analysis works in a data frame:
    /// - a sweep: `path,point,replication,seed,metric,value`, every point in sweep order;
    /// - a comparison: `variant,replication,seed,metric,value`, every variant in the order
    ///   compared (with common random numbers, equal `replication` means the same draws);
    /// - otherwise the runs' `long` rows (one run: exactly `long(_:)`).
    public static func long(_ doc: ReportDocument) -> String {
        // `compare` forgets an earlier sweep, so a document holding both had its sweep last.
        if let s = doc.sweep, !s.points.isEmpty {
            let path = field(s.path)
            return rows(header: "path,point,", s.points.map { (path + "," + field($0.label) + ",", $0.result) })
        }
        if let c = doc.comparison, !c.runs.isEmpty {
            return rows(header: "variant,", c.runs.map { (field($0.label) + ",", $0) })
        }
        if doc.runs.count <= 1 { return rows(header: "", doc.runs.map { ("", $0) }) }
        return rows(header: "run,", doc.runs.map { (field($0.label) + ",", $0) })
    }

    /// `HEADERreplication,seed,metric,value`, then each run's rows behind its leading cells
    /// (`header` and `cells` end in a comma when not empty).
    private static func rows(header: String, _ runs: [(cells: String, run: RunResult)]) -> String {
        var out = header + "replication,seed,metric,value\n"
        for (cells, r) in runs {
            let seed = String(r.seed)
            let keys = r.metrics.map { field($0.key) }
            r.forEachReplication { index, values, _ in
                let prefix = cells + String(index) + "," + seed + ","
                for (i, key) in keys.enumerated() {
                    out += prefix + key + "," + number(values[i]) + "\n"
                }
            }
        }
        return out
    }

    /// Shortest round-trip decimal; whole numbers without `.0`; empty for NaN and infinities.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }

    /// A field quoted when it holds a comma, quote, CR or LF (quotes doubled).
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
