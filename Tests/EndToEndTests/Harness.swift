import Foundation
import Testing

/// Runs the real `branchsim` binary, as a user or a CI job would.
///
/// The binary is `$BRANCHSIM_BIN` when set (`make test` points it at the release build, since
/// numeric loops are 10-50x slower in debug), else the one built beside this test bundle.
enum Binary {
    static var url: URL {
        if let p = ProcessInfo.processInfo.environment["BRANCHSIM_BIN"], !p.isEmpty {
            return URL(fileURLWithPath: p)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("branchsim")
    }

    /// Whether the binary is an optimised build (then full scenario runs are affordable).
    static var isRelease: Bool { url.path.contains("/release/") }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `branchsim ARGS` in `directory` with `stdin` as standard input.
    static func run(_ args: [String], in directory: URL? = nil, stdin: String? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr pipe cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The repository root (two levels above this file) and the shared acceptance scenarios.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let scenarios = root.appendingPathComponent("scenarios")
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared/scenarios")
    static var hasShared: Bool { FileManager.default.fileExists(atPath: shared.path) }

    static func temporaryDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}
