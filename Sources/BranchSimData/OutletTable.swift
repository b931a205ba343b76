/// An outlet's place in a hub-and-satellite network.
public enum NetworkRole: String, Sendable, Hashable {
    case hub, satellite
}

/// One row of an outlets table, checked.
public struct OutletRecord: Sendable, Equatable {
    public var name: String
    public var customers: Int
    public var network: String?
    public var role: NetworkRole?
    /// FTE on hand per schema role (same count as `DataSchema.roles`); `nil` where the table has
    /// no `staff_ROLE` column or the cell is empty.
    public var staff: [Double?]
    /// `offbank`: off-bank assets as a multiple of the in-bank balance, for every tier of the outlet.
    public var offbank: Double?
    /// `share_TIER` for every tier (summing to 1), or `nil`: the scenario's shares.
    public var tierShares: [Double]?
    /// `reachable_TIER` per schema tier; `nil` where not given.
    public var reachable: [Double?]
    /// `offbank_TIER` per schema tier; `nil` where not given.
    public var offbankByTier: [Double?]
    /// The row, for diagnostics the scenario checker raises later (a clash with a declared network).
    public var location: DataLocation

    public init(name: String, customers: Int, network: String? = nil, role: NetworkRole? = nil, staff: [Double?] = [],
                offbank: Double? = nil, tierShares: [Double]? = nil, reachable: [Double?] = [],
                offbankByTier: [Double?] = [], location: DataLocation) {
        self.name = name
        self.customers = customers
        self.network = network
        self.role = role
        self.staff = staff
        self.offbank = offbank
        self.tierShares = tierShares
        self.reachable = reachable
        self.offbankByTier = offbankByTier
        self.location = location
    }
}

/// A network as an outlets table defines it: one hub and its satellites, in row order.
public struct NetworkRecord: Sendable, Equatable {
    public var name: String
    /// Indices into `OutletTable.outlets`.
    public var hub: Int
    public var satellites: [Int]

    public init(name: String, hub: Int, satellites: [Int]) {
        self.name = name
        self.hub = hub
        self.satellites = satellites
    }
}

/// The outlets of one source, every row checked; warnings did not stop the load.
public struct OutletTable: Sendable, Equatable {
    public var outlets: [OutletRecord]
    /// In order of first appearance.
    public var networks: [NetworkRecord]
    public var warnings: [DataDiagnostic]
    /// The encoding a CSV file was read in (`.automatic`: it is all ASCII); `nil` for SQLite.
    public var encoding: DataEncoding?
}

extension OutletTable {
    /// Reads and checks an outlets table: all rows or, on any error, none (the thrown error lists
    /// the first `errorLimit` problems and counts the rest).
    ///
    /// Columns: `name`, `customers` (required); `network`, `role` (`hub`/`satellite`),
    /// `staff_ROLE`, `offbank`, `share_TIER`, `reachable_TIER`, `offbank_TIER` (optional).
    public static func read(_ source: DataSource, schema: DataSchema,
                            errorLimit: Int = DataLimits.errors) throws(DataLoadError) -> OutletTable {
        var (rows, header, diagnostics) = try openTable(source, errorLimit: errorLimit)
        let hl = header.location

        let nameCol = header.find("name", "outlet", "branch")
        let customersCol = header.find("customers")
        let networkCol = header.find("network")
        let roleCol = header.find("role")
        let offbankCol = header.find("offbank")
        let columnsHelp = "the header names the columns: name, customers, then optional network, role, staff_ROLE, share_TIER ..."
        if nameCol == nil { diagnostics.error(hl, "no 'name' column", help: columnsHelp) }
        if customersCol == nil { diagnostics.error(hl, "no 'customers' column", help: columnsHelp) }
        if networkCol != nil, roleCol == nil {
            diagnostics.error(hl, "a 'network' column needs a 'role' column",
                              help: "add a column 'role' saying hub or satellite for each outlet in a network")
        }
        let staffCols = header.declared("staff_", schema.roles, kind: "role", declare: "'role NAME hours 40 per week'", &diagnostics)
        let shareCols = header.declared("share_", schema.tiers, kind: "tier", declare: "'tier NAME ...'", &diagnostics)
        let reachCols = header.declared("reachable_", schema.tiers, kind: "tier", declare: "'tier NAME ...'", &diagnostics)
        let offbankCols = header.declared("offbank_", schema.tiers, kind: "tier", declare: "'tier NAME ...'", &diagnostics)
        if !shareCols.isEmpty {
            let covered = Set(shareCols.map(\.index))
            let missing = schema.tiers.indices.filter { !covered.contains($0) }.map { "share_\(schema.tiers[$0])" }
            if !missing.isEmpty {
                diagnostics.error(hl, "tier shares need a column for every tier; missing \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                                  help: "add the missing columns, or remove the share columns to use the scenario's shares")
            }
        }
        header.checkRest(&diagnostics, known: "name, customers, network, role, offbank, staff_ROLE, share_TIER, reachable_TIER, offbank_TIER")
        do { try diagnostics.check() } catch { throw error }
        guard let nameCol, let customersCol else { throw DataLoadError(diagnostics: diagnostics.errors) }

        var outlets: [OutletRecord] = []
        var rowByName: [String: Int] = [:]
        let declared = Set(schema.outlets)
        var networkOrder: [String] = []
        var hubs: [String: Int] = [:]
        var satellites: [String: [Int]] = [:]
        var row = RowBuffer()
        do {
            while let at = try rows.next(into: &row) {
                guard checkShape(row, header: header, at: at, &diagnostics) else { continue }
                func cellError(_ col: Int, _ e: CellError) { diagnostics.error(at.at(header.column(col)), e.message, help: e.help) }
                // name
                var name = ""
                if row.isBlank(nameCol) {
                    diagnostics.error(at.at(header.column(nameCol)), "the outlet has no name", help: "give every outlet a name")
                } else if let t = row.text(nameCol) {
                    name = t
                    if declared.contains(t) {
                        diagnostics.error(at.at(header.column(nameCol)), "outlet '\(t)' is already declared in the scenario",
                                          help: "outlet names must be unique: rename it or drop the 'branch \(t)' declaration")
                    } else if let first = rowByName[t], !t.isEmpty {
                        diagnostics.error(at.at(header.column(nameCol)), "outlet '\(t)' is already in row \(outlets[first].location.row ?? 0)",
                                          help: "outlet names must be unique: rename or remove one of the rows")
                    }
                } else {
                    badText(row, nameCol, at.at(header.column(nameCol)), &diagnostics)
                }
                // customers
                var customers = 0
                if row.isBlank(customersCol) {
                    diagnostics.error(at.at(header.column(customersCol)), "no number of customers",
                                      help: "write the outlet's number of customers, such as 20000 or 2万")
                } else {
                    switch CellValue.count(trimmed(row.cell(customersCol))) {
                    case .success(let n) where n < 0:
                        diagnostics.error(at.at(header.column(customersCol)), "negative number of customers '\(row.shown(customersCol))'",
                                          help: "write 0 or more customers")
                    case .success(let n): customers = n
                    case .failure(let e): cellError(customersCol, e)
                    }
                }
                // network and role
                var network: String?
                var role: NetworkRole?
                if let networkCol, !row.isBlank(networkCol) {
                    if let t = row.text(networkCol) { network = t } else { badText(row, networkCol, at.at(header.column(networkCol)), &diagnostics) }
                }
                if let roleCol, !row.isBlank(roleCol) {
                    let t = String(decoding: trimmed(row.cell(roleCol)), as: UTF8.self)
                    switch t.lowercased() {
                    case "hub", "中心": role = .hub
                    case "satellite", "卫星": role = .satellite
                    default:
                        diagnostics.error(at.at(header.column(roleCol)), "'\(row.shown(roleCol))' is not a network role",
                                          help: "write hub or satellite")
                    }
                    if role != nil, network == nil {
                        diagnostics.error(at.at(header.column(roleCol)), "a \(t) outside any network",
                                          help: "name the outlet's network in the 'network' column, or leave the role empty")
                    }
                } else if network != nil, let roleCol {
                    diagnostics.error(at.at(header.column(roleCol)), "no role in network '\(network!)'",
                                      help: "write hub or satellite")
                }
                // staff, offbank, tier columns
                var staff = [Double?](repeating: nil, count: schema.roles.count)
                for (col, r) in staffCols where !row.isBlank(col) {
                    switch CellValue.amount(trimmed(row.cell(col))) {
                    case .success(let v) where v >= 0: staff[r] = v
                    case .success:
                        diagnostics.error(at.at(header.column(col)), "negative staff '\(row.shown(col))'", help: "write the FTE on hand, 0 or more")
                    case .failure:
                        diagnostics.error(at.at(header.column(col)), "'\(row.shown(col))' is not a number of staff",
                                          help: "write the FTE on hand, such as 2 or 1.5")
                    }
                }
                var offbank: Double?
                if let offbankCol, !row.isBlank(offbankCol) {
                    switch CellValue.multiple(trimmed(row.cell(offbankCol))) {
                    case .success(let v): offbank = v
                    case .failure(let e): cellError(offbankCol, e)
                    }
                }
                var shares: [Double]?
                let givenShares = shareCols.filter { !row.isBlank($0.col) }
                if !givenShares.isEmpty {
                    if givenShares.count < shareCols.count {
                        let empty = shareCols.filter { row.isBlank($0.col) }.map { header.names[$0.col] }
                        diagnostics.error(at.at(header.column(shareCols.first { row.isBlank($0.col) }!.col)),
                                          "tier shares are given for some tiers but not \(empty.map { "'\($0)'" }.joined(separator: ", "))",
                                          help: "give every tier's share (0% where none), or leave them all empty for the scenario's")
                    } else {
                        var s = [Double](repeating: 0, count: schema.tiers.count)
                        var ok = true
                        for (col, t) in shareCols {
                            switch CellValue.share(trimmed(row.cell(col))) {
                            case .success(let v): s[t] = v
                            case .failure(let e): cellError(col, e); ok = false
                            }
                        }
                        let total = s.reduce(0, +)
                        if ok, abs(total - 1) > 1e-4 {
                            diagnostics.error(at.at(header.column(shareCols[0].col)),
                                              "tier shares add up to \(percentText(total)), not 100%",
                                              help: "make the shares of all tiers add up to 100%")
                        }
                        shares = s
                    }
                }
                var reachable = [Double?](repeating: nil, count: schema.tiers.count)
                for (col, t) in reachCols where !row.isBlank(col) {
                    switch CellValue.share(trimmed(row.cell(col))) {
                    case .success(let v): reachable[t] = v
                    case .failure(let e): cellError(col, e)
                    }
                }
                var offbankByTier = [Double?](repeating: nil, count: schema.tiers.count)
                for (col, t) in offbankCols where !row.isBlank(col) {
                    switch CellValue.multiple(trimmed(row.cell(col))) {
                    case .success(let v): offbankByTier[t] = v
                    case .failure(let e): cellError(col, e)
                    }
                }
                // Rows with errors are kept too (the load fails anyway), so that later rows are
                // still checked against them: a repeated name, a second hub.
                let index = outlets.count
                if rowByName[name] == nil { rowByName[name] = index }
                if let network, let role {
                    if satellites[network] == nil { networkOrder.append(network); satellites[network] = [] }
                    switch role {
                    case .hub:
                        if let other = hubs[network] {
                            diagnostics.error(at.at(roleCol.map(header.column)),
                                              "network '\(network)' already has hub '\(outlets[other].name)' (row \(outlets[other].location.row ?? 0))",
                                              help: "a network has one hub; make this outlet a satellite")
                        } else {
                            hubs[network] = index
                        }
                    case .satellite:
                        satellites[network]!.append(index)
                    }
                }
                outlets.append(OutletRecord(name: name, customers: customers, network: network, role: role, staff: staff,
                                            offbank: offbank, tierShares: shares, reachable: reachable,
                                            offbankByTier: offbankByTier, location: at))
            }
        } catch {
            diagnostics.add(error)
        }
        var networks: [NetworkRecord] = []
        for n in networkOrder {
            guard let hub = hubs[n] else {
                let first = outlets[satellites[n]![0]]
                diagnostics.error(first.location.at(networkCol.map(header.column)), "network '\(n)' has no hub",
                                  help: "mark one of its outlets 'hub' in the 'role' column")
                continue
            }
            networks.append(NetworkRecord(name: n, hub: hub, satellites: satellites[n]!))
        }
        try diagnostics.check()
        return OutletTable(outlets: outlets, networks: networks, warnings: diagnostics.warnings, encoding: rows.encoding)
    }
}

/// `37.5%`, without trailing zeros.
func percentText(_ share: Double) -> String {
    let p = (share * 10000).rounded() / 100
    return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
}

/// Checks a row's cell count and syntax; false when the row cannot be read cell by cell.
func checkShape(_ row: RowBuffer, header: HeaderColumns, at: DataLocation, _ diagnostics: inout DiagnosticCollector) -> Bool {
    if let p = row.problem {
        let col = p.cell < header.names.count ? header.column(p.cell) : DataColumn(name: "", index: p.cell + 1)
        diagnostics.error(at.at(col), p.message, help: p.help)
        return false
    }
    let n = header.names.count
    if row.count < n || (row.count > n && !(n..<row.count).allSatisfy { row.isBlank($0) }) {
        diagnostics.error(at, "the row has \(row.count) cell\(row.count == 1 ? "" : "s"), the header has \(n)",
                          help: row.count > n ? "a value with a comma in it must be in double quotes: \"1,200\""
                                              : "give every column a cell (leave it empty for none)")
        return false
    }
    return true
}

/// A text cell that is not valid in the file's encoding.
func badText(_ row: RowBuffer, _ col: Int, _ at: DataLocation, _ diagnostics: inout DiagnosticCollector) {
    diagnostics.error(at, "'\(row.shown(col))' is not valid text in the file's encoding",
                      help: "save the file as \"CSV UTF-8 (comma delimited)\", or name its encoding (utf8 or gb18030)")
}
