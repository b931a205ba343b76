import BranchSimModel
/// A plain-text table aligned by terminal display width (CJK names take two columns per character).
///
///     Funnel: upgrade_meeting
///     stage     mean  passing
///     --------  ----  -------
///     contacts  40.0
///
/// Columns are separated by two spaces; a rule of `-` under the header; trailing spaces trimmed.
public struct TextTable: Sendable {
    public enum Alignment: Sendable {
        case left, right
    }

    public struct Column: Sendable {
        public var header: String
        public var alignment: Alignment

        public init(_ header: String, _ alignment: Alignment = .right) {
            self.header = header
            self.alignment = alignment
        }
    }

    public enum Row: Sendable {
        case cells([String])
        /// A rule across the table (between groups of rows).
        case rule
    }

    public var title: String?
    public var columns: [Column]
    public var rows: [Row] = []

    public init(title: String? = nil, columns: [Column]) {
        self.title = title
        self.columns = columns
    }

    /// Adds a row; missing cells are blank, extra cells are dropped.
    public mutating func add(_ cells: [String]) {
        var c = Array(cells.prefix(columns.count))
        while c.count < columns.count { c.append("") }
        rows.append(.cells(c))
    }

    public mutating func addRule() { rows.append(.rule) }

    public var isEmpty: Bool { rows.isEmpty }

    public func render() -> String {
        var widths = columns.map { DisplayWidth.of($0.header) }
        for case .cells(let cells) in rows {
            for (i, c) in cells.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                parts.append(DisplayWidth.pad(c, to: widths[i], alignment: columns[i].alignment))
            }
            return trimTrailing(parts.joined(separator: "  "))
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        var out: [String] = []
        if let title { out.append(title) }
        out.append(line(columns.map(\.header)))
        out.append(rule)
        for row in rows {
            switch row {
            case .cells(let cells): out.append(line(cells))
            case .rule: out.append(rule)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

extension DisplayWidth {
    /// `s` padded with spaces to `width` display columns (on the right for `.left`, the left for `.right`).
    public static func pad(_ s: String, to width: Int, alignment: TextTable.Alignment) -> String {
        let missing = max(0, width - of(s))
        let fill = String(repeating: " ", count: missing)
        switch alignment {
        case .left: return s + fill
        case .right: return fill + s
        }
    }
}
