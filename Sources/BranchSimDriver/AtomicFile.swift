import Foundation

/// Writes whole files atomically: the text goes to a temporary file in the same folder,
/// which is then renamed over the target, so readers see the old file or the new one,
/// never half of one. Every file BranchSim writes (reports, exports, saved rows, JUnit, the
/// shell's plans and history) goes through here.
///
/// A target that exists and is not a regular file (`/dev/stdout`, a named pipe, a device)
/// is written in place: renaming over it would replace it with a file (as root, even a
/// device node such as `/dev/full`).
public enum AtomicFile {
    public enum WriteError: Error, Equatable, CustomStringConvertible {
        /// The file exists and overwriting was not asked for.
        case exists(String)
        case cannotWrite(String, reason: String)

        public var description: String {
            switch self {
            case .exists(let p): return "'\(p)' already exists; add --force to overwrite it, or choose another name"
            case .cannotWrite(let p, let r): return "cannot write '\(p)': \(r)"
            }
        }
    }

    /// Writes `text` to `path`. Without `overwrite`, an existing file is left alone and
    /// `.exists` is thrown (checked again at the rename, so a file created meanwhile is kept too).
    public static func write(_ text: String, to path: String, overwrite: Bool) throws(WriteError) {
        try write(bytes: Array(text.utf8), to: path, overwrite: overwrite)
    }

    /// `write(_:to:overwrite:)` for bytes.
    public static func write(bytes: [UInt8], to path: String, overwrite: Bool) throws(WriteError) {
        var info = stat()
        // An existing file keeps its permissions; a symbolic link keeps pointing at its file,
        // which is the one replaced.
        var mode: mode_t = 0o644
        var target = path
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                mode = info.st_mode & 0o7777
                var link = stat()
                if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) {
                    target = String(cString: real)
                    free(real)
                }
            case S_IFDIR: throw .cannotWrite(path, reason: "it is a folder")
            default:
                if !overwrite { throw .exists(path) }
                try writeInPlace(bytes, to: path)
                return
            }
        }
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw .exists(path) }
        try replace(target, shownAs: path, with: bytes, mode: mode, overwrite: overwrite)
    }

    /// Writes a temporary file beside `path` and renames (or, without `overwrite`, links) it
    /// into place.
    private static func replace(_ path: String, shownAs shown: String, with bytes: [UInt8], mode: mode_t,
                                overwrite: Bool) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .cannotWrite(shown, reason: "folder '\(dir)' does not exist")
        }
        // A short name: a temporary name built from a long file name could pass the
        // file system's 255-byte limit where the file's own name does not.
        var template = Array((dir + "/.branchsim-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotWrite(shown, reason: String(cString: strerror(errno))) }
        let temp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let reason = writeAll(bytes, to: fd) {
            close(fd)
            unlink(temp)
            throw .cannotWrite(shown, reason: reason)
        }
        fchmod(fd, mode)
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw .cannotWrite(shown, reason: reason)
        }
        if overwrite {
            guard rename(temp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                throw .cannotWrite(shown, reason: reason)
            }
        } else {
            // link() fails if the target exists: no window in which another file is clobbered.
            if link(temp, path) != 0 {
                let e = errno
                if e == EEXIST {
                    unlink(temp)
                    throw .exists(shown)
                }
                // File systems without hard links: check again, then rename.
                if FileManager.default.fileExists(atPath: path) {
                    unlink(temp)
                    throw .exists(shown)
                }
                guard rename(temp, path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    unlink(temp)
                    throw .cannotWrite(shown, reason: reason)
                }
                return
            }
            unlink(temp)
        }
    }

    /// Writes into an existing non-regular file (a terminal, pipe or device) without replacing it.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        if let reason = writeAll(bytes, to: fd) {
            close(fd)
            throw .cannotWrite(path, reason: reason)
        }
        guard close(fd) == 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
    }

    /// Writes every byte to `fd`; the reason when it cannot.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }
}
