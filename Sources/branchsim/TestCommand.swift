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

    func run() throws {
        let files: [String]
        do { files = try ScenarioDiscovery.files(in: paths.isEmpty ? ["scenarios"] : paths) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let colour = Terminal.wantsColour(fd: 1)
        var suites: [JUnitWriter.Suite] = []
        var passed = 0, failed = 0, broken = 0
        for file in files {
            let started = DispatchTime.now()
            func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let outcome = FrontEnd.check(path: file)
            if outcome.hasErrors || outcome.program == nil {
                let text = DiagnosticRenderer(colour: false).render(outcome.diagnostics.filter(\.isError), sources: outcome.sources)
                FileHandle.standardError.write(Data(text.utf8))
                print("ERROR \(file): the scenario has errors (above)")
                suites.append(.init(name: name, file: file, outcomes: [], error: text, seconds: seconds()))
                broken += 1
                continue
            }
            var config = simulation.configuration()
            config.quiet = true
            config.report.colour = colour
            let buffer = TextBuffer()
            let runner = ProgramRunner(configuration: config,
                                       sink: OutputSink(out: { buffer.append($0) }, err: { _ in }))
            do {
                try runner.execute(outcome.program!)
            } catch {
                print("ERROR \(file): \(error)")
                suites.append(.init(name: name, file: file, outcomes: runner.outcomes, error: "\(error)", seconds: seconds()))
                broken += 1
                continue
            }
            if runner.outcomes.isEmpty { print("----  \(file): no expectations") }
            for o in runner.outcomes {
                print(TextReports.expectationLine(o, options: config.report) + (o.passed ? "  \(o.location)" : ""))
                if o.passed { passed += 1 } else { failed += 1 }
            }
            suites.append(.init(name: name, file: file, outcomes: runner.outcomes, error: nil, seconds: seconds()))
        }
        if let junit {
            let xml = JUnitWriter.render(suites) { TextReports.expectationLine($0) }
            do { try AtomicFile.write(xml, to: junit, overwrite: true) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if broken > 0 { print("\(broken) file\(broken == 1 ? "" : "s") with errors") }
        print("\(passed) passed, \(failed) failed")
        if broken > 0 { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `branchsim merge`: joins slices of one run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join results saved by `branchsim run --replications A..<B --save FILE` into the whole run.",
        discussion: """
            The slices must come from the same file, seed and version. The merged result equals a \
            single run of all the replications, bit for bit.
            """)

    @Argument(help: "Files written by `branchsim run --save`.")
    var files: [String]

    @Option(help: "table, json or csv.")
    var format: FormatArgument = .table

    @Option(help: ArgumentHelp("Also save the merged rows here (to merge further).", valueName: "file"))
    var save: String?

    @Option(help: "Money in yuan or in 万 (wan).")
    var units: MoneyUnitsArgument = .yuan

    func run() throws {
        var parts: [SavedResults] = []
        for f in files {
            do { parts.append(try SavedResults.read(from: f)) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let merged: SavedResults
        do { merged = try SavedResults.merged(parts) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let save {
            do { try merged.write(to: save) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let options = ReportOptions(units: units == .wan ? .wan : .yuan, colour: Terminal.wantsColour(fd: 1))
        switch format {
        case .json:
            print(JSONReport.render(ReportDocument(runs: merged.runs)), terminator: "")
        case .csv:
            print(merged.runs.map(CSVReport.long).joined(), terminator: "")
        case .table, .html:
            for r in merged.runs { print(TextReports.defaultReport(r, options: options)) }
        }
    }
}
