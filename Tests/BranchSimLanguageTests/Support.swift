import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// The acceptance scenarios in ../shared/scenarios (when that directory exists).
enum Fixtures {
    static let scenariosDirectory: String? = {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 {
            dir.deleteLastPathComponent()
            for candidate in ["shared/scenarios", "../shared/scenarios", "scenarios"] {
                let d = dir.appendingPathComponent(candidate).standardizedFileURL.path
                if let files = try? FileManager.default.contentsOfDirectory(atPath: d), files.contains(where: { $0.hasSuffix(".bsim") }) {
                    return d
                }
            }
        }
        return nil
    }()

    static var scenarioFiles: [String] {
        guard let d = scenariosDirectory, let files = try? FileManager.default.contentsOfDirectory(atPath: d) else { return [] }
        return files.filter { $0.hasSuffix(".bsim") }.sorted().map { "\(d)/\($0)" }
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}

/// Checks `source` from an in-memory file `t.bsim` (with `files` for includes).
func check(_ source: String, files: [String: String] = [:]) -> CheckOutcome {
    FrontEnd.check(source: source, file: "t.bsim", loader: InMemoryLoader(files))
}

/// "line:col message" of every diagnostic, for compact assertions.
func brief(_ o: CheckOutcome) -> [String] {
    o.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.severity.rawValue): \($0.message)" }
}

/// A small valid scenario to build test cases on.
let minimal = """
tier longtail  below 5万          share 91%
tier potential from 5万 to 20万   share 6%
tier midhigh   from 20万 to 600万 share 2.5%
tier private   from 600万         share 0.5%
role wealth_manager hours 40 per week
branch downtown { customers 2000  staff wealth_manager 2 }
campaign meet {
  target potential
  frequency 2 per week
  contacts 40
  funnel reach 100% -> attend 50% -> convert 40%
  amount fixed 1万
}

"""
