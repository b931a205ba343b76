/// Where a data table comes from: a CSV file or a table of a SQLite database.
public enum DataSource: Sendable, Hashable {
    /// `path` is opened as given; `name` is what diagnostics call it (the path as the scenario wrote it).
    case csv(path: String, name: String? = nil, encoding: DataEncoding = .automatic)
    case sqlite(path: String, name: String? = nil, table: String)

    var displayName: String {
        switch self {
        case .csv(let path, let name, _), .sqlite(let path, let name, _): return name ?? path
        }
    }
}

/// A stream of rows with a header, the same for CSV and SQLite, so one set of column rules reads both.
protocol RowSource: AnyObject {
    /// Header cells as written (trimmed).
    var header: [String] { get }
    /// Where the header is (for missing or unknown columns).
    var headerLocation: DataLocation { get }
    /// Reads the next non-blank row into `row`; returns its location (without a column), or `nil` at the end.
    func next(into row: inout RowBuffer) throws(DataDiagnostic) -> DataLocation?
    /// The text encoding a CSV file was read in (known once all of it is read); `nil` for SQLite.
    var encoding: DataEncoding? { get }
}

/// Opens a source and reads its header.
func openRows(_ source: DataSource) throws(DataDiagnostic) -> any RowSource {
    switch source {
    case .csv(let path, let name, let encoding):
        return try CSVRowSource(path: path, name: name ?? path, encoding: encoding)
    case .sqlite(let path, let name, let table):
        return try SQLiteRowSource(path: path, name: name ?? path, table: table)
    }
}

final class CSVRowSource: RowSource {
    private var tokenizer: CSVTokenizer
    private let source: UTF8ChunkSource
    private let name: String
    private var dataRow = 0
    let header: [String]
    let headerLocation: DataLocation

    init(path: String, name: String, encoding: DataEncoding) throws(DataDiagnostic) {
        self.name = name
        source = try UTF8ChunkSource(path: path, displayName: name, encoding: encoding)
        tokenizer = CSVTokenizer(source: source)
        var row = RowBuffer()
        var headerLine = 1
        while true {
            guard let line = try tokenizer.nextRow(into: &row) else {
                throw DataDiagnostic(.error, DataLocation(file: name), "the file is empty",
                                     help: "the first line names the columns, then one line per row")
            }
            headerLine = line
            if !row.isBlank { break }
        }
        var cells: [String] = []
        for i in 0..<row.count {
            guard let t = row.text(i) else {
                throw DataDiagnostic(.error, DataLocation(file: name, row: 0, line: headerLine,
                                                          column: DataColumn(name: row.shown(i), index: i + 1)),
                                     "the header is not valid \(source.encoding == .gb18030 ? "GB18030" : "UTF-8")",
                                     help: "save the file as \"CSV UTF-8 (comma delimited)\"")
            }
            cells.append(t)
        }
        // Trailing empty header cells (a spreadsheet's stray commas) are not columns.
        while let last = cells.last, last.isEmpty, cells.count > 1 { cells.removeLast() }
        header = cells
        headerLocation = DataLocation(file: name, row: 0, line: headerLine)
    }

    /// `.automatic` while only ASCII has been read (the file is the same in either encoding).
    var encoding: DataEncoding? { source.encoding }

    func next(into row: inout RowBuffer) throws(DataDiagnostic) -> DataLocation? {
        while let line = try tokenizer.nextRow(into: &row) {
            if row.isBlank, row.problem == nil { continue }
            dataRow += 1
            return DataLocation(file: name, row: dataRow, line: line)
        }
        return nil
    }
}
