import BranchSimDriver
import Foundation
import Testing

/// Units of work (`--variant`, `--point`, `--set`), slices (`--replications A..<B --save`)
/// and `merge`, which rebuilds the whole run from them or refuses slices that do not belong
/// together. Runs are small (40 replications) so the suite is quick on a debug binary too.
@Suite(.serialized) struct SliceTests {
    /// A file with everything a run prints: a run with expectations, a paired comparison, a
    /// sweep, a run with its own count, a report and an export.
    static let plan = CommandLineTests.small + """
        variant busy { campaign meet { contacts 40 } }
        compare base, busy on uplift, staffing
        expect compare.uplift.diff.mean > 0
        expect compare.uplift.prob_better >= 0.9
        sweep meet.contacts over 10, 20, 30 on uplift
        run runs 25
        report uplift
        export last to "last.json"

        """

    struct Fixture {
        var dir: URL
        var file: URL
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    }

    func fixture(_ text: String = Self.plan) throws -> Fixture {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("plan.bsim")
        try Data(text.utf8).write(to: file)
        return Fixture(dir: dir, file: file)
    }

    /// Runs the slices `ranges` of `unit` and returns their files.
    func slices(_ f: Fixture, _ ranges: [String], extra: [String] = [], prefix: String = "s") throws -> [String] {
        try ranges.enumerated().map { k, range in
            let out = f.path("\(prefix)\(k).rows")
            let r = try Binary.run(["run", f.file.path, "--replications", range, "--save", out] + extra, in: f.dir)
            #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
            return out
        }
    }

    @Test(arguments: ["table", "json", "csv", "html"])
    func mergedSlicesPrintTheWholeRunByteForByte(format: String) throws {
        let f = try fixture()
        let whole = try Binary.run(["run", f.file.path, "--format", format], in: f.dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        let wholeExport = try Data(contentsOf: f.dir.appendingPathComponent("last.json"))
        try FileManager.default.removeItem(at: f.dir.appendingPathComponent("last.json"))
        let parts = try slices(f, ["0..<7", "7..<20", "20..<40"])
        // A slice holds part of the run: it writes no export.
        #expect(!FileManager.default.fileExists(atPath: f.path("last.json")))
        // In any order.
        let merged = try Binary.run(["merge", f.file.path, parts[2], parts[0], parts[1], "--format", format], in: f.dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == whole.stdout)
        #expect(merged.stderr == whole.stderr)
        #expect(try Data(contentsOf: f.dir.appendingPathComponent("last.json")) == wholeExport)
    }

    /// Past the replications that keep their series (2,000) and in uneven slices: the rows
    /// file `merge --save` writes (streamed from its stores, the slices read a buffer at a
    /// time) is the one `run --save` writes in one process, byte for byte, and so is the report.
    @Test func aLargerSavedRunAndItsMergedSlicesAreTheSameFile() throws {
        let f = try fixture(CommandLineTests.small)
        let whole = try Binary.run(["run", f.file.path, "--runs", "2100", "--format", "json", "--save", f.path("whole.rows")], in: f.dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        let parts = try slices(f, ["0..<1999", "1999..<2001", "2001..<2100"], extra: ["--runs", "2100"])
        let merged = try Binary.run(["merge", f.file.path, parts[2], parts[1], parts[0], "--format", "json",
                                     "--save", f.path("merged.rows")], in: f.dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == whole.stdout)
        let wholeRows = try Data(contentsOf: URL(fileURLWithPath: f.path("whole.rows")))
        #expect(wholeRows.count > 1_000_000)
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.path("merged.rows"))) == wholeRows)
        // A merge that is refused leaves the rows file it would have replaced as it was.
        let refused = try Binary.run(["merge", f.file.path, parts[0], parts[2], "--save", f.path("merged.rows")], in: f.dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("replications 1999..<2001 are in no slice"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.path("merged.rows"))) == wholeRows)
    }

    @Test func aFailedExpectationExitsOneAfterMergeToo() throws {
        let f = try fixture(Self.plan + "expect uplift.mean < 0\n")
        let whole = try Binary.run(["run", f.file.path], in: f.dir)
        #expect(whole.status == 1)
        let parts = try slices(f, ["0..<20", "20..<40"])
        let merged = try Binary.run(["merge", f.file.path] + parts, in: f.dir)
        #expect(merged.status == 1, "\(merged.stderr)")
        #expect(merged.stdout == whole.stdout)
        #expect(merged.stdout.contains("FAIL  expect uplift.mean < 0"))
    }

    @Test func variantAndPointAreUnitsThatSliceAndMerge() throws {
        let f = try fixture()
        for unit in [["--variant", "busy"], ["--point", "2"]] {
            let whole = try Binary.run(["run", f.file.path, "--format", "json"] + unit, in: f.dir)
            #expect(whole.status == 0, "\(whole.stderr)")
            let parts = try slices(f, ["0..<25", "25..<40"], extra: unit, prefix: unit[0])
            let merged = try Binary.run(["merge", f.file.path, "--format", "json"] + parts, in: f.dir)
            #expect(merged.status == 0, "\(merged.stderr)")
            #expect(merged.stdout == whole.stdout)
        }
        // A point alone gives the numbers that point has in the whole sweep (a file that
        // ends with its sweep, so that the JSON shows it).
        let g = try fixture(Self.plan.components(separatedBy: "run runs 25")[0])
        func sweepPoints(_ args: [String]) throws -> [[String: Any]] {
            let r = try Binary.run(["run", g.file.path, "--format", "json"] + args, in: g.dir)
            let json = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let sweep = try #require(json["sweep"] as? [String: Any])
            return try #require(sweep["points"] as? [[String: Any]])
        }
        let all = try sweepPoints([]), second = try sweepPoints(["--point", "2"])
        #expect(second.count == 1)
        #expect(NSDictionary(dictionary: second[0]).isEqual(to: all[1]))
    }

    /// The points of a sweep, each run apart (whole or in replication slices), merge into the
    /// whole sweep: the file's own output byte for byte, expectations included. Before, merge
    /// refused slices of different points as "different units".
    @Test func pointSlicesMergeIntoTheWholeSweep() throws {
        let g = try fixture(CommandLineTests.small.components(separatedBy: "run\n")[0] + """
            sweep meet.contacts over 10, 20, 30 on uplift
            expect uplift.mean > 0
            report uplift

            """)
        for format in ["json", "table"] {
            let whole = try Binary.run(["run", g.file.path, "--format", format], in: g.dir)
            #expect(whole.status == 0, "\(whole.stderr)")
            let first = try slices(g, ["0..<40"], extra: ["--point", "1"], prefix: "p1-")
            let second = try slices(g, ["0..<15", "15..<40"], extra: ["--point", "2"], prefix: "p2-")
            let third = try slices(g, ["0..<40"], extra: ["--point", "3"], prefix: "p3-")
            let merged = try Binary.run(["merge", g.file.path, "--format", format] + third + second + first, in: g.dir)
            #expect(merged.status == 0, "\(merged.stderr)")
            #expect(merged.stdout == whole.stdout)
            // A missing point is named.
            let partial = try Binary.run(["merge", g.file.path] + first + third, in: g.dir)
            #expect(partial.status == 2)
            #expect(partial.stderr.contains("sweep point 2 (--point 2) is in no slice: the sweep has 3 points"), "\(partial.stderr)")
        }
        // A file that runs more than its sweep: its points do not make the whole file.
        let f = try fixture()
        let parts = try (1...3).flatMap { try slices(f, ["0..<40"], extra: ["--point", "\($0)"], prefix: "q\($0)-") }
        let refused = try Binary.run(["merge", f.file.path] + parts, in: f.dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("runs more than its sweep"), "\(refused.stderr)")
    }

    /// `--point K` addresses one point of a design too (issue 18 item 3 with issue 17's
    /// designs): a full factorial's K-th combination and a Latin hypercube's K-th point, each
    /// alone the numbers it has in the whole design, and their slices merge back into the whole
    /// design byte for byte.
    @Test(arguments: ["sweep meet.contacts over 10, 20 and meet.frequency over 1, 2 on uplift",
                      "sweep meet.contacts in 10..30 and meet.frequency in 1..3 latin 3 on uplift"])
    func designPointsSliceAndMergeIntoTheWholeDesign(design: String) throws {
        let g = try fixture(CommandLineTests.small.components(separatedBy: "run\n")[0] + design + "\nexpect uplift.mean > 0\n")
        let count = design.contains("latin") ? 3 : 4
        func points(_ args: [String]) throws -> [[String: Any]] {
            let r = try Binary.run(["run", g.file.path, "--format", "json"] + args, in: g.dir)
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let sweep = try #require(json["sweep"] as? [String: Any])
            return try #require(sweep["points"] as? [[String: Any]])
        }
        let all = try points([])
        #expect(all.count == count)
        for k in 1...count {
            let one = try points(["--point", "\(k)"])
            #expect(one.count == 1)
            #expect(NSDictionary(dictionary: one[0]).isEqual(to: all[k - 1]), "point \(k)")
        }
        for format in ["json", "table"] {
            let whole = try Binary.run(["run", g.file.path, "--format", format], in: g.dir)
            var parts: [String] = []
            for k in (1...count).reversed() {
                parts += try slices(g, k == 2 ? ["0..<15", "15..<40"] : ["0..<40"], extra: ["--point", "\(k)"], prefix: "\(format)\(k)-")
            }
            let merged = try Binary.run(["merge", g.file.path, "--format", format] + parts, in: g.dir)
            #expect(merged.status == 0, "\(merged.stderr)")
            #expect(merged.stdout == whole.stdout)
        }
        let beyond = try Binary.run(["run", g.file.path, "--point", "\(count + 1)"], in: g.dir)
        #expect(beyond.status == 2)
        #expect(beyond.stderr.contains("has \(count) points; give --point 1 to \(count)"), "\(beyond.stderr)")
    }

    @Test func unitErrorsNameTheFlag() throws {
        let f = try fixture()
        let cases: [([String], String)] = [
            (["--variant", "nope"], "--variant nope: '\(f.file.path)' has no variant named 'nope'; its variants are 'base', 'busy'"),
            (["--point", "4"], "--point 4: the sweep at \(f.file.path):19:1 has 3 points; give --point 1 to 3"),
            (["--set", "meet.contcts=3"], "did you mean 'contacts'?"),
            (["--set", "meet.funnel.convert=160%"], "--set meet.funnel.convert:1:1: error:"),
            (["--replications", "40..<50"], "--replications 40..<50: this run makes 40 replications, so the slice would hold none"),
        ]
        for (args, message) in cases {
            let r = try Binary.run(["run", f.file.path] + args, in: f.dir)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        let bad = try Binary.run(["run", f.file.path, "--set", "meet.contacts"], in: f.dir)
        #expect(bad.status != 0 && bad.status != 1)
        #expect(bad.stderr.contains("--set takes PATH=VALUE"), "\(bad.stderr)")
    }

    /// `--set PATH=VALUE` runs the file as if it said so (a leading kind is allowed).
    @Test func setChangesThePropertyAsTheFileWould() throws {
        let f = try fixture()
        let edited = try fixture(Self.plan.replacingOccurrences(of: "contacts 20", with: "contacts 30")
            .replacingOccurrences(of: "convert 50%", with: "convert 35%"))
        let want = try Binary.run(["run", edited.file.path, "--format", "json", "--variant", "base"], in: edited.dir)
        let got = try Binary.run(["run", f.file.path, "--format", "json", "--variant", "base",
                                  "--set", "meet.contacts=30", "--set", "campaign.meet.funnel.convert=35%"], in: f.dir)
        #expect(got.status == 0, "\(got.stderr)")
        #expect(got.stdout == want.stdout)
        let plain = try Binary.run(["run", f.file.path, "--format", "json", "--variant", "base"], in: f.dir)
        #expect(plain.stdout != got.stdout)
        // The slices keep their settings: merge applies them again.
        let parts = try slices(f, ["0..<10", "10..<40"], extra: ["--variant", "base", "--set", "meet.contacts=30",
                                                                 "--set", "campaign.meet.funnel.convert=35%"])
        let merged = try Binary.run(["merge", f.file.path, "--format", "json"] + parts, in: f.dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == got.stdout)
    }

    @Test func mergeRefusesSlicesThatDoNotBelongTogether() throws {
        let f = try fixture()
        let a = try slices(f, ["0..<20"], prefix: "a")[0]
        let b = try slices(f, ["20..<40"], prefix: "b")[0]
        let wide = try slices(f, ["10..<40"], prefix: "wide")[0]
        let late = try slices(f, ["25..<40"], prefix: "late")[0]
        let seed = try slices(f, ["20..<40"], extra: ["--seed", "5"], prefix: "seed")[0]
        let runs = try slices(f, ["20..<40"], extra: ["--runs", "40"], prefix: "runs")[0]
        let set = try slices(f, ["20..<40"], extra: ["--set", "meet.contacts=21"], prefix: "set")[0]
        let unit = try slices(f, ["20..<40"], extra: ["--variant", "busy"], prefix: "unit")[0]
        // Another scenario with the same title and seed.
        let other = try fixture(Self.plan.replacingOccurrences(of: "contacts 20", with: "contacts 22"))
        let otherB = try slices(other, ["20..<40"], prefix: "other")[0]
        func rewrite(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: b))) as? [String: Any])
            change(&json)
            let out = f.path(name)
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: out))
            return out
        }
        func editRows(_ json: inout [String: Any], _ change: (inout [[String: Any]]) -> Void) {
            var runs = json["runs"] as! [[String: Any]]
            var reps = runs[0]["replications"] as! [[String: Any]]
            change(&reps)
            runs[0]["replications"] = reps
            json["runs"] = runs
        }
        let dropped = try rewrite("dropped.rows") { j in editRows(&j) { $0.remove(at: 3) } }
        let altered = try rewrite("altered.rows") { j in
            editRows(&j) { reps in
                var values = reps[3]["values"] as! [Double]
                values[0] += 1
                reps[3]["values"] = values
            }
        }
        let cases: [([String], String)] = [
            ([a, otherB], "'\(a)' and '\(otherB)' are slices of different runs: they come from different scenarios"),
            ([a, seed], "'\(a)' and '\(seed)' are slices of different runs: they were run with different --set, --runs or --seed"),
            ([a, runs], "were run with different --set, --runs or --seed"),
            ([a, set], "were run with different --set, --runs or --seed"),
            ([a, unit], "they run different units (the whole file and variant 'busy' (--variant busy))"),
            ([a, late], "replications 20..<25 are in no slice: '\(a)' (0..<20) ends at 20 and '\(late)' (25..<40) starts at 25"),
            ([b], "replications 0..<20 are in no slice: '\(b)' (20..<40) starts at 20"),
            ([a], "replications 20..<40 are in no slice: the run makes 40 and the last slice '\(a)' (0..<20) ends at 20"),
            ([a, wide], "'\(a)' (0..<20) and '\(wide)' (10..<40) overlap: replications 10..<20 are in both"),
            ([a, dropped], "'\(dropped)' is damaged: run 'base' should hold replications 20..<40, but replication 23 is missing"),
            ([a, altered], "'\(altered)' was changed after it was written: the rows of run 'base' do not match their checksum"),
        ]
        for (files, message) in cases {
            let r = try Binary.run(["merge", f.file.path] + files, in: f.dir)
            #expect(r.status == 2, "\(files): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(message)\n\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // The file changed since the slices ran (same title, seed and name).
        try Data(Self.plan.replacingOccurrences(of: "contacts 20", with: "contacts 23").utf8).write(to: f.file)
        let changed = try Binary.run(["merge", f.file.path, a, b], in: f.dir)
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("the slices were not run from '\(f.file.path)' as it is now"), "\(changed.stderr)")
        // A rows file where the scenario belongs.
        let swapped = try Binary.run(["merge", a, b], in: f.dir)
        #expect(swapped.status == 2)
        #expect(swapped.stderr.contains("merge takes the scenario file first"), "\(swapped.stderr)")
    }

    @Test func slurmDryRunPrintsTheScriptsAndSubmitsNothing() throws {
        let f = try fixture()
        let r = try Binary.run(["slurm", "plan.bsim", "--tasks", "3", "--partition", "short", "--format", "json",
                                "--set", "meet.contacts=25", "--out", "jobs", "--dry-run"], in: f.dir)
        #expect(r.status == 0, "\(r.stderr)")
        for line in ["#SBATCH --array=0-2", "#SBATCH --partition=short", "A=$(( K * 40 / 3 ))", "B=$(( (K + 1) * 40 / 3 ))",
                     "run plan.bsim --set meet.contacts=25 --replications \"$A..<$B\"", "/jobs/slice-\"$K\".rows",
                     "merge plan.bsim \\", "/jobs/slice-2.rows", "--format json", "/jobs/result.json",
                     "sbatch --dependency=afterok:<the slices' job id>"] {
            #expect(r.stdout.contains(line), "\(line)\n\(r.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.path("jobs")))
        // More tasks than replications: one replication each.
        let many = try Binary.run(["slurm", "plan.bsim", "--tasks", "100", "--runs", "5", "--dry-run"], in: f.dir)
        #expect(many.stdout.contains("#SBATCH --array=0-4"), "\(many.stdout)")
    }

    @Test func slurmWithoutSbatchSaysSo() throws {
        let f = try fixture()
        let empty = try Paths.temporaryDirectory()
        let r = try Binary.run(["slurm", "plan.bsim", "--tasks", "2", "--out", "jobs"], in: f.dir,
                               environment: ["PATH": empty.path])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("sbatch is not on PATH"), "\(r.stderr)")
    }

    @Test func slurmRefusesRunsUntilWithoutACount() throws {
        let f = try fixture(Self.plan.replacingOccurrences(of: "runs 40 ", with: "runs until uplift within 5% "))
        let r = try Binary.run(["slurm", "plan.bsim", "--tasks", "2", "--dry-run"], in: f.dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("give --runs N"), "\(r.stderr)")
        let slice = try Binary.run(["run", "plan.bsim", "--replications", "0..<10", "--save", "s.rows"], in: f.dir)
        #expect(slice.status == 2, "\(slice.stderr)")
        #expect(slice.stderr.contains("which a slice cannot know: give --runs N"), "\(slice.stderr)")
        // The whole run saved and merged is the run, stopped where it stopped.
        let whole = try Binary.run(["run", "plan.bsim", "--format", "json", "--save", "w.rows"], in: f.dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        let merged = try Binary.run(["merge", "plan.bsim", "w.rows", "--format", "json"], in: f.dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == whole.stdout)
    }

    @Test func sha256MatchesTheStandardVectors() {
        func hex(_ s: String) -> String {
            var h = SHA256()
            h.update(Array(s.utf8))
            return h.hex()
        }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
