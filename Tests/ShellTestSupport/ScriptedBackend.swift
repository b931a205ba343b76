import BranchSimModel
import BranchSimShell
import Foundation

/// A `ShellBackend` for tests of the terminal side: it records every call, counts braces
/// for `needsMoreInput`, completes from fixed lists, and understands a few statements:
///
/// - `slow N` runs N steps of 20 ms, reporting progress and stopping when cancelled;
/// - a statement starting with `oops` is an error (`<prompt>:1:1: error: ...`);
/// - `expect false` fails an expectation;
/// - anything else is accepted and echoed as `ok: FIRST-LINE (N lines)`, and
///   `KEYWORD NAME ...` declares NAME for completion and `:show`.
public final class ScriptedBackend: ShellBackend {
    public enum Call: Equatable {
        case execute(String, SourceLocation)
        case load(String)
        case save
        case show(String?)
        case set(String, String)
        case unset(String)
        case reset
        case completions(String, String, CompletionContext)
    }

    public private(set) var calls: [Call] = []
    public private(set) var statements: [String] = []
    public private(set) var names: [String] = []
    public var stepDuration: TimeInterval

    public static let keywords = ["scenario", "tier", "segment", "product", "role", "branch", "network",
                                  "campaign", "policy", "enforce", "let", "variant", "run", "report",
                                  "compare", "sweep", "expect", "export", "include"]
    public static let metrics = ["uplift", "uplift.downtown", "upgrades", "upgrades.potential_to_midhigh",
                                 "funnel.upgrade_meeting.reach", "funnel.upgrade_meeting.attend",
                                 "funnel.upgrade_meeting.convert", "staffing.wealth_manager.fte",
                                 "staffing.wealth_manager.hours"]

    public init(stepDuration: TimeInterval = 0.02) {
        self.stepDuration = stepDuration
    }

    public func needsMoreInput(_ text: String) -> Bool {
        var depth = 0
        var inString = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for ch in line {
                if ch == "\"" { inString.toggle() }
                if inString { continue }
                if ch == "#" { break }
                if ch == "{" || ch == "(" { depth += 1 }
                if ch == "}" || ch == ")" { depth -= 1 }
            }
            inString = false
        }
        if depth > 0 { return true }
        let last = text.split(separator: "\n").last.map { String($0.split(separator: "#", maxSplits: 1).first ?? "") } ?? ""
        let trimmed = last.trimmingCharacters(in: .whitespaces)
        return trimmed.hasSuffix(",") || trimmed.hasSuffix("->")
    }

    public func completions(for word: String, line: String, context: CompletionContext) -> [String] {
        calls.append(.completions(word, line, context))
        switch context {
        case .statementStart: return Self.keywords + names
        case .metricPath: return Self.metrics
        case .commandArgument: return names
        case .afterKeyword, .fileName, .command, .variantName, .sweepPath, .letName, .observedName: return names + ["downtown", "potential", "midhigh"]
        }
    }

    public func execute(_ text: String, at location: SourceLocation, control: RunControl, out: ShellOutput) -> ExecutionOutcome {
        calls.append(.execute(text, location))
        let words = text.split(whereSeparator: { $0.isWhitespace })
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
        if words.first == "slow", words.count == 2, let n = Int(words[1]) {
            for i in 0..<n {
                if control.isCancelled {
                    out.print("slow run stopped after \(i) of \(n) steps")
                    return .error
                }
                Thread.sleep(forTimeInterval: stepDuration)
                control.progress(done: i + 1, total: n)
            }
            out.print("slow run finished: \(n) steps")
            return .ok
        }
        if words.first.map({ $0.hasPrefix("oops") }) ?? false {
            out.diagnostic("\(location): error: unknown statement '\(words[0])'; :help statements lists them")
            return .error
        }
        if text.trimmingCharacters(in: .whitespaces) == "expect false" {
            out.print("expectation failed: false")
            return .expectationFailed
        }
        statements.append(text)
        if words.count >= 2, Self.keywords.contains(String(words[0])) {
            let name = String(words[1])
            if name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !names.contains(name) { names.append(name) }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        out.print("ok: \(firstLine) (\(lines) line\(lines == 1 ? "" : "s"))")
        return .ok
    }

    public func load(path: String, control: RunControl, out: ShellOutput) -> ExecutionOutcome {
        calls.append(.load(path))
        guard let data = FileManager.default.contents(atPath: path) else {
            out.error("cannot read '\(path)': no such file; check the name (Tab completes file names)")
            return .error
        }
        let text = String(decoding: data, as: UTF8.self)
        statements.append(text)
        out.print("loaded \(path)")
        return .ok
    }

    public func textToSave(out: ShellOutput) -> String? {
        calls.append(.save)
        guard !statements.isEmpty else {
            out.error("nothing to save yet; type statements or :load a file first")
            return nil
        }
        return statements.joined(separator: "\n")
    }

    public func show(name: String?, out: ShellOutput) {
        calls.append(.show(name))
        if let name {
            out.print(statements.first { $0.split(separator: " ").dropFirst().first.map(String.init) == name } ?? "no '\(name)' declared")
        } else {
            out.print(statements.joined(separator: "\n"))
        }
    }

    public func set(path: String, value: String, out: ShellOutput) -> ExecutionOutcome {
        calls.append(.set(path, value))
        out.print("set \(path) = \(value)")
        return .ok
    }

    public func unset(path: String, out: ShellOutput) -> ExecutionOutcome {
        calls.append(.unset(path))
        out.print("unset \(path)")
        return .ok
    }

    public func reset(out: ShellOutput) {
        calls.append(.reset)
        statements = []
        names = []
        out.print("session cleared")
    }

    public func help(topic: String?) -> String? {
        topic == "fixture" ? "The scripted test backend." : nil
    }

    public var helpTopics: [String] { ["fixture"] }
}
