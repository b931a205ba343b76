import BranchSimModel
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
        try write(to: path, overwrite: overwrite) { try $0.write(bytes) }
    }

    /// Writes what `produce` gives the sink, a buffer at a time, so that a file larger than
    /// memory (a long run's saved rows) is never held whole. Atomic as the others: until
    /// `produce` returns, the bytes go to a temporary file; if it throws, or a write fails, the
    /// temporary file is removed and the file at `path` is left as it was.
    public static func write(to path: String, overwrite: Bool,
                             _ produce: (StreamSink) throws -> Void) throws(WriteError) {
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
                try writeInPlace(produce, to: path)
                return
            }
        }
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw .exists(path) }
        try replace(target, shownAs: path, with: produce, mode: mode, overwrite: overwrite)
    }

    /// Writes a temporary file beside `path` and renames (or, without `overwrite`, links) it
    /// into place.
    private static func replace(_ path: String, shownAs shown: String, with produce: (StreamSink) throws -> Void,
                                mode: mode_t, overwrite: Bool) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .cannotWrite(shown, reason: "folder '\(dir)' does not exist")
        }
        // A short name: a temporary name built from a long file name could pass the
        // file system's 255-byte limit where the file's own name does not. The name is recorded
        // before the file is created (O_EXCL, as mkstemp does), so a signal at any moment finds
        // it in the table: one between creating and recording would leave the file behind.
        var fd: Int32 = -1, temp = "", slot: Int?
        for _ in 0..<100 {
            temp = dir + "/.branchsim-" + TemporaryFiles.randomSuffix()
            slot = TemporaryFiles.register(Array(temp.utf8CString))
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 || errno != EEXIST { break }
            TemporaryFiles.unregister(slot)
            slot = nil
        }
        defer { TemporaryFiles.unregister(slot) }
        guard fd >= 0 else { throw .cannotWrite(shown, reason: String(cString: strerror(errno))) }
        if let reason = StreamSink.run(produce, to: fd) {
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
    private static func writeInPlace(_ produce: (StreamSink) throws -> Void, to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        if let reason = StreamSink.run(produce, to: fd) {
            close(fd)
            throw .cannotWrite(path, reason: reason)
        }
        guard close(fd) == 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
    }

    /// Writes every byte to `fd`; the reason when it cannot.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }
}

/// Where `AtomicFile.write(to:overwrite:_:)`'s producer writes: bytes gathered in a buffer of
/// `capacity` and written out to the file each time it fills.
public final class StreamSink {
    /// Bytes gathered before a write to the file.
    public static let capacity = 1 << 20
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes written to the file so far (not counting the buffer).
    public private(set) var written = 0

    /// A write to the file failed: the producer stops, and the save with it.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(Self.capacity)
    }

    /// Runs `produce` on a sink writing to `fd` and flushes it; the reason when it fails.
    static func run(_ produce: (StreamSink) throws -> Void, to fd: Int32) -> String? {
        let sink = StreamSink(fd: fd)
        do {
            try produce(sink)
            try sink.flush()
        } catch let f as Failure {
            return f.description
        } catch {
            return "\(error)"
        }
        return nil
    }

    public func write(_ bytes: [UInt8]) throws(Failure) {
        if buffer.count + bytes.count > Self.capacity { try flush() }
        if bytes.count >= Self.capacity {
            if let reason = bytes.withUnsafeBytes({ AtomicFile.writeAll($0, to: fd) }) { throw Failure(description: reason) }
            written += bytes.count
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ text: String) throws(Failure) { try write(Array(text.utf8)) }

    /// The sink's buffer, for a producer that formats in place (`ensure` bytes free first).
    public func append(ensuring n: Int, _ body: (inout [UInt8]) -> Void) throws(Failure) {
        if buffer.count + n > Self.capacity { try flush() }
        body(&buffer)
    }

    func flush() throws(Failure) {
        guard !buffer.isEmpty else { return }
        if let reason = buffer.withUnsafeBytes({ AtomicFile.writeAll($0, to: fd) }) { throw Failure(description: reason) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Temporary files being written by `AtomicFile`, removed when SIGINT, SIGTERM or SIGHUP ends
/// the process mid-save (`cleanUpOnSignals`), so an interrupted save leaves no `.branchsim-*`
/// file behind. The table is plain memory a signal handler can read: fixed slots of C paths.
public enum TemporaryFiles {
    static let slots = 64, slotBytes = Int(PATH_MAX) + 1
    nonisolated(unsafe) static let table: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: slots * slotBytes)
        p.initialize(repeating: 0, count: slots * slotBytes)
        return p
    }()
    /// Guards the choice of a free slot (the table itself is read by the handler unlocked).
    static let lock = LockedValue(())

    /// Records `path` (a NUL-terminated C path); its slot, or nil when the table is full or the
    /// path too long (the file is then only removed on errors, as before).
    static func register(_ path: [CChar]) -> Int? {
        guard path.count <= slotBytes, path.last == 0 else { return nil }
        return lock.withLock { _ in
            for i in 0..<slots where table[i * slotBytes] == 0 {
                let p = table + i * slotBytes
                // The first byte last: a handler running meanwhile sees an empty slot or the whole path.
                for j in 1..<path.count { p[j] = path[j] }
                p[0] = path[0]
                return i
            }
            return nil
        }
    }

    /// 12 random letters and digits (62^12 names: a clash with another file is retried, and a
    /// clash with a file a signal would then remove is out of reach).
    static func randomSuffix() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.withLock { _ in table[slot * slotBytes] = 0 }
    }

    /// Installs the handler for SIGINT, SIGTERM and SIGHUP, unblocked (each left alone when
    /// ignored, as a background job's SIGINT is): it removes the recorded files, then ends the process by the
    /// same signal, as if the handler were not there. Call once, early in `main`.
    public static func cleanUpOnSignals() {
        _ = table
        // A parent may have started us with them blocked (the mask is inherited, and threads
        // started later inherit ours): blocked, they would wait until the save was over.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&wanted, sig) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var old = sigaction()
            guard sigaction(sig, nil, &old) == 0 else { continue }
            // SIG_IGN is the handler address 1.
            if let h = old.__sigaction_handler.sa_handler, unsafeBitCast(h, to: Int.self) == 1 { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                for i in 0..<TemporaryFiles.slots where TemporaryFiles.table[i * TemporaryFiles.slotBytes] != 0 {
                    unlink(TemporaryFiles.table + i * TemporaryFiles.slotBytes)
                }
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }
}
