import Foundation
import Testing

/// The command line as CI and analysts use it: exit codes, output formats, determinism.
/// Runs are kept small (`--runs`) so the suite is quick on a debug binary too.
@Suite(.serialized) struct CommandLineTests {
    static let small = """
        scenario "small" { horizon 3 months  step week  runs 40  seed 11 }
        role wealth_manager hours 40 per week
        branch b { customers 2000  staff wealth_manager 1 }
        campaign meet {
          target potential
          frequency 1 per week
          contacts 20
          funnel reach 100% -> attend 50% -> convert 50%
          amount fixed 6万 max offbank
          effort occurrence wealth_manager 1 x 60 min
        }
        run
        expect uplift.mean > 0
        expect occurrences.meet.mean == 13

        """

    func write(_ text: String, name: String = "plan.bsim") throws -> URL {
        let dir = try Paths.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func passingFileExitsZero() throws {
        let f = try write(Self.small)
        let r = try Binary.run(["run", f.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("PASS  expect uplift.mean > 0"))
        #expect(r.stdout.contains("PASS  expect occurrences.meet.mean == 13"))
    }

    @Test func failingExpectationExitsOneAndSaysWhere() throws {
        let f = try write(Self.small + "expect uplift.mean < 0\n")
        let r = try Binary.run(["run", f.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL  expect uplift.mean < 0  measured"))
        #expect(r.stdout.contains("plan.bsim:15:1"))
    }

    @Test func brokenFileExitsTwoWithPosition() throws {
        let f = try write(Self.small.replacingOccurrences(of: "target potential", with: "target potentail"))
        let r = try Binary.run(["run", f.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("plan.bsim:5:10: error:"), "\(r.stderr)")
        #expect(r.stderr.contains("potential"))
    }

    @Test func tooManyRunsAreRefusedBeforeAnythingRuns() throws {
        let f = try write(Self.small)
        let flag = try Binary.run(["run", f.path, "--runs", "2000000"])
        #expect(flag.status != 0 && flag.status != 1)
        #expect(flag.stderr.contains("--runs must be at most 1000000: for more, run slices"), "\(flag.stderr)")
        #expect(flag.stdout.isEmpty)
        let g = try write(Self.small + "run runs 2000000\n", name: "many.bsim")
        let statement = try Binary.run(["run", g.path])
        #expect(statement.status == 2)
        #expect(statement.stderr.contains("many.bsim:15:10: error: 'runs' must be at most 1000000, found '2000000'"), "\(statement.stderr)")
        #expect(statement.stderr.contains("help: a million replications give quantiles to well under 0.1%"))
    }

    /// `--runs` is checked against memory as the file's own `runs` is (issue 19: a run the
    /// checker refused for its `runs` took 6.4 GiB when the count came from the command line).
    @Test func runsFromTheCommandLineAreCheckedAgainstMemory() throws {
        let roles = (1...40).map { "role r\($0) hours 40 per week\n" }.joined()
        let base = roles + """
            scenario "long" { horizon 100 years  runs 2  seed 1 }
            branch b { customers 100 }
            run

            """
        let f = try write(base, name: "long.bsim")
        let flag = try Binary.run(["run", f.path, "--runs", "2000"])
        #expect(flag.status == 2, "\(flag.stderr)")
        #expect(flag.stderr.contains("results too large for memory: 5200 steps of"), "\(flag.stderr)")
        #expect(flag.stderr.contains("(limit 4 GiB)"))
        #expect(flag.stdout.isEmpty)
        // The same count in the file is refused by the checker, with the same figure.
        let g = try write(base.replacingOccurrences(of: "runs 2 ", with: "runs 2000 "), name: "long2.bsim")
        let statement = try Binary.run(["run", g.path])
        #expect(statement.status == 2)
        #expect(statement.stderr.contains("results too large for memory: 5200 steps of"), "\(statement.stderr)")
    }

    /// The memory check does not read the host: a file without `threads` is checked for one
    /// thread (a run on more lowers its threads to what fits), so it checks the same on a
    /// 2-core laptop and a 64-core server; a file's own `threads` is checked as written.
    @Test func memoryCheckDoesNotDependOnTheHostsCores() throws {
        let plan = """
            branch b { customers 28000000 }
            campaign meet { target longtail, potential, midhigh, private  frequency 1 per week  contacts 20
              funnel reach 100% -> convert 50%  amount fixed 6万 max offbank }

            """
        let f = try write(plan, name: "big.bsim")
        let clean = try Binary.run(["check", f.path])
        #expect(clean.status == 0, "\(clean.stderr)")
        let g = try write(plan + "scenario { threads 2 }\n", name: "big2.bsim")
        let two = try Binary.run(["check", g.path])
        #expect(two.status == 1)
        #expect(two.stderr.contains("population too large for memory: 28000000 customers need about"), "\(two.stderr)")
        #expect(two.stderr.contains("with 2 threads (limit 4 GiB)"))
    }

    @Test func jsonIsIdenticalForOneTwoAndEightThreads() throws {
        let f = try write(Self.small)
        let outs = try [1, 2, 8].map { t in try Binary.run(["run", f.path, "--format", "json", "--threads", "\(t)"]) }
        for o in outs { #expect(o.status == 0, "\(o.stderr)") }
        #expect(outs[0].stdout == outs[1].stdout)
        #expect(outs[0].stdout == outs[2].stdout)
        let json = try JSONSerialization.jsonObject(with: Data(outs[0].stdout.utf8)) as? [String: Any]
        #expect(json?["schema"] as? String == "branchsim.result/1")
    }

    @Test func slicesMergedEqualTheWholeRun() throws {
        let f = try write(Self.small)
        let dir = f.deletingLastPathComponent()
        let whole = try Binary.run(["run", f.path, "--save", dir.appendingPathComponent("whole.rows").path, "--format", "json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        for (range, name) in [("0..<15", "a.rows"), ("15..<40", "b.rows")] {
            let r = try Binary.run(["run", f.path, "--replications", range, "--save", dir.appendingPathComponent(name).path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merged = try Binary.run(["merge", f.path, dir.appendingPathComponent("a.rows").path,
                                     dir.appendingPathComponent("b.rows").path, "--format", "json"])
        let single = try Binary.run(["merge", f.path, dir.appendingPathComponent("whole.rows").path, "--format", "json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == single.stdout)
        #expect(merged.stdout == whole.stdout)
        let overlap = try Binary.run(["merge", f.path, dir.appendingPathComponent("a.rows").path,
                                      dir.appendingPathComponent("whole.rows").path])
        #expect(overlap.status == 2)
        #expect(overlap.stderr.contains("overlap: replications 0..<15 are in both"), "\(overlap.stderr)")
    }

    /// A rows file cut short or edited by hand is refused with its name and what is wrong;
    /// `merge` summarised such rows and trapped on the missing values.
    @Test func damagedRowsAreRefusedNotSummarised() throws {
        let f = try write(Self.small)
        let dir = f.deletingLastPathComponent()
        let rows = dir.appendingPathComponent("whole.rows")
        let saved = try Binary.run(["run", f.path, "--runs", "4", "--save", rows.path, "--format", "json"])
        #expect(saved.status == 0, "\(saved.stderr)")
        func damaged(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> URL {
            var json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: rows)) as? [String: Any])
            var runs = try #require(json["runs"] as? [[String: Any]])
            var reps = try #require(runs[0]["replications"] as? [[String: Any]])
            change(&reps[1])
            runs[0]["replications"] = reps
            json["runs"] = runs
            let url = dir.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            return url
        }
        let shortSeries = try damaged("series.rows") { r in r["series"] = Array((r["series"] as? [Any] ?? []).prefix(10)) }
        let shortValues = try damaged("values.rows") { r in r["values"] = Array((r["values"] as? [Any] ?? []).prefix(3)) }
        for (url, what) in [(shortSeries, "series values, not"), (shortValues, "3 metric values, not")] {
            for format in ["table", "json"] {
                let r = try Binary.run(["merge", f.path, url.path, "--format", format])
                #expect(r.status == 2, "\(r.stderr)")
                #expect(r.stderr.contains("'\(url.path)' is damaged: in run 'base', replication 1 has"), "\(r.stderr)")
                #expect(r.stderr.contains(what), "\(r.stderr)")
            }
        }
    }

    /// `--timings` adds one line to standard error, in the shape `bench` reads, and changes
    /// nothing on standard output.
    @Test func timingsLineSaysWhereTheTimeWent() throws {
        let f = try write(Self.small + "variant busy { campaign meet { contacts 40 } }\ncompare base, busy\n")
        let plain = try Binary.run(["run", f.path, "--format", "json", "--runs", "12"])
        let timed = try Binary.run(["run", f.path, "--format", "json", "--runs", "12", "--timings"])
        #expect(timed.status == 0, "\(timed.stderr)")
        #expect(timed.stdout == plain.stdout)
        let lines = timed.stderr.split(separator: "\n").filter { $0.hasPrefix("timings: ") }
        #expect(lines.count == 1, "\(timed.stderr)")
        let line = String(try #require(lines.first))
        let figures = line.split(separator: " ").compactMap { Double($0) }
        // check, simulate, report, total (in ms); the replications of the `run` and of the
        // `compare`'s two variants.
        #expect(figures.count == 4, "\(line)")
        #expect(line.contains("(36 replications)"), "\(line)")
        if figures.count == 4 {
            #expect(figures.allSatisfy { $0 >= 0 })
            #expect(figures[3] + 0.2 >= figures[0] + figures[1] + figures[2], "parts add up to the total: \(line)")
        }
        #expect(plain.stderr.contains("timings") == false)
    }

    /// `bench` on a small file: one row with every column, figures from real child runs.
    @Test func benchMeasuresAFile() throws {
        let f = try write(Self.small, name: "tiny.bsim")
        let r = try Binary.run(["bench", f.path, "--repeat", "1", "--runs", "8", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.first?.contains("speedup  engine speedup  host ceiling") == true, "\(r.stdout)")
        let row = try #require(rows.first { $0.hasPrefix("tiny ") }, "\(r.stdout)")
        let cells = row.split(separator: " ")
        #expect(cells.count == 15, "\(row)")
        #expect(cells[1] == "8")
        #expect(cells.filter { $0.hasSuffix("x") }.count == 5, "speedup, engine speedup, host ceiling, engine draws, engine/floor: \(row)")

        let broken = try write("campaign x { target nowhere }\n", name: "broken.bsim")
        let refused = try Binary.run(["bench", broken.path, "--repeat", "1"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("broken.bsim has errors"), "\(refused.stderr)")
    }

    /// `bench`'s floor counts the draws the model needs, not the engine's: a campaign that
    /// contacts 5 of a pool of thousands needs 5 draws for its sample, while the engine hashes
    /// every pool member. Before, the floor was the engine's own count (an engine drawing more
    /// than needed lowered its ratio to the floor).
    @Test func benchFloorCountsTheModelsDraws() throws {
        let f = try write("""
            scenario "pool" { horizon 2 months  step week  runs 10  seed 3 }
            tier low below 5万 share 50% reachable 100%
            tier high from 5万 share 50% reachable 100%
            branch b { customers 20000 }
            campaign pick {
              target low, high
              frequency 1 per week
              contacts 5
              funnel reach 100% -> convert 50%
              amount fixed 1万
            }
            run

            """, name: "pool.bsim")
        let r = try Binary.run(["bench", f.path, "--repeat", "1", "--runs", "10", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("pool ") }, "\(r.stdout)")
        let cells = row.split(separator: " ").map(String.init)
        try #require(cells.count == 15, "\(row)")
        // Per replication: 20,000 customers held (a balance each; reachability is certain),
        // 9 weekly occurrences of 5 contacts, one 50% stage each: about 20,000 + 45 + 45.
        let model = try #require(Double(cells[11].replacingOccurrences(of: ",", with: "")), "\(row)")
        #expect(model > 20_050 && model < 20_150, "draws the model needs: \(row)")
        // The engine hashes the whole pool (20,000) at each occurrence: far more.
        let engine = try #require(Double(cells[12].dropLast()), "\(row)")
        #expect(engine > 5, "engine draws / model draws: \(row)")
    }

    /// `bench --outlets`: the province series, one row per size, time per outlet and
    /// replication, its ratio to the first size of 10 or more, the speedups (wall and
    /// engine), memory at 1 and 2 threads.
    @Test func benchRunsTheProvinceSeries() throws {
        let r = try Binary.run(["bench", "--outlets", "1,10", "--outlet-customers", "300", "--runs", "4", "--repeat", "1", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let one = try #require(rows.first { $0.first == "1" }, "\(r.stdout)")
        let ten = try #require(rows.first { $0.first == "10" }, "\(r.stdout)")
        #expect(one.count == 13 && ten.count == 13, "\(r.stdout)")
        #expect(ten[1] == "3,000" && ten[2] == "4", "customers and replications: \(ten)")
        #expect(ten[5] == "1.00x", "10 outlets is the reference: \(ten)")
        // The speedup of the wall time, and of the engine's part alone.
        #expect(r.stdout.contains("engine speedup") && ten[8].hasSuffix("x") && Double(ten[8].dropLast()).map { $0 > 0 } == true, "\(ten)")
        let printed = try Binary.run(["bench", "--outlets", "7", "--print-province", "--outlet-customers", "100"])
        #expect(printed.status == 0)
        #expect(printed.stdout.contains("branch o6 { customers 100"), "\(printed.stdout)")
        #expect(printed.stdout.contains("network n1 { hub o5  satellites o6 }"), "\(printed.stdout)")
        // One network of every outlet: its events draw from the whole province (issue 18).
        let one7 = try Binary.run(["bench", "--outlets", "7", "--print-province", "--network-outlets", "7"])
        #expect(one7.status == 0)
        #expect(one7.stdout.contains("network n0 { hub o0  satellites o1, o2, o3, o4, o5, o6 }"), "\(one7.stdout)")
        #expect(!one7.stdout.contains("network n1"), "\(one7.stdout)")
        let refused = try Binary.run(["bench", "--outlets", "10,x"])
        #expect(refused.status != 0 && refused.stderr.contains("--outlets wants outlet counts"), "\(refused.stderr)")
    }

    /// `bench --runs-series`: peak memory and time of `run`, `run --save` and `merge` of
    /// slices per replication count, and whether the merged rows file is the whole run's.
    @Test func benchRunsTheMemoryInRunsSeries() throws {
        let f = try write(Self.small)
        let r = try Binary.run(["bench", "--runs-series", "6,30", f.path, "--slices", "3", "--repeat", "1", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first?.first == "runs", "\(r.stdout)")
        for n in ["6", "30"] {
            let row = try #require(rows.first { $0.first == n }, "\(r.stdout)")
            #expect(row.count == 9 && row.last == "yes", "\(row)")
            #expect(row[1...7].allSatisfy { Double($0) != nil }, "\(row)")
        }
        #expect(r.stdout.contains("merge joins 3 slices"), "\(r.stdout)")
        let refused = try Binary.run(["bench", "--runs-series", "10,1"])
        #expect(refused.status != 0 && refused.stderr.contains("--runs-series wants replication counts"), "\(refused.stderr)")
    }

    /// Inputs a fuzzing pass found that trapped, overflowed the stack or ran without end;
    /// each now stops with a message (the checker's cases are in DiagnosticCases.swift).
    @Test func fuzzedInputsStopCleanly() throws {
        // Referrals that compound (every new customer converted daily and referring again).
        let referrals = try write("""
            branch b { customers 100 }
            campaign c { target all frequency daily contacts all amount fixed 1 referrals 100% new longtail }
            run

            """, name: "referrals.bsim")
        let r = try Binary.run(["run", referrals.path, "--runs", "2"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("referrals.bsim:3:1: error: referrals would add more than 10000 new customers in one replication"), "\(r.stderr)")

        // --replications is held to the same bound as --runs, and an end at Int.max is refused.
        let f = try write(Self.small)
        for range in ["0..<9223372036854775807", "0..<100000000000"] {
            let big = try Binary.run(["run", f.path, "--replications", range])
            #expect(big.status == 2, "\(big.stderr)")  // a usage error: 2, as every error (docs/ci.md)
            #expect(big.stderr.contains("a run takes at most 1000000"), "\(big.stderr)")
        }
        let end = try Binary.run(["run", f.path, "--replications", "0..9223372036854775807"])
        #expect(end.status == 2, "\(end.stderr)")

        // An amount near the largest double: the HTML histogram's axis stays finite.
        let huge = try write("campaign c { target all frequency 1 per year contacts 1 amount fixed 17"
                             + String(repeating: "0", count: 307) + " }\nrun\n", name: "huge.bsim")
        let html = try Binary.run(["run", huge.path, "--runs", "2", "--format", "html"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("</svg>"))
    }

    @Test func csvIsLongFormat() throws {
        let f = try write(Self.small)
        let r = try Binary.run(["run", f.path, "--format", "csv", "--runs", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "replication,seed,metric,value")
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 4 })
        #expect(lines.contains { $0.hasPrefix("2,11,uplift,") })
    }

    @Test func testCommandCountsAndWritesJUnit() throws {
        let dir = try Paths.temporaryDirectory()
        try Data(Self.small.utf8).write(to: dir.appendingPathComponent("good.bsim"))
        try Data((Self.small + "expect uplift.mean < 0\n").utf8).write(to: dir.appendingPathComponent("bad.bsim"))
        let junit = dir.appendingPathComponent("junit.xml")
        let r = try Binary.run(["test", dir.path, "--junit", junit.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("4 passed, 1 failed\n"))
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"5\" failures=\"1\" errors=\"0\""))

        try Data("campaign x { target nowhere }\n".utf8).write(to: dir.appendingPathComponent("broken.bsim"))
        let b = try Binary.run(["test", dir.path])
        #expect(b.status == 2)
        #expect(b.stdout.contains("ERROR "))
    }

    @Test func htmlOutputIsOneSelfContainedFile() throws {
        let f = try write(Self.small)
        let out = f.deletingLastPathComponent().appendingPathComponent("report.html")
        let r = try Binary.run(["run", f.path, "--runs", "10", "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script src"))
        #expect(!html.contains("http://") || !html.contains("<link"))
    }

    @Test func scriptOnStandardInput() throws {
        let r = try Binary.run([], stdin: Self.small + "expect uplift.mean < 0\n",
                               environment: ["BRANCHSIM_HISTORY": "/dev/null"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("PASS  expect uplift.mean > 0"))
        #expect(r.stdout.contains("FAIL  expect uplift.mean < 0"))
    }

    /// A script whose declarations are still wrong when its input ends exits 2 with the
    /// problem, as `branchsim run` does on the same text (it exited 0, silently).
    @Test func scriptEndingWithAnUnfinishedProblemExitsTwo() throws {
        let text = "tier x below 5万 share 100%\n"
        let r = try Binary.run([], stdin: text, environment: ["BRANCHSIM_HISTORY": "/dev/null"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("<stdin>:1:8: error: the top tier 'x' ends at 5万"), "\(r.stderr)")
        let f = try write(text)
        #expect(try Binary.run(["run", f.path]).status == 2)
        let fine = try Binary.run([], stdin: Self.small, environment: ["BRANCHSIM_HISTORY": "/dev/null"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    /// `:drop KIND NAME`, which the prompt's own `drop` statement points to, exists (it was
    /// "unknown command ':drop'"), and dropping what is not there is an error naming it.
    @Test func dropRemovesADeclaration() throws {
        let script = Self.small.replacingOccurrences(of: "run\nexpect uplift.mean > 0\nexpect occurrences.meet.mean == 13\n", with: "")
            + ":drop campaign meet\n:show\n"
        let r = try Binary.run([], stdin: script, environment: ["BRANCHSIM_HISTORY": "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("meet"), "\(r.stdout)")
        let again = try Binary.run([], stdin: script + ":drop campaign meet\n", environment: ["BRANCHSIM_HISTORY": "/dev/null"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("there is no campaign 'meet'"), "\(again.stderr)")
    }
}
