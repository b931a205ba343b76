import Foundation

/// Loads scenario files from disk.
public struct FileSystemLoader: SourceLoader {
    public init() {}

    public func load(_ path: String, relativeTo: String?) throws -> SourceFile {
        let resolved = resolveIncludePath(path, relativeTo: relativeTo)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            var isDir: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir)
                ? (isDir.boolValue ? "it is a directory" : "permission denied") : "no such file"
            throw SourceLoadError(path: resolved, reason: reason)
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
