import ArgumentParser
import BranchSimData
import BranchSimDriver
import BranchSimEngine
import BranchSimLanguage
import BranchSimModel
import BranchSimReports
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `branchsim bench`: how fast scenarios run, measured the way users run them.
///
/// Each measurement runs `branchsim run FILE` as a child process (so the peak memory is the
/// run's own) several times and reports medians: wall time with 1 thread and with every core,
/// the speedup, replications and customer-steps per second, and peak resident memory. The
/// "floor" is the time to draw just the random numbers the runs draw (the engine counts them),
/// so the engine's overhead over its generator is a measured ratio.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure replications per second, speedup over threads, peak memory and the random-number floor.",
        discussion: """
            Default files: ../shared/scenarios/*.bsim when that folder exists, else scenarios/*.bsim, with the journey \
            scenario scenarios/journey-631-chain.bsim and the decision statements of \
            Benchmarks/decisions/potential-decisions.bsim either way. \
            Figures are medians of --repeat runs; docs/performance.md explains them.
            """)

    @Argument(help: "Scenario files (default: the shared acceptance scenarios).", completion: .file(extensions: ["bsim"]))
    var files: [String] = []

    @Option(help: "Runs of each measurement; the median is reported.")
    var `repeat`: Int = 5

    @Option(help: "Replications (overrides each file's `runs`).")
    var runs: Int?

    @Option(help: "Threads for the parallel measurement (default: every core).")
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Run the province scale series instead of files: a generated province of these many outlets each, e.g. 1,10,100,500.",
        discussion: "Prints time per outlet per replication for each size, its ratio to the first size of 10 or more, the speedup over threads and the peak memory of both runs."))
    var outlets: String?

    @Option(help: "Customers per outlet in the province series.")
    var outletCustomers: Int = 20_000

    @Option(help: ArgumentHelp("Outlets per network in the province series (a hub and the rest satellites); at least the largest --outlets: one network of every outlet, whose themed events and salon draw from the whole province.",
                               valueName: "n"))
    var networkOutlets: Int = 5

    @Flag(help: "With --outlets N: print the generated province scenario of N outlets instead of measuring it.")
    var printProvince = false

    @Option(help: ArgumentHelp(
        "Run the memory-in-runs series instead: for each of these replication counts (e.g. 1000,10000,50000), the peak memory of `run`, `run --save` and `merge` of slices of FILE (default scenarios/potential-upgrade.bsim).",
        discussion: "Shows that memory does not grow with `runs` (docs/performance.md, \"Memory\"); also checks that the merged rows file equals the whole run's byte for byte.",
        valueName: "counts"))
    var runsSeries: String?

    @Option(help: "Slices merged in the --runs-series series.")
    var slices: Int = 4

    @Option(help: ArgumentHelp("Instead of running scenarios, time loading this many generated customer rows through a scenario's `customers from` (`customers from`, docs/data.md).",
                               valueName: "rows"))
    var data: Int?

    func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if let outlets, Self.outletCounts(outlets) == nil {
            throw ValidationError("--outlets wants outlet counts from 1 to 100000 separated by commas, e.g. 1,10,100,500 (got '\(outlets)')")
        }
        if outletCustomers < 10 { throw ValidationError("--outlet-customers must be at least 10") }
        if networkOutlets < 1 { throw ValidationError("--network-outlets must be at least 1") }
        if let runsSeries, Self.runCounts(runsSeries) == nil {
            throw ValidationError("--runs-series wants replication counts from 2 to \(LanguageDefaults.runsMaximum) separated by commas, "
                + "e.g. 1000,10000,50000 (got '\(runsSeries)')")
        }
        if slices < 1 { throw ValidationError("--slices must be at least 1") }
        if runsSeries != nil && files.count > 1 { throw ValidationError("--runs-series measures one file; give one") }
    }

    static func runCounts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 2 && ($0 ?? 0) <= LanguageDefaults.runsMaximum }) else { return nil }
        return parts.map { $0! }
    }

    static func outletCounts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else { return nil }
        return parts.map { $0! }
    }

    struct Sample {
        var seconds: Double
        var maxRSSKiB: Int
        /// The engine's share of `seconds`, from the child's `--timings` line.
        var simulateSeconds: Double
    }

    func run() throws {
        if let data { return try benchData(rows: data) }
        let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if let runsSeries, let counts = Self.runCounts(runsSeries) {
            return try runMemorySeries(counts, file: files.first ?? Self.runsSeriesScenario, cores: cores, exe: exe)
        }
        if let outlets, let counts = Self.outletCounts(outlets) {
            if printProvince {
                StandardStreams.write(Self.province(outlets: counts[0], customers: outletCustomers, runs: runs ?? Self.provinceRuns(outlets: counts[0]),
                                                            networkOutlets: networkOutlets))
                return
            }
            try runProvince(counts, cores: cores, exe: exe)
            return
        }
        let paths = try defaultFiles()
        var table = TextTable(columns: [
            .init("scenario", .left), .init("reps"), .init("1 thread s"), .init("ms/rep 1t"),
            .init("\(cores) threads s"), .init("speedup"), .init("engine speedup"), .init("host ceiling"),
            .init("reps/s"), .init("cust-steps/s"),
            .init("peak MB"), .init("draws/rep"), .init("engine draws"), .init("floor s"), .init("engine/floor"),
        ])
        for path in paths {
            let outcome = FrontEnd.check(path: path)
            guard let program = outcome.program, !outcome.hasErrors else {
                StandardStreams.writeError("bench: \(path) has errors; `branchsim check \(path)`\n")
                throw ExitCode(2)
            }
            let work = simulations(in: program)
            let reps = work.reduce(0) { $0 + $1.replications }
            let modelPerRep = work.reduce(0) { $0 + $1.drawsPerReplication * $1.replications } / max(1, reps)
            let enginePerRep = work.reduce(0) { $0 + $1.engineDrawsPerReplication * $1.replications } / max(1, reps)
            let customerSteps = work.reduce(0.0) { $0 + Double($1.replications * $1.scenario.totalCustomers * $1.scenario.steps) }
            var args = ["run", path, "--format", "json", "--timings"]
            if let runs { args += ["--runs", "\(runs)"] }
            // Interleaved (1 thread, N threads, N 1-thread runs at once, floor, 1 thread, ...): on a
            // shared machine whose speed drifts, every figure of a row sees the same conditions.
            var one: [Sample] = [], many: [Sample] = [], together: [Double] = [], floors: [Double] = []
            for _ in 0..<`repeat` {
                one.append(try measure(exe, args + ["--threads", "1"]))
                many.append(try measure(exe, args + ["--threads", "\(cores)"]))
                together.append(try measureTogether(exe, args + ["--threads", "1"], copies: cores).seconds)
                floors.append(floorSeconds(work))
            }
            let t1 = median(one.map(\.seconds)), tn = median(many.map(\.seconds))
            let s1 = median(one.map(\.simulateSeconds)), sn = median(many.map(\.simulateSeconds))
            let floor = median(floors)
            // N independent 1-thread runs at once do N runs' work in `together` seconds: what
            // the cores give independent work at that moment, with nothing serial between the
            // runs. Below N when the cores slow each other down (or something else runs). Not a
            // strict bound: N processes also each pay their own start-up and report, and
            // hold N populations in the caches where N threads of one run share the plan.
            let ceiling = Double(cores) * t1 / median(together)
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            table.add([
                name, "\(reps)", fmt(t1, 3), fmt(1000 * t1 / Double(max(1, reps)), 3), fmt(tn, 3), fmt(t1 / tn, 2) + "x", fmt(s1 / sn, 2) + "x",
                fmt(ceiling, 2) + "x",
                NumberFormat.grouped(Double(reps) / tn, decimals: 0),
                NumberFormat.grouped(customerSteps / tn, decimals: 0),
                fmt(Double(median(many.map { Double($0.maxRSSKiB) })) / 1024, 1),
                NumberFormat.grouped(Double(modelPerRep), decimals: 0),
                modelPerRep > 0 ? fmt(Double(enginePerRep) / Double(modelPerRep), 2) + "x" : "-",
                fmt(floor, 3), fmt(t1 / floor, 1) + "x",
            ])
            StandardStreams.writeError("bench: \(name) done\n")
        }
        StandardStreams.write(table.render() + "\n")
        StandardStreams.write("medians of \(`repeat`) interleaved rounds (1 thread, \(cores) threads, \(cores) 1-thread runs at once, floor); wall time of `branchsim run FILE --format json` as a child process "
              + "(start-up, checking and the report included); engine speedup = the same for the engine's part alone (`--timings`' simulate); "
              + "host ceiling = \(cores) x 1-thread time / the time \(cores) 1-thread runs take at once (what independent runs gain from the cores at that moment: a reference for the machine's state, not a bound); ms/rep 1t = 1-thread time per replication, peak = its maximum resident set (\(cores) threads); "
              + "draws/rep = the random draws the model needs a replication (counted from its outcomes: customers held, contacts, "
              + "uncertain funnel stages, conversions, leavers; docs/performance.md), engine draws = what the engine drew / that; "
              + "floor = that many keyed random draws alone, 1 thread; engine/floor = 1-thread time / floor\n")
    }

    /// What a program simulates: each `run`, each variant of each `compare`, each sweep point.
    struct Work {
        var scenario: Scenario
        var replications: Int
        /// Draws the model needs (`modelDraws`), and those the engine made.
        var drawsPerReplication: Int
        var engineDrawsPerReplication: Int
    }

    func simulations(in program: CheckedProgram) -> [Work] {
        // Each simulated scenario with the others it is compared with (they decide which
        // tiers are aggregated, hence the draws).
        var scenarios: [(Scenario, [Scenario], Int?)] = []
        for a in program.actions {
            switch a.action {
            case .run(_, let v): program.scenario(named: v).map { scenarios.append(($0, [], nil)) }
            case .compare(let names, _, _):
                let all = names.compactMap { program.scenario(named: $0) }
                scenarios += all.map { ($0, all, nil) }
            case .sweep(_, let points, _): scenarios += points.map { ($0.scenario, points.map(\.scenario), nil) }
            case .decision(let d):
                if let base = program.scenario(named: nil) { scenarios += Self.decisionRuns(d, base: base) }
            case .report, .expect, .export, .rank: break
            }
        }
        return scenarios.map { s, companions, own in
            let n = runs ?? own ?? s.settings.runs.maximum
            // The draws the model needs per replication, from the outcomes of a short run (the
            // counts do not depend on threads); the engine's own count beside it.
            let sample = min(n, 20)
            var options = RunOptions(runs: .fixed(sample))
            options.companions = companions
            guard let (result, d) = try? Engine.runWithDiagnostics(s, label: "bench", options: options),
                  let held = try? Engine.materialisedCustomers(s, companions: companions) else {
                return Work(scenario: s, replications: n, drawsPerReplication: 0, engineDrawsPerReplication: 0)
            }
            return Work(scenario: s, replications: n, drawsPerReplication: Int(Self.modelDraws(s, result, heldCustomers: held).rounded()),
                        engineDrawsPerReplication: d.draws.reduce(0, +) / max(1, d.draws.count))
        }
    }

    /// The runs a decision statement makes (docs/model.md, "Sensitivity", "Optimize"): for
    /// `sensitivity`, the base (and its twin with uncertain inputs) and a low and a high run
    /// per factor; for `optimize`, the screening of every plan (`n0` replications each: the
    /// selection's later rounds depend on the outcomes, so they are timed but not counted);
    /// for `calibrate`, every point searched.
    static func decisionRuns(_ d: DecisionRequest, base: Scenario) -> [(Scenario, [Scenario], Int?)] {
        switch d {
        case .sensitivity(_, let factors, let runs):
            var companions = [base]
            for f in factors { if case .scenarios(let lo, let hi) = f.setting { companions += [lo, hi] } }
            var out = Array(repeating: (base, companions, runs), count: base.uncertainInputs.isEmpty ? 1 : 2)
            for f in factors {
                switch f.setting {
                case .input: out += [(base, companions, runs), (base, companions, runs)]
                case .scenarios(let lo, let hi): out += [(lo, companions, runs), (hi, companions, runs)]
                }
            }
            return out
        case .optimize(let o):
            let all = o.candidates.map(\.scenario)
            return all.map { ($0, all, Optional(o.firstStage)) }
        case .calibrate(let c):
            // Every point of the search, `runs` replications each on common random numbers.
            let all = c.candidates.map(\.scenario)
            return all.map { ($0, all, Optional(c.runs)) }
        }
    }

    /// The random draws the model needs in a replication of `s` (mean over `result`'s
    /// replications), counted from what happened, not from what the engine drew, so an engine
    /// that draws more than it needs cannot lower its ratio to the floor:
    /// - each customer held one by one (`heldCustomers`, and every new one): its balance, its
    ///   reachability (when neither certain nor impossible), one per segment, one per term
    ///   product (where in its term it is);
    /// - each occurrence's contacts: one per contact (a sample without replacement of k
    ///   customers needs k draws, whatever the pool);
    /// - each funnel stage with a probability strictly between 0 and 1: one per customer
    ///   taking it (for `reach`, the reachable ones: passed / probability);
    /// - each conversion: its amount (but a fixed amount or a share of off-bank), a referral
    ///   draw, one per flat product it may buy;
    /// - each leaver (attrition): one.
    /// Not counted (no metric says how many): renewals of term products at maturity. The
    /// floor is therefore a lower bound of what the model needs.
    static func modelDraws(_ s: Scenario, _ result: RunResult, heldCustomers: Int) -> Double {
        let index = Dictionary(result.metrics.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        func mean(_ key: String) -> Double {
            guard let i = index[key], result.count > 0 else { return 0 }
            return result.rows.column(i).reduce(0) { $0 + $1 } / Double(result.count)
        }
        let uncertain = { (p: Double) in p > 0 && p < 1 }
        let perCustomer = 1 + Double(s.tiers.contains { uncertain($0.reachable) } ? 1 : 0) + Double(s.segments.count)
            + Double(s.products.filter { $0.term != nil }.count)
        var n = (Double(heldCustomers) + mean("new_customers")) * perCustomer + mean("left_customers")
        for c in s.campaigns {
            var entering = mean("funnel.\(c.name).contacts")
            n += entering
            for st in c.funnel {
                let passed = mean("funnel.\(c.name).\(st.name)")
                if uncertain(st.probability) { n += st.isReach ? passed / st.probability : entering }
                entering = passed
            }
            let conversions = mean("conversions.\(c.name)")
            var perConversion = 0.0
            switch c.amount {
            case .uniform?, .lognormal?, .pareto?: perConversion += 1
            case .fixed?, .shareOfOffbank?, nil: break
            }
            if let r = c.referrals, uncertain(r.probability) { perConversion += 1 }
            perConversion += Double(c.buys.filter { s.products[$0.product].flat }.count)
            n += conversions * perConversion
        }
        return n
    }

    /// Seconds to compute the keyed draws all replications of `work` make, on one thread.
    func floorSeconds(_ work: [Work]) -> Double {
        let start = DispatchTime.now()
        var acc: UInt64 = 0
        for w in work {
            for r in 0..<w.replications {
                let key = RandomKey.mix(0x5EED, UInt64(r))
                for i in 0..<w.drawsPerReplication {
                    // One finaliser per 64-bit value, as SplitMix64 streams and contact priorities
                    // draw them (keyed single draws cost a second one): the strictest floor.
                    acc ^= RandomKey.mix(key, UInt64(truncatingIfNeeded: i))
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        if acc == 42 { StandardStreams.writeError(" ") }  // keep the loop
        return seconds
    }

    /// A journey scenario (the "631" chain: a hand-off between campaigns, ranked by gap),
    /// benchmarked with the default files.
    static let journeyScenario = "scenarios/journey-631-chain.bsim"
    static let decisionsScenario = "Benchmarks/decisions/potential-decisions.bsim"

    /// `--data ROWS`: a scenario with ten outlets reading `ROWS` generated customers
    /// (`SampleCustomers`, as `branchsim-data-bench` writes them) and doing nothing else, run
    /// as a child process (its check reads the rows, checks every cell and stores the
    /// customers): median wall time,
    /// rows per second and peak memory of `--repeat` runs.
    func benchData(rows: Int) throws {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-bench-data-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SampleCustomers.write(rows: rows, to: dir + "/customers.csv")
        let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/customers.csv")[.size] as? Int) ?? 0
        var scenario = SampleCustomers.products.map { "product \($0) points 1.0\n" }.joined()
        scenario += SampleCustomers.segments.map { "segment \($0) share 10%\n" }.joined()
        scenario += SampleCustomers.outlets.map { "branch \($0) { customers 1000 }\n" }.joined()
        scenario += "customers from \"customers.csv\"\n"
        try scenario.write(toFile: dir + "/bench.bsim", atomically: true, encoding: .utf8)
        var samples: [Sample] = []
        // `run` of a file with no action: the check (reading the rows) is all it does.
        for _ in 0..<`repeat` { samples.append(try measure(exe, ["run", dir + "/bench.bsim", "--timings"])) }
        let wall = median(samples.map(\.seconds))
        var table = TextTable(columns: [.init("rows"), .init("file MB"), .init("check s"), .init("rows/s"), .init("peak MB")])
        table.add([fmt(Double(rows), 0), fmt(Double(size) / 1_000_000, 1), fmt(wall, 2), fmt(Double(rows) / wall, 0),
                   fmt(median(samples.map { Double($0.maxRSSKiB) }) / 1024, 1)])
        StandardStreams.write(table.render() + "\n")
        StandardStreams.write("medians of \(`repeat`) runs of `branchsim run --timings` on a scenario that only reads the rows (`customers from`, CSV UTF-8 with "
            + "quoted amounts, 万 and dates), as a child process; docs/data.md explains them\n")
    }

    func defaultFiles() throws -> [String] {
        if !files.isEmpty { return files }
        let fm = FileManager.default
        for dir in ["../shared/scenarios", "scenarios"] where fm.fileExists(atPath: dir) {
            let found = (try fm.contentsOfDirectory(atPath: dir)).filter { $0.hasSuffix(".bsim") }.sorted()
            guard !found.isEmpty else { continue }
            var paths = found.map { "\(dir)/\($0)" }
            // The journey paths (hand-offs from event logs, conditions, ranking) measured too.
            if !paths.contains(Self.journeyScenario) && fm.fileExists(atPath: Self.journeyScenario) { paths.append(Self.journeyScenario) }
            // The decision statements (sensitivity, optimize, a Latin hypercube; docs/performance.md, "Decisions").
            if fm.fileExists(atPath: Self.decisionsScenario) { paths.append(Self.decisionsScenario) }
            return paths
        }
        throw ValidationError("no scenario files given and none found in ../shared/scenarios or scenarios")
    }

    /// Runs `exe args` with standard output discarded; wall seconds, the child's peak resident
    /// set, and the engine's seconds from the `--timings` line it writes to standard error.
    func measure(_ exe: String, _ args: [String]) throws -> Sample {
        try measureTogether(exe, args, copies: 1).samples[0]
    }

    /// Starts `copies` children of `exe args` at once and waits for all of them: each one's
    /// sample (its `seconds` is the batch's), and the seconds until the last one finished.
    func measureTogether(_ exe: String, _ args: [String], copies: Int, timed: Bool = true) throws -> (samples: [Sample], seconds: Double) {
        let errPaths = (0..<copies).map { i in
            FileManager.default.temporaryDirectory
                .appendingPathComponent("branchsim-bench-\(getpid())-\(i)-\(UInt64.random(in: 0...UInt64.max)).err").path
        }
        defer { for p in errPaths { try? FileManager.default.removeItem(atPath: p) } }
        let argv = ([exe] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let start = DispatchTime.now()
        var pids: [pid_t] = []
        for errPath in errPaths {
            var pid: pid_t = 0
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let rc = posix_spawn(&pid, exe, &actions, nil, argv, environ)
            guard rc == 0 else {
                for p in pids { kill(p, SIGKILL); _ = waitpid(p, nil, 0) }
                throw ValidationError("cannot start \(exe): error \(rc)")
            }
            pids.append(pid)
        }
        var statuses: [(status: Int32, usage: rusage)] = []
        for pid in pids {
            var status: Int32 = 0
            var usage = rusage()
            _ = wait4(pid, &status, 0, &usage)
            statuses.append((status, usage))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var samples: [Sample] = []
        for ((status, usage), errPath) in zip(statuses, errPaths) {
            // A child that crashed or was killed did not run the scenario: its time means nothing.
            let signal = status & 0x7F
            if signal != 0 {
                throw ValidationError("`branchsim \(args.joined(separator: " "))` was killed by signal \(signal); no figure reported")
            }
            // 0: ran, expectations passed; 1: ran, an expectation failed (still a full run); else an error.
            let exit = (status >> 8) & 0xFF
            if exit > 1 {
                throw ValidationError("`branchsim \(args.joined(separator: " "))` failed (exit \(exit)); run it to see why")
            }
            let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            guard let simulate = timed ? Self.simulateSeconds(inTimings: err) : 0 else {
                throw ValidationError("`branchsim \(args.joined(separator: " "))` printed no `timings:` line; no figure reported")
            }
            samples.append(Sample(seconds: seconds, maxRSSKiB: Int(usage.ru_maxrss), simulateSeconds: simulate))
        }
        return (samples, seconds)
    }

    /// The `simulate` figure of a `--timings` line (`RunCommand.timingsLine`), in seconds.
    static func simulateSeconds(inTimings text: String) -> Double? {
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("timings: ") }),
              let range = line.range(of: "simulate ") else { return nil }
        let number = line[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return Double(number).map { $0 / 1000 }
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func fmt(_ x: Double, _ d: Int) -> String { NumberFormat.grouped(x, decimals: d) }

    // MARK: - Memory in runs

    static let runsSeriesScenario = "scenarios/potential-upgrade.bsim"

    /// For each replication count: `run FILE --runs N`, the same with `--save`, and `merge` of
    /// `slices` slices saved apart (not measured), on `cores` threads, `--repeat` rounds,
    /// medians of the peak resident set and wall time; and whether the merged rows file equals
    /// the whole run's byte for byte.
    func runMemorySeries(_ counts: [Int], file: String, cores: Int, exe: String) throws {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("--runs-series: no file '\(file)'") }
        var table = TextTable(columns: [
            .init("runs"), .init("run peak MB"), .init("run s"), .init("run --save peak MB"), .init("run --save s"),
            .init("rows file MB"), .init("merge peak MB"), .init("merge s"), .init("merged = whole"),
        ])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-bench-runs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let threads = ["--threads", "\(cores)"]
        for n in counts {
            let whole = dir.appendingPathComponent("whole.rows").path, merged = dir.appendingPathComponent("merged.rows").path
            let run = ["run", file, "--runs", "\(n)", "--timings"] + threads
            let k = min(slices, n)
            var parts: [String] = []
            for i in 0..<k {
                let part = dir.appendingPathComponent("slice-\(i).rows").path
                _ = try measure(exe, run + ["--replications", "\(i * n / k)..<\((i + 1) * n / k)", "--save", part])
                parts.append(part)
            }
            var plain: [Sample] = [], saving: [Sample] = [], merging: [Sample] = []
            for _ in 0..<`repeat` {
                plain.append(try measure(exe, run))
                saving.append(try measure(exe, run + ["--save", whole]))
                merging.append(try measureTogether(exe, ["merge", file] + parts + ["--save", merged] + threads, copies: 1, timed: false).samples[0])
            }
            let same = FileManager.default.contentsEqual(atPath: whole, andPath: merged)
            let size = Double((try? FileManager.default.attributesOfItem(atPath: whole)[.size] as? Int) ?? 0) / 1_048_576
            func mb(_ xs: [Sample]) -> String { fmt(median(xs.map { Double($0.maxRSSKiB) }) / 1024, 1) }
            func secs(_ xs: [Sample]) -> String { fmt(median(xs.map(\.seconds)), 2) }
            table.add(["\(n)", mb(plain), secs(plain), mb(saving), secs(saving), fmt(size, 1), mb(merging), secs(merging),
                       same ? "yes" : "NO"])
            StandardStreams.writeError("bench: \(n) runs done\n")
            if !same { throw ValidationError("--runs-series: at \(n) runs the merged rows file differs from the whole run's") }
        }
        StandardStreams.write(table.render() + "\n")
        StandardStreams.write("medians of \(`repeat`) rounds of \(file) on \(cores) threads; peak = maximum resident set of the child; "
            + "merge joins \(slices) slices saved apart with `--replications`; docs/performance.md, \"Memory\"\n")
    }

    // MARK: - Province scale series

    /// Replications of the province series at `outlets` outlets: about the same work at every
    /// size (a few seconds), and at least 20, so that the threads' speedup is that of the
    /// engine: with 8 replications of a quarter second on 2 threads, the last one alone
    /// took 10% of the time (1.65-1.77x where 40 replications gave 2.06x, 2026-12-03).
    static func provinceRuns(outlets: Int) -> Int { max(20, 4_000 / outlets) }

    /// The province series: for each outlet count, a generated province (`Self.province`) run
    /// as `run` runs it, 1 thread and `cores` threads, interleaved with `cores` 1-thread runs
    /// at once (the host ceiling), `--repeat` rounds, medians.
    func runProvince(_ counts: [Int], cores: Int, exe: String) throws {
        var table = TextTable(columns: [
            .init("outlets"), .init("customers"), .init("reps"), .init("1 thread s"), .init("ms/outlet/rep"),
            .init("vs \(counts.first { $0 >= 10 } ?? counts[0])"), .init("\(cores) threads s"), .init("speedup"),
            .init("engine speedup"), .init("host ceiling"), .init("peak MB 1t"), .init("peak MB \(cores)t"), .init("memory \(cores)t/1t"),
        ])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-bench-province-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var reference: Double?
        for n in counts {
            let path = dir.appendingPathComponent("province-\(n).bsim").path
            let reps = runs ?? Self.provinceRuns(outlets: n)
            try Self.province(outlets: n, customers: outletCustomers, runs: reps, networkOutlets: networkOutlets).write(toFile: path, atomically: true, encoding: .utf8)
            let args = ["run", path, "--format", "json", "--timings"]
            var one: [Sample] = [], many: [Sample] = [], together: [Double] = []
            for _ in 0..<`repeat` {
                one.append(try measure(exe, args + ["--threads", "1"]))
                many.append(try measure(exe, args + ["--threads", "\(cores)"]))
                together.append(try measureTogether(exe, args + ["--threads", "1"], copies: cores).seconds)
            }
            let t1 = median(one.map(\.seconds)), tn = median(many.map(\.seconds))
            let perOutlet = 1000 * median(one.map(\.simulateSeconds)) / Double(n * reps)
            if reference == nil && (n >= 10 || n == counts.last) { reference = perOutlet }
            let rss1 = median(one.map { Double($0.maxRSSKiB) }) / 1024, rssN = median(many.map { Double($0.maxRSSKiB) }) / 1024
            table.add([
                "\(n)", NumberFormat.grouped(Double(n * outletCustomers), decimals: 0), "\(reps)", fmt(t1, 3), fmt(perOutlet, 3),
                reference.map { fmt(perOutlet / $0, 2) + "x" } ?? "-", fmt(tn, 3), fmt(t1 / tn, 2) + "x",
                fmt(median(one.map(\.simulateSeconds)) / median(many.map(\.simulateSeconds)), 2) + "x",
                fmt(Double(cores) * t1 / median(together), 2) + "x", fmt(rss1, 1), fmt(rssN, 1), fmt(rssN / rss1, 2) + "x",
            ])
            StandardStreams.writeError("bench: \(n) outlets done\n")
        }
        StandardStreams.write(table.render() + "\n")
        StandardStreams.write("medians of \(`repeat`) interleaved rounds; a province of networks of \(networkOutlets) outlets (a hub and the rest satellites), "
              + "\(outletCustomers) customers an outlet: themed events for the network's customers, a hub salon, a weekly call and a "
              + "'where maturing' follow-up at every outlet, a contact policy (`branchsim bench --outlets N --print-province` prints it); "
              + "ms/outlet/rep = the engine's time (`--timings`' simulate, 1 thread) per outlet and replication; vs = its ratio to that size's; "
              + "speedup = 1-thread wall time / \(cores)-thread (start-up, checking and the report included); engine speedup = the same for "
              + "the engine's part alone; host ceiling as in the scenario table; peak = maximum resident set of the run\n")
    }

    /// A province of `outlets` outlets of `customers` customers, in networks of
    /// `networkOutlets` (a hub and the rest satellites; the last network takes what is left,
    /// a hub alone at 1 outlet).
    /// Every construct whose cost could grow with the outlets runs at each: selection from the
    /// network's pool, a `where maturing` follow-up, a contact policy, cooldowns, referrals.
    static func province(outlets: Int, customers: Int, runs: Int, networkOutlets: Int = 5) -> String {
        var lines = [
            "# Generated by `branchsim bench --outlets`: a province of \(outlets) outlets.",
            "scenario \"Province of \(outlets) outlets\" {",
            "  horizon 12 months",
            "  step week",
            "  runs \(runs)",
            "  seed 18",
            "}",
            "",
            "tier longtail  below 5万            share 91%    reachable 60%",
            "tier potential from 5万 to 20万     share 6%     reachable 75%",
            "tier midhigh   from 20万 to 600万   share 2.5%   reachable 90%",
            "tier private   from 600万           share 0.5%   reachable 98%",
            "",
            "segment payroll share 25%",
            "product deposit   points 1.0",
            "product wealth_6m points 1.0 term 6 months retain 70%",
            "product fund      points 1.2",
            "role wealth_manager hours 40 per week",
            "policy max 3 contacts per month",
            "",
        ]
        for i in 0..<outlets { lines.append("branch o\(i) { customers \(customers)  staff wealth_manager 2 }") }
        for (j, first) in stride(from: 0, to: outlets, by: networkOutlets).enumerated() {
            let satellites = (first + 1..<min(outlets, first + networkOutlets)).map { "o\($0)" }
            lines.append("network n\(j) { hub o\(first)" + (satellites.isEmpty ? "" : "  satellites " + satellites.joined(separator: ", ")) + " }")
        }
        lines.append("""

            campaign themed_event {
              at satellites
              audience network
              channel event
              target potential 2/3, midhigh 1/3
              frequency 2 per month
              contacts 45
              funnel reach 100% -> accept 40% -> attend 75% -> convert 35%
              capacity 15 at attend
              amount lognormal(median 5万, p90 25万) max offbank
              buys deposit 40%, wealth_6m 40%, fund 20%
              cooldown 3 months
              referrals 10% new potential
              effort occurrence wealth_manager 2 x 90 min
            }

            campaign hub_salon {
              at hub
              audience network
              channel event
              target potential 2/3, midhigh 1/3
              frequency 1 per month
              contacts 100
              funnel reach 100% -> accept 35% -> attend 70% -> convert 30%
              capacity 60 at attend
              amount lognormal(median 8万, p90 40万) max offbank
              buys deposit 30%, wealth_6m 50%, fund 20%
              cooldown 3 months
            }

            campaign payroll_call {
              at all
              channel phone
              target potential where payroll
              frequency 1 per week
              contacts 10
              funnel reach 100% -> convert 30%
              amount lognormal(median 2万, p90 8万) max offbank
              buys deposit 50%, wealth_6m 50%
            }

            campaign maturity_followup {
              at all
              channel phone
              target potential, midhigh where maturing wealth_6m within 1 month
              frequency 1 per week
              contacts 10
              funnel reach 100% -> convert 50%
              amount share 20% of offbank max offbank
              buys wealth_6m 60%, fund 40%
            }

            run
            report uplift, conversions, staffing
            """)
        return lines.joined(separator: "\n") + "\n"
    }
}
