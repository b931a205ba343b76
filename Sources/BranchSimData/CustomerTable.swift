#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One customer of a customers table (a view of one row of `CustomerTable`).
public struct CustomerRecord: Sendable, Equatable {
    /// Index into `CustomerTable.outlets`.
    public var outlet: Int
    /// Yuan per schema product (same count as `DataSchema.products`); a flat product is 1 when held, else 0.
    public var balances: [Double]
    /// Off-bank assets in yuan; `nil`: not given (the tier's `offbank` multiple applies).
    public var offbank: Double?
    /// Whether the contact details work; `nil`: not given (drawn from the tier's `reachable` share).
    public var reachable: Bool?
    /// Indices into `DataSchema.segments`, ascending.
    public var segments: [Int]
    /// Days since 1970-01-01.
    public var opened: Int?
    public var lastContact: Int?

    public init(outlet: Int, balances: [Double], offbank: Double? = nil, reachable: Bool? = nil, segments: [Int] = [],
                opened: Int? = nil, lastContact: Int? = nil) {
        self.outlet = outlet
        self.balances = balances
        self.offbank = offbank
        self.reachable = reachable
        self.segments = segments
        self.opened = opened
        self.lastContact = lastContact
    }
}

/// The customers of one source, stored by column (a million customers with three products take
/// about 50 MB), every row checked.
public struct CustomerTable: Sendable {
    /// The outlet names `outlet` indexes (the schema's outlets).
    public let outlets: [String]
    public let productCount: Int
    public let segmentCount: Int
    /// Which optional columns the source had (an absent column's array is empty).
    public let hasOffbank, hasReachable, hasSegments, hasOpened, hasLastContact: Bool
    public private(set) var outlet: [Int32] = []
    /// `count x productCount`, row by row.
    public private(set) var balances: [Double] = []
    /// NaN where not given.
    public private(set) var offbank: [Double] = []
    /// 1 yes, 0 no, -1 not given.
    public private(set) var reachable: [Int8] = []
    /// `count x segmentWords` bit sets.
    public private(set) var segmentBits: [UInt64] = []
    /// Days since 1970-01-01; `Int32.min` where not given.
    public private(set) var opened: [Int32] = []
    public private(set) var lastContact: [Int32] = []
    public var warnings: [DataDiagnostic] = []
    /// The encoding a CSV file was read in (`.automatic`: it is all ASCII); `nil` for SQLite.
    public var encoding: DataEncoding?

    public var count: Int { outlet.count }
    public var segmentWords: Int { (segmentCount + 63) / 64 }

    public subscript(i: Int) -> CustomerRecord {
        let b = Array(balances[i * productCount..<(i + 1) * productCount])
        var segs: [Int] = []
        if hasSegments {
            for s in 0..<segmentCount where segmentBits[i * segmentWords + s / 64] & (1 << UInt64(s % 64)) != 0 { segs.append(s) }
        }
        return CustomerRecord(
            outlet: Int(outlet[i]), balances: b,
            offbank: hasOffbank && !offbank[i].isNaN ? offbank[i] : nil,
            reachable: hasReachable && reachable[i] >= 0 ? reachable[i] == 1 : nil,
            segments: segs,
            opened: hasOpened && opened[i] != Int32.min ? Int(opened[i]) : nil,
            lastContact: hasLastContact && lastContact[i] != Int32.min ? Int(lastContact[i]) : nil)
    }

    /// Customers per outlet (same count as `outlets`).
    public func customersPerOutlet() -> [Int] {
        var n = [Int](repeating: 0, count: outlets.count)
        for o in outlet { n[Int(o)] += 1 }
        return n
    }

    /// Bytes one stored customer takes with every optional column present.
    public static func bytesPerCustomer(products: Int, segments: Int) -> Int {
        4 + 8 * products + 8 + 1 + 8 * ((segments + 63) / 64) + 4 + 4
    }

    /// The rows a source holds, estimated before reading it (for the run's memory check): a
    /// CSV file's size over the mean length of its first lines; a SQLite table's row count.
    /// `nil` if the source cannot be opened (reading it then reports why).
    public static func estimatedRows(_ source: DataSource) -> Int? {
        switch source {
        case .csv(let path, _, _):
            return csvEstimatedRows(path: path)
        case .sqlite(let path, _, let table):
            return sqliteRowCount(path: path, table: table)
        }
    }

    init(outlets: [String], productCount: Int, segmentCount: Int, hasOffbank: Bool, hasReachable: Bool,
         hasSegments: Bool, hasOpened: Bool, hasLastContact: Bool, reserve: Int) {
        self.outlets = outlets
        self.productCount = productCount
        self.segmentCount = segmentCount
        self.hasOffbank = hasOffbank
        self.hasReachable = hasReachable
        self.hasSegments = hasSegments
        self.hasOpened = hasOpened
        self.hasLastContact = hasLastContact
        outlet.reserveCapacity(reserve)
        balances.reserveCapacity(reserve * productCount)
        if hasOffbank { offbank.reserveCapacity(reserve) }
        if hasReachable { reachable.reserveCapacity(reserve) }
        if hasSegments { segmentBits.reserveCapacity(reserve * segmentWords) }
        if hasOpened { opened.reserveCapacity(reserve) }
        if hasLastContact { lastContact.reserveCapacity(reserve) }
    }

    /// Drops the reserve left over after reading (the estimate may have been high).
    mutating func shrink() {
        if outlet.capacity > outlet.count + outlet.count / 8 + 1024 {
            outlet = Array(outlet)
            balances = Array(balances)
            offbank = Array(offbank)
            reachable = Array(reachable)
            segmentBits = Array(segmentBits)
            opened = Array(opened)
            lastContact = Array(lastContact)
        }
    }

    mutating func append(outlet o: Int32, balances b: [Double], offbank ob: Double, reachable r: Int8,
                         segments s: [UInt64], opened op: Int32, lastContact lc: Int32) {
        outlet.append(o)
        balances.append(contentsOf: b)
        if hasOffbank { offbank.append(ob) }
        if hasReachable { reachable.append(r) }
        if hasSegments { segmentBits.append(contentsOf: s) }
        if hasOpened { opened.append(op) }
        if hasLastContact { lastContact.append(lc) }
    }
}

extension CustomerTable {
    /// Reads and checks a customers table: all rows or, on any error, none (the thrown error
    /// lists the first `errorLimit` problems and counts the rest).
    ///
    /// Columns: `outlet` and at least one `balance_PRODUCT` (required); `offbank`, `reachable`,
    /// `segments`, `opened`, `last_contact` (optional); `id` (not stored; checked to be unique).
    public static func read(_ source: DataSource, schema: DataSchema,
                            errorLimit: Int = DataLimits.errors) throws(DataLoadError) -> CustomerTable {
        var (rows, header, diagnostics) = try openTable(source, errorLimit: errorLimit)
        let hl = header.location
        let outletCol = header.find("outlet", "branch")
        let idCol = header.find("id", "customer", "customer_id")
        let offbankCol = header.find("offbank", "offbank_assets")
        let reachableCol = header.find("reachable")
        let segmentsCol = header.find("segments")
        let openedCol = header.find("opened")
        let lastContactCol = header.find("last_contact")
        let productNames = schema.products.map(\.name)
        let balanceCols = header.declared("balance_", productNames, kind: "product", declare: "'product NAME points 1.0'",
                                          &diagnostics)
        if outletCol == nil {
            diagnostics.error(hl, "no 'outlet' column",
                              help: "the header names the columns: outlet, balance_PRODUCT for each product, then optional offbank, reachable, segments, opened, last_contact")
        }
        if balanceCols.isEmpty, diagnostics.errors.allSatisfy({ $0.location.column == nil }) {
            let example = productNames.prefix(3).map { "balance_\($0)" }.joined(separator: ", ")
            diagnostics.error(hl, "no balance column",
                              help: example.isEmpty ? "declare a product and add a column balance_PRODUCT" : "add columns such as \(example)")
        }
        header.checkRest(&diagnostics, known: "outlet, balance_PRODUCT, offbank, reachable, segments, opened, last_contact, id")
        try diagnostics.check()
        guard let outletCol else { throw DataLoadError(diagnostics: diagnostics.errors) }

        var outletIndex: [String: Int32] = [:]
        for (i, o) in schema.outlets.enumerated() where outletIndex[o] == nil { outletIndex[o] = Int32(i) }
        var segmentIndex: [String: Int] = [:]
        for (i, s) in schema.segments.enumerated() { segmentIndex[HeaderColumns.key(s)] = i }
        let flat = schema.products.map(\.flat)
        var table = CustomerTable(
            outlets: schema.outlets, productCount: schema.products.count, segmentCount: schema.segments.count,
            hasOffbank: offbankCol != nil, hasReachable: reachableCol != nil, hasSegments: segmentsCol != nil,
            hasOpened: openedCol != nil, hasLastContact: lastContactCol != nil,
            // 10% over the estimate: growing past it would double the arrays (untouched reserve costs no memory).
            reserve: min((estimatedRows(source) ?? 0) * 11 / 10, 50_000_000) + 16)

        // Each id's first row, by a 64-bit hash of the id (two ids sharing one among a million
        // rows: about once in 10^7 files), so a million ids cost about 20 MB, not the ids themselves.
        var rowOfID = IDTable(expected: idCol == nil ? 0 : table.outlet.capacity)
        var row = RowBuffer()
        var balances = [Double](repeating: 0, count: schema.products.count)
        var segmentBits = [UInt64](repeating: 0, count: table.segmentWords)
        // Rows come grouped by outlet: the last outlet's bytes skip the name lookup.
        var lastOutletBytes: [UInt8] = []
        var lastOutlet: Int32 = -1
        // Segment cells repeat a few combinations: their bit sets by the cell's bytes.
        var segmentCache: [(bytes: [UInt8], bits: [UInt64])] = [([], segmentBits)]
        do {
            while let at = try rows.next(into: &row) {
                guard checkShape(row, header: header, at: at, &diagnostics) else { continue }
                let errorsBefore = diagnostics.errors.count + diagnostics.moreErrors
                func fail(_ col: Int, _ message: String, _ help: String) {
                    diagnostics.error(at.at(header.column(col)), message, help: help)
                }
                // id: optional, but one row per customer
                if let idCol {
                    let id = trimmed(row.cell(idCol))
                    if !id.isEmpty, let dataRow = at.row {
                        if let first = rowOfID.insert(fnv1a(id), row: dataRow) {
                            fail(idCol, "customer '\(row.shown(idCol))' is already in row \(first)",
                                 "one row per customer: remove the repeated row, or give the customers different ids")
                        }
                    }
                }
                // outlet
                var outlet: Int32 = -1
                let oc = trimmed(row.cell(outletCol))
                if lastOutlet >= 0, oc.elementsEqual(lastOutletBytes) {
                    outlet = lastOutlet
                } else if oc.isEmpty {
                    fail(outletCol, "the customer has no outlet", "name the outlet the customer belongs to")
                } else if let name = row.text(outletCol) {
                    if let i = outletIndex[name] {
                        outlet = i
                        lastOutlet = i
                        lastOutletBytes = Array(oc)
                    } else {
                        fail(outletCol, "outlet '\(name)' is not declared",
                             nearest(name, in: schema.outlets).map { "did you mean '\($0)'?" }
                                ?? "declare it ('branch \(name) { customers N }') or list it in the outlets file")
                    }
                } else {
                    badText(row, outletCol, at.at(header.column(outletCol)), &diagnostics)
                }
                // balances
                for p in balances.indices { balances[p] = 0 }
                for (col, p) in balanceCols {
                    let cell = trimmed(row.cell(col))
                    if cell.isEmpty || row.nulls[col] { continue }
                    if flat[p] {
                        if case .success(let held) = CellValue.flag(cell) {
                            balances[p] = held ? 1 : 0
                        } else if case .success(let v) = CellValue.amount(cell), v >= 0 {
                            balances[p] = v > 0 ? 1 : 0
                        } else {
                            fail(col, "'\(row.shown(col))' does not say whether the customer holds '\(productNames[p])'",
                                 "write yes or no (or the amount held; 0 is no)")
                        }
                        continue
                    }
                    switch CellValue.amount(cell) {
                    case .success(let v) where v < 0:
                        fail(col, "negative balance '\(row.shown(col))'",
                             "balances are 0 or more; a loan is not a negative balance of '\(productNames[p])'")
                    case .success(let v): balances[p] = v
                    case .failure(let e): fail(col, e.message, e.help)
                    }
                }
                var offbank = Double.nan
                if let c = offbankCol, !row.isBlank(c) {
                    switch CellValue.amount(trimmed(row.cell(c))) {
                    case .success(let v) where v < 0:
                        fail(c, "negative off-bank assets '\(row.shown(c))'", "write 0 or more, or leave the cell empty if unknown")
                    case .success(let v): offbank = v
                    case .failure(let e): fail(c, e.message, e.help)
                    }
                }
                var reachable: Int8 = -1
                if let c = reachableCol, !row.isBlank(c) {
                    switch CellValue.flag(trimmed(row.cell(c))) {
                    case .success(let v): reachable = v ? 1 : 0
                    case .failure(let e): fail(c, e.message, e.help)
                    }
                }
                if let c = segmentsCol {
                    for w in segmentBits.indices { segmentBits[w] = 0 }
                    let cell = trimmed(row.cell(c))
                    if let hit = segmentCache.firstIndex(where: { $0.bytes.elementsEqual(cell) }) {
                        segmentBits = segmentCache[hit].bits
                    } else if !row.isBlank(c) {
                        if let t = row.text(c) {
                            var segmentsOK = true
                            for s in CellValue.list(t) {
                                if let i = segmentIndex[HeaderColumns.key(s)] {
                                    segmentBits[i / 64] |= 1 << UInt64(i % 64)
                                } else {
                                    fail(c, "segment '\(s)' is not declared",
                                         nearest(s, in: schema.segments).map { "did you mean '\($0)'?" }
                                            ?? "declare it ('segment \(s) share 0%') or remove it from the cell")
                                    segmentsOK = false
                                }
                            }
                            if segmentsOK, segmentCache.count < 64 { segmentCache.append((Array(cell), segmentBits)) }
                        } else {
                            badText(row, c, at.at(header.column(c)), &diagnostics)
                        }
                    }
                }
                func date(_ col: Int?) -> Int32 {
                    guard let col, !row.isBlank(col) else { return Int32.min }
                    switch CellValue.date(trimmed(row.cell(col))) {
                    case .success(let d): return Int32(d)
                    case .failure(let e): fail(col, e.message, e.help); return Int32.min
                    }
                }
                let opened = date(openedCol)
                let lastContact = date(lastContactCol)
                if !diagnostics.hasErrors, diagnostics.errors.count + diagnostics.moreErrors == errorsBefore {
                    table.append(outlet: outlet, balances: balances, offbank: offbank, reachable: reachable,
                                 segments: segmentBits, opened: opened, lastContact: lastContact)
                }
            }
        } catch {
            diagnostics.add(error)
        }
        try diagnostics.check()
        table.shrink()
        table.warnings = diagnostics.warnings
        table.encoding = rows.encoding
        return table
    }
}

/// A CSV file's data rows: the file's size over the mean line length of its first 256 KB.
func csvEstimatedRows(path: String) -> Int? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    let size = Int(st.st_size)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var sample = [UInt8](repeating: 0, count: 256 * 1024)
    let got = sample.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    guard got > 0 else { return 0 }
    let lines = sample[0..<got].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    if got == size { return max(0, lines - 1 + (sample[got - 1] == 0x0A ? 0 : 1)) }
    return max(1, Int((Double(size) / (Double(got) / Double(max(1, lines)))).rounded()) - 1)
}

/// Each id hash's first row: open addressing over flat arrays (a Dictionary hashes every key
/// again and took 0.8 s more for a million rows; this takes a cache miss per row).
struct IDTable {
    private var keys: [UInt64]
    private var rows: [Int32]
    private var mask: Int
    private var count = 0

    init(expected: Int) {
        var size = 16
        while 3 * size < 4 * expected { size *= 2 }  // at most 3/4 full
        keys = [UInt64](repeating: 0, count: size)
        rows = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Records `hash` at `row`; returns the earlier row if the hash was there.
    mutating func insert(_ hash: UInt64, row: Int) -> Int? {
        let key = hash | 1  // 0 marks an empty slot
        var i = Int(truncatingIfNeeded: key >> 7) & mask
        while keys[i] != 0 {
            if keys[i] == key { return Int(rows[i]) }
            i = (i + 1) & mask
        }
        keys[i] = key
        rows[i] = Int32(truncatingIfNeeded: row)
        count += 1
        if 4 * count > 3 * keys.count { grow() }
        return nil
    }

    private mutating func grow() {
        let old = zip(keys, rows).filter { $0.0 != 0 }
        keys = [UInt64](repeating: 0, count: keys.count * 2)
        rows = [Int32](repeating: 0, count: keys.count)
        mask = keys.count - 1
        count = 0
        for (k, r) in old { _ = insert(k, row: Int(r)) }
    }
}

/// The 64-bit FNV-1a hash of some bytes (fixed, unlike `Hasher`, so a run is the same every time).
func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
    }
    return h
}

/// `SELECT count(*)` of a table, or `nil`.
func sqliteRowCount(path: String, table: String) -> Int? {
    try? SQLiteRowSource.count(path: path, table: table)
}
