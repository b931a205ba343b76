import ArgumentParser
import BranchSimShell

@main
struct BranchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branchsim",
        abstract: "Test retail-bank marketing plans before spending money and staff on them.",
        version: "0.1.0",
        subcommands: [ReplCommand.self, CheckCommand.self, FmtCommand.self],
        defaultSubcommand: ReplCommand.self)

    /// Makes the language side of the interactive shell (parser, checker, engine behind
    /// `ShellBackend`). Set when BranchSimDriver's backend is wired in; `repl` explains
    /// the gap while it is nil.
    static let makeShellBackend: (@Sendable () -> any ShellBackend)? = nil
}
