// Our own RFC 4180 reader rather than a CSV package. Both listed packages were tried on
// 2026-12-03 against the cases this module must handle (quoted line breaks, CRLF, lone CR, BOM,
// doubled quotes, empty cells, CJK text, a combining mark after a comma) and on the same file of
// 1,000,000 customer rows (66 MB; branchsim-data-bench), on the shared 2-core machine (load 13):
// - swiftcsv/SwiftCSV 0.10.0 failed one case: "1,\u{301}x" read as one cell, because it splits
//   on Characters and a comma followed by a combining mark is one grapheme. It also reads the
//   whole file into one String (no streaming): 21.8 s for the rows (the trial process, which
//   ran both packages, peaked at 714 MB).
// - yaslab/CSV.swift 2.5.2 read every case right (the BOM is dropped when it reads a stream) but
//   took 18.2 s only to split the rows into cells; it decodes the UTF encodings only, so GB18030
//   would need transcoding before it anyway.
// This reader split, parsed and checked every cell of the same file in 5.1 s under the same load
// (1.3 s of CPU; docs/data.md has the benchmark). It works on UTF-8 bytes (the delimiters are ASCII and no UTF-8 sequence
// contains an ASCII byte) and makes a String only of cells that are text.

/// One row's cells as UTF-8 bytes: cell `i` is `bytes[starts[i]..<ends[i]]`.
struct RowBuffer {
    var bytes: [UInt8] = []
    var starts: [Int] = []
    var ends: [Int] = []
    /// SQLite NULLs (always false for CSV, where a missing value is an empty cell).
    var nulls: [Bool] = []
    /// A syntax problem in this row: the 0-based cell and what is wrong.
    var problem: (cell: Int, message: String, help: String)?
    /// The row grew past `maxBytes`; what came after was not kept.
    var overflow = false

    /// The most bytes a row keeps: a quote never closed would otherwise hold the rest of the file.
    static let maxBytes = 1 << 20

    mutating func keep(_ s: ArraySlice<UInt8>) {
        if bytes.count + s.count <= Self.maxBytes { bytes.append(contentsOf: s) } else { overflow = true }
    }

    mutating func keep(_ b: UInt8) {
        if bytes.count < Self.maxBytes { bytes.append(b) } else { overflow = true }
    }

    var count: Int { starts.count }

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        nulls.removeAll(keepingCapacity: true)
        problem = nil
        overflow = false
    }

    mutating func startCell() {
        starts.append(bytes.count)
    }

    mutating func endCell(null: Bool = false) {
        ends.append(bytes.count)
        nulls.append(null)
    }

    func cell(_ i: Int) -> ArraySlice<UInt8> { bytes[starts[i]..<ends[i]] }

    /// Whether cell `i` is missing: absent, NULL, or only spaces.
    func isBlank(_ i: Int) -> Bool {
        guard i < count, !nulls[i] else { return true }
        return trimmed(cell(i)).isEmpty
    }

    /// Whether every cell is blank (a spreadsheet's trailing `,,,,` rows).
    var isBlank: Bool {
        for i in 0..<count where starts[i] < ends[i] {
            let b = bytes[starts[i]]
            // Most cells start with a byte that cannot be trimmed: no need to trim them.
            if b != 0x20, b != 0x09, b != 0xC2, b != 0xE3 { return false }
            if !isBlank(i) { return false }
        }
        return true
    }

    /// Cell `i` as text, trimmed; `nil` if it is not valid UTF-8.
    func text(_ i: Int) -> String? {
        String(validating: trimmed(cell(i)), as: UTF8.self)
    }

    /// Cell `i` for a message: trimmed, invalid bytes shown as U+FFFD, long values cut.
    func shown(_ i: Int) -> String {
        let s = String(decoding: trimmed(cell(i)), as: UTF8.self)
        return s.count > 40 ? String(s.prefix(37)) + "..." : s
    }
}

/// Trims ASCII spaces and tabs, NBSP (C2 A0) and the ideographic space (E3 80 80).
func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var lo = s.startIndex
    var hi = s.endIndex
    while lo < hi {
        if s[lo] == 0x20 || s[lo] == 0x09 { lo += 1 }
        else if s[lo] == 0xC2, lo + 1 < hi, s[lo + 1] == 0xA0 { lo += 2 }
        else if s[lo] == 0xE3, lo + 2 < hi, s[lo + 1] == 0x80, s[lo + 2] == 0x80 { lo += 3 }
        else { break }
    }
    while hi > lo {
        if s[hi - 1] == 0x20 || s[hi - 1] == 0x09 { hi -= 1 }
        else if hi - 2 >= lo, s[hi - 2] == 0xC2, s[hi - 1] == 0xA0 { hi -= 2 }
        else if hi - 3 >= lo, s[hi - 3] == 0xE3, s[hi - 2] == 0x80, s[hi - 1] == 0x80 { hi -= 3 }
        else { break }
    }
    return s[lo..<hi]
}

/// Splits a stream of UTF-8 bytes into rows of cells (RFC 4180): cells separated by commas,
/// rows by CRLF, LF or a lone CR; a cell in double quotes may hold commas, line breaks and
/// doubled quotes (`""`). Lenient where Excel and bank systems are: a quote inside an unquoted
/// cell is an ordinary character. Not lenient where data would be lost: text after a closing
/// quote, or a quote never closed, is a problem reported on the row.
struct CSVTokenizer {
    private let source: UTF8ChunkSource
    private var buf: [UInt8] = []
    private var pos = 0
    private var eof = false
    /// The physical line at `pos` (1-based).
    private(set) var line = 1

    init(source: UTF8ChunkSource) {
        self.source = source
        buf.reserveCapacity(UTF8ChunkSource.chunkSize + 4096)
    }

    /// Makes `buf[pos]` available; false at end of input.
    private mutating func ensure() throws(DataDiagnostic) -> Bool {
        while pos >= buf.count {
            if eof { return false }
            buf.removeAll(keepingCapacity: true)
            pos = 0
            if !(try source.next(into: &buf)) { eof = true; return false }
        }
        return true
    }

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Reads the next row into `row`; returns the line it starts on, or `nil` at end of input.
    mutating func nextRow(into row: inout RowBuffer) throws(DataDiagnostic) -> Int? {
        let line = try readRow(into: &row)
        if row.overflow, row.problem == nil {
            row.problem = (row.count - 1, "the row is longer than 1 MB",
                           "a quote that opens a cell is probably never closed; check the quotes in this row")
        }
        return line
    }

    private mutating func readRow(into row: inout RowBuffer) throws(DataDiagnostic) -> Int? {
        row.clear()
        guard try ensure() else { return nil }
        let startLine = line
        row.startCell()
        while true {
            guard try ensure() else {
                row.endCell()
                return startLine
            }
            var b = buf[pos]
            if b == Self.quote, row.bytes.count == row.starts[row.starts.count - 1] {
                // A quoted cell.
                pos += 1
                var closed = false
                quoted: while try ensure() {
                    // Copy the run up to the next quote or line break.
                    var i = pos
                    let n = buf.count
                    while i < n, buf[i] != Self.quote, buf[i] != Self.lf, buf[i] != Self.cr { i += 1 }
                    row.keep(buf[pos..<i])
                    pos = i
                    if i == n { continue }  // the chunk ended inside the cell: refill and go on
                    b = buf[pos]
                    pos += 1
                    switch b {
                    case Self.lf:
                        row.keep(b)
                        line += 1
                    case Self.cr:
                        row.keep(b)
                        if try ensure(), buf[pos] == Self.lf {
                            row.keep(Self.lf)
                            pos += 1
                        }
                        line += 1
                    default:  // a quote: doubled, or the end of the cell
                        if try ensure(), buf[pos] == Self.quote {
                            row.keep(Self.quote)
                            pos += 1
                        } else {
                            closed = true
                            break quoted
                        }
                    }
                }
                if !closed {
                    if row.problem == nil {
                        row.problem = (row.starts.count - 1, "a quoted cell is not closed before the end of the file",
                                       "add the closing '\"'; a quote inside a quoted cell is written '\"\"'")
                    }
                    row.endCell()
                    return startLine
                }
                // After the closing quote: a comma, a line break, the end, or an error.
                guard try ensure() else { row.endCell(); return startLine }
                b = buf[pos]
                if b != Self.comma, b != Self.lf, b != Self.cr {
                    if row.problem == nil {
                        row.problem = (row.starts.count - 1, "text after the closing quote of a quoted cell",
                                       "quote the whole cell and double the quotes inside it: \"say \"\"hi\"\"\"")
                    }
                    // Keep reading the rest as plain text so the row's other cells line up.
                    var i = pos
                    let n = buf.count
                    while i < n, buf[i] != Self.comma, buf[i] != Self.lf, buf[i] != Self.cr { i += 1 }
                    row.keep(buf[pos..<i])
                    pos = i
                    continue
                }
            } else {
                // An unquoted run up to a comma or a line break.
                var i = pos
                let n = buf.count
                while i < n {
                    let c = buf[i]
                    if c == Self.comma || c == Self.lf || c == Self.cr { break }
                    i += 1
                }
                row.keep(buf[pos..<i])
                pos = i
                if i == n { continue }  // refill and go on with the same cell
            }
            b = buf[pos]
            pos += 1
            if b == Self.comma {
                row.endCell()
                row.startCell()
                continue
            }
            // A line break ends the row.
            if b == Self.cr, try ensure(), buf[pos] == Self.lf { pos += 1 }
            line += 1
            row.endCell()
            return startLine
        }
    }
}
