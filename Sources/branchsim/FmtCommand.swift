import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import BranchSimModel
import Foundation

/// `branchsim fmt FILE`: prints the canonical layout, rewrites files with `--write`, or lists
/// the files that are not in it with `--check` (as `gofmt -l` and `prettier --check` do).
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Print scenario files in the canonical layout (comments kept).",
        discussion: """
            --write rewrites each file in place (atomically; a symbolic link keeps pointing at its \
            file, which keeps its permissions). --check changes nothing: it lists the files that \
            are not in the canonical layout. Exit status: 0 ok; 1 with --check when some file \
            would change; 2 when a file cannot be read, parsed or written.
            """)

    @Flag(name: .long, help: "Rewrite the files in place (atomically) instead of printing.")
    var write = false

    @Flag(name: .long, help: "Print nothing but the names of files not in the canonical layout; exit 1 if there are any.")
    var check = false

    @Argument(help: "Scenario files (.bsim).", completion: .file(extensions: ["bsim"]))
    var files: [String]

    func validate() throws {
        if write && check { throw ValidationError("--write and --check exclude each other: --check only lists, --write rewrites") }
    }

    func run() throws {
        var failed = false, unformatted = false
        for path in files {
            let file: SourceFile
            do { file = try FileSystemLoader().load(path, relativeTo: nil) } catch {
                StandardStreams.writeError("\(path): error: \(error)\n")
                failed = true
                continue
            }
            let source = file.text
            let formatted: String
            do {
                formatted = try Formatter.format(source, file: path)
            } catch {
                let renderer = DiagnosticRenderer(colour: Terminal.wantsColour(fd: 2))
                let sources = [path: SourceFile(path: path, text: source)]
                StandardStreams.writeError(renderer.render(error.diagnostics, sources: sources))
                failed = true
                continue
            }
            if check {
                if formatted != source {
                    unformatted = true
                    StandardStreams.write(path + "\n")
                }
            } else if write {
                guard formatted != source else { continue }
                do { try AtomicFile.write(formatted, to: path, overwrite: true) } catch {
                    StandardStreams.writeError("error: \(error)\n")
                    failed = true
                }
            } else {
                // On a terminal a comment's ESC or BEL is shown (`^[`), not obeyed.
                StandardStreams.write(Terminal.isTerminal(1) ? TerminalText.visible(formatted) : formatted)
            }
        }
        if failed { throw ExitCode(2) }
        if unformatted { throw ExitCode(1) }
    }
}
