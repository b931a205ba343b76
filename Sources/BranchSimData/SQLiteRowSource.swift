import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rows of one SQLite table (or view), read with the system's libsqlite3, read-only.
///
/// Cells come through as SQLite's text form of each value (an INTEGER 1200 as `1200`, a REAL as
/// `1234.5`), NULL as a missing value, so the CSV column rules apply unchanged. Locations name
/// the table and the rowid (the data row's number when the table has no rowid).
final class SQLiteRowSource: RowSource {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private let name: String
    private let table: String
    private let hasRowid: Bool
    private var dataRow = 0
    let header: [String]
    let headerLocation: DataLocation
    var encoding: DataEncoding? { nil }

    init(path: String, name: String, table: String) throws(DataDiagnostic) {
        self.name = name
        self.table = table
        let whole = DataLocation(file: name)
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw DataDiagnostic(.error, whole, "file not found",
                                 help: "check the path; it is read relative to the folder of the file that names it")
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil)
        self.db = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
            sqlite3_close(db)
            throw DataDiagnostic(.error, whole, "cannot open the database (\(message))")
        }
        // The table: listed in the schema (which also tells a non-database file).
        var tables: [String] = []
        var views: Set<String> = []
        var list: OpaquePointer?
        let listRC = sqlite3_prepare_v2(
            db, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name", -1, &list, nil)
        if listRC != SQLITE_OK {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_finalize(list)
            sqlite3_close(db)
            throw DataDiagnostic(.error, whole, "cannot read the database (\(message))",
                                 help: "name a SQLite 3 database file, or give a CSV file without 'table'")
        }
        while sqlite3_step(list) == SQLITE_ROW {
            if let t = sqlite3_column_text(list, 0) {
                tables.append(String(cString: t))
                if let kind = sqlite3_column_text(list, 1), String(cString: kind) == "view" { views.insert(tables.last!) }
            }
        }
        sqlite3_finalize(list)
        guard tables.contains(table) else {
            sqlite3_close(db)
            throw DataDiagnostic(.error, DataLocation(file: name, table: table), "no such table in the database",
                                 help: suggestion(table, among: tables, kind: "table"))
        }
        let quoted = Self.quote(table)
        var stmt: OpaquePointer?
        // A view's rowid is not the rows' (SQLite gives 0 or NULL): views are numbered by row.
        let withRowid = !views.contains(table)
            && sqlite3_prepare_v2(db, "SELECT rowid, * FROM \(quoted)", -1, &stmt, nil) == SQLITE_OK
        if !withRowid {
            sqlite3_finalize(stmt)
            stmt = nil
            // A view or a WITHOUT ROWID table.
            guard sqlite3_prepare_v2(db, "SELECT * FROM \(quoted)", -1, &stmt, nil) == SQLITE_OK else {
                let message = String(cString: sqlite3_errmsg(db))
                sqlite3_finalize(stmt)
                sqlite3_close(db)
                throw DataDiagnostic(.error, DataLocation(file: name, table: table), "cannot read the table (\(message))")
            }
        }
        let first = withRowid ? 1 : 0
        var cols: [String] = []
        for i in first..<Int(sqlite3_column_count(stmt)) {
            cols.append(sqlite3_column_name(stmt, Int32(i)).map { String(cString: $0) } ?? "")
        }
        statement = stmt
        hasRowid = withRowid
        header = cols
        headerLocation = DataLocation(file: name, table: table, row: 0)
    }

    /// The table's row count (for estimates); throws if the database or table cannot be read.
    static func count(path: String, table: String) throws -> Int {
        struct Unreadable: Error {}
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw Unreadable() }
        var stmt: OpaquePointer?
        defer { sqlite3_finalize(stmt) }
        guard sqlite3_prepare_v2(db, "SELECT count(*) FROM \(quote(table))", -1, &stmt, nil) == SQLITE_OK,
              sqlite3_step(stmt) == SQLITE_ROW else { throw Unreadable() }
        return Int(sqlite3_column_int64(stmt, 0))
    }

    /// An SQL identifier in double quotes.
    static func quote(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    func next(into row: inout RowBuffer) throws(DataDiagnostic) -> DataLocation? {
        row.clear()
        let rc = sqlite3_step(statement)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else {
            throw DataDiagnostic(.error, DataLocation(file: name, table: table, row: dataRow + 1),
                                 "cannot read the table (\(String(cString: sqlite3_errmsg(db))))")
        }
        dataRow += 1
        let first: Int32 = hasRowid ? 1 : 0
        let n = sqlite3_column_count(statement)
        for i in first..<n {
            row.startCell()
            if sqlite3_column_type(statement, i) == SQLITE_NULL {
                row.endCell(null: true)
                continue
            }
            if let p = sqlite3_column_text(statement, i) {
                let count = Int(sqlite3_column_bytes(statement, i))
                row.bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
            }
            row.endCell()
        }
        let rowid = hasRowid ? sqlite3_column_int64(statement, 0) : nil
        return DataLocation(file: name, table: table, row: dataRow, rowid: rowid)
    }
}
