import BranchSimModel

/// A source text with its line-start table; positions are UTF-8 offsets.
///
/// Line and column are computed from the table: lines are 1-based, columns count
/// characters (Unicode scalars) from the start of the line, 1-based.
public struct SourceFile: Sendable, Equatable {
    public let path: String
    public let text: String
    /// UTF-8 bytes of `text`.
    public let bytes: [UInt8]
    /// Offset of the first byte of every line (line 1 starts at 0).
    public let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if buffer[i] == 0x0A { starts.append(i + 1) }
                i += 1
            }
        }
        self.lineStarts = starts
    }

    public var lineCount: Int { lineStarts.count }

    /// 0-based index of the line holding `offset`.
    /// - Complexity: O(log lines).
    public func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The 1-based line and character column of a UTF-8 offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        let line = lineIndex(of: clamped)
        var column = 1
        var i = lineStarts[line]
        while i < clamped {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        // A partial scalar at the end counts once.
        if clamped < bytes.count, clamped > lineStarts[line], bytes[clamped] & 0xC0 == 0x80 { column -= 1 }
        return SourceLocation(file: path, line: line + 1, column: column)
    }

    /// The text of 1-based `line`, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text between two offsets.
    public func slice(_ range: SourceRange) -> String {
        let s = max(0, min(range.start, bytes.count)), e = max(s, min(range.end, bytes.count))
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }
}

/// A range of UTF-8 offsets `[start, end)` in a named file.
public struct SourceRange: Sendable, Hashable {
    public var file: String
    public var start: Int
    public var end: Int

    public init(file: String, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// The smallest range covering both (same file assumed).
    public func union(_ other: SourceRange) -> SourceRange {
        guard other.file == file else { return self }
        return SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}

/// Reads scenario files (for `include` and the command line).
public protocol SourceLoader: Sendable {
    /// Loads `path`, resolved relative to the directory of `relativeTo` when that is given
    /// and `path` is relative.
    func load(_ path: String, relativeTo: String?) throws -> SourceFile
    /// The path a data statement's file (`branches from "FILE"`) is read at: `path` resolved
    /// relative to the file the statement is in; throws `PathNotAllowed` when the loader's
    /// policy keeps it out.
    func dataPath(_ path: String, relativeTo: String?) throws -> String
    /// This loader for the scenario `file` names on the command line: files it includes or
    /// reads must lie in its folder's tree (or a folder `--allow-path` allows).
    func rooted(at file: String) -> any SourceLoader
}

extension SourceLoader {
    public func dataPath(_ path: String, relativeTo: String?) throws -> String { resolveIncludePath(path, relativeTo: relativeTo) }
    public func rooted(at file: String) -> any SourceLoader { self }
}

/// A file a scenario may not read (or an export may not overwrite): it lies outside the
/// scenario's folder tree and every folder the command line allows.
public struct PathNotAllowed: Error, Sendable, CustomStringConvertible {
    /// The file, with links and `..` resolved.
    public var path: String
    /// The scenario's folder.
    public var folder: String

    public init(path: String, folder: String) {
        self.path = path
        self.folder = folder
    }

    /// The folder to allow: the file's own.
    public var suggestedFolder: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public var description: String {
        "'\(path)' is outside the scenario's folder '\(folder)': copy it into the folder, or allow its folder with --allow-path \(suggestedFolder)"
    }
}

public struct SourceLoadError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "cannot read '\(path)': \(reason)" }
}

/// `path` with `.` and empty segments dropped and `name/..` pairs folded, without touching
/// the file system: `./a/../b.bsim` and `b.bsim` name the same file. (Symbolic links are not
/// followed; the include depth limit catches cycles through them.)
public func lexicallyNormalized(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        if part == "..", absolute { continue }  // "/.." is "/"
        parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// Resolves an include path against the including file's directory.
public func resolveIncludePath(_ path: String, relativeTo: String?) -> String {
    guard !path.hasPrefix("/"), let base = relativeTo, let slash = base.lastIndex(of: "/") else { return path }
    return String(base[...slash]) + path
}
