import BranchSimData
import BranchSimModel
import Foundation

/// What a file's data statements read (`branches from "FILE"`, `customers from "FILE" [table
/// T]`): read once per check, before any scenario is built, and shared by the base scenario,
/// its variants and the points of its sweeps (docs/data.md).
final class DataImports {
    /// An outlet of an outlets file, with the statement that read it.
    struct Outlet {
        var record: OutletRecord
        var statement: Statement
        /// The file as diagnostics name it.
        var file: String
    }

    var outlets: [Outlet] = []
    /// Networks of the outlets files: members are indices into `outlets`.
    var networks: [(name: String, hub: Int, satellites: [Int], statement: Statement, file: String)] = []
    var customers: ImportedCustomers?
    /// Every data statement was read without an error.
    var ok = true

    var isEmpty: Bool { outlets.isEmpty && customers == nil }

    /// Reads the data statements among `statements` (outlets first, then customers, which may
    /// name the outlets), against the names `decls` declare. Problems go to `sink`.
    static func read(_ statements: [Statement], decls: [Statement], loader: any SourceLoader,
                     sink: inout DiagnosticSink) -> DataImports {
        let out = DataImports()
        let schema = Self.schema(decls)
        var customerStatement: Statement?
        for s in statements where s.kind == .branches {
            guard let (source, shown) = Self.source(s, loader: loader, sink: &sink) else { out.ok = false; continue }
            do {
                // Clashes with declared branches are reported here, naming both places.
                let table = try DataCache.outlets(source, schema: schema)
                report(table.warnings, s, &sink)
                let first = out.outlets.count
                for r in table.outlets { out.outlets.append(Outlet(record: r, statement: s, file: shown)) }
                for n in table.networks {
                    out.networks.append((n.name, first + n.hub, n.satellites.map { first + $0 }, s, shown))
                }
            } catch {
                report(error, s, &sink)
                out.ok = false
            }
        }
        // An outlet named twice, in two files or in a file and a 'branch' statement.
        var seen: [String: Int] = [:]
        for (i, o) in out.outlets.enumerated() {
            if let j = seen[o.record.name] {
                let other = out.outlets[j]
                sink.error(.dataOutletTwice, "outlet '\(o.record.name)' is imported twice", o.statement.range,
                           [.note("\(place(o.record.location)) and \(place(other.record.location))"),
                            .help("outlet names must be unique: rename or remove one of the rows")])
                out.ok = false
            } else {
                seen[o.record.name] = i
            }
        }
        for d in decls where d.kind == .branch {
            guard let name = d.name, let i = seen[name] else { continue }
            let o = out.outlets[i]
            sink.error(.dataOutletDeclared, "branch '\(name)' is declared here and imported from '\(o.file)'", d.nameRange ?? d.keywordRange,
                       [.note("imported at \(place(o.record.location)), read by '\(o.statement.kind.rawValue) from' at \(sink.location(of: o.statement.keywordRange))"),
                        .help("branch names must be unique: remove the 'branch \(name)' statement or the file's row, or rename one")])
            out.ok = false
        }
        for d in decls where d.kind == .network {
            guard let name = d.name, let n = out.networks.first(where: { $0.name == name }) else { continue }
            sink.error(.dataNetworkDeclared, "network '\(name)' is declared here and imported from '\(n.file)'", d.nameRange ?? d.keywordRange,
                       [.note("read by '\(n.statement.kind.rawValue) from' at \(sink.location(of: n.statement.keywordRange))"),
                        .help("network names must be unique: remove the 'network \(name)' statement or rename the file's network")])
            out.ok = false
        }
        // Customers are checked against the outlets: not against a part of them.
        for s in statements where s.kind == .customers && out.ok {
            if let first = customerStatement {
                sink.error(.dataCustomersTwice, "customers are already read by 'customers from' at \(sink.location(of: first.keywordRange))", s.keywordRange,
                           [.help("read the customers from one file or table")])
                out.ok = false
                continue
            }
            customerStatement = s
            guard let (source, shown) = Self.source(s, loader: loader, sink: &sink) else { out.ok = false; continue }
            var cs = schema
            cs.outlets = decls.filter { $0.kind == .branch }.compactMap(\.name) + out.outlets.map(\.record.name)
            if cs.outlets.isEmpty { cs.outlets = [LanguageDefaults.branchName] }
            do {
                let (customers, warnings) = try DataCache.customers(source, schema: cs, shown: shown)
                report(warnings, s, &sink)
                out.customers = customers
            } catch {
                report(error, s, &sink)
                out.ok = false
            }
        }
        return out
    }

    /// The names the scenario's statements declare (the data is read before the scenario is
    /// built: campaigns may be held at imported outlets).
    static func schema(_ decls: [Statement]) -> DataSchema {
        func names(_ k: StatementKind) -> [String] { decls.filter { $0.kind == k }.compactMap(\.name) }
        var products = decls.filter { $0.kind == .product }.compactMap { s in
            s.name.map { DataSchema.ProductColumn(name: $0, flat: s.properties.contains { $0.key == ProductKey.flat.rawValue }) }
        }
        if products.isEmpty { products = LanguageDefaults.products.map { .init(name: $0.name, flat: $0.flat) } }
        var tiers = names(.tier)
        if tiers.isEmpty { tiers = LanguageDefaults.tiers.map(\.name) }
        // No outlets: a clash with a declared branch is reported by `read`, naming both places.
        return DataSchema(products: products, roles: names(.role), tiers: tiers, segments: names(.segment))
    }

    /// The file a data statement names, resolved against the file it is written in and allowed
    /// by the loader; `nil` after reporting why not.
    static func source(_ s: Statement, loader: any SourceLoader, sink: inout DiagnosticSink) -> (DataSource, String)? {
        let kw = s.kind.rawValue
        var v = Values(s.args, what: "'\(kw) from'", anchor: s.keywordRange)
        guard v.take("from"), case .string(let path, let r)? = v.next() else {
            sink.error(.dataFileExpected, "expected 'from \"FILE\"' after '\(kw)'", v.peek?.range ?? s.keywordRange,
                       [.help(s.kind == .branches ? "write 'branches from \"outlets.csv\"'"
                                                  : "write 'customers from \"customers.csv\"' or 'customers from \"crm.sqlite\" table customers'")])
            return nil
        }
        var table: String?
        if v.take("table") {
            guard let t = v.next(), let name = t.word ?? { if case .string(let x, _) = t { return x } else { return nil } }() else {
                sink.error(.dataTableExpected, "expected a table name after 'table'", v.peek?.range ?? r,
                           [.help("write '\(kw) from \"\(path)\" table NAME'")])
                return nil
            }
            table = name
        }
        if let t = v.peek {
            sink.error(.dataUnexpected, "unexpected \(describe(t)) in '\(kw) from'", t.range,
                       [.help("write '\(kw) from \"FILE\"', and 'table NAME' for a SQLite database")])
            return nil
        }
        let resolved: String
        do {
            resolved = try loader.dataPath(path, relativeTo: r.file)
        } catch let e as PathNotAllowed {
            sink.error(.pathOutsideFolder, "'\(path)' is outside the scenario's folder '\(e.folder)'", r,
                       [.note("it resolves to '\(e.path)'"), .help("copy the file into the scenario's folder, or allow its folder: --allow-path \(e.suggestedFolder)")])
            return nil
        } catch {
            sink.error(.dataFileExpected, "expected 'from \"FILE\"' after '\(kw)'", r)
            return nil
        }
        let lower = path.lowercased()
        let isDatabase = table != nil || lower.hasSuffix(".sqlite") || lower.hasSuffix(".db") || lower.hasSuffix(".sqlite3")
        if isDatabase {
            guard let table else {
                sink.error(.dataTableExpected, "expected a table name after 'table'", r,
                           [.help("name the table of the database: '\(kw) from \"\(path)\" table NAME'")])
                return nil
            }
            return (.sqlite(path: resolved, name: resolved, table: table), resolved)
        }
        return (.csv(path: resolved, name: resolved), resolved)
    }

    /// `outlets.csv row 3` or `crm.sqlite table 'outlets' rowid 3`.
    static func place(_ l: DataLocation) -> String {
        var s = l.file
        if let t = l.table { s += " table '\(t)'" }
        if let id = l.rowid { s += " rowid \(id)" } else if let row = l.row, row > 0 { s += " row \(row)" }
        return s
    }

    static func report(_ error: DataLoadError, _ s: Statement, _ sink: inout DiagnosticSink) {
        report(error.diagnostics, s, &sink)
        if error.moreErrors > 0, let file = error.diagnostics.first?.location.file {
            let shown = error.errors.count
            sink.append(Diagnostic(.dataTooManyErrors, message: "and \(error.moreErrors) more error\(error.moreErrors == 1 ? "" : "s") in '\(file)' (the first \(shown) are shown)",
                                   location: SourceLocation(file: file, line: 0, column: 0),
                                   notes: [.help("fix the errors shown and check again")]))
        }
    }

    /// Data diagnostics as the language's: at the file's line (CSV) and the column's position.
    static func report(_ ds: [DataDiagnostic], _ s: Statement, _ sink: inout DiagnosticSink) {
        let via = DiagnosticNote.note("read by '\(s.kind.rawValue) from' at \(sink.location(of: s.keywordRange))")
        for d in ds {
            let l = d.location
            let place = l.place
            let message = place.isEmpty ? d.message : "\(place): \(d.message)"
            var diagnostic = Diagnostic(d.isError ? (l.row == nil ? .dataUnreadable : .dataInvalid) : .dataWarning,
                                        message: message,
                                        location: SourceLocation(file: l.file, line: l.line ?? 0, column: l.column?.index ?? 0),
                                        notes: (d.help.map { [.help($0)] } ?? []) + [via])
            diagnostic.dataRow = l.row
            diagnostic.dataColumn = l.column?.name
            sink.append(diagnostic)
        }
    }

    /// The customers table as the model's shared columns.
    static func imported(_ t: CustomerTable, schema: DataSchema, shown: String) -> ImportedCustomers {
        var segments: [UInt64]?
        if t.hasSegments {
            // At most 64 segments (the engine's limit): the first word of each customer's bits.
            let w = t.segmentWords
            segments = w == 0 ? [UInt64](repeating: 0, count: t.count) : stride(from: 0, to: t.segmentBits.count, by: w).map { t.segmentBits[$0] }
        }
        return ImportedCustomers(source: shown, outlets: t.outlets, products: schema.products.map(\.name),
                                 segmentNames: schema.segments, outlet: t.outlet, balances: t.balances,
                                 offbank: t.hasOffbank ? t.offbank : [], reachable: t.hasReachable ? t.reachable : [],
                                 segments: segments)
    }
}

extension ScenarioChecker {
    /// The imported outlets as branches (`build` adds them after the declared ones).
    func importedBranches(_ data: DataImports, tiers: [Tier], roleNames: [String], schema roles: [String]) -> [Branch] {
        data.outlets.map { o in
            let r = o.record
            var b = Branch(name: r.name, customers: r.customers, staff: [], tiers: tiers)
            for (i, role) in roles.enumerated() where i < r.staff.count {
                if let x = r.staff[i], let j = roleNames.firstIndex(of: role) { b.setStaff(x, role: j) }
            }
            for t in b.tiers.indices {
                if let x = r.offbank { b.tiers[t].offbank = x }
                if let shares = r.tierShares, t < shares.count { b.tiers[t].share = shares[t]; b.tiers[t].uncertain[.share] = nil }
                if t < r.reachable.count, let x = r.reachable[t] { b.tiers[t].reachable = x; b.tiers[t].uncertain[.reachable] = nil }
                if t < r.offbankByTier.count, let x = r.offbankByTier[t] { b.tiers[t].offbank = x }
            }
            return b
        }
    }
}

/// The last data files read, by path, size, modification time and the names checked against:
/// the shell checks its whole document again at every entry, and a file of a million
/// customers takes seconds to read. A file changed on disk is read again.
enum DataCache {
    private struct Key: Hashable {
        var source: DataSource
        var size: Int
        var modified: Int
        var schema: DataSchema
    }

    private enum Value {
        case outlets(Result<OutletTable, DataLoadError>)
        case customers(Result<(ImportedCustomers, [DataDiagnostic]), DataLoadError>)
    }

    /// The most entries kept (the oldest goes first).
    static let capacity = 4
    private static let entries = LockedValue<[(Key, Value)]>([])

    private static func key(_ source: DataSource, _ schema: DataSchema) -> Key? {
        let path: String
        switch source {
        case .csv(let p, _, _), .sqlite(let p, _, _): path = p
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Key(source: source, size: Int(info.st_size),
                   modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec), schema: schema)
    }

    private static func lookup(_ k: Key?) -> Value? {
        guard let k else { return nil }
        return entries.withLock { e in e.first { $0.0 == k }?.1 }
    }

    private static func store(_ k: Key?, _ v: Value) {
        guard let k else { return }
        entries.withLock { e in
            e.removeAll { $0.0 == k }
            e.append((k, v))
            if e.count > capacity { e.removeFirst(e.count - capacity) }
        }
    }

    static func outlets(_ source: DataSource, schema: DataSchema) throws(DataLoadError) -> OutletTable {
        let k = key(source, schema)
        if case .outlets(let r)? = lookup(k) { return try r.get() }
        let r = Result { () throws(DataLoadError) -> OutletTable in try OutletTable.read(source, schema: schema) }
        store(k, .outlets(r))
        return try r.get()
    }

    static func customers(_ source: DataSource, schema: DataSchema, shown: String) throws(DataLoadError)
        -> (ImportedCustomers, [DataDiagnostic]) {
        let k = key(source, schema)
        if case .customers(let r)? = lookup(k) { return try r.get() }
        let r = Result { () throws(DataLoadError) -> (ImportedCustomers, [DataDiagnostic]) in
            let table = try CustomerTable.read(source, schema: schema)
            return (DataImports.imported(table, schema: schema, shown: shown), table.warnings)
        }
        store(k, .customers(r))
        return try r.get()
    }
}
