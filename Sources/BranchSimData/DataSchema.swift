import BranchSimModel

/// The names a data table is checked against, as the scenario declares them.
public struct DataSchema: Sendable, Hashable {
    public struct ProductColumn: Sendable, Hashable {
        public var name: String
        /// A flat product's cell says whether the customer holds it (yes/no, or an amount > 0).
        public var flat: Bool

        public init(name: String, flat: Bool = false) {
            self.name = name
            self.flat = flat
        }
    }

    public var products: [ProductColumn]
    public var roles: [String]
    /// Lowest first, as the scenario declares them.
    public var tiers: [String]
    public var segments: [String]
    /// Outlets declared in the scenario (`branch NAME`). An outlets file may not repeat them;
    /// a customers file may name them and the outlets of an outlets file (`adding(outlets:)`).
    public var outlets: [String]

    public init(products: [ProductColumn], roles: [String] = [], tiers: [String] = [], segments: [String] = [],
                outlets: [String] = []) {
        self.products = products
        self.roles = roles
        self.tiers = tiers
        self.segments = segments
        self.outlets = outlets
    }

    /// The names a checked scenario declares.
    public init(scenario: Scenario) {
        self.init(products: scenario.products.map { ProductColumn(name: $0.name, flat: $0.flat) },
                  roles: scenario.roles.map(\.name), tiers: scenario.tiers.map(\.name),
                  segments: scenario.segments.map(\.name), outlets: scenario.branches.map(\.name))
    }

    /// This schema with the outlets of an outlets file added (for reading customers of imported outlets).
    public func adding(outlets table: OutletTable) -> DataSchema {
        var s = self
        s.outlets += table.outlets.map(\.name)
        return s
    }
}

/// A header's columns, matched by name: trimmed, ASCII letters in lower case, spaces and
/// hyphens read as `_` (`Balance Deposit` is `balance_deposit`).
struct HeaderColumns {
    let names: [String]
    let keys: [String]
    let location: DataLocation
    private(set) var used: [Bool]

    init(_ header: [String], location: DataLocation) {
        names = header
        keys = header.map(HeaderColumns.key)
        used = Array(repeating: false, count: header.count)
        self.location = location
    }

    static func key(_ s: String) -> String {
        String(s.trimmingSpacesString().map { c -> Character in
            if c == " " || c == "-" { return "_" }
            return c.isASCII ? Character(c.lowercased()) : c
        })
    }

    func column(_ i: Int) -> DataColumn { DataColumn(name: names[i], index: i + 1) }

    /// The first column whose key is one of `keys`; marks it used.
    mutating func find(_ wanted: String...) -> Int? {
        for (i, k) in keys.enumerated() where wanted.contains(k) {
            used[i] = true
            return i
        }
        return nil
    }

    /// Columns `PREFIX_NAME`: (column index, the NAME as written); marks them used.
    mutating func prefixed(_ prefix: String) -> [(Int, String)] {
        var out: [(Int, String)] = []
        for (i, k) in keys.enumerated() where k.hasPrefix(prefix) && k.count > prefix.count {
            used[i] = true
            let name = String(names[i].trimmingSpacesString().dropFirst(prefix.count))
            out.append((i, name))
        }
        return out
    }

    /// Columns `PREFIX_NAME` whose NAME is one of `declared`: (column, index into `declared`);
    /// an error for each other NAME, with the near miss or how to declare it.
    mutating func declared(_ prefix: String, _ declared: [String], kind: String, declare: String,
                           _ diagnostics: inout DiagnosticCollector) -> [(col: Int, index: Int)] {
        var out: [(Int, Int)] = []
        for (col, name) in prefixed(prefix) {
            if let i = HeaderColumns.match(name, in: declared) {
                out.append((col, i))
            } else {
                diagnostics.error(location.at(column(col)), "no \(kind) '\(name)' is declared",
                                  help: nearest(name, in: declared).map { "did you mean '\(prefix)\($0)'?" }
                                    ?? "declare it (\(declare.replacingName(with: name))) or remove the column")
            }
        }
        return out
    }

    /// Index of each of `declared` in `found` names (case-insensitive for ASCII), reporting unknown ones.
    static func match(_ name: String, in declared: [String]) -> Int? {
        if let i = declared.firstIndex(of: name) { return i }
        let k = key(name)
        return declared.firstIndex { key($0) == k }
    }

    /// Errors for repeated columns; warnings for columns nothing uses.
    func checkRest(_ diagnostics: inout DiagnosticCollector, known: String) {
        var seen: [String: Int] = [:]
        for (i, k) in keys.enumerated() {
            if let first = seen[k] {
                diagnostics.error(location.at(column(i)), "column '\(names[i])' repeats column \(first + 1)",
                                  help: "remove or rename one of them")
            } else {
                seen[k] = i
            }
        }
        for i in keys.indices where !used[i] && seen[keys[i]] == i {
            if keys[i].isEmpty {
                diagnostics.warning(location.at(column(i)), "a column without a name is ignored")
            } else {
                diagnostics.warning(location.at(column(i)), "column '\(names[i])' is not used",
                                    help: "the columns read are \(known); remove it or check its spelling")
            }
        }
    }
}

extension String {
    func trimmingSpacesString() -> String { self[...].trimmingSpaces() }

    /// `'product NAME points 1.0'` with NAME replaced.
    func replacingName(with name: String) -> String {
        split(separator: "NAME", omittingEmptySubsequences: false).joined(separator: name)
    }
}

/// Opens a source and reads its header: the rows to come, the header's columns, and a collector.
func openTable(_ source: DataSource, errorLimit: Int) throws(DataLoadError)
    -> (rows: any RowSource, header: HeaderColumns, diagnostics: DiagnosticCollector) {
    do {
        let rows = try openRows(source)
        return (rows, HeaderColumns(rows.header, location: rows.headerLocation), DiagnosticCollector(limit: errorLimit))
    } catch {
        throw DataLoadError(diagnostics: [error])
    }
}
