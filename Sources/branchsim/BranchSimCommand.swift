import ArgumentParser
import BranchSimShell

@main
struct BranchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branchsim",
        abstract: "Test retail-bank marketing plans before spending money and staff on them.",
        version: "0.1.0",
        subcommands: [ReplCommand.self, RunCommand.self, TestCommand.self, CheckCommand.self, FmtCommand.self, MergeCommand.self, SlurmCommand.self, BenchCommand.self],
        defaultSubcommand: ReplCommand.self)

    /// Makes the language side of the interactive shell: the parser, checker and engine
    /// behind `ShellBackend`.
    static let makeShellBackend: (@Sendable () -> any ShellBackend)? = { ScenarioBackend() }
}
