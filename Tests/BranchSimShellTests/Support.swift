import Foundation
@testable import BranchSimShell

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
