import Foundation
import Testing

/// Pins the engine's output: every playbook in the repository's own `scenarios/` run at its
/// own seed, with a modest replication count, on 1 and on 2 threads, in JSON, CSV and the
/// text table, must print byte for byte (exit status, standard output and standard error)
/// what `Tests/EndToEndTests/Pinned/` holds.
///
/// A refactoring of the engine or the reports must leave these files alone. A change that
/// means to change results re-pins them and says so in its commit:
///
///     make pin        # or: BRANCHSIM_REPIN=1 swift test --filter PinnedOutputTests
///
/// then review `git diff Tests/EndToEndTests/Pinned/` before committing. Nothing in these
/// outputs depends on the clock, the host or the version: all of every output is pinned.
@Suite(.serialized) struct PinnedOutputTests {
    /// Replications per run: enough that every campaign, band and maturity path is exercised
    /// and the percentiles mean something, few enough that the suite stays quick.
    static let runs = 24
    static let formats = ["json", "csv", "table"]
    static let threads = [1, 2]

    static let pinned = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Pinned")
    static var repin: Bool { ProcessInfo.processInfo.environment["BRANCHSIM_REPIN"] == "1" }

    /// The playbooks shipped in `scenarios/`, sorted (a new one is pinned by `make pin`).
    static var playbooks: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.scenarios.path)) ?? []
        return names.filter { $0.hasSuffix(".bsim") }.sorted()
    }

    /// The golden file for one playbook and format.
    static func golden(_ playbook: String, _ format: String) -> URL {
        let stem = (playbook as NSString).deletingPathExtension
        let ext = format == "table" ? "txt" : format
        return pinned.appendingPathComponent("\(stem).runs\(runs).\(ext)")
    }

    /// What a pinned file holds: the exit status, standard output, then standard error (the
    /// expectations' lines go there when standard output carries JSON or CSV).
    static func record(_ r: Binary.Result) -> String {
        "exit \(r.status)\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
    }

    /// Where two texts first differ, as a line number and both lines.
    static func firstDifference(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : "<end of file>"
            let al = i < a.count ? String(a[i]) : "<end of output>"
            if el != al {
                return "first difference at line \(i + 1):\n  pinned: \(el)\n  now:    \(al)"
            }
        }
        return "the texts differ only in their final newline"
    }

    @Test func everyPlaybookIsPinned() throws {
        #expect(!Self.playbooks.isEmpty, "no playbooks found in \(Paths.scenarios.path)")
        for playbook in Self.playbooks {
            for format in Self.formats {
                let golden = Self.golden(playbook, format)
                #expect(FileManager.default.fileExists(atPath: golden.path) || Self.repin,
                        "\(golden.lastPathComponent) is missing: run `make pin` and commit Tests/EndToEndTests/Pinned/")
            }
        }
    }

    @Test(arguments: PinnedOutputTests.playbooks)
    func playbookOutputIsPinned(_ playbook: String) throws {
        // Relative to the repository, so the pinned paths (expectations name their file) are
        // the same in every checkout.
        let file = "scenarios/" + playbook
        for format in Self.formats {
            let golden = Self.golden(playbook, format)
            var outputs: [Int: String] = [:]
            for t in Self.threads {
                let r = try Binary.run(["run", file, "--runs", "\(Self.runs)", "--threads", "\(t)", "--format", format],
                                       in: Paths.root)
                #expect(r.status == 0 || r.status == 1, "\(playbook) --format \(format) --threads \(t): \(r.stderr)")
                outputs[t] = Self.record(r)
            }
            let one = outputs[1]!
            for t in Self.threads where outputs[t]! != one {
                let difference = Self.firstDifference(expected: one, actual: outputs[t]!)
                Issue.record("\(playbook) --format \(format): --threads \(t) differs from --threads 1; \(difference)")
            }
            if Self.repin {
                try FileManager.default.createDirectory(at: Self.pinned, withIntermediateDirectories: true)
                try Data(one.utf8).write(to: golden)
                continue
            }
            guard let data = FileManager.default.contents(atPath: golden.path) else {
                Issue.record("\(golden.lastPathComponent) is missing: run `make pin` and commit Tests/EndToEndTests/Pinned/")
                continue
            }
            let expected = String(decoding: data, as: UTF8.self)
            if expected != one {
                Issue.record("""
                    \(playbook) --runs \(Self.runs) --format \(format) no longer prints what \
                    Tests/EndToEndTests/Pinned/\(golden.lastPathComponent) pins; \
                    \(Self.firstDifference(expected: expected, actual: one))
                    If the change means to change results, run `make pin`, review the diff and say so in the commit.
                    """)
            }
        }
    }

    @Test func firstDifferenceNamesTheLine() {
        let d = Self.firstDifference(expected: "a\nb\nc\n", actual: "a\nB\nc\n")
        #expect(d.contains("line 2"))
        #expect(d.contains("pinned: b"))
        #expect(d.contains("now:    B"))
        #expect(Self.firstDifference(expected: "a\nb", actual: "a\nb\nc").contains("<end of file>"))
    }
}
