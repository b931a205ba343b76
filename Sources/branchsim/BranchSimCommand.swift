import ArgumentParser
import BranchSimDriver
import BranchSimShell
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@main
struct BranchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branchsim",
        abstract: "Test retail-bank marketing plans before spending money and staff on them.",
        discussion: """
            Exit status: 0 ok; 1 an `expect` failed (run, test) or a file has errors (check) or \
            would change (fmt --check); 2 errors: a scenario that does not check or run, a file \
            that cannot be read or written, lost output, a mistyped command or option (docs/ci.md).
            """,
        version: "0.1.0",
        subcommands: [ReplCommand.self, RunCommand.self, TestCommand.self, CheckCommand.self, FmtCommand.self, MergeCommand.self, SlurmCommand.self, BenchCommand.self],
        defaultSubcommand: ReplCommand.self)

    /// Makes the language side of the interactive shell: the parser, checker and engine
    /// behind `ShellBackend`.
    static let makeShellBackend: (@Sendable () -> any ShellBackend)? = { ScenarioBackend() }

    /// The exit status of a mistyped command line: 2, the status of every error (docs/ci.md),
    /// not ArgumentParser's 64 (EX_USAGE), so a CI job needs to know only 0, 1 and 2.
    static let usageStatus: Int32 = 2

    /// The commands, as `--help` lists them.
    static var commandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

    /// The message for a first word that is neither a command, an option nor a file: the shell
    /// is the default command, so `branchsim rnu plan.bsim` would otherwise be read as the
    /// shell with a file named `rnu` (it waited for a script and exited 0).
    static func unknownCommand(_ word: String) -> String? {
        guard !word.hasPrefix("-"), !word.contains("/"), !word.contains("."), word != "help",
              !commandNames.contains(word), !FileManager.default.fileExists(atPath: word) else { return nil }
        return "error: unknown command '\(word)'; the commands are \(commandNames.joined(separator: ", ")) (branchsim --help)\n"
    }

    static func main() {
        StandardStreams.install()
        TemporaryFiles.cleanUpOnSignals()
        if let word = CommandLine.arguments.dropFirst().first, let message = unknownCommand(word) {
            StandardStreams.writeError(message)
            Glibc.exit(usageStatus)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            StandardStreams.writeError(fullMessage(for: error) + "\n")
            Glibc.exit(usageStatus)
        }
    }
}
