import BranchSimModel

/// A column of a data table: its header text and its 1-based position.
public struct DataColumn: Sendable, Hashable {
    public var name: String
    /// 1-based, as a spreadsheet user counts (column 1 is A).
    public var index: Int

    public init(name: String, index: Int) {
        self.name = name
        self.index = index
    }
}

/// Where in a data source a problem is: the file (and table), the row and the column.
///
/// A problem with the whole file has no row; a problem with the header has row 0 and line 1
/// (or the header's line); a problem with one cell has all of them.
public struct DataLocation: Sendable, Hashable {
    /// The path as the caller gave it.
    public var file: String
    /// The SQLite table; `nil` for a CSV file.
    public var table: String?
    /// 1-based data row (blank rows are not counted); 0 is the header; `nil`: the whole source.
    public var row: Int?
    /// The physical line the row starts on (CSV only: a quoted field can span lines).
    public var line: Int?
    /// The row's SQLite rowid (SQLite only, when the table has one).
    public var rowid: Int64?
    public var column: DataColumn?

    public init(file: String, table: String? = nil, row: Int? = nil, line: Int? = nil, rowid: Int64? = nil,
                column: DataColumn? = nil) {
        self.file = file
        self.table = table
        self.row = row
        self.line = line
        self.rowid = rowid
        self.column = column
    }

    /// The same place in another column.
    public func at(_ column: DataColumn?) -> DataLocation {
        var l = self
        l.column = column
        return l
    }

    /// `outlets.csv:5` for a CSV row, `crm.sqlite` for a database.
    var prefix: String { line.map { "\(file):\($0)" } ?? file }

    /// `row 4, column 2 'customers'`, `table 'customers', rowid 17, column 3 'balance_deposit'`.
    public var place: String {
        var parts: [String] = []
        if let table { parts.append("table '\(table)'") }
        if let rowid {
            parts.append("rowid \(rowid)")
        } else if let row, row > 0 {
            parts.append("row \(row)")
        } else if row == 0 {
            parts.append("header")
        }
        if let column { parts.append("column \(column.index) '\(column.name)'") }
        return parts.joined(separator: ", ")
    }
}

/// A problem found in a data source, with where it is and what to do about it.
///
/// Messages follow the language's style: lowercase, values in single quotes, no final period.
/// Rendered as
///
/// ```
/// customers.csv:5: error: row 4, column 3 'balance_deposit': negative balance '-1200'
///   = help: balances are 0 or more; write a loan as its own product, not a negative deposit
/// ```
public struct DataDiagnostic: Sendable, Hashable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    public var location: DataLocation
    public var message: String
    /// What to do, one line; `nil` when the message says it.
    public var help: String?

    public init(_ severity: Severity, _ location: DataLocation, _ message: String, help: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.help = help
    }

    public var isError: Bool { severity == .error }

    /// The first line: `file:line: severity: place: message`.
    public var description: String {
        let place = location.place
        return "\(location.prefix): \(severity.rawValue): " + (place.isEmpty ? message : "\(place): \(message)")
    }

    /// The first line and the help line.
    public var rendered: String {
        help.map { "\(description)\n  = help: \($0)" } ?? description
    }
}

/// A data source that could not be loaded: its errors (at most `DataLimits.errors` of them),
/// how many more there were, and the warnings. Nothing of the source was kept.
public struct DataLoadError: Error, Sendable, CustomStringConvertible {
    /// Errors then warnings, each in the order found; errors capped.
    public var diagnostics: [DataDiagnostic]
    /// Errors found beyond the cap and not listed.
    public var moreErrors: Int

    public init(diagnostics: [DataDiagnostic], moreErrors: Int = 0) {
        self.diagnostics = diagnostics
        self.moreErrors = moreErrors
    }

    public var errors: [DataDiagnostic] { diagnostics.filter(\.isError) }

    /// Every diagnostic rendered, then `and N more errors` when the cap was reached.
    public var description: String {
        var lines = diagnostics.map(\.rendered)
        if moreErrors > 0, let file = diagnostics.first?.location.file {
            lines.append("\(file): error: and \(moreErrors) more error\(moreErrors == 1 ? "" : "s") (the first \(errors.count) are shown)")
        }
        return lines.joined(separator: "\n")
    }
}

public enum DataLimits {
    /// Errors listed per source before the rest are only counted (as the language caps its own).
    public static let errors = 20
}

/// Collects a source's diagnostics, listing the first `limit` errors and counting the rest.
struct DiagnosticCollector {
    let limit: Int
    private(set) var errors: [DataDiagnostic] = []
    private(set) var warnings: [DataDiagnostic] = []
    private(set) var moreErrors = 0

    init(limit: Int = DataLimits.errors) { self.limit = max(1, limit) }

    var hasErrors: Bool { !errors.isEmpty }

    mutating func error(_ location: DataLocation, _ message: String, help: String? = nil) {
        if errors.count < limit {
            errors.append(DataDiagnostic(.error, location, message, help: help))
        } else {
            moreErrors += 1
        }
    }

    mutating func warning(_ location: DataLocation, _ message: String, help: String? = nil) {
        if warnings.count < limit { warnings.append(DataDiagnostic(.warning, location, message, help: help)) }
    }

    mutating func add(_ d: DataDiagnostic) {
        if d.isError { error(d.location, d.message, help: d.help) } else { warning(d.location, d.message, help: d.help) }
    }

    /// Throws every error (and the warnings) if there is any error.
    func check() throws(DataLoadError) {
        if hasErrors { throw DataLoadError(diagnostics: errors + warnings, moreErrors: moreErrors) }
    }
}

/// The closest of `candidates` to `name` within a small edit distance, for "did you mean".
func nearest(_ name: String, in candidates: [String]) -> String? {
    let a = name.lowercased()
    var best: (String, Int)?
    for c in candidates {
        let b = c.lowercased()
        let d = editDistance(a, b)
        if d <= max(1, min(a.count, b.count) / 3), best.map({ d < $0.1 }) ?? true { best = (c, d) }
    }
    return best?.0
}

/// ` (did you mean 'x'?)`-style help: the near miss if any, else the list of what is known.
func suggestion(_ name: String, among known: [String], kind: String) -> String {
    if let n = nearest(name, in: known) { return "did you mean '\(n)'?" }
    if known.isEmpty { return "no \(kind) is declared" }
    let shown = known.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
    return "the \(kind)s are \(shown)" + (known.count > 8 ? " and \(known.count - 8) more" : "")
}
