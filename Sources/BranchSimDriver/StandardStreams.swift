import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Standard output and standard error for the command line, written so that no output is
/// lost without saying so and nothing crashes.
///
/// `FileHandle.write(_:)` traps when a write fails (a full disk, a closed descriptor: the
/// process died with SIGILL, exit 132), and `print` buffers its text and drops a write error
/// at exit (status 0 with the output lost). Here:
/// - standard output that cannot be written (`/dev/full`, a closed descriptor, an I/O error)
///   is an error: `error: cannot write to standard output: REASON` on standard error and exit
///   status 2, at once;
/// - a reader that went away (`branchsim run plan.bsim | head`) ends the process quietly by
///   SIGPIPE, as `cat` and `grep` do: no message, and the shell sees status 141;
/// - standard error that cannot be written is ignored: there is nowhere left to say so.
public enum StandardStreams {
    /// The exit status after output was lost (docs/ci.md: 2, "could not run").
    public static let failureStatus: Int32 = 2

    /// Call first in `main`: SIGPIPE back to its default (a parent may have ignored it, and the
    /// ignored disposition is inherited), a closed standard output or error kept closed (so no
    /// file opened later takes its descriptor and receives the output), and a check at exit
    /// that `print`'s buffered output reached its file.
    public static func install() {
        signal(SIGPIPE, SIG_DFL)
        for fd: Int32 in [1, 2] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            // Read-only /dev/null in the slot: writes fail with EBADF, as on the closed descriptor.
            let null = open("/dev/null", O_RDONLY)
            if null >= 0 && null != fd {
                dup2(null, fd)
                close(null)
            }
        }
        // fflush(nil) flushes every output stream: standard output is the only buffered one
        // (standard error is unbuffered), and `stdout` itself is not usable under strict concurrency.
        atexit {
            if fflush(nil) != 0 { StandardStreams.failed(errno) }
        }
    }

    /// Writes `text` to standard output, unbuffered (after anything `print` buffered).
    public static func write(_ text: String) { write(text, toDescriptor: 1) }

    /// Writes `text` to `fd`, which stands for standard output (the shell's writer holds it
    /// as a FileHandle); a failure ends the process as `write(_:)` says.
    public static func write(_ text: String, toDescriptor fd: Int32) {
        if fflush(nil) != 0 { failed(errno) }
        if let e = writeAll(Array(text.utf8), to: fd) { failed(e) }
    }

    /// Writes `text` to standard error; a failure is ignored.
    public static func writeError(_ text: String) {
        _ = writeAll(Array(text.utf8), to: 2)
    }

    /// The message for output lost with `errno` `e`.
    public static func message(errno e: Int32) -> String {
        "error: cannot write to standard output: \(String(cString: strerror(e))); the output is incomplete\n"
    }

    /// Ends the process after a failed write to standard output.
    static func failed(_ e: Int32) -> Never {
        if e == EPIPE {
            // The reader is gone: end as the default SIGPIPE would (no message).
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        _ = writeAll(Array(message(errno: e).utf8), to: 2)
        _exit(failureStatus)
    }

    /// Writes every byte to `fd`; errno when it cannot.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}
