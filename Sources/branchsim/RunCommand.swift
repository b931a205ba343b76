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
            throw ValidationError("--runs must be at most \(LanguageDefaults.runsMaximum): each replication's results are kept in memory")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func configuration() -> RunConfiguration {
        var c = RunConfiguration(runs: runs, seed: seed, threads: threads)
        c.report.units = units == .wan ? .wan : .yuan
        return c
    }
}

enum MoneyUnitsArgument: String, ExpressibleByArgument, CaseIterable {
    case yuan, wan
}

enum FormatArgument: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, html
}

/// Checks a file and prints its diagnostics to standard error; the program when it has no errors.
func checkedProgram(_ path: String) -> CheckedProgram? {
    let outcome = FrontEnd.check(path: path)
    if !outcome.diagnostics.isEmpty {
        let text = DiagnosticRenderer(colour: Terminal.wantsColour(fd: 2)).render(outcome.diagnostics, sources: outcome.sources)
        FileHandle.standardError.write(Data(text.utf8))
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
final class TextBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []

    func append(_ s: String) {
        lock.lock()
        parts.append(s)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return parts.joined()
    }
}

/// A progress bar on standard error while a run lasts over half a second, when it is a terminal.
final class TerminalProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let start = DispatchTime.now()
    private var shown = false

    static func forStandardError() -> TerminalProgress? {
        Terminal.isTerminal(2) && ProcessInfo.processInfo.environment["TERM"] != "dumb" ? TerminalProgress() : nil
    }

    func update(done: Int, total: Int) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard elapsed >= ProgressBar.delay else { return }
        lock.lock()
        defer { lock.unlock() }
        shown = true
        FileHandle.standardError.write(Data(("\r" + ProgressBar.render(done: done, total: total, elapsed: elapsed, width: 60)).utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
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

    @Option(help: ArgumentHelp("Run only these replications, e.g. 0..<500, to join later with `branchsim merge`.",
                               valueName: "range"))
    var replications: String?

    @Option(help: ArgumentHelp("Save every replication's results here, for `branchsim merge`.", valueName: "file"))
    var save: String?

    @Flag(help: "Print where the time went (checking, simulating, reporting) to standard error.")
    var timings = false

    func validate() throws {
        if let replications {
            guard let range = parseReplicationRange(replications) else {
                throw ValidationError("--replications takes a range such as 0..<500 or 500..999")
            }
            // Each replication's row is kept in memory, as with --runs.
            if range.count > LanguageDefaults.runsMaximum {
                throw ValidationError("--replications covers \(range.count) replications; a run takes at most "
                    + "\(LanguageDefaults.runsMaximum): run slices of that size and join them with `branchsim merge`")
            }
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        guard let program = checkedProgram(file) else { throw ExitCode(2) }
        let checked = clock.now
        let format = format
            ?? output.flatMap { FormatArgument(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            ?? .table
        var config = simulation.configuration()
        config.replications = replications.flatMap(parseReplicationRange)
        config.format = format == .json ? .json : (format == .csv ? .csv : .table)
        config.report.colour = output == nil && format == .table && Terminal.wantsColour(fd: 1)
        let buffer = TextBuffer()
        let toBuffer = output != nil || format == .html
        let sink = toBuffer ? OutputSink(out: { buffer.append($0) }, err: OutputSink.standard.err) : .standard
        let runner = ProgramRunner(configuration: config, sink: sink)
        let progress = TerminalProgress.forStandardError()
        do {
            try runner.execute(program, control: progress?.hooks)
            progress?.finish()
        } catch {
            progress?.finish()
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        if let save {
            let runs = runner.lastComparison?.runs ?? runner.lastRun.map { [$0] } ?? []
            do { try SavedResults(runs: runs).write(to: save) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let text = format == .html
            ? HTMLReport.render(runner.document, scenario: runner.lastScenario, options: config.report)
            : buffer.text
        if let output {
            do { try AtomicFile.write(text, to: output, overwrite: true) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
        } else if toBuffer {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if timings {
            let t = runner.timings
            let check = (checked - start).seconds, total = (clock.now - start).seconds
            FileHandle.standardError.write(Data(Self.timingsLine(
                check: check, simulate: t.simulate, replications: t.replications,
                report: total - check - t.simulate, total: total).utf8))
        }
        if runner.outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
