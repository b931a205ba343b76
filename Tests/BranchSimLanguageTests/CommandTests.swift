import Foundation
import Testing
@testable import BranchSimLanguage

/// Runs the real `branchsim check` and `branchsim fmt` (built next to the test bundle).
@Suite struct CommandTests {
    static let binary: String? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("branchsim").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }()

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    func run(_ args: [String], environment: [String: String] = ["NO_COLOR": "1"]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary!)
        p.arguments = args
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test(.enabled(if: binary != nil, "branchsim not built"))
    func checkExitStatusAndText() throws {
        let d = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: d) }
        let good = d.appendingPathComponent("good.bsim"), bad = d.appendingPathComponent("bad.bsim")
        try Data(minimal.utf8).write(to: good)
        try Data(replacing(8, with: "  target potentail").utf8).write(to: bad)
        let ok = try run(["check", good.path])
        #expect(ok.status == 0 && ok.stderr == "" && ok.stdout == "")
        let r = try run(["check", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr == """
            \(bad.path):8:10: error: unknown tier 'potentail'
              |
            8 |   target potentail
              |          ^~~~~~~~~
              = help: did you mean 'potential'?

            1 error, 0 warnings

            """)
        let j = try run(["check", "--format", "json", bad.path])
        #expect(j.status == 1)
        let decoded = try JSONDecoder().decode([DiagnosticJSON].self, from: Data(j.stdout.utf8))
        #expect(decoded.map(\.line) == [8] && decoded.map(\.column) == [10] && decoded[0].severity == "error")
        // Tools match on the stable ID, not the wording.
        #expect(decoded.map(\.id) == ["name.reference-unknown"])
    }

    @Test(.enabled(if: binary != nil, "branchsim not built"))
    func fmtPrintsAndRewrites() throws {
        let d = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: d) }
        let f = d.appendingPathComponent("s.bsim")
        let messy = "tier a   below 5万 share 50%  # low\ntier b from 5万   share 50%\n"
        try Data(messy.utf8).write(to: f)
        let printed = try run(["fmt", f.path])
        #expect(printed.status == 0)
        #expect(printed.stdout == "tier a below 5万 share 50%  # low\ntier b from 5万  share 50%\n")
        #expect(try String(contentsOf: f, encoding: .utf8) == messy)
        let written = try run(["fmt", "--write", f.path])
        #expect(written.status == 0 && written.stdout == "")
        #expect(try String(contentsOf: f, encoding: .utf8) == printed.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == ["s.bsim"])
        try Data("tier a {\n".utf8).write(to: f)
        let broken = try run(["fmt", f.path])
        // 2: a file that cannot be parsed is an error (1 is `--check`'s "would change").
        #expect(broken.status == 2 && broken.stderr.contains("error: missing '}'"))
    }
}
