import BranchSimReports
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Facts about where output goes, for colour and progress.
enum Terminal {
    /// Colour on `fd`: every subcommand asks the one rule the reports define
    /// (a terminal, TERM set and not `dumb`, NO_COLOR unset or empty).
    static func wantsColour(fd: Int32) -> Bool {
        ReportOptions.colourWanted(fd: fd, environment: ProcessInfo.processInfo.environment)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

/// Parses `A..<B`, `A..B` (inclusive) or `A-B` replication ranges.
func parseReplicationRange(_ text: String) -> Range<Int>? {
    let t = text.replacingOccurrences(of: " ", with: "")
    if let r = t.range(of: "..<") {
        guard let a = Int(t[..<r.lowerBound]), let b = Int(t[r.upperBound...]), a >= 0, b > a else { return nil }
        return a..<b
    }
    if let r = t.range(of: "..") {
        guard let a = Int(t[..<r.lowerBound]), let b = Int(t[r.upperBound...]), a >= 0, b >= a, b < Int.max else { return nil }
        return a..<(b + 1)
    }
    return nil
}
