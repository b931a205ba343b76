import BranchSimModel
import Foundation
import Testing
@testable import BranchSimShell

/// The real language backend behind the shell loop, without a terminal: scripts, Tab's
/// candidates, `report` after a sweep, `:format` and `:units`.
extension TestShell where Backend == ScenarioBackend {
    convenience init() throws { try self.init(ScenarioBackend()) }
}

@Suite struct ScenarioBackendTests {
    typealias Session = TestShell<ScenarioBackend>

    static let variants = [
        "let meetings = 20",
        "variant weekly { campaign upgrade_meeting { frequency 2 per week } }",
        "variant fewer { campaign upgrade_meeting { contacts 10 } }",
    ]

    @Test func tabOffersVariantsAfterCompareAndRunVariantAndPathsAfterSweep() throws {
        let s = try Session()
        s.run(RealShellTests.plan + Self.variants)
        #expect(s.captured.stderr == "")
        #expect(s.backend.completions(for: "", line: "compare ", context: .variantName("compare")) == ["base", "fewer", "weekly"])
        #expect(s.backend.completions(for: "w", line: "run variant w", context: .variantName("run")) == ["weekly"])
        #expect(s.backend.completions(for: "", line: "run ", context: .afterKeyword("run")) == ["runs", "variant"])
        let paths = s.backend.completions(for: "upgrade_meeting.c", line: "sweep upgrade_meeting.c", context: .sweepPath)
        #expect(paths.contains("upgrade_meeting.contacts"))
        #expect(paths.allSatisfy { $0.hasPrefix("upgrade_meeting.c") })
        #expect(s.backend.completions(for: "", line: "sweep ", context: .sweepPath).contains("let"))
        #expect(s.backend.completions(for: "m", line: "sweep let m", context: .letName) == ["meetings"])
        // Through the shell: the context comes from the line.
        #expect(s.shell.complete(beforeCursor: "compare base, we") == .init(insert: "ekly ", listing: []))
        #expect(s.shell.complete(beforeCursor: "sweep let me") == .init(insert: "etings ", listing: []))
        #expect(s.shell.complete(beforeCursor: ":format c") == .init(insert: "sv ", listing: []))
        #expect(s.shell.complete(beforeCursor: ":units w") == .init(insert: "an ", listing: []))
    }

    @Test func tabOffersObservedSetsAfterCalibrateTo() throws {
        let s = try Session()
        s.run(RealShellTests.plan + [
            "observed bank_case { funnel.upgrade_meeting.attend 40 ± 10 }",
            "observed branch_b { uplift >= 1万 }",
        ])
        #expect(s.captured.stderr == "")
        #expect(s.backend.completions(for: "", line: "calibrate upgrade_meeting.contacts in 10..30 to ", context: .observedName)
                == ["bank_case", "branch_b"])
        #expect(s.shell.complete(beforeCursor: "calibrate upgrade_meeting.contacts in 10..30 to ban")
                == .init(insert: "k_case ", listing: []))
        #expect(s.shell.complete(beforeCursor: "calibrate upgrade_meeting.cont") == .init(insert: "acts ", listing: []))
    }

    @Test func reportAfterASweepShowsEveryPointOfTheSweep() throws {
        let s = try Session()
        s.run(RealShellTests.plan + ["sweep upgrade_meeting.contacts over 10, 30 on uplift", "report uplift"])
        #expect(s.captured.stderr == "")
        // The sweep's own table, then the same table again for `report`: both points, not the last alone.
        let parts = s.captured.stdout.components(separatedBy: "sweep upgrade_meeting.contacts: 2 values")
        #expect(parts.count == 3)
        #expect(parts.last?.trimmingCharacters(in: .newlines) == parts.dropLast().last?.trimmingCharacters(in: .newlines))
        let rows = (parts.last ?? "").split(separator: "\n").map { $0.split(separator: " ") }
        #expect(rows.contains { $0.first == "uplift" && $0.dropFirst().first == "10" })
        #expect(rows.contains { $0.first == "30" }, "the point at 30 under uplift:\n\(parts.last ?? "")")
    }

    @Test func formatPrintsTheLastResultsAsCSVOrJSONAndUnitsChangeTables() throws {
        let s = try Session()
        s.run(RealShellTests.plan + [":format csv", "run runs 5"])
        #expect(s.captured.stderr == "")
        let csv = s.captured.stdout
        #expect(csv.contains("format csv: run, compare, sweep and report print the last results as CSV"))
        #expect(csv.contains("uplift"))
        #expect(!csv.contains("5 runs (fixed)"), "no table in CSV format")

        let j = try Session()
        j.run(RealShellTests.plan + ["run runs 5", ":format json", "report uplift", ":format"])
        let json = j.captured.stdout
        let start = try #require(json.range(of: "format json: run, compare, sweep and report print the last results as JSON\n"))
        let document = json[start.upperBound...].prefix { _ in true }
        #expect(document.hasPrefix("{"))
        #expect(json.hasSuffix("}\nformat json\n\n"))

        let u = try Session()
        u.run(RealShellTests.plan + ["run runs 5", ":units wan", "report uplift", ":units"])
        #expect(u.captured.stdout.contains("units wan: amounts in tables in 万"))
        let wan = u.captured.stdout.components(separatedBy: "units wan: amounts in tables in 万\n")[1]
        #expect(wan.contains("万"), "the report after :units wan shows 万:\n\(wan)")
        #expect(!u.captured.stdout.components(separatedBy: "units wan")[0].contains("万 "), "yuan before")
    }

    /// 10,000 lines piped in: each declaration used to re-check the whole document (minutes);
    /// declarations in a row are now checked together. The results must be those of the file.
    @Test func aLongScriptCompletesWithTheResultsOfTheSameFile() throws {
        var lines = (0..<10_000).map { "let x\($0) = \($0) + 1" }
        lines += RealShellTests.plan.map { $0 == "  contacts 20" ? "  contacts x19" : $0 }
        lines += ["run runs 5", "expect uplift.mean > 0", "let y = x9999 * 2", "expect uplift.mean > 1亿"]
        let s = try Session()
        #expect(s.run(lines, interactive: false) == 1)
        #expect(s.captured.stderr == "")
        let out = s.captured.stdout
        #expect(out.contains("5 runs (fixed), seed 7, 13 weeks"))
        #expect(out.contains("PASS  expect uplift.mean > 0"))
        #expect(out.contains("FAIL  expect uplift.mean > 1亿"))
    }

    @Test func aScriptsBadDeclarationStillStopsItWithTheLine() throws {
        let s = try Session()
        #expect(s.run(["tier a below 5万 share 200%", "tier b from 5万 share 1%", "run", "report uplift"], interactive: false) == 2)
        #expect(s.captured.stderr.hasPrefix("<stdin>:1:"))
        #expect(s.captured.stderr.contains("200%"))
        #expect(s.captured.stdout == "")
        // A command settles the declarations before it: its error comes first.
        let c = try Session()
        #expect(c.run(["tier a below 5万 share 200%", ":show"], interactive: false) == 2)
        #expect(c.captured.stdout == "")
    }
}
