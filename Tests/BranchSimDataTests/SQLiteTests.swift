import BranchSimData
import CSQLite
import Testing

/// `customers from "crm.sqlite" table customers`: the same column rules as CSV, locations by table and rowid.
@Suite struct SQLiteTests {
    static let schema = DataSchema(products: [.init(name: "deposit"), .init(name: "fund")], segments: ["payroll"],
                                   outlets: ["中心支行", "film_club"])

    /// Creates a database at `path` by running `sql`.
    static func database(_ dir: TempFolder, _ sql: String) -> String {
        let path = dir.path("crm.sqlite")
        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        #expect(rc == SQLITE_OK, "\(message.map { String(cString: $0) } ?? "")")
        sqlite3_free(message)
        sqlite3_close(db)
        return path
    }

    @Test func readsATableWithTheCSVRules() throws {
        let dir = TempFolder()
        let path = Self.database(dir, """
            CREATE TABLE customers (id TEXT, outlet TEXT, balance_deposit REAL, balance_fund INTEGER,
                                    offbank TEXT, reachable INTEGER, segments TEXT, opened TEXT);
            INSERT INTO customers VALUES ('C1', '中心支行', 12345.5, 0, '5万', 1, 'payroll', '2020-01-02');
            INSERT INTO customers VALUES ('C2', 'film_club', 800, 20000, NULL, 0, NULL, NULL);
            INSERT INTO customers VALUES ('C3', 'film_club', '1,200', NULL, '', NULL, '', '2021/3/4');
            CREATE TABLE other (x);
            """)
        let t = try CustomerTable.read(.sqlite(path: path, table: "customers"), schema: Self.schema)
        #expect(t.count == 3)
        #expect(t[0] == CustomerRecord(outlet: 0, balances: [12345.5, 0], offbank: 50_000, reachable: true, segments: [0],
                                       opened: 18263, lastContact: nil))
        #expect(t[1] == CustomerRecord(outlet: 1, balances: [800, 20000], offbank: nil, reachable: false, segments: [],
                                       opened: nil, lastContact: nil))
        #expect(t[2].balances == [1200, 0])
        #expect(t[2].reachable == nil)
        #expect(CustomerTable.estimatedRows(.sqlite(path: path, table: "customers")) == 3)
    }

    @Test func errorsNameTheTableRowidAndColumn() {
        let dir = TempFolder()
        let path = Self.database(dir, """
            CREATE TABLE customers (outlet TEXT, balance_deposit REAL);
            INSERT INTO customers (rowid, outlet, balance_deposit) VALUES (7, '中心支行', 100);
            INSERT INTO customers (rowid, outlet, balance_deposit) VALUES (17, '中心支行', -5);
            INSERT INTO customers (rowid, outlet, balance_deposit) VALUES (18, 'film club', 1);
            CREATE VIEW recent AS SELECT * FROM customers WHERE balance_deposit < 0;
            """)
        #expect(failure { try CustomerTable.read(.sqlite(path: path, name: "crm.sqlite", table: "customers"), schema: Self.schema) } == """
            crm.sqlite: error: table 'customers', rowid 17, column 2 'balance_deposit': negative balance '-5.0'
              = help: balances are 0 or more; a loan is not a negative balance of 'deposit'
            crm.sqlite: error: table 'customers', rowid 18, column 1 'outlet': outlet 'film club' is not declared
              = help: did you mean 'film_club'?
            """)
        // A REAL cell shows as SQLite writes it ('-5.0'). A view has no rowid: its rows are counted.
        #expect(failure { try CustomerTable.read(.sqlite(path: path, name: "crm.sqlite", table: "recent"), schema: Self.schema) } == """
            crm.sqlite: error: table 'recent', row 1, column 2 'balance_deposit': negative balance '-5.0'
              = help: balances are 0 or more; a loan is not a negative balance of 'deposit'
            """)
    }

    @Test func missingTableFileAndNotADatabase() {
        let dir = TempFolder()
        let path = Self.database(dir, "CREATE TABLE customers (outlet TEXT); CREATE TABLE outlets (name TEXT);")
        #expect(failure { try CustomerTable.read(.sqlite(path: path, name: "crm.sqlite", table: "customer"), schema: Self.schema) } == """
            crm.sqlite: error: table 'customer': no such table in the database
              = help: did you mean 'customers'?
            """)
        #expect(failure { try CustomerTable.read(.sqlite(path: path, name: "crm.sqlite", table: "customers"), schema: Self.schema) } == """
            crm.sqlite: error: table 'customers', header: no balance column
              = help: add columns such as balance_deposit, balance_fund
            """)
        #expect(failure { try CustomerTable.read(.sqlite(path: dir.path("no.sqlite"), name: "no.sqlite", table: "t"), schema: Self.schema) } == """
            no.sqlite: error: file not found
              = help: check the path; it is read relative to the folder of the file that names it
            """)
        let text = dir.write("text.csv", "outlet,balance_deposit\n" + String(repeating: "a,1\n", count: 100))
        #expect(failure { try CustomerTable.read(.sqlite(path: text, name: "text.csv", table: "t"), schema: Self.schema) } == """
            text.csv: error: cannot read the database (file is not a database)
              = help: name a SQLite 3 database file, or give a CSV file without 'table'
            """)
    }

    @Test func outletsFromATable() throws {
        let dir = TempFolder()
        let path = Self.database(dir, """
            CREATE TABLE outlets (name TEXT, customers INTEGER, network TEXT, role TEXT);
            INSERT INTO outlets VALUES ('east', 20000, 'city', 'hub'), ('west', 15000, 'city', 'satellite');
            """)
        let t = try OutletTable.read(.sqlite(path: path, table: "outlets"), schema: DataSchema(products: []))
        #expect(t.outlets.map(\.customers) == [20000, 15000])
        #expect(t.networks == [NetworkRecord(name: "city", hub: 0, satellites: [1])])
    }
}
