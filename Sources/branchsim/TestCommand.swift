import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import BranchSimModel
import BranchSimReports
import Foundation

/// `branchsim test`: scenario files as CI checks.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every scenario file found and check its `expect` lines.",
        discussion: """
            Prints one line per expectation and, last, `N passed, N failed`. Exit status: 0 when \
            all passed, 1 when any failed, 2 when a file has errors or could not run.
            """)

    @Argument(help: "Scenario files or folders (searched recursively for .bsim files). Default: scenarios.",
              completion: .file(extensions: ["bsim"]))
    var paths: [String] = []

    @OptionGroup var simulation: SimulationOptions

    @Option(help: ArgumentHelp("Write JUnit XML here: one test case per expectation.", valueName: "file"))
    var junit: String?

    @OptionGroup var access: PathOptions

    func run() throws {
        access.apply()
        var files: [String] = []
        for path in paths.isEmpty ? ["scenarios"] : paths {
            let found: [String]
            do { found = try ScenarioDiscovery.files(in: [path]) } catch {
                StandardStreams.writeError("error: \(error)\n")
                throw ExitCode(2)
            }
            // A folder with no scenario files is a mistyped path or a lost checkout, not a pass.
            if found.isEmpty {
                StandardStreams.writeError("error: no scenario files (.bsim) in '\(path)': nothing to test; name a folder or file that has some\n")
                throw ExitCode(2)
            }
            files += found.filter { !files.contains($0) }
        }
        let colour = Terminal.wantsColour(fd: 1)
        var suites: [JUnitWriter.Suite] = []
        var passed = 0, failed = 0, broken = 0
        for file in files {
            let started = DispatchTime.now()
            func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
            let name = JUnitWriter.suiteName(for: file), shown = JUnitWriter.relativePath(file)
            let outcome = FrontEnd.check(path: file)
            if outcome.hasErrors || outcome.program == nil {
                let text = DiagnosticRenderer(colour: false).render(outcome.diagnostics.filter(\.isError), sources: outcome.sources)
                StandardStreams.writeError(text)
                StandardStreams.write("ERROR \(file): the scenario has errors (above)" + "\n")
                suites.append(.init(name: name, file: shown, outcomes: [], error: text, seconds: seconds()))
                broken += 1
                continue
            }
            var config = simulation.configuration()
            config.scenarioFolder = FileAccess.folder(of: file)
            config.quiet = true
            config.report.colour = colour
            let buffer = TextBuffer()
            let runner = ProgramRunner(configuration: config,
                                       sink: OutputSink(out: { buffer.append($0) }, err: { _ in }))
            do {
                try runner.execute(outcome.program!)
            } catch {
                StandardStreams.write("ERROR \(file): \(error)" + "\n")
                suites.append(.init(name: name, file: shown, outcomes: runner.outcomes, error: "\(error)", seconds: seconds()))
                broken += 1
                continue
            }
            if runner.outcomes.isEmpty { StandardStreams.write("----  \(file): no expectations" + "\n") }
            for o in runner.outcomes {
                StandardStreams.write(TextReports.expectationLine(o, options: config.report) + (o.passed ? "  \(o.location)" : "") + "\n")
                if o.passed { passed += 1 } else { failed += 1 }
            }
            suites.append(.init(name: name, file: shown, outcomes: runner.outcomes, error: nil, seconds: seconds()))
        }
        if let junit {
            let xml = JUnitWriter.render(suites) { TextReports.expectationLine($0) }
            do { try AtomicFile.write(xml, to: junit, overwrite: true) } catch {
                StandardStreams.writeError("error: \(error)\n")
                throw ExitCode(2)
            }
        }
        if broken > 0 { StandardStreams.write("\(broken) file\(broken == 1 ? "" : "s") with errors" + "\n") }
        StandardStreams.write("\(passed) passed, \(failed) failed" + "\n")
        if broken > 0 { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `branchsim merge`: joins slices of one run and prints what the whole run prints.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the slices saved by `branchsim run FILE --replications A..<B --save SLICE` into the whole run.",
        discussion: """
            Checks FILE again and replays it on the joined rows: the reports, comparisons with \
            their paired intervals, sweep tables, expectations, exports and exit status are those \
            of one `branchsim run FILE` of all the replications, byte for byte (exit 1 when an \
            expectation fails). Refuses (exit 2) slices of another file, other data or other \
            --set/--runs/--seed, of different units, with gaps or overlaps between their \
            replications, and slices whose rows were dropped or changed. The slices of every \
            point of a file's sweep (--point 1 to N) join into the whole sweep when the sweep is \
            all the file runs.
            """)

    @Argument(help: "The scenario file the slices were run from.", completion: .file(extensions: ["bsim"]))
    var file: String

    @Argument(help: "Files written by `branchsim run FILE --replications A..<B --save SLICE`.")
    var slices: [String] = []

    @Option(help: "table, json, csv or html (default: from --output's extension, else table).")
    var format: FormatArgument?

    @Option(name: .shortAndLong, help: "Write the results to this file instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Also save the joined rows here (a slice of every replication).", valueName: "file"))
    var save: String?

    @Option(help: "Worker threads for the summaries (results do not depend on it).")
    var threads: Int?

    @Option(help: "Money in yuan or in 万 (wan).")
    var units: MoneyUnitsArgument = .yuan

    func run() throws {
        if let first = FileManager.default.contents(atPath: file)?.first(where: { $0 != 0x20 && $0 != 0x0A }), first == UInt8(ascii: "{") {
            fail("'\(file)' is a rows file; merge takes the scenario file first: branchsim merge FILE.bsim SLICE...")
        }
        guard !slices.isEmpty else { fail("no slices to merge: branchsim merge \(file) SLICE...") }
        var parts: [(path: String, saved: SavedResults)] = []
        for f in slices {
            // Checked whole now, rows dropped: merging reads them again, one slice at a time.
            do { parts.append((f, try SavedResults.read(from: f, budget: SavedResults.sliceBudget).withoutRows)) } catch { fail("\(error)") }
        }
        var merged: SavedResults
        // Slices of several points of one sweep (`--point K`) join into the whole sweep.
        let pointSlices = Set(parts.map(\.saved.unit)).count > 1
            && parts.allSatisfy { if case .point? = WorkUnit(token: $0.saved.unit) { true } else { false } }
        if pointSlices {
            guard let checked = checkedProgram(file, settings: parts[0].saved.settings) else { throw ExitCode(2) }
            let simulating = checked.actions.filter {
                switch $0.action { case .run, .compare, .sweep, .decision: true; case .report, .expect, .export, .rank: false }
            }
            guard simulating.count == 1, case .sweep(_, let points, _) = simulating[0].action else {
                fail("'\(file)' runs more than its sweep (\(simulating.count) runs, comparisons and sweeps): the slices of its "
                     + "points make only the sweep. Merge the slices of one --point, or run the rest too")
            }
            do { merged = try SavedResults.joinedPoints(parts, points: points.count) } catch { fail("\(error)") }
        } else {
            do { merged = try SavedResults.merged(parts) } catch { fail("\(error)") }
        }
        guard let unit = WorkUnit(token: merged.unit) else { fail("'\(slices[0])' names an unknown unit '\(merged.unit)'") }
        guard let checked = checkedProgram(file, settings: merged.settings) else { throw ExitCode(2) }
        let digest = ProgramDigest.of(checked, extra: SavedResults.digestExtras(
            settings: merged.settings, runs: merged.runsOverride, seed: merged.seedOverride))
        if digest != merged.digest {
            fail("the slices were not run from '\(file)' as it is now: the file, a file it includes or the data it "
                 + "reads differs (digest \(digest.prefix(12)), the slices' \(merged.digest.prefix(12))). "
                 + "Merge with the file the slices were run from, or run the slices again")
        }
        let (program, sweepPoint) = try selectUnit(unit, of: checked, file: file)
        var config = RunConfiguration(runs: merged.runsOverride, seed: merged.seedOverride, threads: threads)
        config.report.units = units == .wan ? .wan : .yuan
        config.sweepPoint = sweepPoint
        let runner = try ProgramOutput.run(program, configuration: config, format: format, output: output,
                                           replay: merged.runs) { runner in
            guard runner.recorded.count == merged.runs.count else {
                fail("the slices hold \(merged.runs.count) runs, and '\(file)' makes \(runner.recorded.count)")
            }
            if let save {
                do { try merged.write(to: save) } catch { fail("\(error)") }
            }
        }
        if runner.outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
