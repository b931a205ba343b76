import BranchSimData
import Testing

/// Every diagnostic, with its exact text: file, line, row, column, message and help.
@Suite struct DiagnosticTests {
    static let schema = DataSchema(
        products: [.init(name: "deposit"), .init(name: "wealth"), .init(name: "card", flat: true)],
        roles: ["wealth_manager", "lobby_manager"], tiers: ["longtail", "potential", "midhigh", "private"],
        segments: ["payroll", "elderly"], outlets: ["中心支行", "children_bank"])

    static func customers(_ text: String) -> String {
        let dir = TempFolder()
        return failure { try CustomerTable.read(.csv(path: dir.write("c.csv", text), name: "customers.csv"), schema: schema) }
    }

    static func outlets(_ text: String) -> String {
        let dir = TempFolder()
        return failure { try OutletTable.read(.csv(path: dir.write("o.csv", text), name: "outlets.csv"), schema: schema) }
    }

    @Test func unknownOutlet() {
        #expect(Self.customers("outlet,balance_deposit\n中心支行,100\nchildren_bnak,200\nnowhere,1\n") == """
            customers.csv:3: error: row 2, column 1 'outlet': outlet 'children_bnak' is not declared
              = help: did you mean 'children_bank'?
            customers.csv:4: error: row 3, column 1 'outlet': outlet 'nowhere' is not declared
              = help: declare it ('branch nowhere { customers N }') or list it in the outlets file
            """)
    }

    @Test func repeatedCustomerIDs() {
        #expect(Self.customers("id,outlet,balance_deposit\nC1,中心支行,1\nC2,中心支行,2\n,中心支行,3\n,中心支行,4\nC1,children_bank,5\n") == """
            customers.csv:6: error: row 5, column 1 'id': customer 'C1' is already in row 1
              = help: one row per customer: remove the repeated row, or give the customers different ids
            """)
    }

    @Test func negativeBalanceAndOffbank() {
        #expect(Self.customers("outlet,balance_deposit,offbank\n中心支行,-1200,5\n中心支行,1,-2万\n") == """
            customers.csv:2: error: row 1, column 2 'balance_deposit': negative balance '-1200'
              = help: balances are 0 or more; a loan is not a negative balance of 'deposit'
            customers.csv:3: error: row 2, column 3 'offbank': negative off-bank assets '-2万'
              = help: write 0 or more, or leave the cell empty if unknown
            """)
    }

    @Test func productNotDeclared() {
        #expect(Self.customers("outlet,balance_deposit,balance_gold,balance_wealht\n") == """
            customers.csv:1: error: header, column 3 'balance_gold': no product 'gold' is declared
              = help: declare it ('product gold points 1.0') or remove the column
            customers.csv:1: error: header, column 4 'balance_wealht': no product 'wealht' is declared
              = help: did you mean 'balance_wealth'?
            """)
    }

    @Test func missingColumns() {
        #expect(Self.customers("id,balance_deposit\n") == """
            customers.csv:1: error: header: no 'outlet' column
              = help: the header names the columns: outlet, balance_PRODUCT for each product, then optional offbank, reachable, segments, opened, last_contact
            """)
        #expect(Self.customers("outlet,offbank\n") == """
            customers.csv:1: error: header: no balance column
              = help: add columns such as balance_deposit, balance_wealth, balance_card
            """)
        #expect(Self.outlets("name,network\n") == """
            outlets.csv:1: error: header: no 'customers' column
              = help: the header names the columns: name, customers, then optional network, role, staff_ROLE, share_TIER ...
            outlets.csv:1: error: header: a 'network' column needs a 'role' column
              = help: add a column 'role' saying hub or satellite for each outlet in a network
            """)
    }

    @Test func unusedAndRepeatedColumns() throws {
        let dir = TempFolder()
        let t = try CustomerTable.read(.csv(path: dir.write("c.csv", "outlet,balance_deposit,notes\n中心支行,1,x\n"),
                                            name: "customers.csv"), schema: Self.schema)
        #expect(t.warnings.map(\.rendered) == ["""
            customers.csv:1: warning: header, column 3 'notes': column 'notes' is not used
              = help: the columns read are outlet, balance_PRODUCT, offbank, reachable, segments, opened, last_contact, id; remove it or check its spelling
            """])
        #expect(Self.customers("outlet,balance_deposit,Balance_Deposit\n") == """
            customers.csv:1: error: header, column 3 'Balance_Deposit': column 'Balance_Deposit' repeats column 2
              = help: remove or rename one of them
            """)
    }

    @Test func cellsThatAreNotValues() {
        #expect(Self.customers("""
            outlet,balance_deposit,balance_card,reachable,segments,opened
            中心支行,12.3.4,maybe,perhaps,payroll;retired,2024-02-30

            """) == """
            customers.csv:2: error: row 1, column 2 'balance_deposit': '12.3.4' is not an amount
              = help: write yuan as 120000, 120,000.00, 12万 or 1.2亿
            customers.csv:2: error: row 1, column 3 'balance_card': 'maybe' does not say whether the customer holds 'card'
              = help: write yes or no (or the amount held; 0 is no)
            customers.csv:2: error: row 1, column 4 'reachable': 'perhaps' is not yes or no
              = help: write yes or no (also 1/0, true/false, 是/否)
            customers.csv:2: error: row 1, column 5 'segments': segment 'retired' is not declared
              = help: declare it ('segment retired share 0%') or remove it from the cell
            customers.csv:2: error: row 1, column 6 'opened': '2024-02-30' is not a date
              = help: write a date as 2023-05-01 (also 2023/5/1 or 20230501)
            """)
    }

    @Test func rowShapeAndQuoting() {
        #expect(Self.customers("outlet,balance_deposit\n中心支行,1,200\n中心支行\n\"中心支行\"x,1\n中心支行,\"1\n") == #"""
            customers.csv:2: error: row 1: the row has 3 cells, the header has 2
              = help: a value with a comma in it must be in double quotes: "1,200"
            customers.csv:3: error: row 2: the row has 1 cell, the header has 2
              = help: give every column a cell (leave it empty for none)
            customers.csv:4: error: row 3, column 1 'outlet': text after the closing quote of a quoted cell
              = help: quote the whole cell and double the quotes inside it: "say ""hi"""
            customers.csv:5: error: row 4, column 2 'balance_deposit': a quoted cell is not closed before the end of the file
              = help: add the closing '"'; a quote inside a quoted cell is written '""'
            """#)
    }

    @Test func aQuoteNeverClosedDoesNotHoldTheRestOfTheFile() {
        // The stray quote opens a cell that runs to the end: one error, at the row it starts on.
        var text = "outlet,balance_deposit\n中心支行,\"100\n"
        for _ in 0..<200_000 { text += "中心支行,100\n" }
        #expect(Self.customers(text) == #"""
            customers.csv:2: error: row 1, column 2 'balance_deposit': a quoted cell is not closed before the end of the file
              = help: add the closing '"'; a quote inside a quoted cell is written '""'
            """#)
        // A line without any quote or line break past 1 MB.
        #expect(Self.customers("outlet,balance_deposit\n中心支行," + String(repeating: "9", count: 1_100_000) + "\n") == """
            customers.csv:2: error: row 1, column 2 'balance_deposit': the row is longer than 1 MB
              = help: a quote that opens a cell is probably never closed; check the quotes in this row
            """)
    }

    @Test func outletRows() {
        #expect(Self.outlets("""
            name,customers,network,role,staff_wealth_manager,share_longtail,share_potential,share_midhigh,share_private
            hub_a,2万,city,hub,2,91%,6%,2.5%,0.5%
            hub_b,100,city,hub,1,,,,
            hub_a,100,,,,,,,
            中心支行,100,,satellite,,,,,
            x,-5,city,spoke,-1,90%,6%,2.5%,0.5%
            y,,city,satellite,abc,91%,,,

            """) == """
            outlets.csv:3: error: row 2, column 4 'role': network 'city' already has hub 'hub_a' (row 1)
              = help: a network has one hub; make this outlet a satellite
            outlets.csv:4: error: row 3, column 1 'name': outlet 'hub_a' is already in row 1
              = help: outlet names must be unique: rename or remove one of the rows
            outlets.csv:5: error: row 4, column 1 'name': outlet '中心支行' is already declared in the scenario
              = help: outlet names must be unique: rename it or drop the 'branch 中心支行' declaration
            outlets.csv:5: error: row 4, column 4 'role': a satellite outside any network
              = help: name the outlet's network in the 'network' column, or leave the role empty
            outlets.csv:6: error: row 5, column 2 'customers': negative number of customers '-5'
              = help: write 0 or more customers
            outlets.csv:6: error: row 5, column 4 'role': 'spoke' is not a network role
              = help: write hub or satellite
            outlets.csv:6: error: row 5, column 5 'staff_wealth_manager': negative staff '-1'
              = help: write the FTE on hand, 0 or more
            outlets.csv:6: error: row 5, column 6 'share_longtail': tier shares add up to 99%, not 100%
              = help: make the shares of all tiers add up to 100%
            outlets.csv:7: error: row 6, column 2 'customers': no number of customers
              = help: write the outlet's number of customers, such as 20000 or 2万
            outlets.csv:7: error: row 6, column 5 'staff_wealth_manager': 'abc' is not a number of staff
              = help: write the FTE on hand, such as 2 or 1.5
            outlets.csv:7: error: row 6, column 7 'share_potential': tier shares are given for some tiers but not 'share_potential', 'share_midhigh', 'share_private'
              = help: give every tier's share (0% where none), or leave them all empty for the scenario's
            """)
    }

    @Test func rowsAfterAnErrorAreStillCheckedAgainstEachOther() {
        #expect(Self.outlets("name,customers\na,many\nb,1\nb,2\n") == """
            outlets.csv:2: error: row 1, column 2 'customers': 'many' is not a whole number
              = help: write a whole number such as 20000, 20,000 or 2万
            outlets.csv:4: error: row 3, column 1 'name': outlet 'b' is already in row 2
              = help: outlet names must be unique: rename or remove one of the rows
            """)
    }

    @Test func networkWithoutHub() {
        #expect(Self.outlets("name,customers,network,role\na,1,west,satellite\nb,2,west,satellite\n") == """
            outlets.csv:2: error: row 1, column 3 'network': network 'west' has no hub
              = help: mark one of its outlets 'hub' in the 'role' column
            """)
    }

    @Test func unknownRoleAndTierColumns() {
        #expect(Self.outlets("name,customers,staff_teller,share_potential,reachable_potentail\n") == """
            outlets.csv:1: error: header, column 3 'staff_teller': no role 'teller' is declared
              = help: declare it ('role teller hours 40 per week') or remove the column
            outlets.csv:1: error: header, column 5 'reachable_potentail': no tier 'potentail' is declared
              = help: did you mean 'reachable_potential'?
            outlets.csv:1: error: header: tier shares need a column for every tier; missing 'share_longtail', 'share_midhigh', 'share_private'
              = help: add the missing columns, or remove the share columns to use the scenario's shares
            """)
    }

    @Test func wholeFileProblems() {
        let dir = TempFolder()
        #expect(failure { try CustomerTable.read(.csv(path: dir.path("none.csv"), name: "none.csv"), schema: Self.schema) } == """
            none.csv: error: file not found
              = help: check the path; it is read relative to the folder of the file that names it
            """)
        #expect(failure { try CustomerTable.read(.csv(path: dir.url.path, name: "data"), schema: Self.schema) } == """
            data: error: is a folder, not a file
              = help: name the CSV file inside it
            """)
        #expect(Self.customers("\n\n") == """
            customers.csv: error: the file is empty
              = help: the first line names the columns, then one line per row
            """)
    }

    @Test func errorsAreCappedAndCounted() {
        var text = "outlet,balance_deposit\n"
        for i in 0..<25 { text += "中心支行,-\(i + 1)\n" }
        let out = Self.customers(text)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 20 * 2 + 1)
        #expect(lines[38] == "customers.csv:21: error: row 20, column 2 'balance_deposit': negative balance '-20'")
        #expect(lines.last == "customers.csv: error: and 5 more errors (the first 20 are shown)")
        let dir = TempFolder()
        let capped = failure {
            try CustomerTable.read(.csv(path: dir.write("c.csv", text), name: "c.csv"), schema: Self.schema, errorLimit: 3)
        }
        #expect(capped.split(separator: "\n").last == "c.csv: error: and 22 more errors (the first 3 are shown)")
    }

    @Test func nothingIsHalfLoaded() throws {
        // One bad row at the end of many good ones: the load fails as a whole, with that one error.
        var text = "outlet,balance_deposit\n"
        for _ in 0..<5000 { text += "中心支行,100\n" }
        let dir = TempFolder()
        let good = try CustomerTable.read(.csv(path: dir.write("good.csv", text)), schema: Self.schema)
        #expect(good.count == 5000)
        text += "中心支行,x\n"
        do {
            _ = try CustomerTable.read(.csv(path: dir.write("bad.csv", text), name: "bad.csv"), schema: Self.schema)
            Issue.record("a table with a bad row loaded")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors[0].location == DataLocation(file: "bad.csv", row: 5001, line: 5002,
                                                             column: DataColumn(name: "balance_deposit", index: 2)))
        }
    }
}
