import Foundation
import Testing
@testable import BranchSimLanguage

/// What README.md and docs/ show a new user must work as shown.
@Suite struct DocumentationTests {
    static func text(_ relative: String) throws -> String {
        try String(contentsOf: Fixtures.root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The fenced blocks of `markdown` whose info string is `language` ("" for untagged ones).
    static func blocks(_ markdown: String, language: Set<String>) -> [String] {
        var out: [String] = [], current: [Substring]?, wanted = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if current != nil {
                    if wanted { out.append(current!.joined(separator: "\n") + "\n") }
                    current = nil
                } else {
                    current = []
                    wanted = language.contains(line.dropFirst(3).trimmingCharacters(in: .whitespaces))
                }
            } else {
                current?.append(line)
            }
        }
        return out
    }

    /// README's example scenario (the block after "A scenario") checks clean.
    @Test func readmeExampleScenarioChecksClean() throws {
        let readme = try Self.text("README.md")
        let after = try #require(readme.range(of: "A scenario"), "README has no example scenario")
        let example = try #require(Self.blocks(String(readme[after.upperBound...]), language: [""]).first)
        #expect(example.contains("campaign "))
        let o = FrontEnd.check(source: example, file: "README.md", loader: InMemoryLoader([:]))
        #expect(o.diagnostics.isEmpty, "\(DiagnosticRenderer().render(o.diagnostics, sources: o.sources))")
        #expect(o.program != nil)
    }

    /// `..<` in a shell command is a redirect from a file named `500` unless it is quoted.
    @Test func shellCommandsQuoteHalfOpenRanges() throws {
        let files = ["README.md"] + (try FileManager.default.contentsOfDirectory(atPath: Fixtures.root.appendingPathComponent("docs").path))
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        var checked = 0
        for file in files {
            for block in Self.blocks(try Self.text(file), language: ["sh", "bash", "console", "shell"]) {
                for line in block.split(separator: "\n") where line.contains("..<") {
                    checked += 1
                    #expect(Self.unquotedHalfOpenRange(in: String(line)) == false, "\(file): unquoted ..< in `\(line)`")
                }
            }
        }
        #expect(checked >= 1, "README's slice example should show a half-open range")
        #expect(Self.unquotedHalfOpenRange(in: "branchsim run a --replications 0..<500"))
        #expect(!Self.unquotedHalfOpenRange(in: "branchsim run a --replications '0..<500' # 0..<500 slices"))
    }

    /// Whether `line` has `..<` outside quotes, before any `#` comment.
    static func unquotedHalfOpenRange(in line: String) -> Bool {
        var quote: Character?, previous: Character = " "
        let chars = Array(line)
        for (i, c) in chars.enumerated() {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "#" && previous == " " {
                return false
            } else if c == "<" && i >= 2 && chars[i - 1] == "." && chars[i - 2] == "." {
                return true
            }
            previous = c
        }
        return false
    }
}
