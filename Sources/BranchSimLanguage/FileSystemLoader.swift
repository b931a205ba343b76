import BranchSimModel
import Foundation

/// Which folders scenarios may read beyond their own (`--allow-path DIR`, given once per
/// process by the command line or the shell's options). Workshop participants exchange
/// scenario files: a file that names `/etc/shadow` or `../../secrets.csv` must not have
/// BranchSim read it (and print its lines in diagnostics).
public enum FileAccess {
    private static let allowedFolders = LockedValue<[String]>([])
    private static let force = LockedValue(false)

    /// Whether `export` may overwrite a file outside the scenario's folder (`--force`).
    public static var overwritesOutside: Bool {
        get { force.withLock { $0 } }
        set { force.withLock { $0 = newValue } }
    }

    /// The folders allowed besides the scenario's own tree (resolved: links followed).
    public static var allowed: [String] {
        get { allowedFolders.withLock { $0 } }
        set { allowedFolders.withLock { $0 = newValue.map(FileAccess.resolved) } }
    }

    /// `path` absolute, with links and `..` resolved as far as it exists (a file not yet
    /// there keeps its last part: the folder it would go in is resolved).
    public static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let r = realpath(absolute, nil) {
            defer { free(r) }
            return String(cString: r)
        }
        let normal = lexicallyNormalized(absolute)
        guard let slash = normal.lastIndex(of: "/"), slash != normal.startIndex else { return normal }
        let folder = String(normal[..<slash])
        if let r = realpath(folder, nil) {
            defer { free(r) }
            return String(cString: r) + String(normal[slash...])
        }
        return normal
    }

    /// The folder a scenario file is in (resolved).
    public static func folder(of file: String) -> String {
        let r = resolved(file)
        guard let slash = r.lastIndex(of: "/") else { return "." }
        return slash == r.startIndex ? "/" : String(r[..<slash])
    }

    /// Whether `path` lies in `folder`'s tree (or one of `also`'s) or an allowed folder's;
    /// throws why not.
    public static func check(_ path: String, folder: String, also: [String] = []) throws(PathNotAllowed) {
        let r = resolved(path)
        for f in [folder] + also + allowed where r == f || r.hasPrefix(f == "/" ? "/" : f + "/") { return }
        throw PathNotAllowed(path: r, folder: folder)
    }
}

/// Loads scenario files from disk. Files it includes (and data files) must lie in the tree of
/// the scenario's folder (`rooted(at:)`; the working directory until then) or of a folder
/// `FileAccess.allowed` names.
public struct FileSystemLoader: SourceLoader {
    /// The folder of the scenario named on the command line (resolved); `nil`: the working directory.
    public var folder: String?

    public init(folder: String? = nil) { self.folder = folder }

    public func rooted(at file: String) -> any SourceLoader { FileSystemLoader(folder: FileAccess.folder(of: file)) }

    /// The scenario's folder, or the working directory.
    var scenarioFolder: String { folder ?? FileAccess.resolved(FileManager.default.currentDirectoryPath) }

    public func dataPath(_ path: String, relativeTo: String?) throws -> String {
        let resolved = resolveIncludePath(path, relativeTo: relativeTo)
        try FileAccess.check(resolved, folder: scenarioFolder)
        return resolved
    }

    /// The largest scenario file read (the shipped ones are a few kilobytes).
    static let maximumBytes = 16 * 1_048_576

    public func load(_ path: String, relativeTo: String?) throws -> SourceFile {
        let resolved = resolveIncludePath(path, relativeTo: relativeTo)
        // A file the scenario includes stays in its folder (the one on the command line may be anywhere).
        if relativeTo != nil { try FileAccess.check(resolved, folder: scenarioFolder) }
        // What the path is, before reading a byte: a FIFO or a device would block or never
        // end, and a huge file would be read whole before its size was seen.
        var info = stat()
        guard stat(resolved, &info) == 0 else { throw SourceLoadError(path: resolved, reason: Self.reason(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw SourceLoadError(path: resolved, reason: "it is a directory")
        case S_IFIFO: throw SourceLoadError(path: resolved, reason: "it is a named pipe (FIFO), not a regular file")
        case S_IFCHR, S_IFBLK: throw SourceLoadError(path: resolved, reason: "it is a device, not a regular file")
        default: throw SourceLoadError(path: resolved, reason: "it is not a regular file")
        }
        if info.st_size > Self.maximumBytes {
            throw SourceLoadError(path: resolved, reason: "it is \(info.st_size / 1_048_576) MiB; a scenario file is at most 16 MiB")
        }
        // Bounded: a file that grew since `stat` is still read no further than the limit allows.
        let fd = open(resolved, O_RDONLY)
        guard fd >= 0 else { throw SourceLoadError(path: resolved, reason: Self.reason(errno)) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > Self.maximumBytes { break }
                bytes += [UInt8](repeating: 0, count: min(max(count, 4096), Self.maximumBytes + 1 - count))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw SourceLoadError(path: resolved, reason: Self.reason(errno)) }
            if n == 0 { break }
            count += n
        }
        if count > Self.maximumBytes {
            throw SourceLoadError(path: resolved, reason: "it is over 16 MiB; a scenario file is at most 16 MiB")
        }
        let data = bytes[..<count]
        // A program, an archive or a spreadsheet named by mistake: say so at once rather than
        // lexing megabytes into errors (an 82 MB binary took 30 s to reject).
        if data.prefix(8192).contains(0) {
            throw SourceLoadError(path: resolved, reason: "it is a binary file (it contains NUL bytes), not a scenario")
        }
        return SourceFile(path: resolved, text: String(decoding: data, as: UTF8.self))
    }

    /// Why a path cannot be opened, from `errno`.
    static func reason(_ e: Int32) -> String {
        switch e {
        case ENOENT: return "no such file"
        case ELOOP: return "it is a symbolic link loop (a link that leads, through links, back to itself)"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "no such file (a part of the path is not a folder)"
        case ENAMETOOLONG: return "the path is too long"
        default: return String(cString: strerror(e))
        }
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
