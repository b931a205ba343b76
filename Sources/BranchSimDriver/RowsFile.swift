import BranchSimModel
import Foundation

/// The rows file (`SavedResults`, docs/json-schema.md) written and read a row at a time, so
/// that saving or merging a long run holds no more than its `RowStore`s do (docs/performance.md,
/// "Memory"). The bytes are exactly those `JSONEncoder` (sorted keys, non-finite numbers as
/// the strings `nan`, `inf`, `-inf`) gives the whole `SavedResults`: everything but the rows
/// is encoded by `JSONEncoder` itself, and the rows, only numbers, are formatted as it formats
/// them (`RowsFileTests` compares the two byte for byte).
enum RowsFile {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// What stands for a run's rows in the encoded header (runs without rows): the text cannot
    /// occur elsewhere, as a quote inside a JSON string is escaped and every other
    /// `"replications"` key (an FTE role's) holds a number.
    static let rowsMarker = Array(#""replications":[]"#.utf8)

    /// `saved` encoded without its rows, cut where each run's rows go: `runs.count + 1` pieces.
    static func headerPieces(_ saved: SavedResults) throws -> [[UInt8]] {
        var header = saved
        header.runs = saved.runs.map { $0.withRows(RowStore(width: $0.metrics.count)) }
        let bytes = [UInt8](try encoder().encode(header))
        var pieces: [[UInt8]] = []
        var start = 0, i = 0
        let m = rowsMarker
        while i + m.count <= bytes.count {
            if bytes[i] == m[0] && bytes[i..<(i + m.count)].elementsEqual(m) {
                pieces.append(Array(bytes[start..<i]))
                i += m.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        guard pieces.count == saved.runs.count + 1 else {
            throw StreamSink.Failure(description: "the results' header does not hold one place for each run's rows")
        }
        return pieces
    }

    /// Writes `saved` to `sink`: the header's pieces with each run's rows streamed between them.
    static func write(_ saved: SavedResults, to sink: StreamSink) throws {
        let pieces = try headerPieces(saved)
        for (i, run) in saved.runs.enumerated() {
            try sink.write(pieces[i])
            try sink.write(Array(#""replications":["#.utf8))
            var first = true
            try run.forEachReplication { index, values, series in
                try sink.append(ensuring: 64 + 26 * (values.count + series.count)) { out in
                    if !first { out.append(UInt8(ascii: ",")) }
                    appendRow(index: index, values: values, series: series, to: &out)
                }
                first = false
            }
            try sink.write([UInt8(ascii: "]")])
        }
        try sink.write(pieces[saved.runs.count])
    }

    /// `{"index":I,"series":[...],"values":[...]}`, as `JSONEncoder` writes a `ReplicationRecord`.
    static func appendRow(index: Int, values: [Double], series: [Double], to out: inout [UInt8]) {
        out.append(contentsOf: #"{"index":"#.utf8)
        appendInteger(index, to: &out)
        out.append(contentsOf: #","series":["#.utf8)
        appendNumbers(series, to: &out)
        out.append(contentsOf: #"],"values":["#.utf8)
        appendNumbers(values, to: &out)
        out.append(contentsOf: "]}".utf8)
    }

    private static func appendNumbers(_ values: [Double], to out: inout [UInt8]) {
        for (k, v) in values.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            appendNumber(v, to: &out)
        }
    }

    /// A double as `JSONEncoder` writes it: its `description` without a trailing `.0`, and the
    /// non-finite ones as strings. Whole numbers below 10^15 (counts, most money) print as
    /// integers directly (their `description` is the integer and `.0`).
    static func appendNumber(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN {
            out.append(contentsOf: #""nan""#.utf8)
        } else if v.isInfinite {
            out.append(contentsOf: (v > 0 ? #""inf""# : #""-inf""#).utf8)
        } else if v == v.rounded(.towardZero) && abs(v) < 1e15 && !(v == 0 && v.sign == .minus) {
            appendInteger(Int(v), to: &out)
        } else {
            var text = v.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        }
    }

    static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            repeat {
                k -= 1
                digits[k] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
            } while m > 0
            out.append(contentsOf: digits[k...])
        }
    }
}

/// Reads a rows file a buffer at a time: the rows go into `RowStore`s, one per run, as they
/// are parsed; everything else (a few kilobytes) is gathered as JSON text and decoded by
/// `JSONDecoder`, so what is accepted is what decoding the whole file accepted.
struct RowsFileReader {
    struct Malformed: Error {}
    struct WrongFormat: Error { var format: String }

    private let fd: Int32
    /// The in-memory budget of the stores the rows go to.
    private let budget: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var position = 0
    private var end = 0

    init?(path: String, budget: Int = RowStore.defaultBudget) {
        self.budget = budget
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
    }

    func close() { _ = Foundation.close(fd) }

    /// The next byte, without taking it; nil at the end of the file.
    private mutating func peek() throws -> UInt8? {
        if position == end {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { throw Malformed() }
            position = 0
            end = n
            if n == 0 { return nil }
        }
        return buffer[position]
    }

    private mutating func take() throws -> UInt8 {
        guard let c = try peek() else { throw Malformed() }
        position += 1
        return c
    }

    private mutating func skipSpace() throws {
        while let c = try peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        try skipSpace()
        guard try take() == c else { throw Malformed() }
    }

    /// Takes `c` if it comes next (after white space).
    private mutating func accept(_ c: UInt8) throws -> Bool {
        try skipSpace()
        if try peek() == c {
            position += 1
            return true
        }
        return false
    }

    /// The raw text of a string token (quotes included).
    private mutating func rawString(into out: inout [UInt8]) throws {
        guard try take() == UInt8(ascii: "\"") else { throw Malformed() }
        out.append(UInt8(ascii: "\""))
        while true {
            let c = try take()
            out.append(c)
            if c == UInt8(ascii: "\\") {
                out.append(try take())
            } else if c == UInt8(ascii: "\"") {
                return
            }
        }
    }

    private mutating func string() throws -> String {
        try skipSpace()
        var raw: [UInt8] = []
        try rawString(into: &raw)
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
        guard let s = try? JSONDecoder().decode(String.self, from: Data(raw)) else { throw Malformed() }
        return s
    }

    /// The raw text of one JSON value.
    private mutating func rawValue(into out: inout [UInt8]) throws {
        try skipSpace()
        var depth = 0
        repeat {
            try skipSpace()
            guard let c = try peek() else { throw Malformed() }
            if c == UInt8(ascii: "\"") {
                try rawString(into: &out)
            } else {
                position += 1
                out.append(c)
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth < 0 { throw Malformed() }
                } else if c != UInt8(ascii: ",") && c != UInt8(ascii: ":") {
                    // A number or a literal: up to the next delimiter.
                    while let d = try peek(), !Self.delimiter(d) {
                        out.append(d)
                        position += 1
                    }
                }
            }
        } while depth > 0
    }

    private static func delimiter(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: ":")
            || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    /// A number (or `"nan"`, `"inf"`, `"-inf"`) as `JSONDecoder` reads a `Double` of the file.
    private mutating func number() throws -> Double {
        try skipSpace()
        if try peek() == UInt8(ascii: "\"") {
            switch try string() {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: throw Malformed()
            }
        }
        var token: [UInt8] = []
        while let d = try peek(), !Self.delimiter(d) {
            token.append(d)
            position += 1
        }
        guard Self.isJSONNumber(token) else { throw Malformed() }
        token.append(0)
        return token.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { strtod($0, nil) }
        }
    }

    /// JSON's number syntax: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ t: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let s = i
            while i < t.count && t[i] >= 0x30 && t[i] <= 0x39 { i += 1 }
            return i - s
        }
        if i < t.count && t[i] == UInt8(ascii: "-") { i += 1 }
        let lead = i
        guard digits() > 0, !(t[lead] == 0x30 && i - lead > 1) else { return false }
        if i < t.count && t[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < t.count && (t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E")) {
            i += 1
            if i < t.count && (t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == t.count
    }

    private mutating func numbers(into out: inout [Double]) throws {
        out.removeAll(keepingCapacity: true)
        try array { out.append(try $0.number()) }
    }

    /// Calls `element` with the reader placed at each element of an array.
    private mutating func array(_ element: (inout RowsFileReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try accept(UInt8(ascii: "]")) { return }
        repeat { try element(&self) } while try accept(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    /// Appends `"key":VALUE`, the value as written, to an object's gathered text; where the
    /// value starts in it.
    private mutating func gather(_ key: String, into fields: inout [UInt8]) throws -> Int {
        if fields.count > 1 { fields.append(UInt8(ascii: ",")) }
        fields.append(contentsOf: Array("\(Self.quoted(key)):".utf8))
        let start = fields.count
        try rawValue(into: &fields)
        return start
    }

    /// The gathered text of an object, closed with `"key":[]` for the field read apart.
    private static func closed(_ fields: [UInt8], emptyArray key: String) -> Data {
        Data(fields + Array(((fields.count > 1 ? "," : "") + "\"\(key)\":[]}").utf8))
    }

    /// Calls `body` with each key of an object, the reader placed at its value.
    private mutating func object(_ body: (inout RowsFileReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try accept(UInt8(ascii: "}")) { return }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
        } while try accept(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// One run: its rows into a store (of `width` values a row once `metrics` has been read;
    /// before, gathered as records), the rest decoded as a `RunResult` without rows.
    private mutating func run() throws -> RunResult {
        var fields: [UInt8] = [UInt8(ascii: "{")]
        var width: Int?
        var store: RowStore?
        var early: [ReplicationRecord] = []
        var sawRows = false
        try object { r, key in
            if key == "replications" {
                sawRows = true
                var values: [Double] = [], series: [Double] = []
                try r.array { r in
                    var index: Int?
                    try r.object { r, k in
                        switch k {
                        case "index":
                            let v = try r.number()
                            guard v == v.rounded(), abs(v) < 9e15 else { throw Malformed() }
                            index = Int(v)
                        case "values": try r.numbers(into: &values)
                        case "series": try r.numbers(into: &series)
                        default:
                            var skipped: [UInt8] = []
                            try r.rawValue(into: &skipped)
                        }
                    }
                    guard let index else { throw Malformed() }
                    if let width {
                        if store == nil { store = RowStore(width: width, budget: r.budget) }
                        store!.append(index: index, values: values, series: series)
                    } else {
                        early.append(ReplicationRecord(index: index, values: values, series: series))
                    }
                }
                return
            }
            let start = try r.gather(key, into: &fields)
            if key == "metrics" {
                guard let m = try? JSONDecoder().decode([MetricDescriptor].self, from: Data(fields[start...])) else { throw Malformed() }
                width = m.count
            }
        }
        guard sawRows, let header = try? RowsFile.decoder().decode(RunResult.self, from: Self.closed(fields, emptyArray: "replications"))
        else { throw Malformed() }
        let rows = store ?? RowStore(width: header.metrics.count, records: early, budget: budget)
        return header.withRows(rows)
    }

    private static func quoted(_ key: String) -> String {
        String(decoding: (try? JSONEncoder().encode(key)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// The whole file: `SavedResults` with its runs' rows in stores. Throws `WrongFormat` as
    /// soon as the `format` field says another format, `Malformed` for anything else.
    mutating func savedResults() throws -> SavedResults {
        var fields: [UInt8] = [UInt8(ascii: "{")]
        var runs: [RunResult] = []
        var sawRuns = false
        try object { r, key in
            if key == "runs" {
                sawRuns = true
                try r.array { runs.append(try $0.run()) }
                return
            }
            let start = try r.gather(key, into: &fields)
            if key == "format", let f = try? JSONDecoder().decode(String.self, from: Data(fields[start...])), f != SavedResults.format {
                throw WrongFormat(format: f)
            }
        }
        try skipSpace()
        guard try peek() == nil, sawRuns,
              var saved = try? RowsFile.decoder().decode(SavedResults.self, from: Self.closed(fields, emptyArray: "runs"))
        else { throw Malformed() }
        saved.runs = runs
        return saved
    }
}
