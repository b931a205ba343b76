import Foundation
import BranchSimModel
import BranchSimReports

/// Writes `branchsim test` outcomes as JUnit XML (the common Ant/Jenkins schema:
/// `testsuites > testsuite > testcase [> failure]`), one test case per expectation.
///
/// Names come from the file's path as given (relative to the current folder when it is
/// inside it), so same-named files in different folders stay apart: suite `plans/a/x`,
/// test cases of class `plans/a/x`. Each test case also carries `file` and `line` (read by
/// GitLab and by pytest-style reporters) and a `time`.
public enum JUnitWriter {
    public struct Suite: Sendable {
        /// The file's path without `.bsim` (`JUnitWriter.suiteName(for:)`).
        public var name: String
        public var file: String
        public var outcomes: [ExpectationOutcome]
        /// A scenario that did not check or run: one failing case carrying the diagnostics.
        public var error: String?
        public var seconds: Double

        public init(name: String, file: String, outcomes: [ExpectationOutcome], error: String?, seconds: Double) {
            self.name = name
            self.file = file
            self.outcomes = outcomes
            self.error = error
            self.seconds = seconds
        }
    }

    /// `path` relative to `folder` (the current folder) when it lies inside it, else as given.
    public static func relativePath(_ path: String, to folder: String = FileManager.default.currentDirectoryPath) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.path
        let base = URL(fileURLWithPath: folder).standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        if p.hasPrefix(prefix) { return String(p.dropFirst(prefix.count)) }
        return path
    }

    /// A suite's name (and its cases' class) for the file at `path`: its relative path
    /// without `.bsim`.
    public static func suiteName(for path: String, relativeTo folder: String = FileManager.default.currentDirectoryPath) -> String {
        let p = relativePath(path, to: folder)
        return p.hasSuffix(".bsim") ? String(p.dropLast(5)) : p
    }

    public static func render(_ suites: [Suite], format: (ExpectationOutcome) -> String) -> String {
        let tests = suites.reduce(0) { $0 + max($1.outcomes.count, $1.error == nil ? 0 : 1) }
        let failures = suites.reduce(0) { $0 + $1.outcomes.filter { !$0.passed }.count }
        let errors = suites.filter { $0.error != nil }.count
        let time = suites.reduce(0) { $0 + $1.seconds }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"branchsim\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(seconds(time))\">\n"
        for (i, s) in suites.enumerated() {
            let sf = s.outcomes.filter { !$0.passed }.count
            let st = max(s.outcomes.count, s.error == nil ? 0 : 1)
            x += "  <testsuite name=\"\(XML.escape(s.name))\" id=\"\(i)\" tests=\"\(st)\" failures=\"\(sf)\" errors=\"\(s.error == nil ? 0 : 1)\" skipped=\"0\" time=\"\(seconds(s.seconds))\" file=\"\(XML.escape(s.file))\">\n"
            // The expectations are checked against one run of the file: each case carries an
            // equal share of the file's time, so the cases add up to the suite.
            let caseTime = seconds(s.seconds / Double(max(1, st)))
            if let e = s.error {
                x += "    <testcase name=\"check \(XML.escape(s.file))\" classname=\"\(XML.escape(s.name))\" file=\"\(XML.escape(s.file))\" line=\"1\" time=\"\(caseTime)\">\n"
                x += "      <error message=\"scenario error\" type=\"ScenarioError\">\(XML.escape(e))</error>\n"
                x += "    </testcase>\n"
            }
            for o in s.outcomes {
                // The line is in the name too: reporters that ignore `line` still tell two equal texts apart.
                x += "    <testcase name=\"\(XML.escape(o.expectation.text)) (line \(o.location.line))\" classname=\"\(XML.escape(s.name))\" "
                    + "file=\"\(XML.escape(s.file))\" line=\"\(o.location.line)\" time=\"\(caseTime)\">\n"
                if !o.passed {
                    x += "      <failure message=\"\(XML.escape(format(o)))\" type=\"ExpectationFailed\">\(XML.escape(format(o)))</failure>\n"
                }
                x += "    </testcase>\n"
            }
            x += "  </testsuite>\n"
        }
        x += "</testsuites>\n"
        return x
    }

    static func seconds(_ t: Double) -> String {
        let ms = Int((t * 1000).rounded())
        let frac = ms % 1000
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - String(frac).count) + String(frac)
    }
}
