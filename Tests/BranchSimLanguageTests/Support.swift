import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Scenario files to test against: the repository's own playbooks (always there) and the
/// acceptance scenarios in ../shared/scenarios (only when that folder sits beside the clone:
/// tests that need them skip cleanly without it).
enum Fixtures {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/scenarios beside the repository, when it exists and holds scenario files.
    static let scenariosDirectory: String? = {
        let d = root.deletingLastPathComponent().appendingPathComponent("shared/scenarios").standardizedFileURL.path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []
        return files.contains(where: { $0.hasSuffix(".bsim") }) ? d : nil
    }()

    /// The shared acceptance scenarios; empty when ../shared is not there.
    static var scenarioFiles: [String] { bsimFiles(in: scenariosDirectory) }

    /// The repository's own playbooks (scenarios/).
    static var repositoryScenarioFiles: [String] { bsimFiles(in: root.appendingPathComponent("scenarios").path) }

    /// Every scenario file at hand: the repository's, then the shared ones.
    static var allScenarioFiles: [String] { repositoryScenarioFiles + scenarioFiles }

    private static func bsimFiles(in dir: String?) -> [String] {
        guard let dir, let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return files.filter { $0.hasSuffix(".bsim") }.sorted().map { "\(dir)/\($0)" }
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
