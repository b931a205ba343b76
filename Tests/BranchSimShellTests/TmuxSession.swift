import Foundation

/// A program running in a detached tmux session of fixed size, driven as a person would:
/// keys in, screen text out. Each session has its own tmux server (`-L` socket) and its
/// own HOME and XDG folders in a temporary folder, and is killed on `close()` / deinit.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var isAvailable: Bool { tmuxPath != nil }

    /// The temporary folder: `home/`, `state/` (XDG_STATE_HOME) and whatever tests put there.
    let folder: String
    var home: String { folder + "/home" }
    private let socket: String
    private var closed = false

    /// Starts `command` in a `width` x `height` session.
    /// - Parameters:
    ///   - folder: reuse a folder from an earlier session (to see its history); nil makes one.
    ///   - environment: extra variables; HOME, XDG_STATE_HOME and TERM are set already.
    init(command: [String], folder: String? = nil, environment: [String: String?] = [:],
         width: Int = 100, height: Int = 30, workingDirectory: String? = nil) throws {
        guard Self.isAvailable else { throw Failure(description: "tmux is not installed") }
        let f = try folder ?? makeTemporaryFolder()
        self.folder = f
        socket = "bstest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: f + "/home", withIntermediateDirectories: true)
        // Keep the pane after the program ends, to read its last screen and exit status.
        try "set -g remain-on-exit on\n".write(toFile: f + "/tmux.conf", atomically: true, encoding: .utf8)
        var env = ["HOME": f + "/home", "XDG_STATE_HOME": f + "/state", "TERM": "xterm-256color",
                   "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        for (k, v) in environment { env[k] = v }  // nil removes a variable
        // `sh` waits for the program and records its exit status in a file (renamed into
        // place, so it is read whole or not at all), then prints it on the screen for
        // people reading a failure. Neither tmux's record of a dead pane nor the last screen
        // proved reliable under load: once a pane's final output was lost when it died.
        // SIGINT is ignored in `sh` only (the program sets its own handling), so Ctrl-C does
        // not end the wrapper.
        let script = "trap '' INT; f=$1; shift; \"$@\"; s=$?; echo $s > \"$f.tmp\"; mv \"$f.tmp\" \"$f\"; "
            + "echo \"[exited $s]\"; exit $s"
        try? FileManager.default.removeItem(atPath: f + "/exit-status")
        let wrapper = ["sh", "-c", script, "sh", f + "/exit-status"]
        let line = ["env", "-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + wrapper + command
        try tmux(["-f", f + "/tmux.conf", "new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)"]
                 + (workingDirectory.map { ["-c", $0] } ?? []) + [
                  line.map(Self.quote).joined(separator: " ")])
    }

    deinit { close() }

    /// Kills the session's tmux server and, unless told to keep it for a later session,
    /// removes the temporary folder.
    func close(keepFolder: Bool = false) {
        guard !closed else { return }
        closed = true
        _ = try? tmux(["kill-server"])
        if !keepFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Types `text` literally.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "t", "-l", text])
    }

    /// Sends tmux key names: `Enter`, `Tab`, `Up`, `C-c`, `C-d`.
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "t"] + keys)
    }

    /// The screen as text, wrapped lines joined, trailing blanks trimmed; `escapes` keeps
    /// colour sequences.
    func screen(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-t", "t"] + (escapes ? ["-e"] : []))
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingTrailingBlanks() }
            .joined(separator: "\n")
    }

    /// Everything the pane has shown, scrolled-off lines included (wrapped lines joined,
    /// trailing blanks trimmed).
    func transcript() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", "t"])
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingTrailingBlanks() }
            .joined(separator: "\n")
    }

    /// Waits until `text` occurs `count` times in the transcript (scrolled-off lines included).
    @discardableResult
    func waitForOutput(_ text: String, count: Int = 1, timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try transcript()
            if last.components(separatedBy: text).count - 1 >= count { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out after \(timeout) s waiting for '\(text)' x\(count); \(processState())\ntranscript:\n\(last)")
    }

    /// The screen's non-empty lines.
    func lines() throws -> [String] {
        try screen().split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Polls the screen until `condition` holds; fails after `timeout` seconds with the screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: Double = 5, _ condition: (String) throws -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if try condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out after \(timeout) s waiting for \(what); \(processState())\nscreen:\n\(last)")
    }

    /// Waits until `text` is on the screen.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 5) throws -> String {
        try waitUntil("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the last non-empty line is `line` (e.g. an empty prompt).
    func waitForLastLine(_ line: String, timeout: Double = 5) throws {
        try waitUntil("last line '\(line)'", timeout: timeout) { screen in
            let lines = screen.split(separator: "\n").map { String($0).trimmingTrailingBlanks() }.filter { !$0.isEmpty }
            return lines.last == line.trimmingTrailingBlanks()
        }
    }

    /// What the program's threads are waiting in (Linux), for failure messages.
    func processState() -> String {
        guard let out = try? tmux(["display-message", "-p", "-t", "t", "#{pane_pid}"]),
              let pid = Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) else { return "process: unknown" }
        if ProcessInfo.processInfo.environment["BRANCHSIM_TMUX_DEBUG"] != nil {
            print("debug: pane pid \(pid); sleeping 60 s")
            Thread.sleep(forTimeInterval: 60)
        }
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let states = tasks.sorted().map { t -> String in
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/wchan", encoding: .utf8)) ?? "?"
            return "\(t):\(wchan)"
        }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "?"
        return "process \(pid) state \(state) threads: \(states.joined(separator: " "))"
    }

    /// The pane's title (what an OSC 0 or 2 escape sequence would set).
    func paneTitle() throws -> String {
        try tmux(["display-message", "-p", "-t", "t", "#{pane_title}"]).trimmingCharacters(in: .newlines)
    }

    /// Whether the program has ended, and its exit status (from the file the wrapper writes).
    func exitStatus() throws -> Int32? {
        guard let data = FileManager.default.contents(atPath: folder + "/exit-status") else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @discardableResult
    private func tmux(_ args: [String]) throws -> String {
        // Output to a file, not a pipe: the tmux server that `new-session` starts would keep
        // a pipe open, and reading it to the end would never return.
        let outPath = folder + "/tmux-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let status = try Self.spawnAndWait([Self.tmuxPath ?? "tmux", "-u", "-L", socket] + args, output: outPath)
        let text = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        guard status == 0 else {
            throw Failure(description: "tmux \(args.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// Runs a program with a clean signal mask and default signal actions. Foundation's
    /// `Process` passes on the calling thread's mask, and test threads block nearly every
    /// signal: a tmux server (and the shell under test) started that way could not be
    /// stopped and would never see SIGCHLD.
    private static func spawnAndWait(_ argv: [String], output: String) throws -> Int32 {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        let env = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var cEnv = env.map { strdup($0) } + [nil]
        defer { for e in cEnv { free(e) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cArgs, &cEnv)
        guard rc == 0 else { throw Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension String {
    func trimmingTrailingBlanks() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The `shell-fixture` binary next to the test bundle (the test target depends on it, so
/// `swift build --build-tests` / `swift test` build it).
func fixtureBinary() throws -> String {
    var candidates: [URL] = []
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(exe.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    // macOS: .build/debug/BranchSimPackageTests.xctest/Contents/MacOS/BranchSimPackageTests
    candidates.append(exe.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent())
    for dir in candidates {
        let path = dir.appendingPathComponent("shell-fixture").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw TmuxSession.Failure(description: "shell-fixture not found near \(exe.path); run 'swift build --product shell-fixture'")
}
