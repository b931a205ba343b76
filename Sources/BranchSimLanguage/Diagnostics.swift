import Foundation
import BranchSimModel

public enum Severity: String, Sendable, Hashable, Codable {
    case error, warning
}

/// One entry of the diagnostics catalogue: how bad, the message's pattern, the usual help.
public struct DiagnosticEntry: Sendable, Hashable {
    public var severity: Severity
    /// The message with placeholders in braces (`unknown tier '{X}'`; see `DiagnosticID.entry`).
    public var pattern: String
    /// The `help:` line usually given, with the same placeholders (nil when there is none or it varies).
    public var help: String?

    public init(_ severity: Severity, _ pattern: String, help: String? = nil) {
        self.severity = severity
        self.pattern = pattern
        self.help = help
    }

    /// Whether `message` is an instance of `pattern`: each `{NAME}` stands for any text (even
    /// none), and
    /// `[...]` for an optional part.
    public func matches(_ message: String) -> Bool {
        Self.match(Array(pattern.unicodeScalars)[...], Array(message.unicodeScalars)[...])
    }

    private static func match(_ p: ArraySlice<Unicode.Scalar>, _ m: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let c = p.first else { return m.isEmpty }
        if c == "{", let close = p.firstIndex(of: "}"), close > p.startIndex + 1,
           p[(p.startIndex + 1)..<close].allSatisfy({ ("A"..."Z").contains($0) }) {
            let rest = p[(close + 1)...]
            var i = m.startIndex
            while i <= m.endIndex {
                if match(rest, m[i...]) { return true }  // may be empty: a missing name is ''
                if i == m.endIndex { break }
                i += 1
            }
            return false
        }
        if c == "[", let close = p.firstIndex(of: "]"), close > p.startIndex + 1 {
            let inner = p[(p.startIndex + 1)..<close], rest = p[(close + 1)...]
            return match(ArraySlice(Array(inner) + Array(rest)), m) || match(rest, m)
        }
        guard let d = m.first, d == c else { return false }
        return match(p.dropFirst(), m.dropFirst())
    }
}

/// A `note:` or `help:` line under a diagnostic.
public struct DiagnosticNote: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case note, help }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func help(_ m: String) -> DiagnosticNote { .init(.help, m) }
    public static func note(_ m: String) -> DiagnosticNote { .init(.note, m) }

    public var text: String { "\(kind.rawValue): \(message)" }
}

/// A problem found in a scenario: where, how bad, what, and what to do.
///
/// Messages are lowercase, tokens in single quotes, no final period.
/// `location` is the first character; `end` is one past the last character
/// (same line as `location` unless the range spans lines). A diagnostic about a whole
/// file without a position has line 0.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, for tools and the catalogue (docs/language.md): stable
    /// across releases, unlike the wording of `message`.
    public var id: DiagnosticID
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    public var end: SourceLocation
    public var range: SourceRange?
    public var notes: [DiagnosticNote]
    /// An error that a later declaration can resolve (the tier ladder does not reach the top
    /// yet, tier shares add up to less than 100%, a name with no near miss is not declared
    /// yet): at the shell prompt, declarations are
    /// typed one at a time, and such an error waits until something needs the scenario.
    public var unfinished = false
    /// For a problem in a data file (`branches from`, `customers from`): the data row (1-based,
    /// blank rows not counted; 0 the header) and the column's header; `line` is the file's
    /// line and `column` the column's position (1 is the first).
    public var dataRow: Int?
    public var dataColumn: String?

    public init(_ id: DiagnosticID, severity: Severity? = nil, message: String, location: SourceLocation,
                end: SourceLocation? = nil, range: SourceRange? = nil, notes: [DiagnosticNote] = []) {
        self.id = id
        self.severity = severity ?? id.entry.severity
        self.message = message
        self.location = location
        self.end = end ?? SourceLocation(file: location.file, line: location.line, column: location.column + 1)
        self.range = range
        self.notes = notes
    }

    public var isError: Bool { severity == .error }

    /// `file:line:col: severity: message` (the first line of the rendered form).
    public var description: String {
        let place = location.line > 0 ? "\(location.file):\(location.line):\(location.column)" : location.file
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics, turning ranges into locations with the sources it knows.
struct DiagnosticSink {
    var sources: [String: SourceFile] = [:]
    var diagnostics: [Diagnostic] = []
    /// Suppresses exact repeats (the same problem seen through a variant).
    private var seen: Set<Diagnostic> = []

    init(sources: [String: SourceFile] = [:]) { self.sources = sources }

    var hasErrors: Bool { diagnostics.contains { $0.isError } }

    mutating func add(_ source: SourceFile) { sources[source.path] = source }

    func make(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [DiagnosticNote]) -> Diagnostic {
        // Debug builds (every test run) hold each message to its catalogue pattern.
        assert(id.entry.matches(message), "\(id.rawValue): '\(message)' does not match '\(id.entry.pattern)'")
        guard let range else {
            return Diagnostic(id, message: message, location: SourceLocation(file: "<input>", line: 0, column: 0), notes: notes)
        }
        guard let file = sources[range.file] else {
            return Diagnostic(id, message: message, location: SourceLocation(file: range.file, line: 0, column: 0),
                              range: range, notes: notes)
        }
        let start = file.location(of: range.start)
        var end = file.location(of: max(range.end, range.start))
        if range.end <= range.start { end.column = start.column + 1; end.line = start.line }
        return Diagnostic(id, message: message, location: start, end: end, range: range, notes: notes)
    }

    /// Where `range` starts, as a diagnostic would place it.
    func location(of range: SourceRange) -> SourceLocation {
        guard let file = sources[range.file] else { return SourceLocation(file: range.file, line: 0, column: 0) }
        return file.location(of: range.start)
    }

    /// The most diagnostics kept: a binary file or a wrong file loaded by mistake gave one or
    /// more per byte, megabytes of them.
    static let limit = 200

    mutating func append(_ d: Diagnostic) {
        guard !isFull else { return }
        guard diagnostics.count < Self.limit else {
            diagnostics.append(Diagnostic(
                .tooManyProblems, message: "too many problems; only the first \(Self.limit) are shown",
                location: d.location, end: d.end, range: d.range,
                notes: [.help("is this a scenario file? fix the first problems and check again")]))
            return
        }
        if seen.insert(d).inserted { diagnostics.append(d) }
    }

    /// Past the limit, nothing more is made: placing a diagnostic counts the columns of its
    /// line, and a binary file has lines megabytes long.
    var isFull: Bool { diagnostics.count > Self.limit }

    /// Adds a diagnostic of kind `id` (its severity is the catalogue's).
    mutating func report(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [DiagnosticNote] = []) {
        if isFull { return }
        append(make(id, message, at: range, notes: notes))
    }

    mutating func error(_ id: DiagnosticID, _ message: String, _ range: SourceRange?, _ notes: [DiagnosticNote] = []) {
        assert(id.entry.severity == .error, "\(id) is not an error")
        report(id, message, at: range, notes: notes)
    }

    /// An error a later declaration can resolve (see `Diagnostic.unfinished`).
    mutating func unfinished(_ id: DiagnosticID, _ message: String, _ range: SourceRange?, _ notes: [DiagnosticNote] = []) {
        if isFull { return }
        var d = make(id, message, at: range, notes: notes)
        d.unfinished = true
        append(d)
    }

    mutating func warning(_ id: DiagnosticID, _ message: String, _ range: SourceRange?, _ notes: [DiagnosticNote] = []) {
        assert(id.entry.severity == .warning, "\(id) is not a warning")
        report(id, message, at: range, notes: notes)
    }

    /// A note that points at a place: "first declared here" as `file:line:col`.
    func here(_ text: String, _ range: SourceRange) -> DiagnosticNote {
        let loc = sources[range.file].map { $0.location(of: range.start) }
        return .note(loc.map { "\(text) at \($0)" } ?? text)
    }
}

/// Renders diagnostics as text: the header, the source line with a gutter, a caret under
/// the column and `~` under the rest of the range, then `note:`/`help:` lines.
///
/// ```
/// a.bsim:3:10: error: unknown tier 'potentail'
///   |
/// 3 | target potentail
///   |        ^~~~~~~~~
///   = help: did you mean 'potential'?
/// ```
/// CJK characters take two terminal columns; the caret is placed by display width.
public struct DiagnosticRenderer: Sendable {
    public var colour: Bool

    public init(colour: Bool = false) { self.colour = colour }

    private func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ d: Diagnostic, sources: [String: SourceFile]) -> String {
        let sevColour = d.severity == .error ? "1;31" : "1;33"
        let place = d.location.line > 0 ? "\(d.location.file):\(d.location.line):\(d.location.column)" : d.location.file
        // A file's text may hold control characters (an ESC in a comment or a string): they
        // are shown (`^[`), never sent to the terminal, and take the columns they are shown in.
        var out = paint(TerminalText.visible(place) + ":", "1") + " " + paint(d.severity.rawValue + ":", sevColour) + " "
            + paint(TerminalText.visible(d.message), "1") + "\n"
        let gutterWidth = String(d.location.line).count
        let pad = String(repeating: " ", count: gutterWidth)
        if d.location.line > 0, let file = sources[d.location.file], d.location.line <= file.lineCount {
            var line = file.lineText(d.location.line)
            var scalars = Array(line.unicodeScalars)
            var startCol = max(1, d.location.column)
            var endCol: Int
            if d.end.line == d.location.line { endCol = max(startCol + 1, d.end.column) } else { endCol = max(startCol + 1, scalars.count + 1) }
            // A line wider than a terminal is shown as an excerpt around the column, with
            // '…' where it was cut (a 240 KB line was printed whole).
            let width = scalars.reduce(0) { $0 + Self.displayWidth($1) }
            if width > Self.excerptWidth {
                var from = min(startCol - 1, scalars.count), before = 0
                while from > 0 && before + Self.displayWidth(scalars[from - 1]) <= Self.excerptContext {
                    from -= 1
                    before += Self.displayWidth(scalars[from])
                }
                var to = from, shown = 0
                while to < scalars.count && shown + Self.displayWidth(scalars[to]) <= Self.excerptWidth {
                    shown += Self.displayWidth(scalars[to])
                    to += 1
                }
                let cutBefore = from > 0, cutAfter = to < scalars.count
                var excerpt = String.UnicodeScalarView()
                if cutBefore { excerpt.append("…") }
                excerpt.append(contentsOf: scalars[from..<to])
                if cutAfter { excerpt.append("…") }
                line = String(excerpt)
                let shift = from - (cutBefore ? 1 : 0)
                startCol -= shift
                endCol = min(endCol - shift, to - shift + 1)
                scalars = Array(line.unicodeScalars)
            }
            var lead = 0
            for i in 0..<min(startCol - 1, scalars.count) { lead += Self.displayWidth(scalars[i]) }
            lead += max(0, startCol - 1 - scalars.count)
            var span = 0
            for i in (startCol - 1)..<max(startCol - 1, endCol - 1) {
                span += i < scalars.count ? Self.displayWidth(scalars[i]) : 1
            }
            span = max(1, span)
            out += paint(pad + " |", "1;34") + "\n"
            out += paint("\(d.location.line) |", "1;34") + " " + TerminalText.visible(line) + "\n"
            let marker = "^" + String(repeating: "~", count: span - 1)
            out += paint(pad + " |", "1;34") + " " + String(repeating: " ", count: lead) + paint(marker, sevColour) + "\n"
        }
        for n in d.notes {
            out += paint(pad + " =", "1;34") + " " + paint(n.kind.rawValue + ":", "1") + " " + TerminalText.visible(n.message) + "\n"
        }
        return out
    }

    /// Renders every diagnostic, in order, separated by blank lines.
    public func render(_ ds: [Diagnostic], sources: [String: SourceFile]) -> String {
        ds.map { render($0, sources: sources) }.joined(separator: "\n")
    }

    /// Lines wider than this many columns are shown as an excerpt, with this many columns
    /// before the diagnostic's column when there are that many.
    static let excerptWidth = 160
    static let excerptContext = 60

    /// Terminal columns of a character as the quoted line shows it (`DisplayWidth`, the one
    /// table): a control character `TerminalText` shows (ESC as `^[`) takes the columns it is
    /// shown in; a tab takes one, as the caret line has a space in its place.
    static func displayWidth(_ s: Unicode.Scalar) -> Int {
        if TerminalText.needsShowing(s) { return TerminalText.shown(s).unicodeScalars.count }
        return s.value < 0x20 ? 1 : DisplayWidth.of(s)
    }
}

/// The JSON shape of a diagnostic for editors and CI.
public struct DiagnosticJSON: Codable, Sendable, Equatable {
    /// The stable `DiagnosticID` (`tier.unknown`...), for tools that match on the kind of problem.
    public var id: String
    public var file: String
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    public var severity: String
    public var message: String
    public var notes: [String]
    /// A data file's row (1-based; 0 the header) and column header; absent for scenario files.
    public var row: Int?
    public var columnName: String?

    public init(_ d: Diagnostic) {
        id = d.id.rawValue
        file = d.location.file
        line = d.location.line
        column = d.location.column
        endLine = d.end.line
        endColumn = d.end.column
        severity = d.severity.rawValue
        message = d.message
        notes = d.notes.map(\.text)
        row = d.dataRow
        columnName = d.dataColumn
    }
}

/// Edit distance and "did you mean" suggestions.
public enum Suggest {
    /// Levenshtein distance over characters (`editDistance` in BranchSimModel).
    public static func distance(_ a: String, _ b: String) -> Int { editDistance(a, b) }

    /// The closest candidate within a distance of about a third of the word (at least 2), if any.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        let lowered = word.lowercased(), length = word.count
        var best: (String, Int)?
        for c in candidates where c != word && abs(c.count - length) <= limit {
            let d = distance(lowered, c.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func notes(for word: String, in candidates: [String]) -> [DiagnosticNote] {
        closest(to: word, in: candidates).map { [.help("did you mean '\($0)'?")] } ?? []
    }
}
