import BranchSimModel
import BranchSimReports
import Foundation
import Testing
@testable import BranchSimDriver

@Suite struct JUnitTests {
    static func outcome(_ text: String, passed: Bool, line: Int) -> ExpectationOutcome {
        ExpectationOutcome(
            expectation: Expectation(path: MetricPath(metric: "uplift"), condition: .compare(.greater, 0), text: text),
            measured: passed ? 12 : -3, interval: nil, passed: passed,
            location: SourceLocation(file: "plans/a <&> b.bsim", line: line, column: 1))
    }

    static var sample: String {
        JUnitWriter.render([
            .init(name: "a <&> b", file: "plans/a <&> b.bsim",
                  outcomes: [outcome("expect uplift.mean > 0", passed: true, line: 3),
                             outcome("expect \"x\" > 0", passed: false, line: 4)],
                  error: nil, seconds: 1.25),
            .init(name: "broken", file: "plans/broken.bsim", outcomes: [],
                  error: "plans/broken.bsim:2:7: error: unknown tier 'potentail'", seconds: 0),
        ], format: { "FAIL \($0.expectation.text) measured \($0.measured)" })
    }

    @Test func countsAndEscaping() {
        let x = Self.sample
        #expect(x.contains("<testsuites name=\"branchsim\" tests=\"3\" failures=\"1\" errors=\"1\" time=\"1.250\">"))
        #expect(x.contains("name=\"a &lt;&amp;&gt; b\""))
        #expect(x.contains("<failure message=\"FAIL expect &quot;x&quot; &gt; 0 measured -3.0\""))
        #expect(x.contains("<error message=\"scenario error\" type=\"ScenarioError\">plans/broken.bsim:2:7: error: unknown tier &#39;potentail&#39;</error>"))
    }

    /// Same-named files in different folders get different suites and classes; every case
    /// carries its file, line and a time (the file's time shared among its cases).
    @Test func casesNameTheirFileLineAndTime() {
        #expect(JUnitWriter.suiteName(for: "/r/plans/a/x.bsim", relativeTo: "/r") == "plans/a/x")
        #expect(JUnitWriter.suiteName(for: "/r/./plans/b/x.bsim", relativeTo: "/r/") == "plans/b/x")
        #expect(JUnitWriter.suiteName(for: "plans/b/x.bsim", relativeTo: "/elsewhere") == "plans/b/x")
        #expect(JUnitWriter.relativePath("/other/x.bsim", to: "/r") == "/other/x.bsim")
        let x = JUnitWriter.render([
            .init(name: "plans/a/x", file: "plans/a/x.bsim", outcomes: [Self.outcome("expect uplift.mean > 0", passed: true, line: 3),
                                                                     Self.outcome("expect uplift.mean > 1", passed: true, line: 4)],
                  error: nil, seconds: 1.25),
            .init(name: "plans/b/x", file: "plans/b/x.bsim", outcomes: [Self.outcome("expect uplift.mean > 0", passed: true, line: 3)],
                  error: nil, seconds: 0.5),
        ], format: { $0.expectation.text })
        #expect(x.contains("<testcase name=\"expect uplift.mean &gt; 0 (line 3)\" classname=\"plans/a/x\" file=\"plans/a/x.bsim\" line=\"3\" time=\"0.625\">"))
        #expect(x.contains("<testcase name=\"expect uplift.mean &gt; 0 (line 3)\" classname=\"plans/b/x\" file=\"plans/b/x.bsim\" line=\"3\" time=\"0.500\">"))
    }

    /// `branchsim test` names suites by relative path: two `x.bsim` in two folders stay apart.
    @Test func testCommandKeepsSameNamedFilesApart() throws {
        let dir = try Paths.temporaryDirectory()
        let plan = CommandLineTests.small
        for folder in ["east", "west"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
            try Data(plan.utf8).write(to: dir.appendingPathComponent("\(folder)/x.bsim"))
        }
        let r = try Binary.run(["test", "east", "west", "--runs", "5", "--junit", "j.xml"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let xml = try String(contentsOf: dir.appendingPathComponent("j.xml"), encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"east/x\""))
        #expect(xml.contains("<testsuite name=\"west/x\""))
        #expect(xml.contains("classname=\"east/x\" file=\"east/x.bsim\" line=\"13\" time=\""))
        #expect(xml.contains("classname=\"west/x\" file=\"west/x.bsim\" line=\"13\" time=\""))
    }

    /// Validates against Tests/Fixtures/junit.xsd (the common JUnit format) with xmllint,
    /// which `make test` installs (libxml2-utils).
    @Test func validatesAgainstTheJUnitSchema() throws {
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(xmllint != nil, "xmllint is missing: apt-get install libxml2-utils (make test-deps does)")
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("junit.xml")
        try Data(Self.sample.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: xmllint!)
        p.arguments = ["--noout", "--schema", Paths.root.appendingPathComponent("Tests/Fixtures/junit.xsd").path, file.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(msg)")
    }
}

@Suite struct DiscoveryTests {
    @Test func findsScenarioFilesSortedAndSkipsHidden() throws {
        let dir = try Paths.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("b/.hidden"), withIntermediateDirectories: true)
        for f in ["b/z.bsim", "a.bsim", "b/.hidden/x.bsim", "notes.txt"] {
            try Data().write(to: dir.appendingPathComponent(f))
        }
        let found = try ScenarioDiscovery.files(in: [dir.path, dir.path + "/a.bsim"])
        #expect(found.map { ($0 as NSString).lastPathComponent } == ["a.bsim", "z.bsim"])
        #expect(throws: ScenarioDiscovery.Missing.self) { try ScenarioDiscovery.files(in: [dir.path + "/nope"]) }
    }
}
