import Foundation

/// Loads scenario files from disk.
public struct FileSystemLoader: SourceLoader {
    public init() {}

    /// The largest scenario file read (the shipped ones are a few kilobytes).
    static let maximumBytes = 16 * 1_048_576

    public func load(_ path: String, relativeTo: String?) throws -> SourceFile {
        let resolved = resolveIncludePath(path, relativeTo: relativeTo)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            var isDir: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir)
                ? (isDir.boolValue ? "it is a directory" : "permission denied") : "no such file"
            throw SourceLoadError(path: resolved, reason: reason)
        }
        // A program, an archive or a spreadsheet named by mistake: say so at once rather than
        // lexing megabytes into errors (an 82 MB binary took 30 s to reject).
        if data.prefix(8192).contains(0) {
            throw SourceLoadError(path: resolved, reason: "it is a binary file (it contains NUL bytes), not a scenario")
        }
        if data.count > Self.maximumBytes {
            throw SourceLoadError(path: resolved, reason: "it is \(data.count / 1_048_576) MiB; a scenario file is at most 16 MiB")
        }
        return SourceFile(path: resolved, text: String(decoding: data, as: UTF8.self))
    }
}

/// Serves files from memory (tests, the shell's unsaved buffers).
public struct InMemoryLoader: SourceLoader {
    public var files: [String: String]
    public init(_ files: [String: String]) { self.files = files }

    public func load(_ path: String, relativeTo: String?) throws -> SourceFile {
        let resolved = resolveIncludePath(path, relativeTo: relativeTo)
        guard let text = files[resolved] ?? files[path] ?? files[lexicallyNormalized(resolved)] else {
            throw SourceLoadError(path: resolved, reason: "no such file")
        }
        return SourceFile(path: resolved, text: text)
    }
}
