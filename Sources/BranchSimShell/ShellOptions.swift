import CLibEdit
import Foundation

/// How a `Shell` talks to the person: prompts, history file, colour, terminal or script.
public struct ShellOptions: Sendable {
    /// `branchsim> `.
    public var primaryPrompt: String
    /// `      ...> `, while a statement continues.
    public var secondaryPrompt: String
    /// The history file; nil means `HistoryStore.defaultPath(environment:)`.
    public var historyPath: String?
    /// Read with libedit and prompts (true) or as a script (false); nil: whether standard
    /// input is a terminal.
    public var interactive: Bool?
    /// ANSI colour; nil: on when standard output and error are terminals, `TERM` is set and
    /// not `dumb`, and `NO_COLOR` is unset or empty.
    public var color: Bool?
    /// Printed when an interactive shell starts (nil: none).
    public var banner: String?
    /// The process environment (tests replace it).
    public var environment: [String: String]
    /// Name for libedit's `~/.editrc` sections.
    public var programName: String
    /// A scenario file to `:load` before the first prompt (`branchsim repl FILE`).
    public var startupFile: String?

    public init(primaryPrompt: String = "branchsim> ", secondaryPrompt: String = "      ...> ",
                historyPath: String? = nil, interactive: Bool? = nil, color: Bool? = nil,
                banner: String? = "BranchSim shell. :help for help, :quit or Ctrl-D to leave.",
                environment: [String: String] = ProcessInfo.processInfo.environment,
                programName: String = "branchsim") {
        self.primaryPrompt = primaryPrompt
        self.secondaryPrompt = secondaryPrompt
        self.historyPath = historyPath
        self.interactive = interactive
        self.color = color
        self.banner = banner
        self.environment = environment
        self.programName = programName
    }

    /// Whether colour is on for these options in this process.
    public var colorEnabled: Bool {
        if let color { return color }
        return Self.colorAllowed(environment: environment,
                                 stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
                                 stderrIsTerminal: isatty(STDERR_FILENO) == 1)
    }

    /// The colour rule as a pure function.
    public static func colorAllowed(environment: [String: String], stdoutIsTerminal: Bool, stderrIsTerminal: Bool) -> Bool {
        guard stdoutIsTerminal, stderrIsTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }
}
