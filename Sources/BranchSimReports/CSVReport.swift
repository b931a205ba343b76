import BranchSimModel
import Foundation

/// Comma-separated values for spreadsheets and scripts (RFC 4180 quoting, `\n` line ends).
public enum CSVReport {
    /// Long format, one row per replication x metric, replications in order and metrics in
    /// the run's order: `replication,seed,metric,value`.
    public static func long(_ r: RunResult) -> String {
        var out = "replication,seed,metric,value\n"
        let seed = String(r.seed)
        let keys = r.metrics.map { field($0.key) }
        for rep in r.replications {
            let index = String(rep.index)
            for (i, key) in keys.enumerated() {
                out += index + "," + seed + "," + key + "," + number(rep.values[i]) + "\n"
            }
        }
        return out
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
            return labelled(header: "path,point", s.points.map { (path + "," + field($0.label), $0.result) })
        }
        if let c = doc.comparison, !c.runs.isEmpty {
            return labelled(header: "variant", c.runs.map { (field($0.label), $0) })
        }
        if doc.runs.isEmpty { return "replication,seed,metric,value\n" }
        if doc.runs.count == 1 { return long(doc.runs[0]) }
        return labelled(header: "run", doc.runs.map { (field($0.label), $0) })
    }

    /// `HEADER,replication,seed,metric,value`: each run's long rows behind its label cells.
    private static func labelled(header: String, _ runs: [(cells: String, run: RunResult)]) -> String {
        var out = header + ",replication,seed,metric,value\n"
        for (cells, r) in runs {
            let seed = String(r.seed)
            let keys = r.metrics.map { field($0.key) }
            for rep in r.replications {
                let prefix = cells + "," + String(rep.index) + "," + seed + ","
                for (i, key) in keys.enumerated() {
                    out += prefix + key + "," + number(rep.values[i]) + "\n"
                }
            }
        }
        return out
    }

    /// One row per metric of every run in the document (the runs, else the comparison's variants,
    /// else the sweep's points): `metric,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,label`.
    /// `label` names the run (`base`, a variant, or `PATH=VALUE` for a sweep point).
    public static func summary(_ doc: ReportDocument) -> String {
        var out = "metric,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,label\n"
        var runs: [(String, RunResult)] = doc.variants.map { ($0.label, $0) }
        if runs.isEmpty, let s = doc.sweep {
            runs = s.points.map { ("\(s.path)=\($0.label)", $0.result) }
        }
        for (label, r) in runs {
            for (m, s) in zip(r.metrics, r.metricSummaries()) {
                let cells = [field(m.key), m.unit.rawValue, String(s.n)]
                    + [s.mean, s.sd, s.ciLow, s.ciHigh, s.p5, s.p50, s.p95].map(number) + [field(label)]
                out += cells.joined(separator: ",") + "\n"
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
