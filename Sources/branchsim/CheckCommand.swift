import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import Foundation

/// `branchsim check FILE...`: reports every problem in scenario files without running them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check scenario files and report every problem (exit 1 on errors).")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "Diagnostics as 'text' (default) or 'json' (for editors and CI).")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Colour the text output even when stderr is not a terminal.")
    var color = false

    @Argument(help: "Scenario files (.bsim).")
    var files: [String]

    @OptionGroup var paths: PathOptions

    func run() throws {
        paths.apply()
        var all: [Diagnostic] = []
        var sources: [String: SourceFile] = [:]
        for f in files {
            let outcome = FrontEnd.check(path: f)
            all += outcome.diagnostics
            sources.merge(outcome.sources) { a, _ in a }
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(all.map(DiagnosticJSON.init))
            StandardStreams.write(String(decoding: data, as: UTF8.self) + "\n")
        case .text:
            let renderer = DiagnosticRenderer(colour: color || Terminal.wantsColour(fd: 2))
            let text = renderer.render(all, sources: sources)
            let errors = all.filter(\.isError).count, warnings = all.count - errors
            var summary = ""
            if !all.isEmpty {
                summary = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
            }
            StandardStreams.writeError((text + (text.isEmpty ? "" : "\n") + summary))
        }
        if all.contains(where: \.isError) { throw ExitCode(1) }
    }
}
