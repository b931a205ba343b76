import Foundation
import Testing
@testable import BranchSimShell

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

    @Test func aMissingFolderIsAClearError() {
        #expect(throws: AtomicFile.WriteError.cannotWrite("/nonexistent-dir/x.bsim", reason: "folder '/nonexistent-dir' does not exist")) {
            try AtomicFile.write("x", to: "/nonexistent-dir/x.bsim", overwrite: false)
        }
    }
}
