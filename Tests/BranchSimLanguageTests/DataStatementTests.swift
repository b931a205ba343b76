import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// A folder with `files` written in it (paths relative to it), checked from `t.bsim` there.
func checkInFolder(_ files: [String: String], bytes: [String: [UInt8]] = [:], main: String = "t.bsim") -> (CheckOutcome, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-data-\(UUID().uuidString)").path
    for (name, text) in files { write(Array(text.utf8), to: dir + "/" + name) }
    for (name, b) in bytes { write(b, to: dir + "/" + name) }
    return (FrontEnd.check(path: dir + "/" + main), dir)
}

private func write(_ bytes: [UInt8], to path: String) {
    try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

/// Declarations the data files below are read against.
let dataScenario = """
tier longtail  below 5万          share 91%
tier potential from 5万 to 20万   share 6%
tier midhigh   from 20万 to 600万 share 2.5%
tier private   from 600万         share 0.5%
product deposit points 1.0
product wealth points 1.0
role wealth_manager hours 40 per week
segment payroll share 25%

"""

let outletsCSV = """
name,customers,network,role,staff_wealth_manager
hub_a,3000,east,hub,2
sat_b,2000,east,satellite,1

"""

let customersCSV = """
id,outlet,balance_deposit,balance_wealth,reachable,segments
C1,hub_a,"12,000",0,yes,payroll
C2,hub_a,8万,2万,no,
C3,sat_b,300000,0,,

"""

/// A trigger that checks `t.bsim` (`source`) in a folder holding `files`.
func dataTrigger(_ id: DiagnosticID, _ source: String, _ files: [String: String], example: String? = nil) -> Trigger {
    Trigger(id: id, example: example, run: {
        let (o, _) = checkInFolder(files.merging(["t.bsim": source]) { a, _ in a })
        return (o.diagnostics, o.sources)
    })
}

let dataTriggers: [Trigger] = [
    dataTrigger(.dataFileExpected, dataScenario + "branches \"outlets.csv\"\n", ["outlets.csv": outletsCSV]),
    dataTrigger(.dataTableExpected, dataScenario + "customers from \"crm.sqlite\"\n", [:]),
    dataTrigger(.dataUnexpected, dataScenario + "branches from \"outlets.csv\" now\n", ["outlets.csv": outletsCSV]),
    dataTrigger(.dataUnreadable, dataScenario + "branches from \"outlet.csv\"\n", [:], example: "branches from \"outlet.csv\""),
    dataTrigger(.dataInvalid, dataScenario + "branches from \"outlets.csv\"\n",
                ["outlets.csv": "name,customers\nhub_a,-3\n"], example: "hub_a,-3"),
    dataTrigger(.dataWarning, dataScenario + "branches from \"outlets.csv\"\n",
                ["outlets.csv": "name,customers,notes\nhub_a,3000,new\n"], example: "name,customers,notes"),
    dataTrigger(.dataTooManyErrors, dataScenario + "branches from \"outlets.csv\"\n",
                ["outlets.csv": "name,customers\n" + (1...25).map { "o\($0),many\n" }.joined()], example: "o1,many"),
    dataTrigger(.dataOutletTwice, dataScenario + "branches from \"outlets.csv\"\nbranches from \"more.csv\"\n",
                ["outlets.csv": outletsCSV, "more.csv": "name,customers\nhub_a,10\n"]),
    dataTrigger(.dataOutletDeclared, dataScenario + "branch hub_a { customers 100 }\nbranches from \"outlets.csv\"\n",
                ["outlets.csv": outletsCSV]),
    dataTrigger(.dataNetworkDeclared, dataScenario + "branch x { customers 100 }\nnetwork east { hub x }\nbranches from \"outlets.csv\"\n",
                ["outlets.csv": outletsCSV]),
    dataTrigger(.dataCustomersTwice, dataScenario + "branches from \"outlets.csv\"\ncustomers from \"c.csv\"\ncustomers from \"c.csv\"\n",
                ["outlets.csv": outletsCSV, "c.csv": customersCSV]),
    dataTrigger(.pathOutsideFolder, dataScenario + "branches from \"../outlets.csv\"\n", [:]),
]

@Suite struct DataStatementTests {
    @Test func importedOutletsAndCustomersBuildTheScenario() throws {
        let (o, _) = checkInFolder([
            "t.bsim": dataScenario + "branch west { customers 500 }\nbranches from \"data/outlets.csv\"\ncustomers from \"data/customers.csv\"\n"
                + "campaign meet { at hub  audience network  target potential  frequency 1 per week  contacts 10\n"
                + "  funnel reach 100% -> convert 40%  amount fixed 1万 }\n",
            "data/outlets.csv": outletsCSV, "data/customers.csv": customersCSV,
        ])
        #expect(o.diagnostics.filter(\.isError).isEmpty, "\(o.diagnostics)")
        let s = try #require(o.program?.base)
        #expect(s.branches.map(\.name) == ["west", "hub_a", "sat_b"])
        // Imported customers replace the drawn population; an outlet without any keeps its count.
        #expect(s.branches.map(\.customers) == [500, 2, 1])
        #expect(s.branches[1].staff == [2])
        #expect(s.networks.map(\.name) == ["east"])
        #expect(s.networks[0].hub == 1 && s.networks[0].satellites == [2])
        #expect(s.campaigns[0].hosts == [1])
        let im = try #require(s.imported)
        #expect(im.count == 3)
        #expect(im.balances == [12_000, 0, 80_000, 20_000, 300_000, 0])
        #expect(im.reachable == [1, 0, -1])
        #expect(im.segments == [1, 0, 0])
    }

    /// Each diagnostic as `customers.csv:LINE:COL [ID] ROW MESSAGE` (the folder's customers.csv
    /// by its name; other files by their path).
    static func customersDiagnostics(_ o: CheckOutcome, in dir: String, ids: Bool) -> [String] {
        let file = FileAccess.resolved(dir) + "/customers.csv"
        return o.diagnostics.map {
            "\($0.location.file == file ? "customers.csv" : $0.location.file):\($0.location.line):\($0.location.column) "
                + (ids ? "\($0.id.rawValue) " : "") + "\($0.dataRow.map(String.init) ?? "-") \($0.message)"
        }
    }

    @Test func damagedFilesGiveEachProblemAtItsRowAndColumn() {
        let (o, dir) = checkInFolder([
            "t.bsim": dataScenario + "branches from \"outlets.csv\"\ncustomers from \"customers.csv\"\n",
            "outlets.csv": outletsCSV,
            "customers.csv": "id,outlet,balance_deposit,balance_gold\nC1,hub_a,-5,1\nC2,nowhere,5,1\nC1,sat_b,x,1\n",
        ])
        let got = Self.customersDiagnostics(o, in: dir, ids: true)
        #expect(got == [
            "customers.csv:1:4 data.invalid 0 header, column 4 'balance_gold': no product 'gold' is declared",
        ], "\(got)")
        let (o2, dir2) = checkInFolder([
            "t.bsim": dataScenario + "branches from \"outlets.csv\"\ncustomers from \"customers.csv\"\n",
            "outlets.csv": outletsCSV,
            "customers.csv": "id,outlet,balance_deposit\nC1,hub_a,-5\nC2,nowhere,5\nC1,sat_b,x\n",
        ])
        let got2 = Self.customersDiagnostics(o2, in: dir2, ids: false)
        #expect(got2 == [
            "customers.csv:2:3 1 row 1, column 3 'balance_deposit': negative balance '-5'",
            "customers.csv:3:2 2 row 2, column 2 'outlet': outlet 'nowhere' is not declared",
            "customers.csv:4:1 3 row 3, column 1 'id': customer 'C1' is already in row 1",
            "customers.csv:4:3 3 row 3, column 3 'balance_deposit': 'x' is not an amount",
        ], "\(got2)")
        #expect(o2.program == nil)
    }

    @Test func aDeclaredBranchAndAnImportedOneWithTheSameNameAreNamedBoth() {
        let (o, _) = checkInFolder([
            "t.bsim": dataScenario + "branch sat_b { customers 100 }\nbranches from \"outlets.csv\"\n",
            "outlets.csv": outletsCSV,
        ])
        let d = o.diagnostics.first { $0.id == .dataOutletDeclared }
        #expect(d?.location.line == 9)
        #expect(d?.notes.first?.message.hasSuffix("outlets.csv row 2, read by 'branches from' at \(o.diagnostics.first?.location.file ?? ""):10:1") == true,
                "\(d?.notes ?? [])")
    }

    @Test func dataPathsAreRelativeToTheIncludingFile() {
        let (o, _) = checkInFolder([
            "t.bsim": dataScenario + "include \"parts/outlets.bsim\"\n",
            "parts/outlets.bsim": "branches from \"outlets.csv\"\n",
            "parts/outlets.csv": outletsCSV,
        ])
        #expect(o.diagnostics.filter(\.isError).isEmpty, "\(o.diagnostics)")
        #expect(o.program?.base.branches.map(\.name) == ["hub_a", "sat_b"])
    }

    @Test func filesOutsideTheFolderAreNotRead() {
        for statement in ["include \"/etc/passwd\"", "branches from \"/etc/passwd\"", "customers from \"../../../../../../etc/passwd\""] {
            let (o, _) = checkInFolder(["t.bsim": dataScenario + statement + "\n"])
            #expect(o.diagnostics.map(\.id) == [.pathOutsideFolder], "\(statement): \(o.diagnostics)")
            #expect(!o.diagnostics.contains { $0.message.contains("root:") })
            #expect(o.diagnostics.first?.notes.last?.message == "copy the file into the scenario's folder, or allow its folder: --allow-path /etc")
        }
    }

    @Test func aLinkOutOfTheFolderIsOutsideToo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-link-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/common.bsim", withDestinationPath: "/etc/passwd")
        try Data((dataScenario + "include \"common.bsim\"\n").utf8).write(to: URL(fileURLWithPath: dir + "/t.bsim"))
        let o = FrontEnd.check(path: dir + "/t.bsim")
        #expect(o.diagnostics.map(\.id) == [.pathOutsideFolder])
    }

    @Test func formatterKeepsDataStatements() {
        let text = "branches from \"outlets.csv\"\ncustomers from \"crm.sqlite\" table customers\n"
        #expect(FrontEnd.parse(source: text, file: "t.bsim").diagnostics.isEmpty)
        #expect((try? Formatter.format(text, file: "t.bsim")) == text)
    }

    @Test func dataStatementsStayOutOfVariants() {
        let o = check(minimal + "variant v {\n  customers from \"c.csv\"\n}\n")
        #expect(o.diagnostics.map(\.id) == [.notAllowedInVariant])
    }
}
