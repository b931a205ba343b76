import BranchSimModel
import BranchSimReports

/// Writes `branchsim test` outcomes as JUnit XML (the common Ant/Jenkins schema:
/// `testsuites > testsuite > testcase [> failure]`), one test case per expectation.
public enum JUnitWriter {
    public struct Suite: Sendable {
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
            x += "  <testsuite name=\"\(escape(s.name))\" id=\"\(i)\" tests=\"\(st)\" failures=\"\(sf)\" errors=\"\(s.error == nil ? 0 : 1)\" skipped=\"0\" time=\"\(seconds(s.seconds))\" file=\"\(escape(s.file))\">\n"
            if let e = s.error {
                x += "    <testcase name=\"check \(escape(s.file))\" classname=\"\(escape(s.name))\" time=\"0\">\n"
                x += "      <error message=\"scenario error\" type=\"ScenarioError\">\(escape(e))</error>\n"
                x += "    </testcase>\n"
            }
            for o in s.outcomes {
                // The common schema allows only name, classname and time on a test case: the line goes in the name.
                x += "    <testcase name=\"\(escape(o.expectation.text)) (line \(o.location.line))\" classname=\"\(escape(s.name))\" time=\"0\">\n"
                if !o.passed {
                    x += "      <failure message=\"\(escape(format(o)))\" type=\"ExpectationFailed\">\(escape(format(o)))</failure>\n"
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

    /// XML-escapes text for attributes and character data; drops characters XML 1.0 forbids.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if u.value < 0x20 || (u.value >= 0xFFFE && u.value <= 0xFFFF) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
