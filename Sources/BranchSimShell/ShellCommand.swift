import BranchSimModel
/// A `:command` typed at the prompt, parsed. The shell parses; the backend does the work.
public enum ShellCommand: Equatable, Sendable {
    case load(path: String)
    case save(path: String, force: Bool)
    /// `:save --chosen FILE`: the session with the last `optimize`'s chosen plan applied.
    case saveChosen(path: String, force: Bool)
    case show(name: String?)
    case set(path: String, value: String)
    case unset(path: String)
    case drop(kind: String, name: String)
    case reset
    case help(topic: String?)
    case history(count: Int?)
    /// Drops the unfinished statement (typed at `...>`).
    case cancel
    /// Prints the unfinished statement.
    case buffer
    /// `:format table|csv|json|html`; nil: say the current one.
    case format(String?)
    /// `:units yuan|wan`; nil: say the current ones.
    case units(String?)
    /// `:output FILE`: results go to FILE; nil: back to the terminal.
    case output(path: String?)
    case quit

    /// Command names, for completion and did-you-mean.
    public static let names = ["load", "save", "show", "set", "unset", "drop", "reset", "format", "units", "output",
                               "cancel", "buffer", "help", "history", "quit", "q"]

    /// The values `:format` and `:units` take, for parsing and completion.
    public static let formats = ["table", "csv", "json", "html"]
    public static let unitNames = ["yuan", "wan"]

    /// One line of usage per command, for `:help commands` and usage errors.
    public static let usage: [(name: String, usage: String, summary: String)] = [
        ("load", ":load FILE", "read a scenario file into the session"),
        ("save", ":save FILE [--force] [--chosen]", "write the session as a scenario file (--force overwrites; --chosen: with the plan the last optimize chose or calibrate fitted)"),
        ("show", ":show [NAME]", "print the session, or one declaration"),
        ("set", ":set PATH VALUE", "change one property, e.g. :set upgrade_meeting.funnel.convert 50%"),
        ("unset", ":unset PATH", "remove a property: back to its default (NAME.PROPERTY)"),
        ("drop", ":drop KIND NAME", "remove a declaration, e.g. :drop campaign upgrade_meeting"),
        ("reset", ":reset", "forget everything declared in this session"),
        ("format", ":format [table|csv|json|html]", "how results print (tables by default); alone: the current one"),
        ("units", ":units [yuan|wan]", "amounts in tables in yuan or in 万; alone: the current ones"),
        ("output", ":output [FILE]", "results go to FILE (replaced); alone: back to the terminal"),
        ("cancel", ":cancel", "at ...>: drop the unfinished statement"),
        ("buffer", ":buffer", "at ...>: print the unfinished statement"),
        ("help", ":help [TOPIC]", "help; :help alone lists the topics"),
        ("history", ":history [N]", "the last N entries of the history (default 20)"),
        ("quit", ":quit, :q", "leave the shell (Ctrl-D on an empty line does too)"),
    ]

    /// Why a `:` line is not a command.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case unknown(String, suggestion: String?)
        case usage(command: String, problem: String)

        public var description: String {
            switch self {
            case .unknown(let name, let s):
                let hint = s.map { "; did you mean ':\($0)'?" } ?? ""
                return "unknown command ':\(name)'\(hint) (:help commands lists them)"
            case .usage(let command, let problem):
                let u = ShellCommand.usage.first { $0.name == command }?.usage ?? ":\(command)"
                return "\(problem); usage: \(u)"
            }
        }
    }

    /// Parses a line that starts with `:` (leading white space allowed).
    public static func parse(_ line: String) -> Result<ShellCommand, ParseError> {
        var rest = Substring(line.drop { $0.isWhitespace })
        guard rest.first == ":" else { return .failure(.unknown(String(rest), suggestion: nil)) }
        rest = rest.dropFirst()
        let name = String(rest.prefix { !$0.isWhitespace })
        let argText = String(rest.dropFirst(name.count).drop { $0.isWhitespace })
            .trimmingTrailingWhitespace()
        let args: [String]
        switch splitArguments(argText) {
        case .success(let a): args = a
        case .failure(let e): return .failure(.usage(command: name, problem: e.problem))
        }
        func noArgs(_ c: ShellCommand) -> Result<ShellCommand, ParseError> {
            args.isEmpty ? .success(c) : .failure(.usage(command: name, problem: ":\(name) takes no arguments"))
        }
        switch name {
        case "load":
            guard args.count == 1 else {
                return .failure(.usage(command: name, problem: args.isEmpty ? "say which file to load" : "give one file name (quote names with spaces)"))
            }
            return .success(.load(path: args[0]))
        case "save":
            let force = args.contains("--force") || args.contains("-f")
            let chosen = args.contains("--chosen")
            let files = args.filter { $0 != "--force" && $0 != "-f" && $0 != "--chosen" }
            if let bad = files.first(where: { $0.hasPrefix("--") }) {
                return .failure(.usage(command: name, problem: "unknown option '\(bad)'"))
            }
            guard files.count == 1 else {
                return .failure(.usage(command: name, problem: files.isEmpty ? "say which file to save to" : "give one file name (quote names with spaces)"))
            }
            return .success(chosen ? .saveChosen(path: files[0], force: force) : .save(path: files[0], force: force))
        case "show":
            guard args.count <= 1 else { return .failure(.usage(command: name, problem: "give at most one name")) }
            return .success(.show(name: args.first))
        case "set":
            // The value is the rest of the line as typed: `lognormal(median 6万, p90 20万)`.
            let path = String(argText.prefix { !$0.isWhitespace })
            let value = String(argText.dropFirst(path.count).drop { $0.isWhitespace })
            guard !path.isEmpty, !value.isEmpty else {
                return .failure(.usage(command: name, problem: path.isEmpty ? "say which property to set" : "say the new value of '\(path)'"))
            }
            return .success(.set(path: path, value: value))
        case "unset":
            guard args.count == 1 else { return .failure(.usage(command: name, problem: "say which property to unset")) }
            return .success(.unset(path: args[0]))
        case "drop":
            guard args.count == 2 else {
                return .failure(.usage(command: name, problem: args.count < 2 ? "say the kind and the name, e.g. ':drop campaign meet'"
                                                                              : "give one kind and one name"))
            }
            return .success(.drop(kind: args[0], name: args[1]))
        case "reset": return noArgs(.reset)
        case "cancel": return noArgs(.cancel)
        case "buffer": return noArgs(.buffer)
        case "format", "mode":
            guard args.count <= 1 else { return .failure(.usage(command: "format", problem: "give one format")) }
            guard let f = args.first else { return .success(.format(nil)) }
            guard formats.contains(f.lowercased()) else {
                let hint = suggestion(for: f, among: formats).map { "did you mean '\($0)'? " } ?? ""
                return .failure(.usage(command: "format", problem: "unknown format '\(f)'; \(hint)formats: \(formats.joined(separator: ", "))"))
            }
            return .success(.format(f.lowercased()))
        case "units":
            guard args.count <= 1 else { return .failure(.usage(command: name, problem: "give one unit")) }
            guard let u = args.first else { return .success(.units(nil)) }
            let unit = u == "万" ? "wan" : u.lowercased()
            guard unitNames.contains(unit) else {
                return .failure(.usage(command: name, problem: "unknown units '\(u)'; write 'yuan' or 'wan' (万)"))
            }
            return .success(.units(unit))
        case "output", "o":
            guard args.count <= 1 else { return .failure(.usage(command: "output", problem: "give one file name (quote names with spaces)")) }
            return .success(.output(path: args.first))
        case "help", "?":
            guard args.count <= 1 else { return .failure(.usage(command: "help", problem: "give at most one topic")) }
            return .success(.help(topic: args.first))
        case "history":
            guard args.count <= 1 else { return .failure(.usage(command: name, problem: "give at most one count")) }
            guard let a = args.first else { return .success(.history(count: nil)) }
            guard let n = Int(a), n > 0 else {
                return .failure(.usage(command: name, problem: "'\(a)' is not a positive whole number"))
            }
            return .success(.history(count: n))
        case "quit", "q", "exit": return noArgs(.quit)
        default:
            return .failure(.unknown(name, suggestion: suggestion(for: name, among: names.filter { $0 != "q" })))
        }
    }

    /// Splits on white space; double quotes group (`"my plan.bsim"`), `\` escapes inside them.
    struct ArgumentError: Error, Equatable { var problem: String }

    static func splitArguments(_ text: String) -> Result<[String], ArgumentError> {
        var out: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for ch in text {
            if escaped {
                current.append(ch)
                escaped = false
            } else if quoted {
                if ch == "\\" { escaped = true } else if ch == "\"" { quoted = false } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
                inWord = true
            } else if ch.isWhitespace {
                if inWord { out.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if quoted { return .failure(ArgumentError(problem: "a quote is not closed")) }
        if inWord { out.append(current) }
        return .success(out)
    }
}

/// The closest of `candidates` to `word` (edit distance at most 2, or a prefix either way).
public func suggestion(for word: String, among candidates: [String]) -> String? {
    let w = word.lowercased()
    guard !w.isEmpty else { return nil }
    var best: (String, Int)?
    for c in candidates {
        let d = c.hasPrefix(w) || w.hasPrefix(c) ? 1 : editDistance(w, c)
        if d <= min(2, max(1, c.count / 2)), best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
