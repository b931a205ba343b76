import Foundation

/// Writes whole files atomically: the text goes to a temporary file in the same folder,
/// which is then renamed over the target, so readers see the old file or the new one,
/// never half of one.
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
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw .exists(path) }
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .cannotWrite(path, reason: "folder '\(dir)' does not exist")
        }
        var template = Array((dir + "/.\((path as NSString).lastPathComponent).XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        let temp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temp)
                throw .cannotWrite(path, reason: reason)
            }
            offset += n
        }
        fchmod(fd, 0o644)
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw .cannotWrite(path, reason: reason)
        }
        if overwrite {
            guard rename(temp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                throw .cannotWrite(path, reason: reason)
            }
        } else {
            // link() fails if the target exists: no window in which another file is clobbered.
            if link(temp, path) != 0 {
                let e = errno
                if e == EEXIST {
                    unlink(temp)
                    throw .exists(path)
                }
                // File systems without hard links: check again, then rename.
                if FileManager.default.fileExists(atPath: path) {
                    unlink(temp)
                    throw .exists(path)
                }
                guard rename(temp, path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    unlink(temp)
                    throw .cannotWrite(path, reason: reason)
                }
                return
            }
            unlink(temp)
        }
    }
}
