import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import BranchSimModel
import BranchSimReports
import BranchSimShell
import Foundation

/// Options shared by `run`, `test` and `merge`.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Replications (overrides the scenario's `runs`).")
    var runs: Int?

    @Option(help: "Random seed (overrides the scenario's `seed`).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: the scenario's `threads`, else every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Money in yuan or in 万 (wan).")
    var units: MoneyUnitsArgument = .yuan

    func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
        if let runs, runs > LanguageDefaults.runsMaximum {
            throw ValidationError("--runs must be at most \(LanguageDefaults.runsMaximum): for more, run slices (--replications A..<B) and join them with `branchsim merge`")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func configuration() -> RunConfiguration {
        var c = RunConfiguration(runs: runs, seed: seed, threads: threads)
        c.report.units = units == .wan ? .wan : .yuan
        return c
    }
}

/// Which files a scenario may read and overwrite beyond its own folder (`run`, `test`,
/// `check`, `repl`): workshop participants exchange scenario files, and a file may not read
/// `/etc/shadow` or replace `~/.bashrc` unless the command line says so.
struct PathOptions: ParsableArguments {
    @Option(name: .customLong("allow-path"),
            help: ArgumentHelp("Also let scenarios include and read files in this folder's tree (repeat for more).",
                               valueName: "dir"))
    var allowPaths: [String] = []

    @Flag(help: "Let `export` overwrite files outside the scenario's folder.")
    var force = false

    func validate() throws {
        for p in allowPaths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--allow-path takes a folder; '\(p)' is not one")
            }
        }
    }

    /// Applies the options to the process (before any file is read).
    func apply() {
        FileAccess.allowed = allowPaths
        FileAccess.overwritesOutside = force
    }
}

enum MoneyUnitsArgument: String, ExpressibleByArgument, CaseIterable {
    case yuan, wan
}

enum FormatArgument: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, html
}

/// Checks a file (with `--set` changes) and prints its diagnostics to standard error; the
/// program when it has no errors.
func checkedProgram(_ path: String, settings: [String] = []) -> CheckedProgram? {
    let outcome = FrontEnd.check(path: path, settings: settings.compactMap(parseSetting))
    if !outcome.diagnostics.isEmpty {
        let text = DiagnosticRenderer(colour: Terminal.wantsColour(fd: 2)).render(outcome.diagnostics, sources: outcome.sources)
        StandardStreams.writeError(text)
    }
    return outcome.hasErrors ? nil : outcome.program
}

extension RunCommand {
    /// `--timings`' line. `branchsim bench` reads its `simulate` figure, so its shape is
    /// fixed: `timings: check C ms, simulate S ms (N replications), report R ms, total T ms`.
    /// `report` is everything after checking that is not the engine: summaries, reports,
    /// expectations, exports and writing the output. Start-up (before `main`) is not in `total`.
    static func timingsLine(check: Double, simulate: Double, replications: Int, report: Double, total: Double) -> String {
        func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
        return "timings: check \(ms(check)), simulate \(ms(simulate)) (\(replications) replications), "
            + "report \(ms(max(0, report))), total \(ms(total))\n"
    }
}

/// Collects text printed by a runner (for `--output` and HTML).
final class TextBuffer: Sendable {
    private let parts = LockedValue<[String]>([])

    func append(_ s: String) { parts.withLock { $0.append(s) } }

    var text: String { parts.withLock { $0.joined() } }
}

/// A progress bar on standard error while a run lasts over half a second, when it is a terminal.
final class TerminalProgress: Sendable {
    private let start = DispatchTime.now()
    /// Whether a bar is showing (writes happen with it held, so they never interleave).
    private let shown = LockedValue(false)

    static func forStandardError() -> TerminalProgress? {
        Terminal.isTerminal(2) && ProcessInfo.processInfo.environment["TERM"] != "dumb" ? TerminalProgress() : nil
    }

    func update(done: Int, total: Int) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard elapsed >= ProgressBar.delay else { return }
        shown.withLock { shown in
            shown = true
            StandardStreams.writeError("\r" + ProgressBar.render(done: done, total: total, elapsed: elapsed, width: 60))
        }
    }

    func finish() {
        shown.withLock { shown in
            if shown { StandardStreams.writeError("\r\u{1B}[K") }
            shown = false
        }
    }

    var hooks: RunHooks { RunHooks(progress: { [self] d, t in update(done: d, total: t) }) }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario file: its run, report, compare, sweep, expect and export lines.",
        discussion: """
            Exit status: 0 when every expectation passed, 1 when one failed, 2 when the file has \
            errors or could not run. Results are the same, byte for byte, for the same file and \
            seed whatever --threads says.
            """)

    @Argument(help: "The scenario file.", completion: .file(extensions: ["bsim"]))
    var file: String

    @OptionGroup var simulation: SimulationOptions

    @Option(help: "table, json, csv or html (default: from --output's extension, else table).")
    var format: FormatArgument?

    @Option(name: .shortAndLong, help: "Write the results to this file instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Run only these replications, e.g. '0..<500' (quoted: < is a shell redirect) or 0..499, to join later with `branchsim merge`.",
                               valueName: "range"))
    var replications: String?

    @Option(help: ArgumentHelp("Save every replication's results here, for `branchsim merge`.", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Run only this variant (a unit of work), as `run variant NAME` would.", valueName: "name"))
    var variant: String?

    @Option(help: ArgumentHelp("Run only point K (1 to the number of values) of the file's sweep (a unit of work).",
                               valueName: "k"))
    var point: Int?

    @Option(name: .customLong("set"),
            help: ArgumentHelp("Change a property first, as a sweep path and a value in the language: "
                               + "--set upgrade_meeting.funnel.convert=35%. Repeat for more.", valueName: "path=value"))
    var settings: [String] = []

    @Flag(help: "Print where the time went (checking, simulating, reporting) to standard error.")
    var timings = false

    @OptionGroup var paths: PathOptions

    func validate() throws {
        if let replications {
            guard let range = parseReplicationRange(replications) else {
                throw ValidationError("--replications takes a range such as 0..<500 or 500..999")
            }
            // At most a run's worth of replications, as with --runs.
            if range.count > LanguageDefaults.runsMaximum {
                throw ValidationError("--replications covers \(range.count) replications; a run takes at most "
                    + "\(LanguageDefaults.runsMaximum): run slices of that size and join them with `branchsim merge`")
            }
        }
        if variant != nil && point != nil {
            throw ValidationError("--variant and --point each name a unit of work: give one of them")
        }
        if let point, point < 1 { throw ValidationError("--point counts the sweep's values from 1; give --point 1 or more") }
        for s in settings where parseSetting(s) == nil {
            throw ValidationError("--set takes PATH=VALUE, e.g. --set upgrade_meeting.funnel.convert=35%; found '\(s)'")
        }
    }

    var unit: WorkUnit { variant.map(WorkUnit.variant) ?? point.map(WorkUnit.point) ?? .whole }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        paths.apply()
        guard let checked = checkedProgram(file, settings: settings) else { throw ExitCode(2) }
        let (program, sweepPoint) = try selectUnit(unit, of: checked, file: file)
        let checkedAt = clock.now
        var config = simulation.configuration()
        config.scenarioFolder = FileAccess.folder(of: file)
        let range = replications.flatMap(parseReplicationRange)
        config.replications = range
        config.sweepPoint = sweepPoint
        // A slice saved for `merge` holds part of the run: `merge` writes the exports.
        config.writesExports = !(range != nil && save != nil)
        if range != nil && save != nil && simulation.runs == nil && stopsAtPrecision(program) {
            fail("'\(file)' stops its runs at a precision (`runs until`), which a slice cannot know: "
                 + "give --runs N to run slices of a fixed number of replications")
        }
        if let range {
            let planned = plannedReplications(program, runs: simulation.runs)
            if range.lowerBound >= planned {
                fail("--replications \(replications ?? ""): this run makes \(planned) replications, so the slice "
                     + "would hold none; give a range below \(planned), or more with --runs")
            }
        }
        // Only a saved slice needs the digest (a walk of the whole checked program).
        let digest = save == nil ? "" : ProgramDigest.of(checked, extra: SavedResults.digestExtras(
            settings: settings, runs: simulation.runs, seed: simulation.seed))
        let runner = try ProgramOutput.run(program, configuration: config, format: format, output: output,
                                           progress: TerminalProgress.forStandardError(), records: save != nil) { runner in
            guard let save else { return }
            // A whole run holds what it ran (a `runs until` may stop before its cap).
            let runs = range == nil ? runner.recorded.map { ($0.result, $0.result.count) } : runner.recorded
            let planned = runs.map(\.planned).max() ?? 0
            let saved = SavedResults(digest: digest, unit: unit, settings: settings, runsOverride: simulation.runs,
                                     seedOverride: simulation.seed, replications: range ?? 0..<planned, runs: runs)
            do { try saved.write(to: save) } catch { fail("\(error)") }
        }
        if timings {
            let t = runner.timings
            let check = (checkedAt - start).seconds, total = (clock.now - start).seconds
            StandardStreams.writeError(Self.timingsLine(
                check: check, simulate: t.simulate, replications: t.replications,
                report: total - check - t.simulate, total: total))
        }
        if runner.outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

/// Prints `error: MESSAGE` to standard error and exits with status 2.
func fail(_ message: String) -> Never {
    StandardStreams.writeError("error: \(message)\n")
    Foundation.exit(2)
}

/// `--set PATH=VALUE` split at its first `=`; nil when there is no path or no `=`.
func parseSetting(_ text: String) -> (path: String, value: String)? {
    guard let eq = text.firstIndex(of: "=") else { return nil }
    let path = text[..<eq].trimmingCharacters(in: .whitespaces)
    guard !path.isEmpty else { return nil }
    return (path, String(text[text.index(after: eq)...]))
}

/// The part of `program` a unit runs; errors name the flag and exit 2.
func selectUnit(_ unit: WorkUnit, of program: CheckedProgram, file: String) throws -> (CheckedProgram, Int?) {
    do { return try unit.select(from: program, file: file) } catch { fail(error.description) }
}

/// Runs a checked program and writes what `branchsim run` prints: the tables as they come,
/// or one JSON, CSV or HTML document at the end, to standard output or `--output`.
/// `merge` uses it too, on replayed rows, so that its output is the whole run's byte for byte.
enum ProgramOutput {
    static func run(_ program: CheckedProgram, configuration base: RunConfiguration, format explicit: FormatArgument?,
                    output: String?, progress: TerminalProgress? = nil, records: Bool = false, replay: [RunResult]? = nil,
                    afterRun: (ProgramRunner) throws -> Void = { _ in }) throws -> ProgramRunner {
        let format = explicit
            ?? output.flatMap { FormatArgument(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            ?? .table
        var config = base
        config.format = format == .json ? .json : (format == .csv ? .csv : .table)
        config.report.colour = output == nil && format == .table && Terminal.wantsColour(fd: 1)
        let buffer = TextBuffer()
        let toBuffer = output != nil || format == .html
        let sink = toBuffer ? OutputSink(out: { buffer.append($0) }, err: OutputSink.standard.err) : .standard
        let runner = ProgramRunner(configuration: config, sink: sink)
        runner.recordsResults = records
        runner.replay = replay
        do {
            try runner.execute(program, control: progress?.hooks)
            progress?.finish()
        } catch {
            progress?.finish()
            StandardStreams.writeError("\(error)\n")
            throw ExitCode(2)
        }
        try afterRun(runner)
        let text = format == .html
            ? HTMLReport.render(runner.document, scenario: runner.lastScenario, options: config.report)
            : buffer.text
        if let output {
            do { try AtomicFile.write(text, to: output, overwrite: true) } catch {
                StandardStreams.writeError("error: \(error)\n")
                throw ExitCode(2)
            }
            StandardStreams.writeError("wrote \(output)\n")
        } else if toBuffer {
            StandardStreams.write(text)
        }
        return runner
    }
}
