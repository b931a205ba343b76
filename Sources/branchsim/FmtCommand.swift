import ArgumentParser
import BranchSimLanguage
import Foundation

/// `branchsim fmt FILE`: prints the canonical layout, or rewrites the file with `--write`.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Print scenario files in the canonical layout (comments kept).")

    @Flag(name: .long, help: "Rewrite the files in place (atomically) instead of printing.")
    var write = false

    @Argument(help: "Scenario files (.bsim).")
    var files: [String]

    func run() throws {
        var failed = false
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): error: cannot read '\(path)'\n".utf8))
                failed = true
                continue
            }
            let source = String(decoding: data, as: UTF8.self)
            let formatted: String
            do {
                formatted = try Formatter.format(source, file: path)
            } catch {
                let renderer = DiagnosticRenderer(colour: Terminal.wantsColour(fd: 2))
                let sources = [path: SourceFile(path: path, text: source)]
                FileHandle.standardError.write(Data(renderer.render(error.diagnostics, sources: sources).utf8))
                failed = true
                continue
            }
            if write {
                if formatted != source { try atomicWrite(formatted, to: path) }
            } else {
                FileHandle.standardOutput.write(Data(formatted.utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Writes a temporary file in the same directory, then renames it over `path`.
    private func atomicWrite(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).fmt-\(getpid()).tmp")
        try Data(text.utf8).write(to: temp)
        if let attrs = try? FileManager.default.attributesOfItem(atPath: path), let perms = attrs[.posixPermissions] {
            try? FileManager.default.setAttributes([.posixPermissions: perms], ofItemAtPath: temp.path)
        }
        guard rename(temp.path, path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw ValidationError("cannot replace '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
