import ArgumentParser
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
            Default files: ../shared/scenarios/*.bsim when that folder exists, else scenarios/*.bsim. \
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

    func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    struct Sample {
        var seconds: Double
        var maxRSSKiB: Int
        /// The engine's share of `seconds`, from the child's `--timings` line.
        var simulateSeconds: Double
    }

    func run() throws {
        let paths = try defaultFiles()
        let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var table = TextTable(columns: [
            .init("scenario", .left), .init("reps"), .init("1 thread s"), .init("ms/rep 1t"),
            .init("\(cores) threads s"), .init("speedup"), .init("engine speedup"), .init("host ceiling"),
            .init("reps/s"), .init("cust-steps/s"),
            .init("peak MB"), .init("floor s"), .init("engine/floor"),
        ])
        for path in paths {
            let outcome = FrontEnd.check(path: path)
            guard let program = outcome.program, !outcome.hasErrors else {
                StandardStreams.writeError("bench: \(path) has errors; `branchsim check \(path)`\n")
                throw ExitCode(2)
            }
            let work = simulations(in: program)
            let reps = work.reduce(0) { $0 + $1.replications }
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
                fmt(floor, 3), fmt(t1 / floor, 1) + "x",
            ])
            StandardStreams.writeError("bench: \(name) done\n")
        }
        StandardStreams.write(table.render() + "\n")
        StandardStreams.write("medians of \(`repeat`) interleaved rounds (1 thread, \(cores) threads, \(cores) 1-thread runs at once, floor); wall time of `branchsim run FILE --format json` as a child process "
              + "(start-up, checking and the report included); engine speedup = the same for the engine's part alone (`--timings`' simulate); "
              + "host ceiling = \(cores) x 1-thread time / the time \(cores) 1-thread runs take at once (what independent runs gain from the cores at that moment: a reference for the machine's state, not a bound); ms/rep 1t = 1-thread time per replication, peak = its maximum resident set (\(cores) threads); "
              + "floor = the same number of keyed random draws alone, 1 thread; engine/floor = 1-thread time / floor\n")
    }

    /// What a program simulates: each `run`, each variant of each `compare`, each sweep point.
    struct Work {
        var scenario: Scenario
        var replications: Int
        var drawsPerReplication: Int
    }

    func simulations(in program: CheckedProgram) -> [Work] {
        // Each simulated scenario with the others it is compared with (they decide which
        // tiers are aggregated, hence the draws).
        var scenarios: [(Scenario, [Scenario])] = []
        for a in program.actions {
            switch a.action {
            case .run(_, let v): program.scenario(named: v).map { scenarios.append(($0, [])) }
            case .compare(let names, _, _):
                let all = names.compactMap { program.scenario(named: $0) }
                scenarios += all.map { ($0, all) }
            case .sweep(_, let points, _): scenarios += points.map { ($0.scenario, points.map(\.scenario)) }
            case .report, .expect, .export: break
            }
        }
        return scenarios.map { s, companions in
            let n = runs ?? s.settings.runs.maximum
            // Draws per replication, from a short run (the count does not depend on threads).
            let sample = min(n, 20)
            var options = RunOptions(runs: .fixed(sample))
            options.companions = companions
            let d = (try? Engine.runWithDiagnostics(s, label: "bench", options: options))?.diagnostics
            let perRep = d.map { $0.draws.reduce(0, +) / max(1, $0.draws.count) } ?? 0
            return Work(scenario: s, replications: n, drawsPerReplication: perRep)
        }
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

    func defaultFiles() throws -> [String] {
        if !files.isEmpty { return files }
        let fm = FileManager.default
        for dir in ["../shared/scenarios", "scenarios"] where fm.fileExists(atPath: dir) {
            let found = (try fm.contentsOfDirectory(atPath: dir)).filter { $0.hasSuffix(".bsim") }.sorted()
            if !found.isEmpty { return found.map { "\(dir)/\($0)" } }
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
    func measureTogether(_ exe: String, _ args: [String], copies: Int) throws -> (samples: [Sample], seconds: Double) {
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
            guard let simulate = Self.simulateSeconds(inTimings: err) else {
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
}
