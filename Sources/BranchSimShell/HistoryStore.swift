import BranchSimDriver
import Foundation

/// The shell's persistent history: one entry per line of a text file, newlines inside an
/// entry written as `\n` (and `\` as `\\`), so a statement typed over several lines comes
/// back as one entry. Every entry is appended to the file as it is entered (open, append,
/// close), so a killed shell loses nothing.
public struct HistoryStore: Sendable {
    /// The history file.
    public let path: String
    /// Entries kept when loading; the file is compacted when it grows past twice this.
    public let limit: Int

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = limit
    }

    /// `$BRANCHSIM_HISTORY`, else `$XDG_STATE_HOME/branchsim/history`, else
    /// `~/.local/state/branchsim/history`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["BRANCHSIM_HISTORY"], !p.isEmpty { return p }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/branchsim/history"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/branchsim/history"
    }

    /// The last `limit` entries, oldest first; empty when there is no file yet.
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        let entries = lines.map { Self.decode(String($0)) }
        if entries.count > 2 * limit {
            let kept = Array(entries.suffix(limit))
            try? compact(to: kept)
            return kept
        }
        return Array(entries.suffix(limit))
    }

    /// Appends one entry to the file, creating the file and its folders if needed.
    public func append(_ entry: String) throws {
        try createFolder()
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HistoryError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array((Self.encode(entry) + "\n").utf8)
        // One write call with O_APPEND: a whole line lands at the end even if two shells share the file.
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw HistoryError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func createFolder() throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HistoryError(path: path, reason: "cannot create folder '\(folder)'")
        }
    }

    private func compact(to entries: [String]) throws {
        let text = entries.map { Self.encode($0) + "\n" }.joined()
        try AtomicFile.write(text, to: path, overwrite: true)
    }

    /// One line of the file for `entry`.
    public static func encode(_ entry: String) -> String {
        var out = ""
        for ch in entry.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The entry a line of the file holds.
    public static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for ch in line.unicodeScalars {
            if escaped {
                switch ch {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        if escaped { out += "\\" }
        return out
    }
}

public struct HistoryError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write history file '\(path)': \(reason); set BRANCHSIM_HISTORY to a writable file" }
}
