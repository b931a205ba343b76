import Foundation
import Testing
import BranchSimDriver

@Suite struct AtomicFileTests {
    @Test func writesANewFileAndLeavesNoTemporaryFiles() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("run\n", to: dir + "/plan.bsim", overwrite: false)
        #expect(try String(contentsOfFile: dir + "/plan.bsim", encoding: .utf8) == "run\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plan.bsim"])
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.bsim"
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: AtomicFile.WriteError.exists(path)) {
            try AtomicFile.write("new\n", to: path, overwrite: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plan.bsim"])
        try AtomicFile.write("new\n", to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plan.bsim"])
    }

    /// A device or pipe is written in place: renaming over it replaced `/dev/full` with a
    /// regular file when `run -o /dev/full` ran as root.
    @Test func devicesAndPipesAreWrittenInPlaceNotReplaced() throws {
        func isCharacterDevice(_ path: String) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
        }
        try AtomicFile.write("discarded\n", to: "/dev/null", overwrite: true)
        #expect(isCharacterDevice("/dev/null"))
        if FileManager.default.fileExists(atPath: "/dev/full") {
            #expect(throws: AtomicFile.WriteError.cannotWrite("/dev/full", reason: String(cString: strerror(ENOSPC)))) {
                try AtomicFile.write("x", to: "/dev/full", overwrite: true)
            }
            #expect(isCharacterDevice("/dev/full"))
        }
        #expect(throws: AtomicFile.WriteError.exists("/dev/null")) {
            try AtomicFile.write("x", to: "/dev/null", overwrite: false)
        }

        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Read with plain read(2) until end of file (Foundation's readers size the file first,
        // read nothing from a pipe and close it, and the writer would get SIGPIPE).
        let received = LockedText()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 256)
            while fd >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 256) }
                if n <= 0 { break }
                bytes += buffer[..<n]
            }
            if fd >= 0 { close(fd) }
            received.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        reader.start()
        try AtomicFile.write("through the pipe\n", to: fifo, overwrite: true)
        done.wait()
        #expect(received.get() == "through the pipe\n")
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(throws: AtomicFile.WriteError.cannotWrite(dir, reason: "it is a folder")) {
            try AtomicFile.write("x", to: dir, overwrite: true)
        }
    }

    /// `:save --force` through a symbolic link replaces the file it points at and keeps the
    /// link; an existing file keeps its permissions; a 250-byte name still saves (the
    /// temporary name was built from it and passed the 255-byte limit).
    @Test func linksPermissionsAndLongNamesSurviveAnOverwrite() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        let target = dir + "/real/plan.bsim", link = dir + "/link.bsim"
        try AtomicFile.write("contacts 40\n", to: target, overwrite: false)
        #expect(chmod(target, 0o600) == 0)
        #expect(symlink(target, link) == 0)
        try AtomicFile.write("contacts 41\n", to: link, overwrite: true)
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "contacts 41\n")
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o600, "permissions kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/real") == ["plan.bsim"])

        let long = dir + "/" + String(repeating: "p", count: 245) + ".bsim"
        try AtomicFile.write("run\n", to: long, overwrite: false)
        try AtomicFile.write("run\nrun\n", to: long, overwrite: true)
        #expect(try String(contentsOfFile: long, encoding: .utf8) == "run\nrun\n")
    }

    @Test func aMissingFolderIsAClearError() {
        #expect(throws: AtomicFile.WriteError.cannotWrite("/nonexistent-dir/x.bsim", reason: "folder '/nonexistent-dir' does not exist")) {
            try AtomicFile.write("x", to: "/nonexistent-dir/x.bsim", overwrite: false)
        }
    }
}

/// A string shared with the pipe's reader thread.
private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ s: String) { lock.lock(); text = s; lock.unlock() }
    func get() -> String { lock.lock(); defer { lock.unlock() }; return text }
}
