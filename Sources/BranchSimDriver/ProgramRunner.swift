import BranchSimEngine
import BranchSimLanguage
import BranchSimModel
import BranchSimReports
import Foundation

/// How results are printed.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// Settings of one `branchsim run` (or of the shell) that override the scenario's own.
public struct RunConfiguration: Sendable {
    public var runs: Int?
    public var seed: UInt64?
    public var threads: Int?
    /// Run only these replications (`--replications 0..<500`), to be merged later. Each run
    /// keeps the part of the range below the replications it makes as a whole (a `run runs
    /// 500` in a file sliced `500..<1000` makes none).
    public var replications: Range<Int>?
    /// Of a `sweep`, run only this point (0-based): `branchsim run --point K` (a unit of work).
    public var sweepPoint: Int?
    /// Whether `export` writes its file. A slice saved for `merge` holds part of the
    /// replications, so it skips them: `merge` writes them from the whole run.
    public var writesExports = true
    public var format: OutputFormat
    public var report: ReportOptions
    /// Print only expectation lines (for `branchsim test`).
    public var quiet: Bool
    /// Where relative `export` paths go.
    public var workingDirectory: String
    /// The folder of the scenario file (`nil`: the working directory): `export` overwrites a
    /// file outside it (and the working directory, and `--allow-path` folders) only with
    /// `--force` (`FileAccess.overwritesOutside`).
    public var scenarioFolder: String?

    public init(runs: Int? = nil, seed: UInt64? = nil, threads: Int? = nil, replications: Range<Int>? = nil,
                format: OutputFormat = .table, report: ReportOptions = ReportOptions(), quiet: Bool = false,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.runs = runs
        self.seed = seed
        self.threads = threads
        self.replications = replications
        self.format = format
        self.report = report
        self.quiet = quiet
        self.workingDirectory = workingDirectory
    }
}

/// Where text goes: results to `out`, diagnostics and progress to `err`.
public struct OutputSink: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// The process's standard output and error. On a terminal, control characters in the
    /// text (a scenario's title or an export path may hold an ESC) are shown, not obeyed
    /// (`TerminalText.visible`); the reports' own colours pass.
    public static let standard = OutputSink(
        out: { s in StandardStreams.write(forTerminal(s, fd: 1)) },
        err: { s in StandardStreams.writeError(forTerminal(s, fd: 2)) })

    private static func forTerminal(_ s: String, fd: Int32) -> String {
        isatty(fd) == 1 ? TerminalText.visible(s, keepingStyles: true) : s
    }
}

/// A problem met while executing (not a scenario diagnostic, which the checker gives).
public struct RunnerError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String
    public var cancelled: Bool

    public init(_ message: String, at location: SourceLocation? = nil, cancelled: Bool = false) {
        self.message = message
        self.location = location
        self.cancelled = cancelled
    }

    public var description: String {
        (location.map { "\($0): error: " } ?? "error: ") + message
    }
}

/// The engine's share of a runner's time; `branchsim run --timings` prints it with the rest
/// of the run's time (checking, reports) that the caller measures around it.
public struct RunTimings: Sendable, Equatable {
    /// Seconds inside the engine (every `run`, variant of a `compare` and sweep point).
    public var simulate: Double = 0
    /// Replications the engine ran.
    public var replications = 0

    public init() {}
}

/// Executes the actions of checked programs and keeps the last results, so that `report`,
/// `expect` and `export` work on them (in a file, and at the prompt without running again).
public final class ProgramRunner {
    public var configuration: RunConfiguration
    public let sink: OutputSink
    /// Set by the shell when the scenario changed since the last run.
    public var resultsAreStale = false

    public private(set) var lastRun: RunResult?
    public private(set) var lastComparison: BranchSimModel.ComparisonResult?
    public private(set) var lastSweep: SweepResult?
    /// The last `sensitivity`, `optimize` or `calibrate` (what `expect sensitivity.…` reads).
    public internal(set) var lastDecision: DecisionResult?
    public private(set) var outcomes: [ExpectationOutcome] = []
    /// Rankings of the last results (`rank outlets by ...`), in the order asked.
    public private(set) var rankings: [OutletRanking] = []
    /// The scenario of the last run, for HTML summaries.
    public private(set) var lastScenario: Scenario?
    /// Time the engine spent in this runner's actions so far.
    public private(set) var timings = RunTimings()
    /// When set, every result the engine gives is kept here, in the order run (`run --save`).
    public var recordsResults = false
    /// Every result in the order run (with `recordsResults`), and the replications each
    /// would have as a whole run (what the slices of it must cover).
    public private(set) var recorded: [(result: RunResult, planned: Int)] = []
    /// Results to give instead of running the engine, in the order the program asks for them
    /// (`branchsim merge` replays the program on the slices' joined rows).
    public var replay: [RunResult]?

    public init(configuration: RunConfiguration, sink: OutputSink = .standard) {
        self.configuration = configuration
        self.sink = sink
    }

    /// Forgets results and expectation outcomes.
    public func clearResults() {
        lastRun = nil
        lastComparison = nil
        lastSweep = nil
        lastDecision = nil
        lastScenario = nil
        outcomes = []
        rankings = []
        resultsAreStale = false
    }

    /// Runs every action of `program` in order. In table format, `run` prints the default
    /// report unless a `report` follows it. In JSON or CSV format, one document is printed
    /// at the end. Stops at the first execution error.
    public func execute(_ program: CheckedProgram, control: RunHooks? = nil) throws(RunnerError) {
        let actions = program.actions
        for (i, located) in actions.enumerated() {
            var nextIsReport = false
            if i + 1 < actions.count, case .report = actions[i + 1].action { nextIsReport = true }
            try execute(located, in: program, printDefaultReport: !nextIsReport, control: control)
        }
        if configuration.format != .table && !configuration.quiet {
            sink.out(renderDocument(format: configuration.format))
        }
    }

    /// Executes one action against `program` (its scenarios and variants).
    public func execute(_ located: LocatedAction, in program: CheckedProgram, printDefaultReport: Bool = true,
                        control: RunHooks? = nil) throws(RunnerError) {
        let table = configuration.format == .table && !configuration.quiet
        let loc = located.location
        switch located.action {
        case .run(let runs, let variant):
            guard let scenario = program.scenario(named: variant) else {
                throw RunnerError("no variant named '\(variant ?? "")'", at: loc)
            }
            let result = try simulate(scenario, label: variant ?? "base", runs: runs, salt: 0, control: control, at: loc)
            lastRun = result
            lastScenario = scenario
            lastComparison = nil
            lastSweep = nil
            rankings = []
            resultsAreStale = false
            if table {
                // A `report` right after prints its own tables: say what ran, then leave it to them.
                sink.out((printDefaultReport ? TextReports.defaultReport(result, options: configuration.report)
                                             : TextReports.header(result)) + "\n")
            }
        case .report(let selectors):
            guard table else { return }
            if let c = lastComparison, lastRun == nil || c.runs.contains(where: { $0 == lastRun }) {
                let sub = BranchSimModel.ComparisonResult(runs: c.runs, metrics: selectors, independent: c.independent)
                sink.out(TextReports.comparisonReport(sub, options: configuration.report) + "\n")
            } else if let s = lastSweep {
                // After a sweep, every point: the sweep's table for the metrics asked for
                // (the last point alone would pass for the scenario's result).
                if resultsAreStale { sink.err("note: the scenario changed since this sweep; `sweep` again to see the change\n") }
                sink.out(TextReports.sweepReport(path: s.path, points: s.points.map { ($0.label, $0.result) },
                                                 metrics: selectors, options: configuration.report) + "\n")
            } else if let r = lastRun {
                if resultsAreStale { sink.err("note: the scenario changed since this run; `run` again to see the change\n") }
                sink.out(TextReports.runReport(r, selectors: selectors, options: configuration.report) + "\n")
            } else {
                throw RunnerError("nothing to report yet; add `run` before `report`", at: loc)
            }
        case .compare(let names, let metrics, let independent):
            var runs: [RunResult] = []
            for (k, name) in names.enumerated() {
                guard let s = program.scenario(named: name) else {
                    throw RunnerError("no variant named '\(name)'", at: loc)
                }
                // Common random numbers: every variant uses the same streams (salt 0);
                // `independent` gives each variant its own streams.
                let salt: UInt64 = independent ? UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15 : 0
                let companions = names.compactMap { program.scenario(named: $0) }
                runs.append(try simulate(s, label: name, runs: nil, salt: salt, companions: companions,
                                         control: control, at: loc))
            }
            let c = BranchSimModel.ComparisonResult(runs: runs, metrics: metrics, independent: independent)
            lastComparison = c
            lastRun = runs.last
            lastScenario = program.scenario(named: names.last)
            lastSweep = nil
            rankings = []
            resultsAreStale = false
            if table { sink.out(TextReports.comparisonReport(c, options: configuration.report) + "\n") }
        case .sweep(let path, let allPoints, let metrics):
            // A unit of work (`--point K`) runs one point, with every point as companions as
            // in the whole sweep, so its numbers are that point's.
            let points = configuration.sweepPoint.map { k in allPoints.indices.contains(k) ? [allPoints[k]] : [] } ?? allPoints
            var results: [(label: String, result: RunResult)] = []
            for p in points {
                results.append((p.label, try simulate(p.scenario, label: "\(path)=\(p.label)", runs: nil, salt: 0,
                                                      companions: allPoints.map(\.scenario), control: control, at: loc)))
            }
            let sweep = SweepResult(
                path: path,
                points: zip(results, points).map { SweepResult.Point(label: $0.label, value: $1.value, result: $0.result) },
                metrics: metrics)
            lastSweep = sweep
            rankings = []
            lastRun = results.last?.result
            lastScenario = points.last?.scenario
            resultsAreStale = false
            if table {
                sink.out(TextReports.sweepReport(path: path, points: results, metrics: metrics,
                                                 options: configuration.report) + "\n")
            }
        case .expect(let e):
            let o = ExpectationEvaluator.evaluate(e, at: loc, run: lastRun, comparison: lastComparison, decision: lastDecision)
            outcomes.append(o)
            let line = TextReports.expectationLine(o, options: configuration.report)
            if configuration.format == .table || configuration.quiet { sink.out(line + "\n") } else { sink.err(line + "\n") }
        case .export(let path):
            if configuration.writesExports { try export(to: path, at: loc) }
        case .rank(let request):
            // Each variant of the last comparison, else the last run.
            let runs = lastComparison.map(\.runs) ?? (lastRun.map { [$0] } ?? [])
            guard !runs.isEmpty else { throw RunnerError("nothing to rank yet; add `run` before `rank`", at: loc) }
            for r in runs {
                guard let ranking = OutletRanking(request, run: r) else {
                    throw RunnerError("the run '\(r.label)' has no value of '\(request.metric)' at every outlet", at: loc)
                }
                rankings.append(ranking)
                if table { sink.out(TextReports.rankingReport(ranking, options: configuration.report) + "\n") }
            }
        case .decision(let request):
            let result = try decide(request, in: program, control: control, at: loc)
            lastDecision = result
            resultsAreStale = false
            if table { sink.out(TextReports.decisionReport(result, options: configuration.report) + "\n") }
        }
    }

    /// The results so far as one report document (for JSON, CSV and HTML).
    public var document: ReportDocument {
        ReportDocument(runs: lastComparison == nil ? (lastRun.map { [$0] } ?? []) : [], comparison: lastComparison,
                       sweep: lastSweep, expectations: outcomes, rankings: rankings, decision: lastDecision)
    }

    public func renderDocument(format: OutputFormat) -> String {
        switch format {
        case .json: return JSONReport.render(document, threads: configuration.threads)
        case .csv: return CSVReport.long(document)
        case .table: return lastRun.map { TextReports.defaultReport($0, options: configuration.report) } ?? ""
        }
    }

    /// `export last to "file.(csv|json|html)"`: writes atomically; relative paths go under the working directory.
    public func export(to path: String, at loc: SourceLocation?) throws(RunnerError) {
        guard lastRun != nil || lastComparison != nil || lastDecision != nil else {
            throw RunnerError("nothing to export yet; add `run` or `compare` before `export`", at: loc)
        }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: configuration.workingDirectory).appendingPathComponent(path)
        let text: String
        switch url.pathExtension.lowercased() {
        case "json": text = renderDocument(format: .json)
        case "csv": text = renderDocument(format: .csv)
        case "html", "htm": text = HTMLReport.render(document, scenario: lastScenario, options: configuration.report)
        default:
            throw RunnerError("cannot export to '\(path)': use a name ending in .csv, .json or .html", at: loc)
        }
        // A scenario from someone else may not replace files outside its folder (a workshop
        // participant's `export last to "../../report.html"`); a new file is written.
        var info = stat()
        if !FileAccess.overwritesOutside, stat(url.path, &info) == 0 {
            let wd = FileAccess.resolved(configuration.workingDirectory)
            do {
                try FileAccess.check(url.path, folder: configuration.scenarioFolder ?? wd, also: [wd])
            } catch {
                throw RunnerError("cannot export to '\(path)': '\(error.path)' exists and is outside the scenario's folder "
                    + "'\(error.folder)'; add --force to overwrite it, allow its folder with --allow-path \(error.suggestedFolder), "
                    + "or export inside the folder", at: loc)
            }
        }
        do {
            try AtomicFile.write(text, to: url.path, overwrite: true)
        } catch {
            throw RunnerError(error.description, at: loc)
        }
        if !configuration.quiet { sink.err("wrote \(url.path)\n") }
    }

    func simulate(_ scenario: Scenario, label: String, runs: RunCount?, salt: UInt64, companions: [Scenario] = [],
                  fixedInputs: [String: Double] = [:], noiseSalt: UInt64 = 0, replications: Range<Int>? = nil,
                  control: RunHooks?, at loc: SourceLocation) throws(RunnerError) -> RunResult {
        var options = RunOptions()
        options.companions = companions
        options.fixedInputs = fixedInputs
        options.noiseSalt = noiseSalt
        options.runs = configuration.runs.map { .fixed($0) } ?? runs
        let planned = (options.runs ?? scenario.settings.runs).maximum
        if let replay {
            let k = recorded.count
            guard k < replay.count, replay[k].label == label else {
                throw RunnerError("the saved rows do not follow this program: run \(k + 1) is '\(label)', "
                    + "the rows have \(k < replay.count ? "'\(replay[k].label)'" : "no more runs")", at: loc)
            }
            recorded.append((replay[k], planned))
            return replay[k]
        }
        options.seed = configuration.seed
        options.threads = configuration.threads
        options.replications = replications
            ?? configuration.replications.map { r in min(r.lowerBound, planned)..<min(r.upperBound, planned) }
        options.streamSalt = salt
        options.cancellation = control?.cancellation
        options.progress = control?.progress
        let clock = ContinuousClock()
        let start = clock.now
        defer { timings.simulate += (clock.now - start).seconds }
        do {
            let result = try Engine.run(scenario, label: label, options: options)
            // Finished: a run held beside others (a compare's, a sweep's) keeps no rows in memory.
            result.rows.seal()
            timings.replications += result.count
            if recordsResults { recorded.append((result, planned)) }
            return result
        } catch {
            switch error {
            case .cancelled(let done):
                throw RunnerError("run stopped after \(done) replications", at: loc, cancelled: true)
            case .invalidScenario(let why):
                throw RunnerError(why, at: loc)
            }
        }
    }
}

/// What a caller passes in so a run can be stopped (Ctrl-C) and its progress shown.
public struct RunHooks: Sendable {
    public var cancellation: CancellationFlag?
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init(cancellation: CancellationFlag? = nil, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
        self.cancellation = cancellation
        self.progress = progress
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
