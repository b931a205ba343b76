import Foundation
import Testing

/// The bank's own data through the real binary (issue 16, docs/data.md): the shipped city
/// data, damaged files (each problem at its row and column), a GB18030 file, a SQLite table,
/// and files a scenario may not read or overwrite.
@Suite struct DataImportTests {
    static let declarations = """
    scenario "data" {
      horizon 8 weeks
      step week
      runs 4
      seed 5
    }
    tier longtail  below 5万            share 91%    reachable 60%
    tier potential from 5万 to 20万     share 6%     reachable 75%
    tier midhigh   from 20万 to 600万   share 2.5%   reachable 90%
    tier private   from 600万           share 0.5%   reachable 98%
    product deposit points 1.0
    product wealth  points 1.0
    product fund    points 1.2
    role wealth_manager hours 40 per week
    role lobby_manager  hours 40 per week
    segment payroll  share 25%
    segment mortgage share 12%
    segment elderly  share 20%

    """

    static let campaign = """
    campaign salon {
      at hub
      audience network
      target potential, midhigh
      frequency 1 per week
      contacts 60
      funnel reach 100% -> attend 60% -> convert 40%
      amount lognormal(median 8万, p90 40万) max offbank
      buys deposit 30%, wealth 50%, fund 20%
    }
    run

    """

    /// A folder with the shipped data copied into `data/` and `files` written.
    func folder(_ files: [String: String] = [:]) throws -> URL {
        let dir = try Paths.temporaryDirectory()
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for f in ["city-outlets.csv", "city-outlets-gb18030.csv", "city-customers.csv"] {
            try FileManager.default.copyItem(at: Paths.scenarios.appendingPathComponent("data/" + f), to: data.appendingPathComponent(f))
        }
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    /// The JSON diagnostics of `branchsim check --format json FILE`.
    func diagnostics(_ file: String, in dir: URL, _ extra: [String] = []) throws -> (Int32, [[String: Any]]) {
        let r = try Binary.run(["check", "--format", "json", file] + extra, in: dir)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        return (r.status, try #require(json, "not JSON: \(r.stdout) \(r.stderr)"))
    }

    /// `file:line:column row 'column' message` of each diagnostic, the file's folder dropped.
    func positions(_ ds: [[String: Any]]) -> [String] {
        ds.map { d in
            let file = ((d["file"] as? String) ?? "").split(separator: "/").last.map(String.init) ?? ""
            let row = (d["row"] as? Int).map { " row \($0)" } ?? ""
            return "\(file):\(d["line"] ?? 0):\(d["column"] ?? 0)\(row) \(d["id"] ?? "") \(d["message"] ?? "")"
        }
    }

    // MARK: the shipped data

    @Test func theShippedPlaybookChecksAndStartsFromTheFilesCustomers() throws {
        let c = try Binary.run(["check", "scenarios/city-district-data.bsim"], in: Paths.root)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stderr.isEmpty, "\(c.stderr)")
        let dir = try folder(["city.bsim": Self.declarations + "branches from \"data/city-outlets.csv\"\n"
                              + "customers from \"data/city-customers.csv\"\n" + Self.campaign])
        let r = try Binary.run(["run", "city.bsim", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let runs = try #require(doc["runs"] as? [[String: Any]])
        let metrics = try #require(runs.first?["metrics"] as? [String: Any], "\(doc.keys)")
        let start = try #require(metrics["aum.start"] as? [String: Any], "\(metrics.keys.sorted())")
        // Every replication starts from the same customers: the sum of the file's balances
        // (2,245,633,067.15 yuan, summed by scripts or a spreadsheet), p5 to p95.
        for stat in ["p5", "p95", "mean"] {
            let v = try #require(start[stat] as? Double, "\(start)")
            #expect(abs(v - 2_245_633_067.15) < 0.5, "\(stat) \(v)")
        }
    }

    @Test func gb18030OutletsGiveTheSameRunAsUTF8() throws {
        let utf8 = Self.declarations + "branches from \"data/city-outlets.csv\"\ncustomers from \"data/city-customers.csv\"\n" + Self.campaign
        let gb = utf8.replacingOccurrences(of: "city-outlets.csv", with: "city-outlets-gb18030.csv")
        let dir = try folder(["u.bsim": utf8, "g.bsim": gb])
        let a = try Binary.run(["run", "u.bsim"], in: dir), b = try Binary.run(["run", "g.bsim"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.contains("中心支行") || a.stdout.contains("uplift"))
    }

    @Test func aSQLiteTableGivesTheSameCustomersAsTheCSV() throws {
        let dir = try folder()
        // The CSV's rows into a table, by python3's sqlite3 (skipped where there is none).
        let py = """
        import csv, sqlite3
        db = sqlite3.connect('data/crm.sqlite')
        rows = list(csv.reader(open('data/city-customers.csv', encoding='utf-8-sig')))
        db.execute('create table customers (' + ','.join('"%s" text' % c for c in rows[0]) + ')')
        db.executemany('insert into customers values (' + ','.join('?' * len(rows[0])) + ')', rows[1:])
        db.commit()
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", py]
        p.currentDirectoryURL = dir
        guard (try? p.run()) != nil else { return }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return }
        let csv = Self.declarations + "branches from \"data/city-outlets.csv\"\ncustomers from \"data/city-customers.csv\"\n" + Self.campaign
        let sql = csv.replacingOccurrences(of: "customers from \"data/city-customers.csv\"", with: "customers from \"data/crm.sqlite\" table customers")
        try Data(csv.utf8).write(to: dir.appendingPathComponent("csv.bsim"))
        try Data(sql.utf8).write(to: dir.appendingPathComponent("sql.bsim"))
        let a = try Binary.run(["run", "csv.bsim"], in: dir), b = try Binary.run(["run", "sql.bsim"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(a.stdout == b.stdout)
        // A missing table: an error naming it, exit status 1 from check.
        try Data(sql.replacingOccurrences(of: "table customers", with: "table customer").utf8).write(to: dir.appendingPathComponent("bad.bsim"))
        let (status, ds) = try diagnostics("bad.bsim", in: dir)
        #expect(status == 1)
        #expect(positions(ds).first?.contains("crm.sqlite:0:0 data.unreadable table 'customer': no such table in the database") == true, "\(positions(ds))")
    }

    // MARK: damaged files

    @Test func damagedFilesGiveEachProblemAtItsRowAndColumn() throws {
        let outlets = """
        name,customers,network,role,staff_wealth_manager,share_longtail,share_potential,share_midhigh,share_private
        中心支行,4200,district,hub,1,91%,6%,2.5%,0.5%
        film_club,-3,district,satellite,1,91%,6%,2.5%,0.5%
        car_club,3000,district,hub,x,91%,6%,2.5%,1.5%
        中心支行,100,,,,,,,

        """
        let customers = """
        id,outlet,balance_deposit,balance_wealth,offbank,reachable,segments,opened
        C1,中心支行,"12,000",1万,,yes,payroll,2023-05-01
        C2,film_club,-1200,0,,no,,
        C3,nowhere,5000,0,,maybe,,
        C1,car_club,"1,20",0,-5,,gold,2023-13-01
        C5,中心支行,100,0,,,,

        """
        let dir = try folder(["d.bsim": Self.declarations + "branches from \"bad/outlets.csv\"\ncustomers from \"bad/customers.csv\"\n" + Self.campaign,
                              "bad/outlets.csv": outlets, "bad/customers.csv": customers])
        let (status, ds) = try diagnostics("d.bsim", in: dir)
        #expect(status == 1)
        #expect(positions(ds) == [
            "outlets.csv:3:2 row 2 data.invalid row 2, column 2 'customers': negative number of customers '-3'",
            "outlets.csv:4:4 row 3 data.invalid row 3, column 4 'role': network 'district' already has hub '中心支行' (row 1)",
            "outlets.csv:4:5 row 3 data.invalid row 3, column 5 'staff_wealth_manager': 'x' is not a number of staff",
            "outlets.csv:4:6 row 3 data.invalid row 3, column 6 'share_longtail': tier shares add up to 101%, not 100%",
            "outlets.csv:5:1 row 4 data.invalid row 4, column 1 'name': outlet '中心支行' is already in row 1",
        ], "\(positions(ds))")
        // With the outlets mended, the customers file's problems, each where it is.
        try Data("name,customers,network,role\n中心支行,4200,district,hub\nfilm_club,3,district,satellite\ncar_club,3000,district,satellite\n".utf8)
            .write(to: dir.appendingPathComponent("bad/outlets.csv"))
        let (status2, ds2) = try diagnostics("d.bsim", in: dir)
        #expect(status2 == 1)
        #expect(positions(ds2) == [
            "customers.csv:3:3 row 2 data.invalid row 2, column 3 'balance_deposit': negative balance '-1200'",
            "customers.csv:4:2 row 3 data.invalid row 3, column 2 'outlet': outlet 'nowhere' is not declared",
            "customers.csv:4:6 row 3 data.invalid row 3, column 6 'reachable': 'maybe' is not yes or no",
            "customers.csv:5:1 row 4 data.invalid row 4, column 1 'id': customer 'C1' is already in row 1",
            "customers.csv:5:3 row 4 data.invalid row 4, column 3 'balance_deposit': '1,20' is not an amount",
            "customers.csv:5:5 row 4 data.invalid row 4, column 5 'offbank': negative off-bank assets '-5'",
            "customers.csv:5:7 row 4 data.invalid row 4, column 7 'segments': segment 'gold' is not declared",
            "customers.csv:5:8 row 4 data.invalid row 4, column 8 'opened': '2023-13-01' is not a date",
        ], "\(positions(ds2))")
        // Each error says what to do.
        for d in ds + ds2 { #expect((d["notes"] as? [String])?.first?.hasPrefix("help: ") == true, "\(d)") }
        // `run` refuses the file (status 2) and prints the same positions.
        let r = try Binary.run(["run", "d.bsim"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad/customers.csv:3:3: error: row 2, column 3 'balance_deposit': negative balance '-1200'"), "\(r.stderr)")
    }

    @Test func errorsAreCappedAtTwentyAndCounted() throws {
        let rows = (1...45).map { "C\($0),中心支行,-\($0)" }.joined(separator: "\n")
        let dir = try folder(["d.bsim": Self.declarations + "branches from \"data/city-outlets.csv\"\ncustomers from \"c.csv\"\n" + Self.campaign,
                              "c.csv": "id,outlet,balance_deposit\n" + rows + "\n"])
        let (_, ds) = try diagnostics("d.bsim", in: dir)
        #expect(ds.filter { ($0["id"] as? String) == "data.invalid" }.count == 20)
        #expect(positions(ds).contains { $0.hasSuffix("data.too-many-errors and 25 more errors in '\(ds.first?["file"] ?? "")' (the first 20 are shown)") },
                "\(positions(ds))")
    }

    // MARK: files a scenario may not read or overwrite

    @Test func includeAndDataOutsideTheFolderAreRefusedUnlessAllowed() throws {
        let outside = try folder(["secret.bsim": "tier secret_tier below 1 share 100%\n",
                                  "secret.csv": "name,customers\nsecret_outlet,5\n"])
        let dir = try folder([
            "inc.bsim": "include \"\(outside.path)/secret.bsim\"\n",
            "dat.bsim": Self.declarations + "branches from \"../\(outside.lastPathComponent)/secret.csv\"\n",
            "shadow.bsim": "include \"/etc/shadow\"\n",
        ])
        for file in ["inc.bsim", "dat.bsim", "shadow.bsim"] {
            let (status, ds) = try diagnostics(file, in: dir)
            #expect(status == 1)
            #expect(ds.map { $0["id"] as? String } == ["file.outside-folder"], "\(file): \(ds)")
            #expect(!positions(ds).joined().contains("secret_"), "\(file) read the file: \(ds)")
            let run = try Binary.run(["run", file], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("is outside the scenario's folder") && run.stderr.contains("--allow-path"), "\(run.stderr)")
            #expect(!run.stderr.contains("root:"))
        }
        // Allowed: read as any file in the folder.
        let (status, ds) = try diagnostics("dat.bsim", in: dir, ["--allow-path", outside.path])
        #expect(status == 0, "\(ds)")
        let inc = try Binary.run(["check", "inc.bsim", "--allow-path", outside.path], in: dir)
        #expect(!inc.stderr.contains("outside the scenario's folder"), "\(inc.stderr)")
    }

    @Test func theShellReadsOnlyInItsFolderUnlessAllowed() throws {
        let outside = try folder(["secret.bsim": "segment secret_segment share 1%\n"])
        let dir = try folder()
        let script = Self.declarations + "include \"\(outside.path)/secret.bsim\"\nbranches from \"data/city-outlets.csv\"\n"
        let refused = try Binary.run(["repl"], in: dir, stdin: script)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is outside the scenario's folder") && refused.stderr.contains("--allow-path"), "\(refused.stderr)")
        let allowed = try Binary.run(["repl", "--allow-path", outside.path], in: dir, stdin: script)
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func exportDoesNotOverwriteOutsideTheFolderWithoutForce() throws {
        let outside = try folder(["keep.csv": "precious\n"])
        let target = outside.appendingPathComponent("keep.csv").path
        let dir = try folder(["x.bsim": Self.declarations + "branches from \"data/city-outlets.csv\"\n" + Self.campaign
                              + "export last to \"\(target)\"\nexport last to \"inside.csv\"\n"])
        let work = try Paths.temporaryDirectory()
        let r = try Binary.run(["run", dir.appendingPathComponent("x.bsim").path, "--runs", "2"], in: work)
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot export to '\(target)'") && r.stderr.contains("--force"), "\(r.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        // A new file outside is written; an existing one with --force is replaced.
        let fresh = outside.appendingPathComponent("new.csv").path
        try Data((Self.declarations + "branches from \"data/city-outlets.csv\"\n" + Self.campaign + "export last to \"\(fresh)\"\n").utf8).write(to: dir.appendingPathComponent("y.bsim"))
        let y = try Binary.run(["run", dir.appendingPathComponent("y.bsim").path, "--runs", "2"], in: work)
        #expect(y.status == 0, "\(y.stderr)")
        #expect(FileManager.default.fileExists(atPath: fresh))
        let f = try Binary.run(["run", dir.appendingPathComponent("x.bsim").path, "--runs", "2", "--force"], in: work)
        #expect(f.status == 0, "\(f.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) != "precious\n")
        // Inside the scenario's folder (or the working directory), no --force is needed.
        let again = try Binary.run(["run", "x.bsim", "--runs", "2", "--allow-path", outside.path], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
    }
}
