import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import BranchSimShell
import Foundation

/// `branchsim repl` (and `branchsim` with no arguments): the interactive shell.
/// With standard input not a terminal it reads statements as a script
/// (`branchsim < plan.bsim`), with the exit status of `branchsim run`.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Open the interactive shell (the default when no subcommand is given).",
        discussion: """
            Type statements of the scenario language at the prompt, or :help. History is kept in \
            $XDG_STATE_HOME/branchsim/history (BRANCHSIM_HISTORY overrides it). With standard input \
            not a terminal, statements are read as a script (after FILE, when one is given): exit \
            status 1 if an expectation failed, 2 on an error.
            """)

    @Argument(help: "A scenario file to load (and run) before the first prompt.", completion: .file(extensions: ["bsim"]))
    var file: String?

    @Option(name: .long, help: ArgumentHelp("The history file.", valueName: "file"))
    var history: String?

    @Flag(name: .long, help: "No colour, even on a terminal (NO_COLOR=1 does the same).")
    var noColor = false

    @OptionGroup var paths: PathOptions

    func run() throws {
        paths.apply()
        guard let makeBackend = BranchSimCommand.makeShellBackend else {
            StandardStreams.writeError(
                "error: this build of branchsim has no scenario-language backend for the shell; use 'branchsim run FILE'\n")
            throw ExitCode(2)
        }
        if let file, !FileManager.default.fileExists(atPath: file) {
            // Not left to the shell: with input piped it would read the script and exit 0.
            StandardStreams.writeError(BranchSimCommand.unknownCommand(file) ?? "error: cannot read '\(file)': no such file\n")
            throw ExitCode(BranchSimCommand.usageStatus)
        }
        var options = ShellOptions()
        options.historyPath = history
        if noColor { options.color = false }
        options.startupFile = file
        let status = Shell(backend: makeBackend(), options: options).run()
        if status != 0 { throw ExitCode(status) }
    }
}
