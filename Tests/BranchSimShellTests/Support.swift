import BranchSimModel
import Foundation
import ShellTestSupport
@testable import BranchSimShell

/// A shell over `backend` reading lines from a list, its output captured, its history in a
/// temporary folder.
final class TestShell<Backend: ShellBackend> {
    let backend: Backend
    let captured = CapturedOutput()
    let dir: String
    let shell: Shell

    init(_ backend: Backend) throws {
        self.backend = backend
        dir = try makeTemporaryFolder()
        shell = Shell(backend: backend,
                      options: ShellOptions(historyPath: dir + "/history", color: false, environment: ["HOME": dir]),
                      output: captured.output)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func run(_ lines: [String], interactive: Bool = true) -> Int32 {
        var source = ListSource(lines)
        return shell.run(source: &source, interactive: interactive)
    }
}

extension TestShell where Backend == ScriptedBackend {
    convenience init() throws { try self.init(ScriptedBackend(stepDuration: 0.001)) }

    /// The texts the backend was asked to execute.
    var executed: [String] {
        backend.calls.compactMap { if case .execute(let t, _) = $0 { return t } else { return nil } }
    }
}

/// Collects what a shell prints, by stream.
final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    var output: ShellOutput {
        ShellOutput(colorEnabled: false) { [self] stream, text in
            lock.lock()
            defer { lock.unlock() }
            if stream == .standardOutput { outText += text } else { errText += text }
        }
    }

    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return outText
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return errText
    }
}

/// Lines given in advance, then end of input.
struct ListSource: LineSource {
    var events: [LineEvent]
    var prompts: [String] = []

    init(_ lines: [String]) { events = lines.map(LineEvent.line) }
    init(events: [LineEvent]) { self.events = events }

    mutating func next(prompt: String) -> LineEvent {
        prompts.append(prompt)
        return events.isEmpty ? .endOfInput : events.removeFirst()
    }
}

/// A fresh empty folder under the system temporary folder.
func makeTemporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "branchsim-shell-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
