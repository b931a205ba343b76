import ArgumentParser

@main
struct BranchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branchsim",
        abstract: "Test retail-bank marketing plans before spending money and staff on them.",
        version: "0.1.0",
        subcommands: [CheckCommand.self, FmtCommand.self])
}
