import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The exit-status contract of docs/ci.md under faults: output that cannot be written, a
/// reader that goes away, mistyped command lines, empty test folders, interrupted saves.
@Suite(.serialized) struct ExitStatusTests {
    static let plan = CommandLineTests.small

    func folder(with files: [String: String] = ["plan.bsim": plan]) throws -> URL {
        let dir = try Paths.temporaryDirectory()
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    /// Runs `branchsim ARGS` through /bin/sh with `redirect` applied to its standard output
    /// (`> /dev/full`, `>&-`); status, standard error.
    func shell(_ args: [String], redirect: String, in dir: URL) throws -> (status: Int32, stderr: String) {
        let quoted = ([Binary.url.path] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", quoted.joined(separator: " ") + " " + redirect]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// Every command that prints, with its output going to a full disk: a clear error and
    /// exit 2, never a crash (FileHandle's trap gave 132) nor 0 with the output lost.
    @Test func fullDiskIsAnErrorWithStatusTwo() throws {
        let dir = try folder()
        let save = try Binary.run(["run", "plan.bsim", "--runs", "5", "--save", "a.rows"], in: dir)
        #expect(save.status == 0, "\(save.stderr)")
        let commands: [[String]] = [
            ["run", "plan.bsim", "--runs", "5"],
            ["run", "plan.bsim", "--runs", "5", "--format", "csv"],
            ["test", "plan.bsim", "--runs", "5"],
            ["merge", "plan.bsim", "a.rows"],
            ["check", "plan.bsim", "--format", "json"],
            ["fmt", "plan.bsim"],
            ["run", "--help"],
            ["repl", "plan.bsim"],  // the shell reading a script (here an empty one)
        ]
        for args in commands {
            let r = try shell(args, redirect: "> /dev/full", in: dir)
            #expect(r.status == 2, "\(args): status \(r.status)\n\(r.stderr)")
            #expect(r.stderr.contains("error: cannot write to standard output: No space left on device"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(args): \(r.stderr)")
        }
    }

    /// A closed standard output (`>&-`) is an error too, and a command whose output goes to a
    /// file does not need it.
    @Test func closedStandardOutputIsAnError() throws {
        let dir = try folder()
        let r = try shell(["run", "plan.bsim", "--runs", "5"], redirect: ">&-", in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("error: cannot write to standard output: Bad file descriptor"), "\(r.stderr)")
        let toFile = try shell(["run", "plan.bsim", "--runs", "5", "--output", "r.txt"], redirect: ">&-", in: dir)
        #expect(toFile.status == 0, "\(toFile.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("r.txt"), encoding: .utf8).contains("5 runs (fixed)"))
    }

    /// A reader that went away (`| head`, a pipe whose read end is closed): the process ends
    /// quietly by SIGPIPE, as `cat` does, with nothing on standard error.
    @Test func closedPipeEndsQuietly() throws {
        let dir = try folder()
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["run", "plan.bsim", "--runs", "5", "--format", "csv"]
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        try out.fileHandleForReading.close()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try out.fileHandleForWriting.close()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGPIPE,
                "reason \(p.terminationReason.rawValue), status \(p.terminationStatus)")
        // Standard error has the expectation lines (with --format csv they go there), nothing else.
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("PASS  ") }, "\(text)")

        let head = try shell(["run", "plan.bsim", "--runs", "5", "--format", "csv"], redirect: "| head -1", in: dir)
        #expect(head.status == 0)
        #expect(head.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("PASS  ") }, "\(head.stderr)")
    }

    /// Mistyped command lines exit 2, the status of every error (docs/ci.md), not 64.
    @Test func usageErrorsExitTwo() throws {
        let dir = try folder()
        for args in [["run", "plan.bsim", "--runs", "0"], ["run"], ["run", "plan.bsim", "--nope"], ["fmt", "--write", "--check", "plan.bsim"],
                     ["run", "plan.bsim", "--replications", "500"]] {
            let r = try Binary.run(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("Error: "), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("Usage: ") || r.stderr.contains("--help"), "\(args): \(r.stderr)")
        }
        #expect(try Binary.run(["run", "--help"], in: dir).status == 0)
        #expect(try Binary.run(["--version"], in: dir).status == 0)
    }

    /// `--help` shows a half-open range quoted: unquoted, `0..<500` is a redirect from a file.
    @Test func helpQuotesHalfOpenRanges() throws {
        let help = try Binary.run(["run", "--help"]).stdout
        #expect(help.contains("'0..<500'"), "\(help)")
        #expect(!help.replacingOccurrences(of: "'0..<500'", with: "").contains("..<"), "\(help)")
    }

    /// A typo for a command lands in the shell (the default command): with input piped it
    /// waited for a script and exited 0. Now it says what is wrong and exits 2.
    @Test func unknownCommandIsAnError() throws {
        let dir = try folder()
        let r = try Binary.run(["rnu", "plan.bsim"], in: dir, stdin: "")
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: unknown command 'rnu'; the commands are repl, run, test, check, fmt"), "\(r.stderr)")
        let missing = try Binary.run(["missing.bsim"], in: dir, stdin: "")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read 'missing.bsim': no such file"), "\(missing.stderr)")
    }

    /// `branchsim repl FILE < script` loads FILE first, as at the prompt (it was ignored).
    @Test func replLoadsItsFileBeforeAPipedScript() throws {
        let dir = try folder(with: ["plan.bsim": Self.plan + "expect uplift.mean < 0\n"])
        let r = try Binary.run(["repl", "plan.bsim"], in: dir, stdin: "")
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("FAIL") || r.stderr.contains("FAIL"), "\(r.stdout)\(r.stderr)")
        let ok = try folder()
        let s = try Binary.run(["plan.bsim"], in: ok, stdin: "expect uplift.mean > 0\n")
        #expect(s.status == 0, "\(s.stdout)\(s.stderr)")
    }

    /// A folder with no scenario files is not a pass.
    @Test func testingAnEmptyFolderIsAnError() throws {
        let dir = try folder(with: ["empty/notes.txt": "", "full/plan.bsim": Self.plan])
        let r = try Binary.run(["test", "empty"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: no scenario files (.bsim) in 'empty'"), "\(r.stderr)")
        #expect(try Binary.run(["test", "full", "empty", "--runs", "5"], in: dir).status == 2)
        #expect(try Binary.run(["test", "full", "--runs", "5"], in: dir).status == 0)
    }

    /// `fmt --check`: lists the files not in the canonical layout, exit 1; changes nothing.
    @Test func fmtCheckListsFilesThatWouldChange() throws {
        let dir = try folder(with: ["good.bsim": "run\n", "bad.bsim": "run   \n\n\n", "broken.bsim": "campaign {\n"])
        let clean = try Binary.run(["fmt", "--check", "good.bsim"], in: dir)
        #expect(clean.status == 0 && clean.stdout.isEmpty, "\(clean.stdout)\(clean.stderr)")
        let r = try Binary.run(["fmt", "--check", "good.bsim", "bad.bsim"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "bad.bsim\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("bad.bsim"), encoding: .utf8) == "run   \n\n\n")
        let broken = try Binary.run(["fmt", "--check", "bad.bsim", "broken.bsim"], in: dir)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("broken.bsim:"), "\(broken.stderr)")
    }

    /// `fmt --write` on a symbolic link formats the file it points at and keeps both the link
    /// and that file's permissions (it replaced the link with a mode 0777 file).
    @Test func fmtWriteThroughASymbolicLink() throws {
        let dir = try folder(with: ["real/plan.bsim": "run   \n"])
        let target = dir.appendingPathComponent("real/plan.bsim").path
        #expect(chmod(target, 0o640) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.bsim").path, withDestinationPath: "real/plan.bsim")
        let r = try Binary.run(["fmt", "--write", "link.bsim"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("link.bsim").path)
        #expect(attrs[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "run\n")
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("real").path) == ["plan.bsim"])
    }

    /// `fmt --write` on a full file system: a clear message, the file untouched, no temporary
    /// file left (it printed raw NSError text and left one). Needs root to mount a tiny tmpfs.
    @Test(.enabled(if: getuid() == 0, "mounting a tiny file system needs root"))
    func fmtWriteOnAFullDisk() throws {
        let dir = try Paths.temporaryDirectory()
        guard TinyFileSystem.mount(at: dir) else { return }  // no mount privilege here (a container)
        defer { TinyFileSystem.unmount(dir) }
        let original = "run   \n"
        try Data(original.utf8).write(to: dir.appendingPathComponent("plan.bsim"))
        TinyFileSystem.fill(dir)
        let r = try Binary.run(["fmt", "--write", "plan.bsim"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr == "error: cannot write 'plan.bsim': No space left on device\n", "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("plan.bsim"), encoding: .utf8) == original)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    /// SIGTERM (or SIGINT, SIGHUP: the same handler) in the middle of a save removes the temporary file (it stayed as
    /// `.branchsim-XXXXXX`). The process is stopped while its temporary file exists, then
    /// signalled: deterministic once caught, and it is caught within a few tries.
    @Test func interruptedSaveLeavesNoTemporaryFile() throws {
        // Few customers (a quick run), many replications (16 MB of rows to save).
        let dir = try folder(with: ["plan.bsim": Self.plan.replacingOccurrences(of: "customers 2000", with: "customers 100")])
        var caught = 0
        for _ in 0..<8 where caught < 1 {
            let p = Process()
            p.executableURL = Binary.url
            p.arguments = ["run", "plan.bsim", "--runs", "50000", "--threads", "1", "--save", "big.rows"]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let pid = p.processIdentifier
            var stopped = false, signalState = ""
            while p.isRunning {
                usleep(100)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                if names.contains(where: { $0.hasPrefix(".branchsim-") }) {
                    kill(pid, SIGSTOP)
                    signalState = ((try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "")
                        .split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: "; ")
                    let still = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                    if still.contains(where: { $0.hasPrefix(".branchsim-") }) && !still.contains("big.rows") {
                        stopped = true
                        kill(pid, SIGTERM)
                    }
                    kill(pid, SIGCONT)
                    break
                }
            }
            p.waitUntilExit()
            if stopped {
                caught += 1
                #expect(p.terminationReason == .uncaughtSignal, "\(signalState)")
                let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".branchsim-") }
                #expect(left.isEmpty, "left behind: \(left)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("big.rows").path))
            }
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("big.rows"))
        }
        #expect(caught >= 1, "never caught a save in progress")
    }
}

/// A 256 KiB tmpfs to fill up (root only).
enum TinyFileSystem {
    static func mount(at dir: URL) -> Bool {
        run(["/bin/mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir.path]) == 0
    }

    static func unmount(_ dir: URL) { _ = run(["/bin/umount", dir.path]) }

    /// Writes a filler file until the file system is full.
    static func fill(_ dir: URL) {
        let fd = open(dir.appendingPathComponent("filler").path, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 1, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
        close(fd)
    }

    static func run(_ argv: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
